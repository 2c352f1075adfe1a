// Benchmark (not a test): the LoRA training engine in Chromium, against TensorFlow.js 4.22.
//   MARGINALIA_FIXTURES=1 astro build && node bench/lora-engine.bench.mjs   (or npm run bench)
// Serves the built site (MARGINALIA_OUT_DIR or dist/, MARGINALIA_SITE_PORT) and drives the
// test-only engine-probe module (tests/fixtures/widgets/engine-probe/bench.ts has the model and
// what each implementation does per step) in Chromium with WebGPU on (a software adapter here):
//   - steps/s at d = 64 and d = 256, median of 5 runs: ours (CPU core, WebGPU tiled and naive)
//     and tfjs (cpu, wasm, webgpu) on the identical model, batch and optimiser;
//   - the longest main-thread task while <lora-trainer>'s engine trains 2,000 steps: in the worker,
//     and on the main thread of a foreign page whose CSP blocks workers (slices): gaps between
//     0 ms timer tasks (median, p99, max) and long tasks (≥ 50 ms) seen by PerformanceObserver.
//     BENCH_PART=longest runs only this part; BENCH_PART=ratios only the steps/s table.
// "ours cpu" is the CPU backend as shipped: its WebAssembly SIMD kernels (the site allows them);
// "ours cpu (js kernels)" the plain-JS kernels it falls back to under a CSP without
// 'wasm-unsafe-eval'. BENCH_RUNS (default 5) sets the runs per figure.
// The load average is printed before and after (bench/load.mjs): a busy machine gets up to 5 min to
// settle, and figures taken under load say so (BENCH_SETTLE=0 skips the wait, for a quick trend).
import { chromium } from '@playwright/test';
import { report, settle } from './load.mjs';
import { chromiumPath, BASE_ARGS, WEBGPU_ARGS } from '../scripts/lib/chromium.mjs';
import { startTestServer } from '../scripts/lib/start-test-server.mjs';
import { SITE, FOREIGN } from '../scripts/lib/ports.mjs';
import { installMainThreadWatch } from './lib/element-bench.mjs';

const loadBefore = await settle({ wait: process.env.BENCH_SETTLE !== '0' });
const runs = Number(process.env.BENCH_RUNS ?? 5);
const server = await startTestServer();
const fmt = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : 'n/a');
try {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...BASE_ARGS, ...WEBGPU_ARGS] });
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${SITE}/`);
  await page.addScriptTag({ url: '/widgets/engine-probe.js', type: 'module' });
  await page.waitForFunction(() => window.marginaliaEngine !== undefined);
  page.setDefaultTimeout(600_000);
  if (process.env.BENCH_PART !== 'longest') {
    const { rows, adapter } = await page.evaluate(
      async (runs) => (await window.marginaliaEngine.bench()).runBench(runs),
      runs,
    );
    console.log(`adapter: ${adapter}`);
    console.log(`what                          d    steps/s (median of ${runs})   runs`);
    for (const r of rows)
      console.log(
        `${r.what.padEnd(28)} ${String(r.d).padStart(4)}  ${fmt(r.stepsPerSecond).padStart(10)}   ${r.runs.map(fmt).join(' ')}${r.note ? `  (${r.note})` : ''}`,
      );
    const get = (what, d) => rows.find((r) => r.what === what && r.d === d)?.stepsPerSecond ?? NaN;
    console.log('\nratios');
    for (const d of [64, 256]) {
      console.log(
        `d=${d}: ours cpu / tfjs cpu = ${fmt(get('ours cpu', d) / get('tfjs cpu', d))}×, ours cpu / tfjs wasm = ${fmt(get('ours cpu', d) / get('tfjs wasm', d))}×, ours webgpu / tfjs webgpu = ${fmt(get('ours webgpu (tiled matmul)', d) / get('tfjs webgpu', d))}×, tiled / naive = ${fmt(get('ours webgpu (tiled matmul)', d) / get('ours webgpu (naive matmul)', d))}×, wasm / js kernels = ${fmt(get('ours cpu', d) / get('ours cpu (js kernels)', d))}×`,
      );
    }
  }

  // Longest main-thread task while the engine trains (CPU backend): worker, then main thread.
  const longest = async (p) =>
    p.evaluate(async () => {
      const t = await window.marginaliaEngine.createRemoteSession({ seed: 1 }, { backend: 'cpu' });
      await t.train(20);
      const watch = window.mainThreadWatch();
      const t0 = performance.now();
      const r = await t.train(2000);
      const ms = performance.now() - t0;
      const gaps = watch.stop();
      const host = t.report.host;
      t.dispose();
      return {
        host,
        p50: gaps.p50,
        p99: gaps.p99,
        maxGap: gaps.max,
        longTasks: gaps.long,
        longest: gaps.longMax,
        stepsPerSecond: (r.losses.length * 1000) / ms,
      };
    });
  const results = [];
  for (const worker of process.env.BENCH_PART === 'ratios' ? [] : [true, false]) {
    // A fresh page per run (the benchmarks above leave a lot of garbage in `page`).
    for (let run = 0; run < 3; run++) {
      const p = await browser.newPage();
      await installMainThreadWatch(p);
      await p.goto(`${FOREIGN}/embed.html?tag=engine-probe&count=1${worker ? '' : '&worker=0'}`);
      await p.waitForFunction(() => window.marginaliaEngine !== undefined);
      results.push(await longest(p));
      await p.close();
    }
  }
  if (results.length)
    console.log('\nlongest main-thread task while training 2,000 steps (d = 64, CPU backend), 3 runs each');
  for (const r of results) {
    console.log(
      `${r.host.padEnd(12)} gaps between timer tasks: median ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.maxGap.toFixed(1)} ms; long tasks (≥ 50 ms): ${r.longTasks}, longest ${r.longest.toFixed(0)} ms; ${fmt(r.stepsPerSecond)} steps/s`,
    );
  }
  await browser.close();
  report(loadBefore);
} finally {
  server.kill();
}
