import type { MockInterview } from '../../widgets/mock-interview/mock-interview.ts';
import type { MockQuestionInfo } from '../../widgets/mock-interview/events.ts';
import type { MockSummary } from '../../widgets/core/mock-interview.ts';
import type { MockRecord } from '../../widgets/core/srs-profile.ts';
import type { LogEntry } from '../../widgets/core/srs-log.ts';
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { gradeFor } from '../../widgets/core/mock-interview.ts';
import { expectImmuneToHostileCss, openEmbed, pageErrors, violations } from './support/foreign.ts';
import { readStores } from './support/idb.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

/**
 * <mock-interview> on /mock/ and on the foreign host (strict CSP), with the questions of
 * tests/fixtures/qa/mock-*.json served in place of the site's /decks/index.json and
 * /decks/qa/<lesson>.json (two lessons linking the SRS fixture decks' cards; 7 questions: 3 easy,
 * 2 medium, 2 hard, so 45 minutes draws all of them and 20 minutes four). The last test uses the
 * site's own questions.
 */
const FIX = 'tests/fixtures/qa';
const CORS = { 'Access-Control-Allow-Origin': '*' };

/** Serves the fixture questions wherever the element looks for them (the site's origin). */
async function routeFixtures(target: Page | BrowserContext) {
  await target.route(`${SITE}/decks/index.json`, (r) => r.fulfill({ path: `${FIX}/mock-index.json`, headers: CORS }));
  await target.route(`${SITE}/decks/qa/*.json`, (r) => {
    const slug = new URL(r.request().url()).pathname
      .split('/')
      .pop()!
      .replace(/\.json$/, '');
    const file = `${FIX}/mock-${slug}.json`;
    return existsSync(file)
      ? r.fulfill({ path: file, headers: CORS })
      : r.fulfill({ status: 404, body: 'not found', headers: CORS });
  });
}

const mock = (page: Page) => page.locator('mock-interview').first();
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Records the element's events on the page (they bubble, composed, to the document). */
async function recordEvents(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __questions: unknown[]; __finished: unknown[] };
    w.__questions = [];
    w.__finished = [];
    document.addEventListener('mock-question', (e) => w.__questions.push(e.detail));
    document.addEventListener('mock-finished', (e) => w.__finished.push(e.detail));
  });
}
const events = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as {
      __questions: { index: number; total: number; question: MockQuestionInfo }[];
      __finished: { summary: MockSummary; record: MockRecord; saved: boolean; problem: string | null }[];
    };
    return { questions: w.__questions, finished: w.__finished };
  });

/** The review log and the stored mock interviews of the default namespace. */
async function dump(page: Page, name = 'marginalia-srs') {
  const { records } = await readStores(page, ['log', 'meta'], name);
  const meta = records.meta as { key: string; value: unknown }[];
  return {
    log: records.log as LogEntry[],
    mocks: meta.filter((m) => m.key.startsWith('mock:')).map((m) => m.value as MockRecord),
  };
}

/** [card, rating] of every review, sorted: what scoring these questions must have logged. */
const expectedReviews = (scored: { question: MockQuestionInfo; covered: number[] }[]) =>
  scored
    .flatMap(({ question, covered }) =>
      question.cards.map((c) => [c, gradeFor(covered.length, question.rubric.length)] as [string, number]),
    )
    .sort();
const loggedReviews = (log: LogEntry[]) =>
  log.flatMap((e) => (e.kind === 'review' ? [[e.card, e.rating] as [string, number]] : [])).sort();

/** Which rubric points the tests tick on the i-th question: none, all, the first, the first two… */
const ticks = (i: number, points: number): number[] =>
  [[], Array.from({ length: points }, (_, k) => k), [0], [0, 1]][i % 4]!.filter((k) => k < points);

