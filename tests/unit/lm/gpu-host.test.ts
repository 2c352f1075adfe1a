/**
 * `<lora-lm>`'s host (widgets/lora-lm/host.ts) choosing WebGPU and training through a GPU mirror
 * (widgets/gpu/lm.ts), with the GPU emulated by the kernels' CPU twins (emulate.ts): the same
 * losses and adapter as a CPU session; a failing chunk falls back to the CPU mid-call with the
 * same curve and says why; no worker or `backend="cpu"` means the CPU. The real kernels run in
 * tests/e2e/lora-lm.gpu.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JS_KERNELS } from '../../../widgets/core/cpu-kernels.ts';
import { emulatedStepper } from '../../../widgets/gpu/emulate.ts';
import { LmGpuTrainer, lmPlanSpec } from '../../../widgets/gpu/lm.ts';
import { buildPlan } from '../../../widgets/gpu/plan.ts';
import { LmHost, LmSession, type GpuTrainerFactory, type HostEnv } from '../../../widgets/lora-lm/host.ts';

const ASSETS = new URL('../../../widgets/lora-lm/assets/', import.meta.url);
const STEPS = 25;
const CHUNK = 10;

const fakeGpu = {
  requestAdapter: () =>
    Promise.resolve({ info: { isFallbackAdapter: false, vendor: 'emulated' } } as unknown as GPUAdapter),
};

/** An emulated GPU trainer; `failAt`: the chunk (0-based, counted over the factory) that rejects. */
function emulated(failAt = -1): GpuTrainerFactory {
  let chunks = 0;
  return (trainer, lm) => {
    const plan = buildPlan(lmPlanSpec(lm, trainer.batch, CHUNK));
    const runner = emulatedStepper(
      plan,
      lm.layers.map((l) => l.W.data.slice()),
    );
    const run = runner.runChunk;
    runner.runChunk = (s, w, d) => (chunks++ === failAt ? Promise.reject(new Error('device lost')) : run(s, w, d));
    return Promise.resolve(new LmGpuTrainer(trainer, plan, runner));
  };
}

function env(gpu?: Pick<HostEnv, 'gpu' | 'gpuTrainer' | 'debug'>): HostEnv {
  return {
    loadKernels: () => Promise.resolve({ kernels: JS_KERNELS, note: 'JavaScript kernels' }),
    fetchBytes: (url) => Promise.resolve(new Uint8Array(readFileSync(new URL(url, ASSETS)))),
    now: () => performance.now(),
    yieldNow: () => Promise.resolve(),
    sliceMs: 50,
    ...gpu,
  };
}

async function session(
  backend: 'auto' | 'webgpu' | 'cpu',
  gpu?: Pick<HostEnv, 'gpu' | 'gpuTrainer'>,
): Promise<{ s: LmSession; info: Awaited<ReturnType<LmSession['load']>> }> {
  const s = new LmSession(env(gpu));
  const info = await s.load({
    checkpoint: 'base.safetensors',
    corpora: { code: 'code.txt', cards: 'cards.txt' },
    backend,
  });
  return { s, info };
}

function maxRel(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));
}

const args = { adapter: 'code', steps: STEPS, rank: 4, seed: 7 };

