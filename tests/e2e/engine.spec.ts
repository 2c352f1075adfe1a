/**
 * The training engine in Chromium WITHOUT WebGPU flags (project `chromium`): the shared worker,
 * the CPU backend, pause, queues, divergence, bad config, and the main-thread fallback on a
 * foreign page whose CSP blocks workers. Driven through the test-only engine-probe module.
 */
import { expect, test, type Page } from '@playwright/test';
import { createSession } from '../../widgets/core/trainer.ts';
import { embedUrl } from './support/foreign.ts';
import type {} from '../fixtures/widgets/engine-probe/engine-probe.ts';

/** Opens a page of the site and loads the engine-probe module into it. */
async function openEngine(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.addScriptTag({ url: '/widgets/engine-probe.js', type: 'module' });
  await page.waitForFunction(() => window.marginaliaEngine !== undefined);
  return errors;
}

test.describe('engine (CPU, no WebGPU)', () => {
  test('auto without an adapter: CPU in the worker, with the reason; curve equals the core', async ({ page }) => {
    const errors = await openEngine(page);
    const out = await page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({ seed: 7 }, { backend: 'auto' });
      const progress: number[] = [];
      const r = await t.train(60, (p) => progress.push(...p.losses));
      const host = await window.marginaliaEngine!.engineThread();
      const state = await t.state();
      t.dispose();
      return { report: t.report, losses: Array.from(r.losses), progress, host, state };
    });
    expect(out.report.backend).toBe('cpu');
    expect(out.report.host).toBe('worker');
    expect(out.report.reason).toMatch(/WebGPU|adapter/);
    expect(out.host).toBe('worker');
    expect(out.progress).toEqual(out.losses);
    expect(out.state.step).toBe(60);
    const ref = Array.from(createSession({ seed: 7 }).train(60).losses);
    for (let i = 0; i < ref.length; i++)
      expect(Math.abs(out.losses[i] - ref[i])).toBeLessThanOrEqual(1e-6 * Math.abs(ref[i]));
    expect(errors).toEqual([]);
  });

  test('forced webgpu without an adapter: CPU with the reason', async ({ page }) => {
    await openEngine(page);
    const report = await page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({}, { backend: 'webgpu' });
      t.dispose();
      return t.report;
    });
    expect(report.backend).toBe('cpu');
    expect(report.reason).toMatch(/^WebGPU requested, but /);
  });

  test('one worker shared by two trainers, torn down after the last disposes; calls queue; pause', async ({ page }) => {
    await openEngine(page);
    const out = await page.evaluate(async () => {
      const api = window.marginaliaEngine!;
      const workers: string[] = [];
      const Orig = Worker;
      // Count worker starts on this page (test only).
      window.Worker = class extends Orig {
        constructor(url: string | URL, opts?: WorkerOptions) {
          super(url, opts);
          workers.push(String(url));
        }
      };
      const a = await api.createRemoteSession({ seed: 1 }, { backend: 'cpu' });
      const b = await api.createRemoteSession({ seed: 2, scenario: 'classify-2d' }, { backend: 'cpu' });
      // Pause once the long call has trained something: its first progress report says so.
      let started!: () => void;
      const firstProgress = new Promise<void>((resolve) => (started = resolve));
      const long = a.train(1_000_000, () => started());
      const queued = a.train(10);
      const other = await b.train(20);
      await firstProgress;
      a.pause();
      const r1 = await long;
      const r2 = await queued;
      const r3 = await a.train(5);
      const grid = await b.gridProbabilities();
      const hostBefore = await api.engineThread();
      a.dispose();
      b.dispose();
      window.Worker = Orig;
      return {
        workers: workers.length,
        r1: { paused: r1.paused, n: r1.losses.length, step: r1.step },
        r2: { paused: r2.paused, n: r2.losses.length, step: r2.step },
        r3: { paused: r3.paused, step: r3.step },
        other: other.step,
        grid: grid ? [grid.rows, grid.cols] : null,
        hostBefore,
      };
    });
    // The last trainer's dispose closes the page's engine (and its worker): none is running after.
    await expect.poll(() => page.evaluate(() => window.marginaliaEngine!.engineThread())).toBeNull();
    expect(out.workers).toBe(1);
    expect(out.r1.paused).toBe(true);
    expect(out.r1.n).toBeGreaterThan(0);
    expect(out.r1.n).toBeLessThan(1_000_000);
    expect(out.r2).toEqual({ paused: true, n: 0, step: out.r1.step });
    expect(out.r3).toEqual({ paused: false, step: out.r1.step + 5 });
    expect(out.other).toBe(20);
    expect(out.grid).toEqual([64 * 64, 2]);
    expect(out.hostBefore).toBe('worker');
  });

  test('divergence (huge lr): rollback, lr halved, recover events', async ({ page }) => {
    await openEngine(page);
    const out = await page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({ lr: 50 }, { backend: 'cpu' });
      const events: { reason: string; lr: number }[] = [];
      const off = t.onRecover((e) => events.push(e));
      const r = await t.train(80);
      off();
      const state = await t.state();
      t.dispose();
      return {
        recoveries: r.recoveries,
        events,
        lr: state.lr,
        finite: Array.from(r.losses).filter(Number.isFinite).length,
      };
    });
    expect(out.recoveries.length).toBeGreaterThan(0);
    expect(out.events.length).toBe(out.recoveries.length);
    expect(out.events[0].lr).toBe(25);
    expect(['loss spike', 'non-finite loss']).toContain(out.events[0].reason);
    expect(out.lr).toBeLessThan(50);
  });

  test('bad configuration: a clear error naming the field, nothing crashes', async ({ page }) => {
    const errors = await openEngine(page);
    const out = await page.evaluate(async () => {
      const api = window.marginaliaEngine!;
      const tryCreate = async (config: Record<string, unknown>, backend = 'cpu') => {
        try {
          await api.createRemoteSession(config, { backend: backend as 'cpu' });
          return null;
        } catch (e) {
          return { name: (e as Error).name, field: (e as { field?: string }).field, message: (e as Error).message };
        }
      };
      const t = await api.createRemoteSession({}, { backend: 'cpu' });
      let configure: unknown = null;
      try {
        await t.configure({ rank: 65 });
      } catch (e) {
        configure = { name: (e as Error).name, field: (e as { field?: string }).field };
      }
      let use: unknown = null;
      try {
        await t.useAdapter('missing');
      } catch (e) {
        use = (e as Error).name;
      }
      t.dispose();
      return {
        rank0: await tryCreate({ rank: 0 }),
        rankBig: await tryCreate({ rank: 65 }),
        lr: await tryCreate({ lr: -1 }),
        scenario: await tryCreate({ scenario: 'nope' }),
        backend: await tryCreate({}, 'tpu'),
        configure,
        use,
      };
    });
    expect(out.rank0).toMatchObject({ name: 'LoraConfigError', field: 'rank' });
    expect(out.rankBig).toMatchObject({ name: 'LoraConfigError', field: 'rank' });
    expect(out.rankBig!.message).toContain('min(d, k)');
    expect(out.lr).toMatchObject({ name: 'LoraConfigError', field: 'lr' });
    expect(out.scenario).toMatchObject({ name: 'LoraConfigError', field: 'scenario' });
    expect(out.backend).toMatchObject({ name: 'LoraConfigError', field: 'backend' });
    expect(out.configure).toEqual({ name: 'LoraConfigError', field: 'rank' });
    expect(out.use).toBe('LoraStateError');
    expect(errors).toEqual([]);
  });

  test('adapter round trip through the worker: snapshot, ΔW, export/import, merge', async ({ page }) => {
    await openEngine(page);
    const out = await page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({ seed: 3 }, { backend: 'cpu' });
      await t.train(50);
      await t.saveAdapter('a');
      const zip = await t.exportAdapter('a');
      const s = await t.importAdapter('b', zip);
      const snap = await t.snapshot();
      const dw = await t.deltaW('fc2');
      const w = await t.adapterWeights('b');
      const merged = await t.merge();
      const st = await t.state();
      await t.unmerge();
      t.dispose();
      return {
        adapters: s.adapters,
        layers: snap.layers.map((l) => [l.name, l.W.rows, l.A?.rows, l.B?.cols, l.deltaW.cols]),
        dw: [dw.rows, dw.cols, dw.data.constructor.name],
        rank: w.rank,
        merged: merged.maxAbsDiff,
        isMerged: st.merged,
      };
    });
    expect(out.adapters).toEqual(['a', 'b']);
    expect(out.layers).toEqual([
      ['fc1', 64, 8, 8, 64],
      ['fc2', 64, 8, 8, 64],
    ]);
    expect(out.dw).toEqual([64, 64, 'Float32Array']);
    expect(out.rank).toBe(8);
    expect(out.merged).toBeLessThan(1e-3);
    expect(out.isMerged).toBe(true);
  });
});

