// Benchmark (not a test): the <lora-trainer> element itself in Chromium, UI included.
//   MARGINALIA_FIXTURES=1 astro build && node bench/lora-trainer.bench.mjs
// Serves the built site (MARGINALIA_OUT_DIR or dist/, MARGINALIA_SITE_PORT) and measures, median of 3
// (BENCH_RUNS sets the runs):
//   - time to ready: scrolling the playground's trainer into view → its engine reports a backend;
//   - train(1000) through the element (with the full fine-tuning reference curve alongside, charts,
//     heatmaps and lora-step events live): wall time and steps/s;
//   - the longest main-thread task meanwhile: gaps between 0 ms timer tasks (p99, max) and long
//     tasks (≥ 50 ms) from PerformanceObserver; in the worker (playground) and on the main thread
//     of a foreign page whose CSP blocks workers.
import { fmt as f, median, playgroundAndForeign } from './lib/element-bench.mjs';

const STEPS = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Trains STEPS steps on `selector` while timing main-thread gaps. */
async function measure(page, selector) {
  return page.locator(selector).evaluate(async (el, steps) => {
    const watch = window.mainThreadWatch();
    await el.reset();
    const t0 = performance.now();
    await el.train(steps);
    const ms = performance.now() - t0;
    const { p99, max, long, longMax } = watch.stop();
    return { ms, p99, max, long, longMax };
  }, STEPS);
}

const { ready, worker, main } = await playgroundAndForeign({
  tag: 'lora-trainer',
  runs: RUNS,
  isReady: (tag) => document.querySelector(tag)?.checksumW != null,
  measure,
});
const show = (name, rs) =>
  console.log(
    `${name}: train(${STEPS}) ${f(median(rs.map((r) => r.ms)))} ms (${f(STEPS / (median(rs.map((r) => r.ms)) / 1000))} steps/s); ` +
      `main-thread gaps p99 ${f(median(rs.map((r) => r.p99)))} ms, max ${f(median(rs.map((r) => r.max)))} ms; ` +
      `long tasks ${median(rs.map((r) => r.long))}, longest ${f(median(rs.map((r) => r.longMax)))} ms (medians of ${RUNS})`,
  );
console.log(`time to ready (scrolled into view → engine running): ${f(median(ready))} ms (median of ${RUNS})`);
show('worker (playground)', worker);
show('main thread (foreign page without worker-src)', main);
