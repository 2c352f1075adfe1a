import { test, expect, chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, BASE_ARGS } from '../../scripts/lib/chromium.mjs';
import { SITE } from '../../scripts/lib/ports.mjs';
import { embedUrl } from './support/foreign.ts';

/**
 * Issue 21: the site installs as an app in Chromium. Lighthouse 12 dropped its PWA audit; the check
 * it used is Chromium's own, `Page.getInstallabilityErrors` over CDP: the manifest (name, icons of
 * 192 and 512 px, start URL, display) and a service worker controlling the page. Chromium never
 * offers to install from an off-the-record profile (Playwright's contexts are), so the first test
 * runs in a persistent profile of its own.
 */

test.use({ serviceWorkers: 'allow' });

async function installability(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  await cdp.detach();
  return { manifest, errors: installabilityErrors.map((e) => e.errorId) };
}

test('the manifest and service worker pass Chromium’s installability check', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'marginalia-install-'));
  const executablePath = chromiumPath();
  const context = await chromium.launchPersistentContext(profile, {
    ...(executablePath ? { executablePath } : {}),
    args: BASE_ARGS,
    baseURL: SITE,
    serviceWorkers: 'allow',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await checkInstallable(page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

async function checkInstallable(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });

  const { manifest, errors } = await installability(page);
  expect(manifest.errors, 'the manifest parses cleanly').toEqual([]);
  expect(new URL(manifest.url).pathname).toBe('/manifest.webmanifest');
  const data = JSON.parse(manifest.data ?? '{}') as { start_url?: string; icons?: { sizes: string }[] };
  expect(new URL(data.start_url ?? '', manifest.url).pathname, 'installed, it opens on the review').toBe('/review/');
  expect(data.icons?.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(errors, 'installability errors').toEqual([]);
}

test('a page of another site that embeds a widget is not made installable by it', async ({ page }) => {
  // The check must be able to fail: the foreign host has no manifest, and the widget registers no worker.
  await page.goto(embedUrl({ tag: 'srs-quiz' }));
  await expect(page.locator('srs-quiz')).toBeAttached();
  await page.evaluate(() => customElements.whenDefined('srs-quiz'));
  const { errors } = await installability(page);
  expect(errors).toContain('no-manifest');
  expect(await page.evaluate(() => navigator.serviceWorker?.getRegistrations().then((r) => r.length) ?? 0)).toBe(0);
});