test.describe('engine without a worker (foreign host, CSP without worker-src)', () => {
  test('runs on the main thread in slices, says why, same curve', async ({ page }) => {
    await page.goto(embedUrl({ tag: 'engine-probe', worker: false }));
    await page.waitForFunction(() => window.marginaliaEngine !== undefined);
    const out = await page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({ seed: 7 }, { backend: 'auto' });
      // Long tasks while training (the slices should stay far below 50 ms).
      const long: number[] = [];
      const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
      obs.observe({ type: 'longtask' });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const r = await t.train(60);
      clearInterval(timer);
      obs.disconnect();
      const host = await window.marginaliaEngine!.engineThread();
      t.dispose();
      return { report: t.report, losses: Array.from(r.losses), host, long, ticks };
    });
    expect(out.report.host).toBe('main-thread');
    expect(out.report.backend).toBe('cpu');
    expect(out.report.reason).toMatch(/no worker could start/);
    expect(out.host).toBe('main-thread');
    expect(out.ticks).toBeGreaterThan(0); // the page kept running timers while it trained
    const ref = Array.from(createSession({ seed: 7 }).train(60).losses);
    for (let i = 0; i < ref.length; i++)
      expect(Math.abs(out.losses[i] - ref[i])).toBeLessThanOrEqual(1e-6 * Math.abs(ref[i]));
  });

  test('with worker-src allowed, the foreign page trains in a blob worker', async ({ page }) => {
    await page.goto(embedUrl({ tag: 'engine-probe' }));
    await page.waitForFunction(() => window.marginaliaEngine !== undefined);
    const report = await page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({}, { backend: 'cpu' });
      await t.train(5);
      t.dispose();
      return t.report;
    });
    expect(report).toMatchObject({ backend: 'cpu', host: 'worker' });
  });
});

