import { test, expect, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSiteServer } from '../../scripts/serve.mjs';
import { generateServiceWorker } from '../../scripts/service-worker.mjs';
import { builtPages, DIST } from './support/site.ts';
import { embedUrl } from './support/foreign.ts';

/**
 * Issue 21: after one visit the whole track works with the network off (scripts/service-worker.mjs
 * precaches the build; src/scripts/pwa.ts registers it and hands over to a new build).
 */

test.use({ serviceWorkers: 'allow' });

/** Waits until the service worker has installed the whole precache and controls the page. */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
}

test('after one visit, an unvisited lesson, search and review work offline; grades survive', async ({
  context,
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await controlled(page);
  await context.setOffline(true);

  // A lesson never opened online, with its math.
  const lesson =
    builtPages().find((p) => p.startsWith('/lessons/qlora/')) ?? builtPages().find((p) => p.startsWith('/lessons/'))!;
  await page.goto(lesson);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  // Search: Pagefind's index and fragments come from the precache.
  const box = page.getByRole('searchbox', { name: 'Search lessons' });
  await box.focus();
  await box.fill('rank');
  await expect(page.getByRole('search').getByRole('link', { name: 'LoRA / PEFT fine-tuning' })).toBeVisible();

  // Review: modules, worker-free FSRS and decks offline; two grades into IndexedDB.
  await page.goto('/review/');
  const quiz = page.locator('srs-quiz');
  const heading = quiz.getByRole('heading', { name: /^\d+ cards to review$/ });
  await expect(heading).toBeVisible({ timeout: 20_000 });
  const total = Number((await heading.textContent())!.match(/\d+/)![0]);
  // quiz-graded fires once a grade is stored: reloading before it would race the write.
  await quiz.evaluate((el) => {
    const w = window as unknown as { graded: number };
    w.graded = 0;
    el.addEventListener('quiz-graded', () => w.graded++);
  });
  await quiz.getByRole('button', { name: 'Study now' }).click();
  for (let i = 0; i < 2; i++) {
    await quiz.getByRole('button', { name: /Show answer/ }).click();
    await quiz.getByRole('button', { name: /^Easy 4/ }).click();
  }
  await page.waitForFunction(() => (window as unknown as { graded: number }).graded === 2);
  await page.reload();
  await expect(quiz.getByRole('heading', { name: `${total - 2} cards to review` })).toBeVisible({ timeout: 20_000 });

  // Back online: the log is intact.
  await context.setOffline(false);
  await page.reload();
  await expect(quiz.getByRole('heading', { name: `${total - 2} cards to review` })).toBeVisible({ timeout: 20_000 });
});

test('the manifest installs the app: start URL /review/, icons 192 and 512, a maskable one', async ({ page }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.headers()['content-type']).toContain('application/manifest+json');
  const manifest = (await res.json()) as {
    start_url: string;
    display: string;
    icons: { src: string; sizes: string; purpose?: string }[];
  };
  expect(manifest).toMatchObject({ start_url: '/review/', display: 'standalone' });
  for (const size of ['192x192', '512x512']) expect(manifest.icons.some((i) => i.sizes === size)).toBe(true);
  expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) expect((await page.request.get(icon.src)).status(), icon.src).toBe(200);
});

test('a foreign page embedding a widget gets no service worker', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(embedUrl({ tag: 'peft-calculator' }));
  await expect(page.locator('peft-calculator')).toBeAttached();
  await page.evaluate(() => customElements.whenDefined('peft-calculator'));
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  expect(requested.filter((p) => p.endsWith('/sw.js'))).toEqual([]);
});

test.describe('updates', () => {
  let root = '';
  let server: ReturnType<typeof createSiteServer>;
  let origin = '';
  const deck = 'decks/qlora.json';

  test.beforeAll(async () => {
    // A copy of the build, served on its own port, that the test rebuilds with a changed deck.
    root = mkdtempSync(join(tmpdir(), 'marginalia-sw-'));
    cpSync(DIST, root, { recursive: true });
    server = createSiteServer(root).listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => {
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** "Rebuilds" the copy: a changed deck title and a new service worker listing it. */
  async function rebuild(title: string): Promise<void> {
    const file = join(root, deck);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { title: string };
    writeFileSync(file, JSON.stringify({ ...json, title }));
    await generateServiceWorker(root);
  }
  const deckTitle = (page: Page) =>
    page.evaluate(async (url) => ((await (await fetch(url)).json()) as { title: string }).title, `/${deck}`);

  test('a new build waits until the next navigation or "Update now"; a page never mixes builds', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`${origin}/`);
    await controlled(page);
    const first = await deckTitle(page);

    await rebuild('Second build');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const note = page.getByRole('status').filter({ hasText: 'A new version of Marginalia is ready' });
    await expect(note).toBeVisible({ timeout: 30_000 });
    // Until the switch, this page's deck is the one of its own build.
    expect(await deckTitle(page)).toBe(first);

    // The next navigation happens under the new build.
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Review' }).click();
    await expect(page).toHaveURL(`${origin}/review/`);
    await expect(note).toBeHidden();
    expect(await deckTitle(page)).toBe('Second build');

    await rebuild('Third build');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await expect(note).toBeVisible({ timeout: 30_000 });
    expect(await deckTitle(page)).toBe('Second build');
    await note.getByRole('button', { name: 'Update now' }).click();
    await expect(note).toBeHidden();
    await expect.poll(() => deckTitle(page)).toBe('Third build');
  });
});
