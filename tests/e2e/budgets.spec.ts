import { test, expect, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { builtPages } from './support/site.ts';

/**
 * DESIGN.md budgets: a page with no widget loads ≤ 2 KB gzip of JavaScript, any page ≤ 20 KB,
 * before the reader interacts or scrolls a widget into view. Widget modules (/widgets/), three.js
 * and Pagefind load later and are budgeted per module elsewhere. Inline scripts count too.
 */
const NO_WIDGET = 2 * 1024;
const ANY_PAGE = 20 * 1024;

async function jsBeforeInteraction(page: Page, path: string) {
  const scripts: { url: string; gzip: number }[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const req = response.request();
    if (req.resourceType() !== 'script' || new URL(req.url()).pathname.startsWith('/widgets/')) return;
    pending.push(
      response.body().then((b) => void scripts.push({ url: req.url(), gzip: gzipSync(b, { level: 9 }).length })),
    );
  });
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  const inline = await page.evaluate(() =>
    [...document.querySelectorAll('script:not([src])')].map((s) => s.textContent ?? ''),
  );
  for (const text of inline)
    if (text.trim()) scripts.push({ url: 'inline', gzip: gzipSync(text, { level: 9 }).length });
  const hasWidget = await page.evaluate(() => document.querySelector('[data-mg-widget]') !== null);
  return { total: scripts.reduce((s, x) => s + x.gzip, 0), scripts, hasWidget };
}

for (const path of builtPages()) {
  test(`JavaScript budget: ${path}`, async ({ page }) => {
    const { total, scripts, hasWidget } = await jsBeforeInteraction(page, path);
    const limit = hasWidget ? ANY_PAGE : NO_WIDGET;
    expect(total, `${path}: ${JSON.stringify(scripts)}`).toBeLessThanOrEqual(limit);
  });
}
