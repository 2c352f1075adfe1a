import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtPages, builtHtml, DIST } from './support/site.ts';
import { importKnownLog } from './support/srs.ts';
import { WIDGET_CATALOG } from '../../src/lib/widget-catalog.ts';

const pages = builtPages();
const lessonPages = pages.filter((p) => p.startsWith('/lessons/'));

test('the catalog lists every lesson, grouped by track', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const track = page.getByRole('region', { name: 'Parameter-efficient fine-tuning' });
  await expect(track).toBeVisible();
  const links = track.getByRole('link');
  expect(await links.count()).toBe(lessonPages.length);
});

test('a lesson shows its anatomy, table of contents, reading time and sources', async ({ page }) => {
  expect(lessonPages.length, 'lessons are built').toBeGreaterThan(0);
  await page.goto(lessonPages[0]!);
  const toc = page.getByRole('navigation', { name: 'On this page' });
  const tocLinks = toc.getByRole('link');
  expect(await tocLinks.count()).toBeGreaterThan(1);
  for (const href of await tocLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
    await expect(page.locator(href), `TOC anchor ${href} resolves`).toHaveCount(1);
  }
  await expect(page.getByText(/\d+ min read/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sources', level: 2 })).toBeVisible();
  // every citation link points at a source entry on the page
  for (const href of await page.locator('sup.cite a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
    await expect(page.locator(href)).toHaveCount(1);
  }
});

test('interview answers sit behind a disclosure with the question visible', async ({ page }) => {
  const withQa = lessonPages.find((p) => builtHtml(p).includes('class="qa"'));
  expect(withQa, 'a lesson has interview questions').toBeTruthy();
  await page.goto(withQa!);
  const first = page.locator('details.qa').first();
  await expect(first.locator('summary')).toBeVisible();
  await expect(first.locator('.qa-answer')).toBeHidden();
  await first.locator('summary').click();
  await expect(first.locator('.qa-answer')).toBeVisible();
});

test('no page ships KaTeX error text, and math is rendered at build time', () => {
  for (const p of pages) {
    const html = builtHtml(p);
    expect(html, p).not.toContain('katex-error');
  }
  const withMath = lessonPages.filter((p) => builtHtml(p).includes('class="katex"'));
  expect(withMath.length).toBeGreaterThan(0);
});

test('searching for "rank" finds the LoRA lesson; the index loads only on first focus', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  expect(fetched.filter((p) => p.startsWith('/pagefind/'))).toEqual([]);
  const box = page.getByRole('searchbox', { name: 'Search lessons' });
  await box.focus();
  await box.fill('rank');
  const results = page.getByRole('search').getByRole('listitem');
  await expect(results.first()).toBeVisible();
  await expect(page.getByRole('search').getByRole('link', { name: 'LoRA / PEFT fine-tuning' })).toBeVisible();
  expect(fetched.some((p) => p.startsWith('/pagefind/'))).toBe(true);
  await page.getByRole('search').getByRole('link', { name: 'LoRA / PEFT fine-tuning' }).click();
  await expect(page).toHaveURL(/\/lessons\/lora-peft\//);
});

test('every card of every published deck links to a section that exists on its lesson page', () => {
  // the site's own decks (test builds also publish fixture decks for fixture lessons)
  const decks = readdirSync('content/decks')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, '.json'));
  expect(decks.length).toBeGreaterThanOrEqual(6);
  for (const file of decks) {
    const deck = JSON.parse(readFileSync(join(DIST, 'decks', file), 'utf8')) as {
      cards: { id: string; sectionUrl: string }[];
    };
    for (const card of deck.cards) {
      const url = new URL(card.sectionUrl, 'http://x');
      const html = builtHtml(url.pathname);
      expect(html, `${file} ${card.id} → ${card.sectionUrl}`).toContain(`id="${url.hash.slice(1)}"`);
    }
  }
});

test('unknown URLs get the 404 page with a 404 status', async ({ page }) => {
  const response = await page.goto('/no/such/page/');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('theme follows prefers-color-scheme, and the toggle persists a choice', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto('/');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const darkBg = await bg();
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  // The label stays; the state shows: filled with the text colour while pressed, clear when not.
  const fill = () => toggle.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderColor]);
  const [pressedFill, pressedBorder] = await fill();
  expect(pressedFill).toBe(pressedBorder);
  expect(pressedFill).not.toBe('rgba(0, 0, 0, 0)');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect((await fill())[0]).toBe('rgba(0, 0, 0, 0)');
  const lightBg = await bg();
  expect(lightBg).not.toBe(darkBg);
  await page.reload();
  expect(await bg()).toBe(lightBg);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'false');
  await context.close();
});

test('every page fits a 360 px wide screen without horizontal scrolling', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  for (const p of pages) {
    await page.goto(p);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${p} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
  }
  await context.close();
});

test('lessons print without navigation and with every answer open', async ({ page }) => {
  expect(lessonPages.length, 'lessons are built').toBeGreaterThan(0);
  await page.goto(lessonPages[0]!);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'On this page' })).toBeHidden();
  await expect(page.locator('.site-header')).toBeHidden();
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const closed = await page.locator('details:not([open])').count();
  expect(closed).toBe(0);
});

test.describe('the playground', () => {
  test.use({ timezoneId: 'UTC' });

  test('places every element of the catalog under its heading; <srs-progress> there reads your own log', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    // A known log (tests/fixtures/srs/log-known.json's answers), imported on /review/ as a reader would.
    await importKnownLog(page);

    await page.goto('/playground/');
    for (const w of WIDGET_CATALOG) {
      const section = page.getByRole('region', { name: w.name, exact: true });
      await expect(section.getByRole('heading', { level: 2 }), w.tag).toHaveText(w.name);
      await expect(section.locator(`:scope > ${w.tag}.mg-widget[data-mg-widget]`), w.tag).toHaveCount(1);
    }
    await expect(page.getByRole('heading', { name: 'Still being built' })).toHaveCount(0);

    const p = page.locator('#srs-progress');
    // Every deck the site publishes counts towards mastery, as on /progress/.
    const decks = /<srs-progress[^>]*\sdeck="([^"]+)"/.exec(builtHtml('/progress/'))![1]!.split(' ');
    expect(decks.length).toBeGreaterThan(1);
    expect(await p.getAttribute('deck')).toBe(decks.join(' '));
    await p.scrollIntoViewIfNeeded();
    await expect(p).toContainText('8 reviews on 5 days.', { timeout: 20_000 });
    await expect(p.locator('.retention')).toHaveText(/Achieved 75% over 4 recalls; desired 90%/);
    await expect(p.locator('table.forecast tbody tr')).toHaveCount(30);
    await expect(p.locator('table.mastery tbody tr')).toHaveCount(decks.length);
    await expect(p.locator('table.mastery tbody tr').filter({ hasText: /^\s*SRS fixture lesson/ })).toHaveText(
      /SRS fixture lesson\s*4\s*0\s*0\s*0%/,
    );
    await expect(p.getByRole('alert')).toHaveCount(0);
    // Drawn, it passes axe in both colour schemes.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const results = await new AxeBuilder({ page })
        .include('#srs-progress')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      expect(
        results.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }
  });
});
