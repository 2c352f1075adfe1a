// Benchmark (not a test): the <lora-trainer> element itself in Chromium, UI included.
//   MARGINALIA_FIXTURES=1 astro build && node bench/lora-trainer.bench.mjs
// Serves the built site (MARGINALIA_OUT_DIR or dist/, MARGINALIA_SITE_PORT) and measures, median of 3:
//   - time to ready: scrolling the playground's trainer into view → its engine reports a backend;
//   - train(1000) through the element (with the full fine-tuning reference curve alongside, charts,
//     heatmaps and lora-step events live): wall time and steps/s;
//   - the longest main-thread task meanwhile: gaps between 0 ms timer tasks (p99, max) and long
//     tasks (≥ 50 ms) from PerformanceObserver; in the worker (playground) and on the main thread
//     of a foreign page whose CSP blocks workers.
import { chromium } from '@playwright/test';
import { chromiumPath, BASE_ARGS } from '../scripts/lib/chromium.mjs';
import { startTestServer } from '../scripts/lib/start-test-server.mjs';
import { SITE, FOREIGN } from '../scripts/lib/ports.mjs';

const STEPS = 1000;
const RUNS = 3;
const server = await startTestServer();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Trains STEPS steps on `selector` while timing main-thread gaps. */
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
    await el.reset();
    const t0 = performance.now();
    await el.train(steps);
    const ms = performance.now() - t0;
    on = false;
    obs.disconnect();
    gaps.sort((a, b) => a - b);
    return {
      ms,
      p99: gaps[Math.floor(gaps.length * 0.99)],
      max: gaps[gaps.length - 1],
      long: long.length,
      longMax: Math.max(0, ...long),
    };
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
    const el = page.locator('lora-trainer');
    const t0 = await page.evaluate(() => performance.now());
    await el.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('lora-trainer')?.checksumW != null, null, {
      timeout: 60_000,
    });
    ready.push((await page.evaluate(() => performance.now())) - t0);
    worker.push(await measure(page, 'lora-trainer'));
    await page.close();
    const foreign = await browser.newPage();
    await foreign.goto(`${FOREIGN}/embed.html?tag=lora-trainer&count=1&worker=0`);
    await foreign.waitForFunction(() => document.querySelector('lora-trainer')?.checksumW != null, null, {
      timeout: 60_000,
    });
    main.push(await measure(foreign, '#lora-trainer-0'));
    await foreign.close();
  }
  const show = (name, rs) =>
    console.log(
      `${name}: train(${STEPS}) ${f(median(rs.map((r) => r.ms)))} ms (${f(STEPS / (median(rs.map((r) => r.ms)) / 1000))} steps/s); ` +
        `main-thread gaps p99 ${f(median(rs.map((r) => r.p99)))} ms, max ${f(median(rs.map((r) => r.max)))} ms; ` +
        `long tasks ${median(rs.map((r) => r.long))}, longest ${f(median(rs.map((r) => r.longMax)))} ms (medians of ${RUNS})`,
    );
  console.log(`time to ready (scrolled into view → engine running): ${f(median(ready))} ms (median of ${RUNS})`);
  show('worker (playground)', worker);
  show('main thread (foreign page without worker-src)', main);
  await browser.close();
} finally {
  server.kill();
}
