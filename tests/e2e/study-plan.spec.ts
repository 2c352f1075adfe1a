import type { StudyPlanElement } from '../../widgets/study-plan/study-plan.ts';
import type { StudyPlan } from '../../widgets/core/study-plan.ts';
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { SITE } from '../../scripts/lib/ports.mjs';
import { openEmbed, violations, pageErrors } from './support/foreign.ts';

/**
 * `<study-plan>` and /plan/ on the built site, and embedded on the foreign host under the strict
 * CSP. The track is the two fixture lessons of test builds (4 + 2 cards), served in place of the
 * site's /decks/index.json, and the clock is fixed (Monday 2 March 2026, 09:00 UTC), so the plan's
 * numbers are known: they are widgets/core/study-plan.ts's for six new cards at the default 20 s
 * per review (tests/unit/plan/study-plan.test.ts checks the core itself).
 */
test.use({ timezoneId: 'UTC' });

const NOW = Date.parse('2026-03-02T09:00:00Z');
const CORS = { 'Access-Control-Allow-Origin': '*' };
const TRACK = {
  lessons: [
    { slug: 'srs-fixture', title: 'SRS fixture lesson', track: 'test', order: 1, deck: 'srs-fixture', url: '/' },
    {
      slug: 'srs-fixture-b',
      title: 'Second SRS fixture lesson',
      track: 'test',
      order: 2,
      deck: 'srs-fixture-b',
      url: '/',
    },
  ],
};
/** [date, new, reviews, minutes] of the plan to 2026-03-16 at 20 min a day with Sundays off. */
const EXPECTED: [string, number, number, number][] = [
  ['2026-03-02', 6, 0, 4],
  ['2026-03-03', 0, 0, 0],
  ['2026-03-04', 0, 6, 2.2],
  ['2026-03-05', 0, 0, 0],
  ['2026-03-06', 0, 0, 0],
  ['2026-03-07', 0, 0, 0],
  ['2026-03-08', 0, 0, 0],
  ['2026-03-09', 0, 0, 0],
  ['2026-03-10', 0, 0, 0],
  ['2026-03-11', 0, 0, 0],
  ['2026-03-12', 0, 0, 0],
  ['2026-03-13', 0, 3, 1.1],
  ['2026-03-14', 0, 3, 1.1],
  ['2026-03-15', 0, 0, 0],
];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function setUp(target: Page | BrowserContext) {
  await target.route(`${SITE}/decks/index.json`, (r) => r.fulfill({ json: TRACK, headers: CORS }));
}

async function open(page: Page, path = '/plan/') {
  await setUp(page);
  await page.clock.install({ time: NOW });
  await page.goto(path);
}

const plan = (page: Page) => page.locator('study-plan').first();
const planOf = (page: Page): Promise<StudyPlan> => plan(page).evaluate((el: StudyPlanElement) => el.plan);
const numbers = (p: StudyPlan) => p.days.map((d) => [d.date, d.newCards, d.reviews, d.minutes]);

/** Sets the form as a candidate does: date, minutes, Sunday off. */
async function fillSettings(page: Page) {
  const el = plan(page);
  const date = el.getByLabel('Interview date');
  await date.fill('2026-03-16', { timeout: 20_000 });
  await date.blur();
  const minutes = el.getByLabel('Minutes a day');
  await minutes.fill('20');
  await minutes.blur();
  await el.getByRole('checkbox', { name: 'Sunday' }).check();
}

