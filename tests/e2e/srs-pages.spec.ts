import type { SrsQuiz } from '../../widgets/srs-quiz/srs-quiz.ts';
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { builtPages, builtHtml } from './support/site.ts';
import { importKnownLog } from './support/srs.ts';

/** /review/ and /progress/ on the built site (test builds publish the two fixture decks). */
test.use({ timezoneId: 'UTC' });

test('/review/ counts due cards per lesson, and "Study now" studies them all or one lesson', async ({ page }) => {
  await page.goto('/review/');
  const quiz = page.locator('srs-quiz');
  // every card is new, so all are due: the fixture decks (4 + 2) and whatever real decks exist
  const heading = quiz.getByRole('heading', { name: /^\d+ cards to review$/ });
  await expect(heading).toBeVisible({ timeout: 20_000 });
  const total = Number((await heading.textContent())!.match(/\d+/)![0]);
  expect(total).toBeGreaterThanOrEqual(6);
  const counts = quiz.getByRole('list', { name: 'Cards due per lesson' });
  await expect(counts.getByRole('listitem').filter({ hasText: /^\s*SRS fixture lesson/ })).toHaveText(
    /SRS fixture lesson\s*4 due/,
  );
  await expect(counts.getByRole('listitem').filter({ hasText: 'Second SRS fixture lesson' })).toHaveText(
    /Second SRS fixture lesson\s*2 due/,
  );
  await quiz.getByRole('button', { name: 'Study now' }).click();
  await expect(quiz.locator('progress')).toHaveAttribute('aria-label', `Session progress: 0 of ${total} cards`);
  await expect(quiz).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('4');
  await page.reload();
  await expect(quiz.getByRole('heading', { name: `${total - 1} cards to review` })).toBeVisible({ timeout: 20_000 });
  // the lesson's row is the button (no separate stack of "Study … only" buttons under the list)
  await expect(quiz.getByRole('button', { name: / only$/ })).toHaveCount(0);
  await counts.getByRole('button', { name: 'Study Second SRS fixture lesson', exact: true }).click();
  await expect(quiz.locator('progress')).toHaveAttribute('aria-label', 'Session progress: 0 of 2 cards');
  await expect(quiz).toContainText('Second deck, first card');
});

test('a grade in another tab updates the due counts here without a reload (BroadcastChannel), and so does its undo', async ({
  context,
}) => {
  const here = await context.newPage();
  const there = await context.newPage();
  for (const p of [here, there]) await p.goto('/review/');
  const heading = (p: typeof here) => p.locator('srs-quiz').getByRole('heading', { name: /^\d+ cards to review$/ });
  await expect(heading(here)).toBeVisible({ timeout: 20_000 });
  const total = Number((await heading(here).textContent())!.match(/\d+/)![0]);
  const fixtureB = (p: typeof here) =>
    p
      .locator('srs-quiz')
      .getByRole('list', { name: 'Cards due per lesson' })
      .getByRole('listitem')
      .filter({ hasText: 'Second SRS fixture lesson' });
  await expect(fixtureB(here)).toHaveText(/2 due/);
  const quiz = there.locator('srs-quiz');
  await quiz.getByRole('button', { name: 'Study Second SRS fixture lesson', exact: true }).click({ timeout: 20_000 });
  await quiz.getByRole('button', { name: /Show answer/ }).click();
  await quiz.getByRole('button', { name: /^Easy 4/ }).click();
  await expect(heading(here)).toHaveText(`${total - 1} cards to review`);
  await expect(fixtureB(here)).toHaveText(/1 due/);
  await quiz.getByRole('button', { name: /Undo last grade/ }).click();
  await expect(heading(here)).toHaveText(`${total} cards to review`);
  await expect(fixtureB(here)).toHaveText(/2 due/);
});

/**
 * Opens `path`, waits for `shown`, and returns the modules its head preloads and every /widgets/
 * file the page fetched by then.
 */
async function preloadsOf(page: Page, path: string, shown: (page: Page) => Promise<void>) {
  const fetched = new Set<string>();
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith('/widgets/')) fetched.add(p);
  });
  await page.goto(path);
  const head = await page.evaluate(() => ({
    preloaded: [...document.querySelectorAll<HTMLLinkElement>('head link[rel="modulepreload"]')].map(
      (l) => new URL(l.href).pathname,
    ),
    script: document.querySelector<HTMLScriptElement>('head script[type="module"][async]')?.src,
  }));
  await shown(page);
  return { preloaded: head.preloaded, script: head.script && new URL(head.script).pathname, fetched };
}

