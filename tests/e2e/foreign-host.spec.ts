import { test, expect, type Page } from '@playwright/test';
import {
  openEmbed,
  documentStyles,
  violations,
  pageErrors,
  expectImmuneToHostileCss,
  embedUrl,
  addWidgetScript,
} from './support/foreign.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

/**
 * The embedding path, proved with the test-only <test-probe> element: loaded from the site's
 * port by a page on another port that sends DESIGN.md's strict CSP. Every real widget gets the
 * same checks in its own spec.
 */
const probeReady = async (page: Page) => {
  await expect(page.locator('test-probe').first()).toContainText('deck cards', { timeout: 20_000 });
};

test('widget modules and decks are served cross-origin', async ({ request }) => {
  for (const path of ['/widgets/test-probe.js', '/widgets/all.js', '/decks/test-probe.json']) {
    const r = await request.get(`${SITE}${path}`);
    expect(r.status(), path).toBe(200);
    expect(r.headers()['access-control-allow-origin'], path).toBe('*');
  }
  const headers = await request.get(`${SITE}/_headers`);
  expect(await headers.text()).toMatch(/\/widgets\/\*\s+Access-Control-Allow-Origin: \*/);
});

test('under the strict CSP the probe runs its worker, lazy chunk, raw import and cross-origin fetch', async ({
  page,
}) => {
  const { consoleErrors } = await openEmbed(page, { tag: 'test-probe', count: 2 });
  await probeReady(page);
  await expect(page.locator('test-probe').nth(1)).toContainText('deck cards');
  const text = await page
    .locator('test-probe')
    .first()
    .evaluate((el) => el.shadowRoot?.textContent ?? '');
  expect(text).toContain('worker-ready');
  expect(text).toContain('(blob)');
  expect(text).toContain('5050');
  expect(await violations(page)).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test('loading the widget adds no document-level styles to the host page', async ({ page }) => {
  await page.goto(embedUrl({ tag: 'test-probe', load: false }));
  const before = await documentStyles(page);
  await addWidgetScript(page, 'test-probe');
  await probeReady(page);
  expect(await documentStyles(page)).toEqual(before);
});

test('the widget looks the same under a hostile host stylesheet', async ({ page }) => {
  await expectImmuneToHostileCss(page, { tag: 'test-probe' }, 'test-probe', probeReady);
});

test('without worker-src the probe reports clearly that its worker cannot start', async ({ page }) => {
  await openEmbed(page, { tag: 'test-probe', worker: false });
  await expect(page.locator('test-probe').getByRole('alert')).toContainText('worker could not start');
  const v = (await violations(page)) as { directive: string }[];
  expect(v.every((x) => x.directive.startsWith('worker-src') || x.directive.startsWith('script-src'))).toBe(true);
});
