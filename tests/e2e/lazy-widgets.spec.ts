import { test, expect } from '@playwright/test';
import { builtPages } from './support/site.ts';

test('a widget far below the fold loads its module only when scrolled near', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/widgets/')) requested.push(path);
  });
  await page.goto('/fixtures/lazy-widget/');
  await page.waitForLoadState('networkidle');
  expect(requested).toEqual([]);
  const probe = page.locator('test-probe');
  // the light-DOM fallback is what a reader sees until the element upgrades
  await expect(probe.getByRole('img', { name: 'Test probe fallback figure' })).toBeAttached();
  const ready = page.evaluate(
    () =>
      new Promise((resolve) =>
        document.addEventListener('probe-ready', (e) => resolve((e as CustomEvent).detail), { once: true }),
      ),
  );
  await probe.scrollIntoViewIfNeeded();
  const detail = (await ready) as Record<string, unknown>;
  expect(requested).toContain('/widgets/test-probe.js');
  expect(detail).toMatchObject({
    worker: 'worker-ready / lines:8',
    workerVia: 'direct',
    lazy: 5050,
    rawLines: 8,
    deckCards: 3,
  });
  await expect(probe).toContainText('deck cards');
});

test('without JavaScript, every widget shows its fallback figure with alt text and an explanation', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const path of builtPages()) {
    await page.goto(path);
    const widgets = page.locator('.mg-widget');
    const n = await widgets.count();
    for (let i = 0; i < n; i++) {
      const w = widgets.nth(i);
      const fallback = w.locator('.mg-fallback');
      await expect(fallback, `${path}: widget ${i} shows its fallback`).toBeVisible();
      expect(((await fallback.textContent()) ?? '').trim().length, `${path}: fallback explains`).toBeGreaterThan(40);
      // every figure has real alt text and loads
      const imgs = fallback.locator('img');
      for (let j = 0; j < (await imgs.count()); j++) {
        const img = imgs.nth(j);
        await expect(img).toBeVisible();
        expect((await img.getAttribute('alt'))?.length ?? 0).toBeGreaterThan(20);
        expect(await img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
      }
    }
    // Widgets in lessons and on the playground carry their key figure.
    if (/^\/(lessons|playground)\//.test(path)) {
      for (let i = 0; i < n; i++)
        await expect(widgets.nth(i).locator('.mg-fallback figure img'), `${path}: widget ${i}`).toHaveCount(1);
    }
  }
  await context.close();
});

test('a page with no widget ships none of their code', async ({ page }) => {
  const scripts: { path: string; body: Promise<string> }[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') scripts.push({ path: new URL(r.url()).pathname, body: r.text() });
  });
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  expect(scripts.filter((s) => s.path.startsWith('/widgets/'))).toEqual([]);
  for (const s of scripts) expect(await s.body, `${s.path} carries the widget loader`).not.toContain('data-mg-widget');
});