test('/review/ fetches its widget with the page: the preloaded modules are exactly those the overview needs', async ({
  page,
}) => {
  const { preloaded, script, fetched } = await preloadsOf(page, '/review/', (p) =>
    expect(p.locator('srs-quiz').getByRole('button', { name: 'Study now' })).toBeVisible({ timeout: 20_000 }),
  );
  expect(script).toBe('/widgets/srs-quiz.js');
  expect(preloaded).toContain('/widgets/srs-quiz.js');
  expect(preloaded.some((p) => /\/overview-[\w-]+\.js$/.test(p))).toBe(true);
  expect(preloaded.some((p) => /\/srs-fsrs-[\w-]+\.js$/.test(p))).toBe(true);
  // every module the overview loaded was preloaded (none waited for a later round trip), and
  // nothing else under /widgets/ was fetched
  expect(new Set(preloaded)).toEqual(fetched);
});

test('/progress/ fetches its widget and ts-fsrs with the page: the preloaded modules are exactly those the figures need', async ({
  page,
}) => {
  const { preloaded, script, fetched } = await preloadsOf(page, '/progress/', (p) =>
    expect(p.locator('srs-progress table.forecast tbody tr')).toHaveCount(30, { timeout: 20_000 }),
  );
  expect(script).toBe('/widgets/srs-progress.js');
  expect(preloaded.some((p) => /\/srs-fsrs-[\w-]+\.js$/.test(p))).toBe(true);
  expect(new Set(preloaded)).toEqual(fetched);
});

test('/progress/ shows the figures of a known log: reviews per day, retention achieved vs desired, forecast, mastery', async ({
  page,
}) => {
  await importKnownLog(page);
  await page.goto('/progress/');
  const p = page.locator('srs-progress');
  // answers from tests/fixtures/srs/log-known.json (and tests/unit/srs/stats.test.ts)
  await expect(p).toContainText('8 reviews on 5 days.', { timeout: 20_000 });
  await expect(p.getByRole('img', { name: /Reviews per day, last 12 months 8 reviews on 5 days/ })).toBeVisible();
  await expect(p.locator('.retention')).toHaveText(/Achieved 75% over 4 recalls; desired 90%/);
  await expect(p.locator('table.forecast tbody tr')).toHaveCount(30);
  await expect(p.locator('table.forecast tbody tr').first()).toContainText('Today (and overdue)');
  await expect(p.locator('table.mastery tbody tr').filter({ hasText: /^\s*SRS fixture lesson/ })).toHaveText(
    /SRS fixture lesson\s*4\s*0\s*0\s*0%/,
  );
  const download = page.waitForEvent('download');
  await p.getByRole('button', { name: /Export review log/ }).click();
  const csv = readFileSync(await (await download).path(), 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe('card_id,review_time,review_rating,review_state,review_duration');
  expect(csv).toHaveLength(1 + 9);
});

const lessonWithCards = () => {
  const lesson = builtPages().find((p) => p.startsWith('/lessons/') && builtHtml(p).includes('data-srs-cards'));
  expect(lesson, 'a lesson has a deck').toBeTruthy();
  return lesson!;
};
const outline = (page: Page) => page.getByRole('navigation', { name: 'On this page' });

test('a lesson with a deck shows section mastery in its table of contents', async ({ page }) => {
  await page.goto(lessonWithCards());
  const toc = outline(page);
  await expect(toc.locator('.toc-mastery').first()).toBeVisible({ timeout: 10_000 });
  await expect(toc.locator('.toc-mastery').first()).toHaveText(/^0\/\d+$/);
});

test('the outline reads progress without creating a database for a reader who has none', async ({ page }) => {
  // No widget module loads, so nothing but the outline touches IndexedDB.
  await page.route('**/widgets/**', (route) => route.abort());
  await page.goto(lessonWithCards());
  await expect(outline(page).locator('.toc-mastery').first()).toHaveText(/^0\/\d+$/, { timeout: 10_000 });
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(names).not.toContain('marginalia-srs');
});

test('the outline counts a grade made on the page at once, and again after a reload', async ({ page }) => {
  await page.goto(lessonWithCards());
  const quiz = page.locator('srs-quiz').first();
  await quiz.scrollIntoViewIfNeeded();
  await expect(quiz.getByRole('button', { name: /Show answer/ })).toBeVisible({ timeout: 20_000 });
  const key = await quiz.evaluate(async (el: SrsQuiz) => {
    const graded = new Promise<string>((resolve) =>
      el.addEventListener('quiz-graded', (e) => resolve(`${e.detail.deck}:${e.detail.cardId}`), { once: true }),
    );
    await el.reveal();
    await el.grade(4);
    return graded;
  });
  const badge = outline(page).locator(`.toc-mastery[data-srs-cards~="${key}"]`);
  await expect(badge).toHaveAttribute('title', / 1 reviewed$/);
  await page.reload();
  await expect(badge).toHaveAttribute('title', / 1 reviewed$/, { timeout: 10_000 });
});
