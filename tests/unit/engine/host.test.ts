import { describe, expect, it } from 'vitest';
import { createSession, LoraConfigError, LoraStateError, type TrainerSession } from '../../../widgets/core/trainer.ts';
import { cpuBackend, DeviceLostError, type TrainBackend } from '../../../widgets/core/train-backend.ts';
import { JS_KERNELS, type CpuKernels } from '../../../widgets/core/cpu-kernels.ts';
import { EngineHost, type HostOptions } from '../../../widgets/engine/host.ts';
import { request, type EngineEvent, type EngineOp, type EngineOps } from '../../../widgets/engine/protocol.ts';

function makeHost(extra: Partial<HostOptions> = {}) {
  const events: EngineEvent[] = [];
  const waiting = new Set<(e: EngineEvent) => void>();
  const emit = (e: EngineEvent): void => {
    events.push(e);
    for (const w of [...waiting]) w(e);
  };
  const host = new EngineHost({ host: 'worker', sliceMs: 5, progressMs: 0, emit, ...extra });
  let id = 1;
  const call = <K extends EngineOp>(trainer: number, op: K, args: EngineOps[K]['args']) =>
    host.handle(request(id++, trainer, op, args)) as Promise<EngineOps[K]['result']>;
  /** Resolves with the next event `test` accepts. */
  const nextEvent = (test: (e: EngineEvent) => boolean) =>
    new Promise<EngineEvent>((resolve) => {
      const w = (e: EngineEvent): void => {
        if (!test(e)) return;
        waiting.delete(w);
        resolve(e);
      };
      waiting.add(w);
    });
  return { host, events, call, nextEvent };
}

