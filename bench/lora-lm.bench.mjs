// Benchmark (not a test): <lora-lm> in Chromium, UI included.
//   MARGINALIA_FIXTURES=1 astro build && node bench/lora-lm.bench.mjs
// Serves the built site (MARGINALIA_OUT_DIR or dist/, MARGINALIA_SITE_PORT) and measures, median of 3:
//   - time to ready: scrolling the playground's <lora-lm> into view → model loaded (checkpoint,
//     corpora and kernels fetched, worker started);
//   - train('code') for the element's default 300 steps, through the element (loss curve and
//     lm-step events live): wall time and steps/s; the longest main-thread task meanwhile
//     (PerformanceObserver long tasks, and gaps between 0 ms timer tasks);
//   - sample latency: one 160-character sample from the base and from the trained adapter;
//   - the same training on the main thread of a foreign page whose CSP blocks workers.
// Waits for the machine to settle first and prints the load before and after (bench/load.mjs).
import { chromium } from '@playwright/test';
import { chromiumPath, BASE_ARGS } from '../scripts/lib/chromium.mjs';
import { startTestServer } from '../scripts/lib/start-test-server.mjs';
import { SITE, FOREIGN } from '../scripts/lib/ports.mjs';
import { report, settle } from './load.mjs';

const STEPS = 300;
const RUNS = 3;
const loadBefore = await settle({ wait: process.env.BENCH_SETTLE !== '0' });
const server = await startTestServer();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Trains, then samples, on the element at `selector`, timing main-thread gaps meanwhile. */
async function measure(page, selector) {
  return page.locator(selector).evaluate(async (el, steps) => {
    const long = [];
    const obs = new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration)));
    obs.observe({ type: 'longtask', buffered: false });
    const gaps = [];
    let last = performance.now();
    let on = true;
    const tick = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (on) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const t0 = performance.now();
    await el.train('code', steps);
    const ms = performance.now() - t0;
    on = false;
    obs.disconnect();
    const s0 = performance.now();
    await el.sample({ adapter: null, seed: 7, length: 160 });
    const base = performance.now() - s0;
    const s1 = performance.now();
    await el.sample({ adapter: 'code', seed: 7, length: 160 });
    const adapter = performance.now() - s1;
    gaps.sort((a, b) => a - b);
    return { ms, max: gaps[gaps.length - 1], long: long.length, longMax: Math.max(0, ...long), base, adapter };
  }, STEPS);
}

try {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BASE_ARGS });
  const ready = [];
  const worker = [];
  const main = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage();
    await page.goto(`${SITE}/playground/`);
    const el = page.locator('lora-lm');
    const t0 = await page.evaluate(() => performance.now());
    await el.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (document.querySelector('lora-lm')?.adapters?.length ?? 0) > 0, null, {
      timeout: 60_000,
    });
    ready.push((await page.evaluate(() => performance.now())) - t0);
    worker.push(await measure(page, 'lora-lm'));
    await page.close();
    const foreign = await browser.newPage();
    await foreign.goto(`${FOREIGN}/embed.html?tag=lora-lm&count=1&worker=0`);
    await foreign.waitForFunction(() => (document.querySelector('lora-lm')?.adapters?.length ?? 0) > 0, null, {
      timeout: 60_000,
    });
    main.push(await measure(foreign, '#lora-lm-0'));
    await foreign.close();
  }
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
  await browser.close();
} finally {
  server.kill();
  report(loadBefore);
}
