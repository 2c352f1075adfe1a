import { test, expect, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { openEmbed } from './support/foreign.ts';

/**
 * DESIGN.md budget: `srs-quiz` ≤ 25 KB gzip, counted as the other widgets' module budgets are
 * (lora-trainer.spec.ts, peft-calculator.spec.ts): the module and everything it needs before it
 * works, here everything until the first card is on screen, Lit included, measured as Chromium
 * downloads it (gzip -9 of each /widgets/ response). ts-fsrs is held back by the test until then:
 * only revealing and grading need it, and it loads after the first card is drawn. The whole
 * session's total (ts-fsrs included) is printed for the README; the only module a session may add
 * after the first card is ts-fsrs, so nothing else can slip out of the count by loading late.
 */
const BUDGET = 25 * 1024;
const FSRS_CHUNK = /\/widgets\/chunks\/srs-fsrs-[\w-]+\.js$/;

/** Holds ts-fsrs's chunk until `release()`; whatever else the page fetches goes through. */
async function holdScheduler(page: Page) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(FSRS_CHUNK, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function recordWidgets(page: Page) {
  const files = new Map<string, Promise<number>>();
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/widgets/') && path.endsWith('.js') && !files.has(path))
      files.set(
        path,
        r.body().then((b) => gzipSync(b, { level: 9 }).length),
      );
  });
  return async () => {
    const sizes = Object.fromEntries(
      await Promise.all([...files].map(async ([p, s]) => [p.replace(/-[\w-]{8}\.js$/, '.js'), await s] as const)),
    );
    return { sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0) };
  };
}

/** Reveal and grade Easy until the summary shows. */
async function studyToTheEnd(page: Page) {
  const quiz = page.locator('srs-quiz').first();
  const show = quiz.getByRole('button', { name: /Show answer/ });
  const summary = quiz.getByRole('heading', { name: 'Session complete' });
  await expect(show).toBeVisible({ timeout: 20_000 });
  while (!(await summary.isVisible())) {
    await show.click();
    await quiz.getByRole('button', { name: /^Easy 4/ }).click();
    await expect(show.or(summary)).toBeVisible();
  }
}

/**
 * With ts-fsrs held back: `toFirstCard` (the page's way to its first card), the modules counted
 * then, checked against the budget; then ts-fsrs is released, the session studied to its end, and
 * ts-fsrs must be the only module that came after. Returns both measurements.
 */
async function firstCardThenSession(page: Page, toFirstCard: () => Promise<void>) {
  const measured = recordWidgets(page);
  const release = await holdScheduler(page);
  await toFirstCard();
  await expect(
    page
      .locator('srs-quiz')
      .first()
      .getByRole('button', { name: /Show answer/ }),
  ).toBeVisible({ timeout: 20_000 });
  const first = await measured();
  expect(
    Object.keys(first.sizes).some((p) => p.includes('srs-fsrs')),
    'the first card was shown without ts-fsrs',
  ).toBe(false);
  expect(first.total, JSON.stringify(first.sizes, null, 1)).toBeLessThanOrEqual(BUDGET);
  release();
  await studyToTheEnd(page);
  const whole = await measured();
  expect(Object.keys(whole.sizes).filter((p) => !(p in first.sizes))).toEqual(['/widgets/chunks/srs-fsrs.js']);
  return { first, whole };
}

test('srs-quiz on the foreign host: the first card needs ≤ 25 KB gzip of modules; ts-fsrs alone follows it', async ({
  page,
}) => {
  const { first, whole } = await firstCardThenSession(page, async () => {
    await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  });
  console.log(
    `srs-quiz, foreign host: first card ${kb(first.total)} (${kb(BUDGET - first.total)} under budget), whole session ${kb(whole.total)} (${JSON.stringify(whole.sizes)})`,
  );
});

test('srs-quiz on /review/: overview and first card need ≤ 25 KB gzip of modules; ts-fsrs alone follows them', async ({
  page,
}) => {
  const { first, whole } = await firstCardThenSession(page, async () => {
    await page.goto('/review/');
    await page
      .locator('srs-quiz')
      .getByRole('button', { name: 'Study Second SRS fixture lesson', exact: true })
      .click({ timeout: 20_000 });
  });
  expect(
    Object.keys(first.sizes).some((p) => p.includes('overview')),
    'the overview was loaded and counted',
  ).toBe(true);
  console.log(
    `srs-quiz, /review/: overview and first card ${kb(first.total)} (${kb(BUDGET - first.total)} under budget), whole session ${kb(whole.total)} (${JSON.stringify(whole.sizes)})`,
  );
});