test.describe('CPU kernels: WebAssembly SIMD where the page allows it, else JavaScript', () => {
  /** Trains 40 steps on the CPU backend in the page's engine; the report, losses and what the page saw. */
  async function trainOnCpu(page: Page) {
    await page.waitForFunction(() => window.marginaliaEngine !== undefined);
    return page.evaluate(async () => {
      const t = await window.marginaliaEngine!.createRemoteSession({ seed: 9 }, { backend: 'cpu' });
      const r = await t.train(40);
      t.dispose();
      const w = window as unknown as { __violations?: { directive: string; blocked: string }[]; __errors?: string[] };
      return { report: t.report, losses: Array.from(r.losses), violations: w.__violations, errors: w.__errors };
    });
  }

  const ref = () => Array.from(createSession({ seed: 9 }).train(40).losses);
  const WASM = /; WebAssembly SIMD kernels$/;
  const BLOCKED =
    /; JavaScript kernels \(the page's Content-Security-Policy blocks WebAssembly: script-src needs 'wasm-unsafe-eval'\)$/;

  test('on the site: WebAssembly SIMD in the worker, the JS curve to the bit', async ({ page }) => {
    const errors = await openEngine(page);
    const out = await trainOnCpu(page);
    expect(out.report).toMatchObject({ backend: 'cpu', host: 'worker' });
    expect(out.report.reason).toMatch(WASM);
    expect(out.losses).toEqual(ref());
    expect(errors).toEqual([]);
  });

  for (const worker of [true, false]) {
    const host = worker ? 'worker' : 'main-thread';
    test(`foreign host, strict CSP without 'wasm-unsafe-eval' (${host}): JavaScript, says why, nothing fails`, async ({
      page,
    }) => {
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      await page.goto(embedUrl({ tag: 'engine-probe', worker }));
      const out = await trainOnCpu(page);
      expect(out.report).toMatchObject({ backend: 'cpu', host });
      expect(out.report.reason).toMatch(BLOCKED);
      expect(out.losses).toEqual(ref());
      expect(out.errors).toEqual([]);
      // The browser's own report of the one refused compile (on the page when the engine runs
      // there; a blob worker's go to the worker), and worker-src without a worker: nothing else.
      const wasmReports = out.violations!.filter((v) => v.blocked === 'wasm-eval');
      expect(wasmReports.length).toBe(worker ? 0 : 1);
      expect(out.violations!.every((v) => v.blocked === 'wasm-eval' || v.directive.startsWith('worker-src'))).toBe(
        true,
      );
      expect(
        consoleErrors.filter((m) => !/Content Security Policy|worker-src|Refused to create a worker/i.test(m)),
      ).toEqual([]);
    });

    test(`foreign host, CSP with 'wasm-unsafe-eval' (${host}): WebAssembly SIMD, no violation`, async ({ page }) => {
      const consoleErrors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      await page.goto(`${embedUrl({ tag: 'engine-probe', worker })}&wasm=1`);
      const out = await trainOnCpu(page);
      expect(out.report).toMatchObject({ backend: 'cpu', host });
      expect(out.report.reason).toMatch(WASM);
      expect(out.losses).toEqual(ref());
      expect(out.errors).toEqual([]);
      expect(out.violations!.filter((v) => !v.directive.startsWith('worker-src'))).toEqual([]);
      expect(consoleErrors.filter((m) => !/worker-src|Refused to create a worker/i.test(m))).toEqual([]);
    });
  }
});