test('/plan/: a first-time candidate sets a date, minutes and a day off; the plan has the known numbers and survives a reload', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await open(page);
  const el = plan(page);
  await expect(el.getByRole('status')).toHaveText('Choose your interview date to see your plan.', { timeout: 20_000 });
  expect((await planOf(page)).feasible).toBe(false);
  await page.evaluate(() => {
    const w = window as unknown as { __changes: StudyPlan[] };
    w.__changes = [];
    document.addEventListener('plan-change', (e) => w.__changes.push(e.detail.plan));
  });
  await fillSettings(page);
  await expect(el.getByRole('status')).toHaveText(
    'On track for 2026-03-16 (14 days away): 6 new cards to learn, at most 4 min a day; predicted recall on the day 99%.',
  );
  const p = await planOf(page);
  expect(numbers(p)).toEqual(EXPECTED);
  expect(p.feasible).toBe(true);
  expect(p.recallOnDay).toBeCloseTo(0.991, 3);
  expect(p.days.filter((d) => d.dayOff).map((d) => d.date)).toEqual(['2026-03-08', '2026-03-15']);
  // the event carried the same plan
  const changes = await page.evaluate(() => (window as unknown as { __changes: StudyPlan[] }).__changes);
  expect(changes.at(-1)).toEqual(p);
  // the table says the same to a screen reader, row by row
  const rows = el.getByRole('region', { name: 'Day by day' }).getByRole('row');
  await expect(rows).toHaveCount(15);
  await expect(rows.nth(1)).toHaveText(/Today \(2026-03-02\)\s*6\s*0\s*4/);
  await expect(rows.nth(7)).toHaveText(/2026-03-08\s*Day off/);
  await expect(el.locator('[part="recall"]')).toHaveText(
    /Predicted recall on 2026-03-16: 99% of the\s+6\s+cards \(target 90%\)\./,
  );

  await page.reload();
  await expect(el.getByRole('status')).toContainText('On track for 2026-03-16', { timeout: 20_000 });
  await expect(el.getByLabel('Interview date')).toHaveValue('2026-03-16');
  await expect(el.getByLabel('Minutes a day')).toHaveValue('20');
  await expect(el.getByRole('checkbox', { name: 'Sunday' })).toBeChecked();
  expect(numbers(await planOf(page))).toEqual(EXPECTED);
  expect(errors).toEqual([]);
});

test("/review/ shows today's line of the plan, and recomputes it after a grade", async ({ page }) => {
  await open(page);
  await fillSettings(page);
  await expect(plan(page).getByRole('status')).toContainText('On track');
  await page.goto('/review/');
  const line = page.locator('#plan-today');
  await expect(line).toHaveText('Today: 6 new, 0 reviews, about 4 min — 14 days to your interview');
  await expect(line).toHaveAttribute('href', '/plan/');
  const quiz = page.locator('srs-quiz');
  await quiz.getByRole('button', { name: 'Study Second SRS fixture lesson', exact: true }).click({ timeout: 20_000 });
  await quiz.getByRole('button', { name: /Show answer/ }).click();
  await quiz.getByRole('button', { name: /^Easy 4/ }).click();
  // the graded card is learnt: five new cards are left for today
  await expect(line).toHaveText(/^Today: 5 new, 0 reviews, about \d+ min — 14 days to your interview$/);
});

test('export → import through /progress/ carries the plan settings (real IndexedDB)', async ({ page, browser }) => {
  await open(page);
  await fillSettings(page);
  await expect(plan(page).getByRole('status')).toContainText('On track');
  await page.goto('/progress/');
  const download = page.waitForEvent('download');
  await page.locator('srs-progress').getByRole('button', { name: 'Export progress (JSON)' }).click({ timeout: 20_000 });
  const file = await (await download).path();
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { plan: Record<string, unknown> };
  expect(exported.plan).toMatchObject({
    interviewDate: '2026-03-16',
    minutesPerDay: 20,
    daysOff: ['sunday'],
    lessons: null,
    retention: 0.9,
  });

  const context = await browser.newContext({ timezoneId: 'UTC' });
  await setUp(context);
  const other = await context.newPage();
  await other.clock.install({ time: NOW });
  await other.goto('/progress/');
  await other.locator('srs-progress').getByLabel('Import progress').setInputFiles(file, { timeout: 20_000 });
  await expect(
    other.locator('srs-progress').getByText(/The study plan now uses the imported settings\./),
  ).toBeVisible();
  await other.goto('/plan/');
  await expect(plan(other).getByLabel('Interview date')).toHaveValue('2026-03-16', { timeout: 20_000 });
  expect(numbers(await planOf(other))).toEqual(EXPECTED);
  await context.close();
});