describe('engine host (CPU)', () => {
  it('trains exactly like the core session, in slices, with progress that adds up', async () => {
    const { call, events } = makeHost();
    const created = await call(1, 'create', { config: { seed: 3 }, backend: 'cpu' });
    expect(created.report).toEqual({
      backend: 'cpu',
      host: 'worker',
      reason: 'CPU backend requested; JavaScript kernels',
    });
    const r = await call(1, 'train', { steps: 120, seq: 1 });
    const ref = createSession({ seed: 3 }).train(120);
    expect(r.step).toBe(120);
    expect(Array.from(r.losses)).toEqual(Array.from(ref.losses));
    const progress = events.filter((e) => e.kind === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    const joined = progress.flatMap((p) => Array.from(p.kind === 'progress' ? p.losses : []));
    expect(joined).toEqual(Array.from(ref.losses));
  });

  it('queues requests per trainer; pause stops the running and already-sent trains', async () => {
    const { call, nextEvent } = makeHost();
    await call(1, 'create', { config: {}, backend: 'cpu' });
    const first = call(1, 'train', { steps: 100000, seq: 1 });
    const second = call(1, 'train', { steps: 100000, seq: 2 });
    const state = call(1, 'state', null);
    // Pause once the first call has trained a slice (its first progress report).
    await nextEvent((e) => e.kind === 'progress' && e.trainer === 1);
    await call(1, 'pause', { upTo: 2 });
    const a = await first;
    const b = await second;
    expect(a.paused).toBe(true);
    expect(a.losses.length).toBeGreaterThan(0);
    expect(a.losses.length).toBeLessThan(100000);
    expect(b).toMatchObject({ paused: true, step: a.step });
    expect(b.losses.length).toBe(0);
    expect((await state).step).toBe(a.step);
    // A later train is not paused.
    const c = await call(1, 'train', { steps: 5, seq: 3 });
    expect(c).toMatchObject({ paused: false, step: a.step + 5 });
  });

  it('bad configuration: a LoraConfigError naming the field', async () => {
    const { call } = makeHost();
    await expect(call(1, 'create', { config: { rank: 0 }, backend: 'cpu' })).rejects.toMatchObject({
      name: 'LoraConfigError',
      field: 'rank',
    });
    await expect(call(2, 'create', { config: { scenario: 'nope' }, backend: 'cpu' })).rejects.toBeInstanceOf(
      LoraConfigError,
    );
    await call(3, 'create', { config: {}, backend: 'cpu' });
    await expect(call(3, 'configure', { config: { lr: -1 } })).rejects.toMatchObject({ field: 'lr' });
    await expect(call(3, 'train', { steps: -1, seq: 1 })).rejects.toBeInstanceOf(RangeError);
    await expect(call(99, 'state', null)).rejects.toBeInstanceOf(LoraStateError);
  });

  it('divergence: rollback and halved lr, reported as recover events', async () => {
    const { call, events } = makeHost();
    await call(1, 'create', { config: { lr: 50 }, backend: 'cpu' });
    const r = await call(1, 'train', { steps: 60, seq: 1 });
    expect(r.recoveries.length).toBeGreaterThan(0);
    const rec = events.filter((e) => e.kind === 'recover');
    expect(rec.length).toBe(r.recoveries.length);
    expect(rec[0]).toMatchObject({ kind: 'recover', lr: 25 });
    const s = await call(1, 'state', null);
    expect(s.lr).toBeLessThan(50);
  });

  it('adapters, merge, snapshot and configure go through the session', async () => {
    const { call } = makeHost();
    await call(1, 'create', { config: { seed: 2 }, backend: 'cpu' });
    await call(1, 'train', { steps: 30, seq: 1 });
    expect((await call(1, 'saveAdapter', { name: 'a' })).adapters).toEqual(['a']);
    const snap = await call(1, 'snapshot', null);
    expect(snap.layers.map((l) => l.name)).toEqual(['fc1', 'fc2']);
    expect(snap.layers[0].deltaW.rows).toBe(64);
    const m = await call(1, 'merge', null);
    expect(m.maxAbsDiff).toBeLessThan(1e-4);
    await expect(call(1, 'train', { steps: 1, seq: 2 })).rejects.toBeInstanceOf(LoraStateError);
    await call(1, 'unmerge', null);
    const zip = await call(1, 'exportAdapter', { name: 'a' });
    expect(zip).toBeInstanceOf(Uint8Array);
    const s = await call(1, 'configure', { config: { seed: 2, rank: 4 } });
    expect(s.step).toBe(0);
    expect(s.adapters).toEqual(['a']);
    expect(await call(1, 'gridProbabilities', null)).toBeNull();
    await call(1, 'dispose', null);
    await expect(call(1, 'state', null)).rejects.toBeInstanceOf(LoraStateError);
  });
});

/** A fake GPU backend: trains on the session (like the real one syncs it), loses its device on cue. */
function fakeGpu(loseAfterCalls: number) {
  let calls = 0;
  let disposed = 0;
  const factory = async (session: TrainerSession): Promise<TrainBackend> => ({
    kind: 'webgpu',
    chunkSteps: 10,
    train: async (steps) => {
      if (++calls > loseAfterCalls) throw new DeviceLostError('destroyed');
      return session.train(steps);
    },
    invalidate: () => {},
    dispose: () => {
      disposed++;
    },
  });
  return { factory, disposedCount: () => disposed };
}

const fakeNavigatorGpu = (isFallbackAdapter: boolean) => ({
  requestAdapter: async () => ({ info: { isFallbackAdapter } }) as unknown as GPUAdapter,
});

describe('engine host: GPU selection and device loss', () => {
  it('device lost mid-training: continues on the CPU, same curve, recover + backend events', async () => {
    const gpu = fakeGpu(3);
    const { call, events } = makeHost({ gpu: fakeNavigatorGpu(true), gpuBackend: gpu.factory });
    const created = await call(1, 'create', { config: { seed: 5 }, backend: 'webgpu' });
    expect(created.report.backend).toBe('webgpu');
    const r = await call(1, 'train', { steps: 80, seq: 1 });
    expect(r.step).toBe(80);
    expect(Array.from(r.losses)).toEqual(Array.from(createSession({ seed: 5 }).train(80).losses));
    expect(events.find((e) => e.kind === 'recover')).toMatchObject({ reason: 'device lost' });
    const backend = events.find((e) => e.kind === 'backend');
    expect(backend).toMatchObject({ report: { backend: 'cpu', host: 'worker' } });
    expect(gpu.disposedCount()).toBe(1);
  });

  it('auto on a fallback adapter: cpu with the reason; a failing GPU factory: cpu with the reason', async () => {
    const { call } = makeHost({ gpu: fakeNavigatorGpu(true), gpuBackend: fakeGpu(99).factory });
    expect((await call(1, 'create', { config: {}, backend: 'auto' })).report.backend).toBe('cpu');
    const broken = makeHost({
      gpu: fakeNavigatorGpu(false),
      gpuBackend: async () => {
        throw new Error('pipeline failed');
      },
    });
    const r = (await broken.call(1, 'create', { config: {}, backend: 'auto' })).report;
    expect(r.backend).toBe('cpu');
    expect(r.reason).toContain('pipeline failed');
  });

  it('main thread: cpu, with the reason it is there', async () => {
    const { call } = makeHost({ host: 'main-thread', noGpuReason: 'no worker could start (blocked)' });
    const r = (await call(1, 'create', { config: {}, backend: 'webgpu' })).report;
    expect(r).toEqual({
      backend: 'cpu',
      host: 'main-thread',
      reason: 'no worker could start (blocked); JavaScript kernels',
    });
    expect(cpuBackend(createSession()).kind).toBe('cpu');
  });
});

describe('engine host: CPU kernels', () => {
  it('loads the CPU kernels once, from the first create, and names them in the reason', async () => {
    const urls: (string | undefined)[] = [];
    let products = 0;
    const counting: CpuKernels = {
      kind: 'wasm',
      matmul: (...a: Parameters<typeof JS_KERNELS.matmul>) => (products++, JS_KERNELS.matmul(...a)),
      matmulTA: (...a: Parameters<typeof JS_KERNELS.matmulTA>) => (products++, JS_KERNELS.matmulTA(...a)),
      matmulTB: (...a: Parameters<typeof JS_KERNELS.matmulTB>) => (products++, JS_KERNELS.matmulTB(...a)),
    } as CpuKernels;
    const { call } = makeHost({
      loadKernels: async (url) => {
        urls.push(url);
        return { kernels: counting, note: 'WebAssembly SIMD kernels' };
      },
    });
    const one = await call(1, 'create', { config: { seed: 4 }, backend: 'cpu', kernelsUrl: 'k.wasm' });
    await call(2, 'create', { config: { seed: 4 }, backend: 'cpu', kernelsUrl: 'other.wasm' });
    expect(urls).toEqual(['k.wasm']);
    expect(one.report.reason).toBe('CPU backend requested; WebAssembly SIMD kernels');
    const r = await call(1, 'train', { steps: 30, seq: 1 });
    expect(products).toBeGreaterThan(30);
    expect(Array.from(r.losses)).toEqual(Array.from(createSession({ seed: 4 }).train(30).losses));
    const before = products;
    await call(2, 'configure', { config: { seed: 5, rank: 2 } });
    await call(2, 'train', { steps: 5, seq: 1 });
    expect(products).toBeGreaterThan(before);
  });
});
