// Benchmark (not a test): <lora-lm> in Chromium, UI included.
//   MARGINALIA_FIXTURES=1 astro build && node bench/lora-lm.bench.mjs
// Serves the built site (MARGINALIA_OUT_DIR or dist/, MARGINALIA_SITE_PORT) and measures, median of 3
// (BENCH_RUNS sets the runs):
//   - time to ready: scrolling the playground's <lora-lm> into view → model loaded (checkpoint,
//     corpora and kernels fetched, worker started);
//   - train('code') for the element's default 300 steps, through the element (loss curve and
//     lm-step events live): wall time and steps/s; the longest main-thread task meanwhile
//     (PerformanceObserver long tasks, and gaps between 0 ms timer tasks);
//   - sample latency: one 160-character sample from the base and from the trained adapter;
//   - the same training on the main thread of a foreign page whose CSP blocks workers.
// Waits for the machine to settle first and prints the load before and after (bench/load.mjs).
import { report, settle } from './load.mjs';
import { fmt as f, median, playgroundAndForeign } from './lib/element-bench.mjs';

const STEPS = 300;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const loadBefore = await settle({ wait: process.env.BENCH_SETTLE !== '0' });

/** Trains, then samples, on the element at `selector`, timing main-thread gaps meanwhile. */
async function measure(page, selector) {
  return page.locator(selector).evaluate(async (el, steps) => {
    const watch = window.mainThreadWatch();
    const t0 = performance.now();
    await el.train('code', steps);
    const ms = performance.now() - t0;
    const { max, long, longMax } = watch.stop();
    const s0 = performance.now();
    await el.sample({ adapter: null, seed: 7, length: 160 });
    const base = performance.now() - s0;
    const s1 = performance.now();
    await el.sample({ adapter: 'code', seed: 7, length: 160 });
    const adapter = performance.now() - s1;
    return { ms, max, long, longMax, base, adapter };
  }, STEPS);
}

try {
  const { ready, worker, main } = await playgroundAndForeign({
    tag: 'lora-lm',
    runs: RUNS,
    isReady: (tag) => (document.querySelector(tag)?.adapters?.length ?? 0) > 0,
    measure,
  });
  const show = (name, rs) => {
    const ms = median(rs.map((r) => r.ms));
    console.log(
      `${name}: train('code', ${STEPS}) ${f(ms)} ms (${f(STEPS / (ms / 1000))} steps/s); ` +
        `sample 160 chars: base ${f(median(rs.map((r) => r.base)))} ms, adapter ${f(median(rs.map((r) => r.adapter)))} ms; ` +
        `main-thread gap max ${f(median(rs.map((r) => r.max)))} ms, long tasks ${median(rs.map((r) => r.long))}, ` +
        `longest ${f(median(rs.map((r) => r.longMax)))} ms (medians of ${RUNS})`,
    );
  };
  console.log(`time to ready (scrolled into view → model loaded): ${f(median(ready))} ms (median of ${RUNS})`);
  show('worker (playground)', worker);
  show('main thread (foreign page without worker-src)', main);
} finally {
  report(loadBefore);
}
