// @ts-check
/**
 * What the browser benches of the elements share (bench/lora-trainer.bench.mjs,
 * bench/lora-lm.bench.mjs, bench/lora-engine.bench.mjs): the median and the number format of
 * their figures, the main-thread watch, and the run that times an element on the playground (in
 * its worker) and on a foreign page whose CSP blocks workers (on the main thread).
 */
import { chromium } from '@playwright/test';
import { chromiumPath, BASE_ARGS } from '../../scripts/lib/chromium.mjs';
import { SITE, FOREIGN } from '../../scripts/lib/ports.mjs';
import { startTestServer } from '../../scripts/lib/start-test-server.mjs';

/** The median of a non-empty list (the upper one of an even count). @param {number[]} xs */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A figure: no decimals from 100 up, one below. @param {number} x */
export const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/**
 * @typedef {{ p50: number; p99: number; max: number; long: number; longMax: number }} MainThreadGaps
 * Gaps between 0 ms timer tasks (median, p99, max, ms) and long tasks (≥ 50 ms: count, longest).
 */

/**
 * Runs in the page: defines `window.mainThreadWatch()`, which starts timing the main thread (gaps between
 * 0 ms timer tasks; long tasks from PerformanceObserver) and returns `{ stop }`; `stop()` ends it
 * and returns MainThreadGaps.
 */
function defineMainThreadWatch() {
  const mainThreadWatch = () => {
    /** @type {number[]} */
    const long = [];
    const obs = new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration)));
    obs.observe({ type: 'longtask', buffered: false });
    /** @type {number[]} */
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
    return {
      /** @returns {MainThreadGaps} */
      stop() {
        on = false;
        obs.disconnect();
        gaps.sort((a, b) => a - b);
        const q = (/** @type {number} */ f) => gaps[Math.min(gaps.length - 1, Math.floor(f * gaps.length))];
        return {
          p50: q(0.5),
          p99: q(0.99),
          max: gaps[gaps.length - 1],
          long: long.length,
          longMax: Math.max(0, ...long),
        };
      },
    };
  };
  Object.assign(globalThis, { mainThreadWatch });
}

/**
 * Makes `window.mainThreadWatch()` available to the page's `evaluate` calls (again after each
 * navigation): `const watch = window.mainThreadWatch(); …the work…; const gaps = watch.stop();`.
 * @param {import('@playwright/test').Page} page
 */
export async function installMainThreadWatch(page) {
  await page.addInitScript(defineMainThreadWatch);
}

/**
 * Serves the built site and the foreign host, launches Chromium, and `runs` times, each on fresh
 * pages: scrolls the playground's `<tag>` into view and waits until `isReady(tag)` holds in the
 * page (the time this takes is `ready`, ms), then `measure(page, tag)` (`worker`); then the same
 * element alone on the foreign host with workers blocked, `measure(page, '#<tag>-0')` (`main`).
 * Both pages have the main-thread watch. Browser and server are closed however it ends.
 * @template T
 * @param {{ tag: string; runs: number; isReady: (tag: string) => boolean;
 *   measure: (page: import('@playwright/test').Page, selector: string) => Promise<T> }} o
 * @returns {Promise<{ ready: number[]; worker: T[]; main: T[] }>}
 */
export async function playgroundAndForeign({ tag, runs, isReady, measure }) {
  /** @type {number[]} */
  const ready = [];
  /** @type {T[]} */
  const worker = [];
  /** @type {T[]} */
  const main = [];
  const server = await startTestServer();
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: BASE_ARGS });
    try {
      for (let run = 0; run < runs; run++) {
        const page = await browser.newPage();
        await installMainThreadWatch(page);
        await page.goto(`${SITE}/playground/`);
        const t0 = await page.evaluate(() => performance.now());
        await page.locator(tag).scrollIntoViewIfNeeded();
        await page.waitForFunction(isReady, tag, { timeout: 60_000 });
        ready.push((await page.evaluate(() => performance.now())) - t0);
        worker.push(await measure(page, tag));
        await page.close();
        const foreign = await browser.newPage();
        await installMainThreadWatch(foreign);
        await foreign.goto(`${FOREIGN}/embed.html?tag=${tag}&count=1&worker=0`);
        await foreign.waitForFunction(isReady, tag, { timeout: 60_000 });
        main.push(await measure(foreign, `#${tag}-0`));
        await foreign.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
  return { ready, worker, main };
}
