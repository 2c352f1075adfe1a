// @ts-check
/**
 * Full-page screenshots of every built page at a phone's and a desktop's width, light and dark,
 * for looking at by eye (issue 21: "reviewed by eye before closing"). Not a test; nothing is
 * compared. Each page is scrolled through first so lazy widgets have loaded.
 *
 *   MARGINALIA_OUT_DIR=dist node bench/screenshots.mjs [out-dir] [page-filter]
 *
 * Writes <out-dir>/<page>-<width>-<theme>.png (default out-dir: screenshots/ under the OS temp dir).
 */
import { chromium } from '@playwright/test';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createSiteServer } from '../scripts/serve.mjs';
import { chromiumPath, BASE_ARGS } from '../scripts/lib/chromium.mjs';

const dist = resolve(process.env.MARGINALIA_OUT_DIR ?? 'dist');
const out = resolve(process.argv[2] ?? join(tmpdir(), 'screenshots'));
const filter = process.argv[3] ?? '';
const WIDTHS = [390, 1280];
const THEMES = /** @type {const} */ (['light', 'dark']);

/** Every built page as a URL path, like tests/e2e/support/site.ts. */
function pages() {
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        if (!['widgets', 'pagefind', '_astro', 'decks', 'fixtures'].includes(name)) walk(full);
      } else if (name.endsWith('.html')) {
        found.push(
          '/' +
            relative(dist, full)
              .replaceAll('\\', '/')
              .replace(/index\.html$/, ''),
        );
      }
    }
  };
  walk(dist);
  return found.sort().filter((p) => p.includes(filter));
}

mkdirSync(out, { recursive: true });
const server = createSiteServer(dist).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const executablePath = chromiumPath();
const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: BASE_ARGS });
try {
  for (const path of pages()) {
    for (const width of WIDTHS) {
      for (const theme of THEMES) {
        const context = await browser.newContext({
          viewport: { width, height: width < 600 ? 844 : 800 },
          colorScheme: theme,
          serviceWorkers: 'block',
        });
        const page = await context.newPage();
        await page.goto(base + path);
        await page.waitForLoadState('networkidle');
        // Scroll through so every lazy widget loads, then back to the top.
        await page.evaluate(async () => {
          for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 0.8) {
            scrollTo({ top: y, behavior: 'instant' });
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          }
          scrollTo({ top: 0, behavior: 'instant' });
        });
        await page.waitForLoadState('networkidle');
        const name = (path.replace(/^\/|\/$/g, '').replaceAll('/', '-') || 'home').replace(/\.html$/, '');
        const file = join(out, `${name}-${width}-${theme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