for (const [attr, value, message] of [
  ['interview-date', '2026-02-20', 'The interview date 2026-02-20 is in the past: choose a day after today.'],
  ['interview-date', '2026-02-30', 'interview-date "2026-02-30" is not a date: write it as YYYY-MM-DD.'],
  ['minutes-per-day', '0', 'minutes-per-day "0" must be a whole number from 1 to 600.'],
  ['lessons', 'srs-fixture, cooking', `Unknown lesson "cooking": the track's lessons are srs-fixture, srs-fixture-b.`],
  ['days-off', 'funday', 'days-off "funday" is not a weekday'],
] as const) {
  test(`a bad ${attr}="${value}" shows a clear message and an infeasible plan; nothing throws`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await open(page);
    const el = plan(page);
    await el.evaluate((e) => e.setAttribute('interview-date', '2026-03-16'));
    await expect(el.getByRole('status')).toContainText('On track', { timeout: 20_000 });
    await el.evaluate((e, [a, v]) => e.setAttribute(a, v), [attr, value] as const);
    await expect(el.getByRole('alert')).toContainText(message);
    const p = await planOf(page);
    expect(p).toMatchObject({ feasible: false, days: [], recallOnDay: 0 });
    expect(p.message).toContain(message);
    const axe = await new AxeBuilder({ page }).include('study-plan').withTags(TAGS).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test('/plan/ is axe clean with a plan, fits 360 px, and survives remove and re-insert', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 360, height: 800 });
  await open(page);
  await fillSettings(page);
  await expect(plan(page).getByRole('status')).toContainText('On track');
  const axe = await new AxeBuilder({ page }).include('study-plan').withTags(TAGS).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  const widths = await plan(page).evaluate((el) => ({
    scroll: el.scrollWidth,
    client: el.clientWidth,
    page: document.documentElement.scrollWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  expect(widths.page).toBeLessThanOrEqual(360);
  // keyboard: the form is reachable and operable with Tab and Space
  await plan(page).getByRole('checkbox', { name: 'Saturday' }).focus();
  await page.keyboard.press('Space');
  await expect(plan(page).getByRole('checkbox', { name: 'Saturday' })).toBeChecked();
  await expect.poll(async () => (await planOf(page)).days.filter((d) => d.dayOff).length).toBe(4);

  await page.evaluate(() => {
    const el = document.querySelector('study-plan')!;
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
  });
  await expect(plan(page).getByRole('status')).toContainText('On track');
  expect((await planOf(page)).days.filter((d) => d.dayOff).length).toBe(4);
  expect(errors).toEqual([]);
});

test('embedded on the foreign host under the strict CSP: the plan from its attributes, no violations or errors', async ({
  page,
}) => {
  await setUp(page);
  await page.clock.install({ time: NOW });
  const { consoleErrors } = await openEmbed(page, {
    tag: 'study-plan',
    count: 2,
    hostile: true,
    attrs: { 'interview-date': '2026-03-16', 'minutes-per-day': '20', 'days-off': 'sunday' },
  });
  const el = page.locator('study-plan').nth(1);
  await el.scrollIntoViewIfNeeded();
  await expect(el.getByRole('status')).toContainText('On track for 2026-03-16', { timeout: 20_000 });
  expect(numbers(await el.evaluate((e: StudyPlanElement) => e.plan))).toEqual(EXPECTED);
  // an attribute changed by the page is a new plan
  await el.evaluate((e) => e.setAttribute('lessons', 'srs-fixture-b'));
  await expect(el.getByRole('status')).toContainText('2 new cards to learn');
  expect(await violations(page)).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