describe('lora-lm host on an emulated GPU', () => {
  it('backend="webgpu" trains on the GPU: the same losses and adapter as the CPU (1e-4)', async () => {
    const cpu = await session('cpu');
    expect(cpu.info).toMatchObject({ backend: 'cpu', reason: 'CPU backend requested' });
    const gpu = await session('webgpu', { gpu: fakeGpu, gpuTrainer: emulated() });
    expect(gpu.info).toMatchObject({ backend: 'webgpu' });
    expect(gpu.info.reason).toMatch(/WebGPU adapter/);
    const steps: number[] = [];
    const g = await gpu.s.train(args, (step) => steps.push(step));
    const c = await cpu.s.train(args, () => {});
    expect(g.backend).toBe('webgpu');
    expect(g.fallback).toBeUndefined();
    expect(steps).toEqual([10, 20, 25]);
    expect(maxRel(g.losses, c.losses)).toBeLessThanOrEqual(1e-4);
    // it learned: the held-out loss on its corpus fell below the base's (one batch's loss is too noisy to compare)
    expect(gpu.s.loss('code', 'code')).toBeLessThan(gpu.s.loss(null, 'code'));
    // what it learned: the held-out loss of the trained adapter, and a second call continues
    expect(Math.abs(gpu.s.loss('code', 'code') - cpu.s.loss('code', 'code'))).toBeLessThan(1e-4);
    const g2 = await gpu.s.train({ ...args, steps: 5 }, () => {});
    const c2 = await cpu.s.train({ ...args, steps: 5 }, () => {});
    expect(g2.steps).toBe(30);
    expect(maxRel(g2.losses, c2.losses)).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  it('a chunk that fails: the call goes on on the CPU from the last chunk, same curve, and says why', async () => {
    const cpu = await session('cpu');
    const gpu = await session('auto', { gpu: fakeGpu, gpuTrainer: emulated(1) });
    expect(gpu.info.backend).toBe('webgpu');
    const progress: { step: number; fallback?: string }[] = [];
    const g = await gpu.s.train(args, (step, _loss, _sps, fallback) =>
      progress.push(fallback === undefined ? { step } : { step, fallback }),
    );
    const c = await cpu.s.train(args, () => {});
    expect(g.backend).toBe('cpu');
    // the first chunk's 10 steps are kept; the CPU goes on from step 10
    expect(g.fallback).toBe('WebGPU failed (Error: device lost); training continues on the CPU from step 10 of code');
    expect(g.steps).toBe(STEPS);
    // said once, on the first progress after the failure, before the CPU's steps are reported
    expect(progress[0]).toEqual({ step: 10 });
    expect(progress.filter((p) => p.fallback !== undefined)).toEqual([
      { step: progress[1]!.step, fallback: g.fallback },
    ]);
    expect(progress[1]!.step).toBeGreaterThan(10);
    expect(progress.at(-1)!.step).toBe(STEPS);
    expect(maxRel(g.losses, c.losses)).toBeLessThanOrEqual(1e-4);
    // the session stays on the CPU: another adapter trains there too
    const said: (string | undefined)[] = [];
    const other = await gpu.s.train({ ...args, adapter: 'cards', steps: 3 }, (...p) => said.push(p[3]));
    expect(other.backend).toBe('cpu');
    expect(other.fallback).toBeUndefined();
    expect(said.length).toBeGreaterThan(0);
    expect(said.every((f) => f === undefined)).toBe(true);
  }, 60_000);

  it('no worker (no GPU trainer), or backend="cpu": the CPU, and why', async () => {
    const main = await session('webgpu', { gpu: fakeGpu });
    expect(main.info.backend).toBe('cpu');
    expect(main.info.reason).toMatch(/^WebGPU requested, but .*worker/);
    const cpu = await session('cpu', { gpu: fakeGpu, gpuTrainer: emulated() });
    expect(cpu.info.backend).toBe('cpu');
    expect((await cpu.s.train({ ...args, steps: 2 }, () => {})).backend).toBe('cpu');
    const none = await session('webgpu', {
      gpu: { requestAdapter: () => Promise.resolve(null) },
      gpuTrainer: emulated(),
    });
    expect(none.info).toMatchObject({ backend: 'cpu', reason: 'WebGPU requested, but no WebGPU adapter is available' });
  }, 60_000);

  it("a GPU trainer that cannot be made: the call trains on the CPU from the adapter's step, and says why", async () => {
    const failing: GpuTrainerFactory = () => Promise.reject(new Error('out of memory'));
    const gpu = await session('webgpu', { gpu: fakeGpu, gpuTrainer: failing });
    const firsts: (string | undefined)[] = [];
    const g = await gpu.s.train({ ...args, steps: 3 }, (...p) => firsts.push(p[3]));
    expect(g).toMatchObject({ backend: 'cpu', steps: 3 });
    expect(g.fallback).toBe('WebGPU failed (Error: out of memory); training continues on the CPU from step 0 of code');
    expect(firsts[0]).toBe(g.fallback);
    expect(firsts.slice(1).every((f) => f === undefined)).toBe(true);
  }, 60_000);
});

describe('lora-lm host: the debug op (tests only)', () => {
  it("answers through the environment's hook and refuses other actions", async () => {
    const asked: string[] = [];
    const host = new LmHost(env({ debug: (action) => (asked.push(action), true) }));
    expect(await host.handle(1, 'debug', { action: 'lose-device' }, () => {})).toBe(true);
    expect(asked).toEqual(['lose-device']);
    expect(() => host.handle(1, 'debug', { action: 'reset' }, () => {})).toThrow(/unknown debug action "reset"/);
    expect(asked).toEqual(['lose-device']);
    // without the hook (the main thread): nothing to lose
    expect(new LmHost(env()).handle(1, 'debug', { action: 'lose-device' }, () => {})).toBe(false);
  });
});
