/**
 * The WebGPU backend in Chromium with WebGPU on (project `webgpu`; a software adapter here):
 * kernels vs the core at sizes up to 256, 50-step curves vs the CPU session, efficiency
 * invariants counted on the device, and the failure paths (fallback adapter under auto, device
 * lost mid-training, divergence). Every test fails on any WebGPU error (validation errors in
 * error scopes and uncaptured errors, collected in the worker), and a missing adapter FAILS.
 */
import { expect, test, type Page } from '@playwright/test';
import { createSession, type TrainerConfig } from '../../widgets/core/trainer.ts';
import type {} from '../fixtures/widgets/engine-probe/engine-probe.ts';
import { expectWorkerAdapter } from './support/webgpu.ts';

interface GpuStats {
  counters: Record<'createBuffer' | 'createBindGroup' | 'submit' | 'writeBuffer' | 'mapAsync', number> | null;
  errors: string[];
  lost: boolean;
}
type Debuggable = { debug(action: 'lose-device' | 'instrument' | 'gpu-stats'): Promise<unknown> };

async function openEngine(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.addScriptTag({ url: '/widgets/engine-probe.js', type: 'module' });
  await page.waitForFunction(() => window.marginaliaEngine !== undefined);
  await expectWorkerAdapter(page);
}

function expectClose(gpu: readonly number[], cpu: ArrayLike<number>, rel: number): void {
  expect(gpu.length).toBe(cpu.length);
  for (let i = 0; i < cpu.length; i++) {
    const tol = rel * Math.max(Math.abs(cpu[i]), 1e-12);
    if (!(Math.abs(gpu[i] - cpu[i]) <= tol))
      throw new Error(`step ${i}: GPU ${gpu[i]} vs CPU ${cpu[i]} (tolerance ${tol})`);
  }
}

test('kernels: forward and backward match the core within 1e-4 relative, sizes up to 256, in a worker', async ({
  page,
}) => {
  await openEngine(page);
  const cases = [
    { d: 64, k: 64, n: 32, r: 8, dropout: 0, loss: 'mse' as const },
    { d: 256, k: 256, n: 32, r: 16, dropout: 0.1, loss: 'mse' as const },
    { d: 256, k: 128, n: 64, r: 64, dropout: 0, loss: 'mse' as const },
    { d: 100, k: 37, n: 19, r: 3, dropout: 0.3, loss: 'ce' as const },
    { d: 64, k: 64, n: 32, r: 8, dropout: 0, loss: 'mse' as const, matmul: 'naive' as const },
  ];
  const out = await page.evaluate((c) => window.marginaliaEngine!.gpuParity(c), cases);
  expect(out.errors).toEqual([]);
  expect(out.results).toHaveLength(cases.length);
  for (const r of out.results) {
    const where = JSON.stringify(r.case);
    expect(r.output, `output ${where}`).toBeLessThanOrEqual(1e-4);
    expect(r.loss, `loss ${where}`).toBeLessThanOrEqual(1e-4);
    expect(Object.keys(r.grads)).toEqual(['fc1.A', 'fc1.B', 'fc2.A', 'fc2.B']);
    for (const [name, e] of Object.entries(r.grads)) expect(e, `${name} ${where}`).toBeLessThanOrEqual(1e-4);
  }
});

test('50-step loss curves: WebGPU equals the CPU session within 1e-3 (dropout, CE, SGD too)', async ({ page }) => {
  await openEngine(page);
  const configs: TrainerConfig[] = [
    { seed: 7 },
    { seed: 3, dropout: 0.2, rank: 4 },
    { seed: 2, scenario: 'classify-2d' },
    { seed: 5, scenario: 'overfit', trainSize: 64, optimizer: 'sgd', lr: 0.05 },
  ];
  const out = await page.evaluate(async (cs) => {
    const res = [];
    for (const c of cs) {
      const t = await window.marginaliaEngine!.createRemoteSession(c, { backend: 'webgpu' });
      const r = await t.train(50);
      const stats = (await (t as unknown as Debuggable).debug('gpu-stats')) as GpuStats;
      const state = await t.state();
      t.dispose();
      res.push({ report: t.report, losses: Array.from(r.losses), stats, step: state.step });
    }
    return res;
  }, configs);
  out.forEach((o, i) => {
    expect(o.report.backend).toBe('webgpu');
    expect(o.report.reason).toMatch(/software fallback/);
    expect(o.stats.errors).toEqual([]);
    expect(o.step).toBe(50);
    expectClose(o.losses, createSession(configs[i]).train(50).losses, 1e-3);
  });
});