test('a 20-minute session end to end on /mock/: answer, reveal, tick, score; reviews logged, summary right', async ({
  page,
}) => {
  await routeFixtures(page);
  await page.goto('/mock/');
  const m = mock(page);
  await expect(m.getByText('7 questions from 2 lessons in scope')).toBeVisible({ timeout: 20_000 });
  await recordEvents(page);
  await expect(m.getByRole('radio', { name: '20 minutes' })).toBeChecked();
  await m.getByRole('button', { name: 'Start the mock interview' }).click();
  const scored: { question: MockQuestionInfo; covered: number[] }[] = [];
  for (let i = 0; ; i++) {
    await expect.poll(async () => (await events(page)).questions.length).toBe(i + 1);
    const { index, total, question } = (await events(page)).questions[i]!;
    expect([index, total]).toEqual([i, 4]);
    await expect(m.getByText(`Question ${i + 1} of 4`)).toBeVisible();
    const heading = m.getByRole('heading', { level: 2, name: question.q });
    await expect(heading).toBeFocused();
    await expect(m.getByRole('timer', { name: 'Time left' })).toHaveText(/^(20:00|19:\d\d|18:\d\d)$/);
    // Keyboard: type the answer, Tab to "Reveal", Enter; the model answer's heading takes focus.
    await page.keyboard.press('Tab');
    await expect(m.getByLabel(/Your answer/)).toBeFocused();
    await page.keyboard.type('Low rank, because the update lives in a small subspace.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(m.getByRole('heading', { name: 'Model answer' })).toBeFocused();
    await expect(m.getByLabel(/Your answer/)).toHaveValue(/small subspace/);
    const boxes = m.getByRole('group', { name: 'Tick the points your answer covered' }).getByRole('checkbox');
    await expect(boxes).toHaveCount(question.rubric.length);
    const covered = ticks(i, question.rubric.length);
    for (const k of covered) {
      await boxes.nth(k).focus();
      await page.keyboard.press('Space');
    }
    scored.push({ question, covered });
    await m.getByRole('button', { name: i === 3 ? 'Score and finish' : 'Score and next question' }).click();
    if (i === 3) break;
  }
  await expect(m.getByRole('heading', { name: 'Your mock interview' })).toBeFocused();
  await expect.poll(async () => (await events(page)).finished.length).toBe(1);
  const { summary, record, saved } = (await events(page)).finished[0]!;
  const covered = scored.reduce((n, s) => n + s.covered.length, 0);
  const points = scored.reduce((n, s) => n + s.question.rubric.length, 0);
  expect(saved).toBe(true);
  expect([summary.questions, summary.covered, summary.points]).toEqual([4, covered, points]);
  await expect(m.locator('.total')).toContainText(
    `You covered ${covered} of ${points} rubric points (${Math.round((100 * covered) / points)}%) in 4 questions`,
  );
  await expect(m.getByText('Your first mock here')).toBeVisible();
  // Per lesson: the table's rows agree with what was ticked.
  for (const lesson of new Set(scored.map((s) => s.question.lesson))) {
    const mine = scored.filter((s) => s.question.lesson === lesson);
    const c = mine.reduce((n, s) => n + s.covered.length, 0);
    const p = mine.reduce((n, s) => n + s.question.rubric.length, 0);
    const row = m.locator('table.lessons tbody tr', {
      has: page.getByRole('rowheader', { name: mine[0]!.question.lessonTitle, exact: true }),
    });
    await expect(row.getByRole('cell')).toHaveText([
      String(mine.length),
      `${c} of ${p}`,
      `${Math.round((100 * c) / p)}%`,
      '–',
    ]);
  }
  await expect(m.locator('table.times tbody tr')).toHaveCount(4);
  // The first question (nothing ticked) leads the points to work on, linked to its place in the lesson.
  const first = scored[0]!.question;
  await expect(m.locator('.weakest a').first()).toHaveText(first.rubric[0]!);
  await expect(m.locator('.weakest a').first()).toHaveAttribute('href', first.href);
  expect(first.href).toBe(`${SITE}/lessons/${first.lesson}/#qa-${first.qa.split('/')[1]}`);
  // The log has one review per linked card with the grade of its score; the mock is kept.
  const stored = await dump(page);
  expect(loggedReviews(stored.log)).toEqual(expectedReviews(scored));
  expect(stored.mocks).toEqual([record]);
  expect(record.answers.map((a) => [a.qa, a.covered])).toEqual(scored.map((s) => [s.question.qa, s.covered]));
  // Another mock compares with this one.
  await m.getByRole('button', { name: 'Another mock interview' }).click();
  await expect(m.getByText(/^Your last mock, on .*: \d+% of the rubric points\.$/)).toBeVisible();
  const second = await m.evaluate(async (el: MockInterview) => {
    const finished = new Promise<MockSummary>((res) =>
      el.addEventListener('mock-finished', (e) => res(e.detail.summary), { once: true }),
    );
    await el.start();
    while (el.question) {
      await el.score(el.question.rubric.map((_, k) => k));
      el.next();
    }
    return finished;
  });
  expect(second.score).toBe(1);
  expect(second.previous).toMatchObject({ id: record.id, change: 1 - covered / points });
  await expect(
    m.getByText(/Your previous mock, on .*: \d+%\. This one: 100%, up \d+ percentage points\./),
  ).toBeVisible();
});

test('on the foreign host under the strict CSP: the public API runs a 45-minute session of all 7 questions', async ({
  page,
}) => {
  await routeFixtures(page);
  const { consoleErrors } = await openEmbed(page, {
    tag: 'mock-interview',
    attrs: { minutes: '45', lessons: 'srs-fixture srs-fixture-b', namespace: 'mock-e2e' },
  });
  const m = mock(page);
  await expect(m.getByText('7 questions from 2 lessons in scope')).toBeVisible({ timeout: 20_000 });
  const run = await m.evaluate(async (el: MockInterview) => {
    const questions: { index: number; total: number; qa: string }[] = [];
    el.addEventListener('mock-question', (e) => questions.push({ ...e.detail, qa: e.detail.question.qa }));
    const finished = new Promise<{ summary: MockSummary; saved: boolean }>((res) =>
      el.addEventListener('mock-finished', (e) => res(e.detail), { once: true }),
    );
    const before = el.question;
    await el.start();
    const covered: number[][] = [];
    let answerHtml: { strong: number; script: number; unsafeLinks: number; links: number } | null = null;
    while (el.question) {
      const q = el.question;
      el.reveal();
      await el.updateComplete;
      if (q.qa === 'srs-fixture/why-low-rank') {
        const a = el.shadowRoot!.querySelector('[part=answer]')!;
        answerHtml = {
          strong: a.querySelectorAll('strong').length,
          script: a.querySelectorAll('script').length,
          unsafeLinks: a.querySelectorAll('a[href^="javascript"]').length,
          links: a.querySelectorAll('a').length,
        };
      }
      // Out-of-range and repeated indices are ignored.
      const answer = await el.score([0, 0, 99, -1]);
      covered.push(answer!.covered);
      el.next();
    }
    const detail = await finished;
    return { before, questions, covered, answerHtml, detail, again: el.finish() };
  });
  expect(run.before).toBeNull();
  expect(run.questions.map((q) => [q.index, q.total])).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => [i, 7]));
  expect(new Set(run.questions.map((q) => q.qa)).size).toBe(7);
  expect(run.covered).toEqual(Array.from({ length: 7 }, () => [0]));
  expect(run.answerHtml).toEqual({ strong: 1, script: 0, unsafeLinks: 0, links: 1 });
  expect(await page.evaluate(() => (window as unknown as { __mockHacked?: boolean }).__mockHacked)).toBeUndefined();
  expect(run.detail.saved).toBe(true);
  expect([run.detail.summary.questions, run.detail.summary.covered, run.detail.summary.points]).toEqual([7, 7, 21]);
  expect(run.again).toBeNull();
  // 7 questions link 9 cards in all: one review each, in the element's own namespace.
  expect((await dump(page, 'marginalia-srs--mock-e2e')).log).toHaveLength(9);
  await expect(m.getByRole('heading', { name: 'Your mock interview' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
  expect(await violations(page)).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
});

test('bad attributes: each says what is wrong, nothing is thrown, and fixing them works', async ({ page }) => {
  await routeFixtures(page);
  await openEmbed(page, {
    tag: 'mock-interview',
    attrs: { minutes: '17', lessons: 'no-such-lesson srs-fixture Bad!' },
  });
  const m = mock(page);
  const alerts = m.getByRole('alert');
  await expect(alerts).toHaveText(['minutes="17" is not a session length: choose 20, 45 or 60 minutes.']);
  await expect(m.getByText('"Bad!" in lessons is not a lesson slug (like "qlora"), so it is left out.')).toBeVisible();
  await expect(
    m.getByText('There is no lesson "no-such-lesson" (its questions, /decks/qa/no-such-lesson.json) on this site.'),
  ).toBeVisible();
  await expect(m.getByText('4 questions from 1 lesson in scope')).toBeVisible();
  await expect(m.getByRole('button', { name: 'Start the mock interview' })).toBeDisabled();
  expect(
    await m.evaluate(async (el: MockInterview) => {
      let fired = 0;
      el.addEventListener('mock-question', () => fired++);
      await el.start();
      return { fired, question: el.question, summary: el.finish() };
    }),
  ).toEqual({ fired: 0, question: null, summary: null });
  // Picking a length fixes it.
  await m.getByRole('radio', { name: '60 minutes' }).check();
  await expect(alerts).toHaveCount(0);
  await m.getByRole('button', { name: 'Start the mock interview' }).click();
  await expect(m.getByText('Question 1 of 4')).toBeVisible();
  // A scope with no valid lesson at all.
  await m.evaluate((el: MockInterview) => el.remove());
  await page.evaluate(() => {
    const el = document.createElement('mock-interview');
    el.setAttribute('lessons', 'Nope! ???');
    document.querySelector('#mount')!.append(el);
  });
  await expect(mock(page).getByRole('alert')).toHaveText(
    'lessons="Nope! ???" names no lesson: give lesson slugs separated by spaces, or leave it out for the whole track.',
  );
  expect(await pageErrors(page)).toEqual([]);
});

test('export → import through /progress/ carries the mock history and its reviews (real IndexedDB)', async ({
  page,
  browser,
}) => {
  await routeFixtures(page);
  await page.goto('/mock/');
  const m = mock(page);
  await expect(m.getByText('7 questions from 2 lessons in scope')).toBeVisible({ timeout: 20_000 });
  const id = await m.evaluate(async (el: MockInterview) => {
    el.minutes = '45';
    const finished = new Promise<MockRecord>((res) =>
      el.addEventListener('mock-finished', (e) => res(e.detail.record), { once: true }),
    );
    await el.start();
    while (el.question) {
      await el.score([1]);
      el.next();
    }
    return (await finished).id;
  });
  const before = await dump(page);
  expect(before.mocks.map((x) => x.id)).toEqual([id]);
  expect(before.log).toHaveLength(9);

  await page.goto('/progress/');
  const download = page.waitForEvent('download');
  await page.locator('srs-progress').getByRole('button', { name: 'Export progress (JSON)' }).click({ timeout: 20_000 });
  const file = await (await download).path();
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { mocks: MockRecord[] };
  expect(exported.mocks).toEqual(before.mocks);

  // Another browser profile: import the file, and the mock history is there.
  const context = await browser.newContext();
  await routeFixtures(context);
  const other = await context.newPage();
  await other.goto('/progress/');
  await other.locator('srs-progress').getByLabel('Import progress').setInputFiles(file, { timeout: 20_000 });
  await expect(
    other.locator('srs-progress').getByText(/Imported 9 reviews; .* Added 1 mock interviews\./),
  ).toBeVisible();
  const after = await dump(other);
  expect(after.mocks).toEqual(before.mocks);
  expect(loggedReviews(after.log)).toEqual(loggedReviews(before.log));
  await other.goto('/mock/');
  await expect(mock(other).getByText(/^Your last mock, on .*: 33% of the rubric points\.$/)).toBeVisible({
    timeout: 20_000,
  });
  await context.close();
});

test('removed and re-inserted mid-session: the clock, the question and scoring carry on', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await routeFixtures(page);
  await page.goto('/mock/');
  const m = mock(page);
  await expect(m.getByText('7 questions from 2 lessons in scope')).toBeVisible({ timeout: 20_000 });
  await m.getByRole('button', { name: 'Start the mock interview' }).click();
  const qa = await m.evaluate((el: MockInterview) => el.question!.qa);
  await m.evaluate((el: MockInterview) => {
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
  });
  expect(await m.evaluate((el: MockInterview) => el.question!.qa)).toBe(qa);
  const timer = m.getByRole('timer', { name: 'Time left' });
  const shown = await timer.textContent();
  await expect(timer).not.toHaveText(shown!, { timeout: 5000 });
  await m.getByRole('button', { name: 'Reveal the model answer' }).click();
  await m.getByRole('group', { name: 'Tick the points your answer covered' }).getByRole('checkbox').first().check();
  const cards = await m.evaluate((el: MockInterview) => {
    const w = window as unknown as { __seen: number[] };
    w.__seen = [];
    el.addEventListener('mock-question', (e) => w.__seen.push(e.detail.index));
    return el.question!.cards.length;
  });
  // Two clicks before the first score is written: it scores once and moves on once.
  await m.getByRole('button', { name: 'Score and next question' }).evaluate((b: HTMLButtonElement) => {
    b.click();
    b.click();
  });
  await expect(m.getByText('Question 2 of 4')).toBeVisible();
  // Scoring question 2 is written after question 1's score, so both clicks have done all they do by then.
  const after = await m.evaluate(async (el: MockInterview) => {
    const more = el.question!.cards.length;
    await el.score([]);
    return { seen: (window as unknown as { __seen: number[] }).__seen, more };
  });
  expect(after.seen).toEqual([1]);
  await expect(m.getByText('Question 2 of 4')).toBeVisible();
  expect((await dump(page)).log).toHaveLength(cards + after.more);
  expect(errors).toEqual([]);
});

test('the countdown speaks politely at half time and at time up, not every second', async ({ page }) => {
  await page.clock.install();
  await routeFixtures(page);
  await page.goto('/mock/');
  const m = mock(page);
  await expect(m.getByText('7 questions from 2 lessons in scope')).toBeVisible({ timeout: 20_000 });
  await m.getByRole('button', { name: 'Start the mock interview' }).click();
  const status = m.getByRole('status');
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await page.clock.fastForward(60_000);
  await expect(m.getByRole('timer', { name: 'Time left' })).toHaveText(/^1[89]:\d\d$/);
  await expect(status).toHaveText('');
  await page.clock.fastForward(9 * 60_000);
  await expect(status).toHaveText('Half the time is gone.');
  await page.clock.fastForward(11 * 60_000);
  await expect(status).toHaveText('Time is up. Finish this answer, then see your summary.');
  await expect(m.getByRole('timer', { name: 'Time left' })).toHaveText(/over$/);
  // Out of time, scoring this answer leads to the summary; the cue is not left behind.
  await m.getByRole('button', { name: 'Reveal the model answer' }).click();
  await m.getByRole('button', { name: 'Score and finish' }).click();
  await expect(m.getByRole('heading', { name: 'Your mock interview' })).toBeFocused();
  await expect(m.locator('.total')).toContainText(/in\s+1 question, 21:\d\d in all\./);
  await expect(status).toHaveText('');
});

test('at 360 px every screen fits and axe finds nothing', async ({ browser }) => {
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme });
    await routeFixtures(context);
    const page = await context.newPage();
    await page.goto('/mock/');
    const m = mock(page);
    await expect(m.getByText('7 questions from 2 lessons in scope')).toBeVisible({ timeout: 20_000 });
    const check = async (screen: string) => {
      const fits = await m.evaluate((el) => ({
        element: el.scrollWidth <= el.clientWidth,
        page: document.documentElement.scrollWidth <= 360,
      }));
      expect(fits, `${screen} (${colorScheme}) overflows`).toEqual({ element: true, page: true });
      const results = await new AxeBuilder({ page }).include('mock-interview').withTags(TAGS).analyze();
      expect(
        results.violations.map((v) => `${screen}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    };
    await check('setup');
    await m.getByRole('button', { name: 'Start the mock interview' }).click();
    await check('question');
    await m.getByRole('button', { name: 'Reveal the model answer' }).click();
    await m.getByRole('group', { name: 'Tick the points your answer covered' }).getByRole('checkbox').first().check();
    await check('revealed');
    await m.getByRole('button', { name: 'Score and next question' }).click();
    await expect(m.getByText('Question 2 of 4')).toBeVisible();
    await m.evaluate((el: MockInterview) => el.finish());
    await expect(m.getByRole('heading', { name: 'Your mock interview' })).toBeVisible();
    await check('summary');
    await context.close();
  }
});

test('looks the same under a hostile host stylesheet', async ({ page }) => {
  await routeFixtures(page);
  await expectImmuneToHostileCss(
    page,
    { tag: 'mock-interview', attrs: { lessons: 'srs-fixture' } },
    'mock-interview',
    async (p) => {
      await expect(mock(p).getByText('4 questions from 1 lesson in scope')).toBeVisible({ timeout: 20_000 });
    },
  );
});

/**
 * DESIGN.md has no module budget for mock-interview yet: 30 KB is proposed (srs-quiz's 25 KB for a
 * first card, plus the questions' parser and the session's screens), counted as srs-budget.spec.ts
 * counts srs-quiz's: every /widgets/ module until the first question is on screen, gzip -9.
 */
test('the modules up to the first question weigh at most 30 KB gzip; ts-fsrs comes only with the first score', async ({
  page,
}) => {
  const sizes = new Map<string, Promise<number>>();
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/widgets/') && path.endsWith('.js') && !sizes.has(path))
      sizes.set(
        path,
        r.body().then((b) => gzipSync(b, { level: 9 }).length),
      );
  });
  await routeFixtures(page);
  await openEmbed(page, { tag: 'mock-interview', attrs: { lessons: 'srs-fixture' } });
  const m = mock(page);
  await m.getByRole('button', { name: 'Start the mock interview' }).click({ timeout: 20_000 });
  await expect(m.getByText('Question 1 of 4')).toBeVisible();
  const first = Object.fromEntries(await Promise.all([...sizes].map(async ([p, s]) => [p, await s] as const)));
  const total = Object.values(first).reduce((a, b) => a + b, 0);
  expect(Object.keys(first).some((p) => p.includes('srs-fsrs'))).toBe(false);
  expect(total, JSON.stringify(first, null, 1)).toBeLessThanOrEqual(30 * 1024);
  await m.getByRole('button', { name: 'Reveal the model answer' }).click();
  await m.getByRole('button', { name: 'Score and next question' }).click();
  await expect(m.getByText('Question 2 of 4')).toBeVisible();
  await expect.poll(() => [...sizes.keys()].some((p) => p.includes('srs-fsrs'))).toBe(true);
  console.log(`mock-interview, foreign host: first question ${(total / 1024).toFixed(1)} KB gzip of modules`);
});

test("on /mock/ with the site's own questions: a 60-minute draw, each question linked to its place in its lesson", async ({
  page,
}) => {
  await page.goto('/mock/');
  const m = mock(page);
  await expect(m.getByText(/\d+ questions from 7 lessons in scope/)).toBeVisible({ timeout: 20_000 });
  await m.getByRole('radio', { name: '60 minutes' }).check();
  await m.getByRole('button', { name: 'Start the mock interview' }).click();
  const drawn = await m.evaluate(async (el: MockInterview) => {
    const out: MockQuestionInfo[] = [];
    while (el.question) {
      out.push(el.question);
      el.next();
    }
    return out;
  });
  // 60 minutes hold 9 to 20 questions (all hard … all easy); the mix puts all three difficulties in.
  expect(drawn.length).toBeGreaterThanOrEqual(9);
  expect(new Set(drawn.map((q) => q.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
  for (const q of drawn) expect(q.rubric.length).toBeGreaterThanOrEqual(2);
  const q = drawn[0]!;
  expect(q.href).toMatch(new RegExp(`^${SITE}/lessons/${q.lesson}/#qa-[a-z0-9-]+$`));
  await page.goto(q.href);
  await expect(page.locator(`details${new URL(q.href).hash}`)).toHaveCount(1);
});