test('auto on the software fallback adapter: CPU, with the reason', async ({ page }) => {
  await openEngine(page);
  const report = await page.evaluate(async () => {
    const t = await window.marginaliaEngine!.createRemoteSession({}, { backend: 'auto' });
    t.dispose();
    return t.report;
  });
  expect(report).toEqual({
    backend: 'cpu',
    host: 'worker',
    reason: 'the WebGPU adapter is a software fallback, slower than the CPU backend; WebAssembly SIMD kernels',
  });
});

test('efficiency: after warm-up a step creates no buffers or bind groups, ≤ 1 submit per step, ≤ 1 map per 10 steps', async ({
  page,
}) => {
  await openEngine(page);
  const out = await page.evaluate(async () => {
    const t = await window.marginaliaEngine!.createRemoteSession({ seed: 1, dropout: 0.1 }, { backend: 'webgpu' });
    const d = t as unknown as Debuggable;
    await t.train(40); // warm-up
    await d.debug('instrument');
    const r = await t.train(200);
    const stats = (await d.debug('gpu-stats')) as GpuStats;
    t.dispose();
    return { steps: r.losses.length, stats, backend: t.report.backend };
  });
  expect(out.backend).toBe('webgpu');
  expect(out.steps).toBe(200);
  const c = out.stats.counters!;
  expect(c.createBuffer).toBe(0);
  expect(c.createBindGroup).toBe(0);
  expect(c.submit).toBeGreaterThan(0);
  expect(c.submit).toBeLessThanOrEqual(out.steps);
  expect(c.writeBuffer).toBeLessThanOrEqual(c.submit); // at most one writeBuffer per submit
  expect(c.mapAsync).toBeLessThanOrEqual(out.steps / 10);
  expect(out.stats.errors).toEqual([]);
});

test('device lost mid-training (device.destroy()): continues on the CPU, recover event, the curve goes on', async ({
  page,
}) => {
  await openEngine(page);
  const out = await page.evaluate(async () => {
    const t = await window.marginaliaEngine!.createRemoteSession({ seed: 11 }, { backend: 'webgpu' });
    const d = t as unknown as Debuggable;
    const recovers: { reason: string; lr: number }[] = [];
    const backends: { backend: string; reason: string }[] = [];
    const offR = t.onRecover((e) => recovers.push(e));
    const offB = t.onBackend((r) => backends.push(r));
    const before = t.report.backend;
    let lostAt = -1;
    const r = await t.train(300, (p) => {
      if (lostAt < 0) {
        lostAt = p.step;
        void d.debug('lose-device');
      }
    });
    const after = await t.train(20);
    offR();
    offB();
    const state = await t.state();
    t.dispose();
    return {
      before,
      report: t.report,
      recovers,
      backends,
      losses: Array.from(r.losses),
      after: after.losses.length,
      lostAt,
      step: state.step,
    };
  });
  expect(out.before).toBe('webgpu');
  expect(out.lostAt).toBeGreaterThan(0);
  expect(out.lostAt).toBeLessThan(300);
  expect(out.recovers.map((e) => e.reason)).toContain('device lost');
  expect(out.backends.at(-1)).toMatchObject({ backend: 'cpu' });
  expect(out.report).toMatchObject({ backend: 'cpu', host: 'worker' });
  expect(out.report.reason).toMatch(/device lost/);
  expect(out.losses).toHaveLength(300);
  expect(out.step).toBe(320);
  // The curve continues where the GPU left it: the same curve as an uninterrupted CPU run.
  expectClose(out.losses, createSession({ seed: 11 }).train(300).losses, 1e-3);
});

test('divergence on the GPU (huge lr): rollback and halved lr, from the GPU non-finite/spike flag', async ({
  page,
}) => {
  await openEngine(page);
  const out = await page.evaluate(async () => {
    const t = await window.marginaliaEngine!.createRemoteSession({ seed: 1, lr: 50 }, { backend: 'webgpu' });
    const events: { reason: string; lr: number }[] = [];
    const off = t.onRecover((e) => events.push(e));
    const r = await t.train(100);
    off();
    const stats = (await (t as unknown as Debuggable).debug('gpu-stats')) as GpuStats;
    const state = await t.state();
    t.dispose();
    return { backend: t.report.backend, recoveries: r.recoveries, events, lr: state.lr, stats };
  });
  expect(out.backend).toBe('webgpu');
  expect(out.recoveries.length).toBeGreaterThan(0);
  expect(out.events.length).toBe(out.recoveries.length);
  expect(out.events[0].lr).toBe(25);
  expect(out.lr).toBe(50 / 2 ** out.recoveries.length);
  expect(out.stats.errors).toEqual([]);
  const cpu = createSession({ seed: 1, lr: 50 }).train(100);
  expect(out.recoveries[0].step).toBe(cpu.recoveries[0].step);
});
