import type { SrsQuiz } from '../../widgets/srs-quiz/srs-quiz.ts';
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import {
  openEmbed,
  embedUrl,
  documentStyles,
  violations,
  pageErrors,
  expectImmuneToHostileCss,
} from './support/foreign.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

/**
 * <srs-quiz> on the foreign host (another origin, DESIGN.md's strict CSP), with the fixture decks
 * of tests/fixtures/srs/decks (published by test builds) and inline cards.
 */
const quiz = (page: Page) => page.locator('srs-quiz').first();
const showAnswer = (page: Page) => quiz(page).getByRole('button', { name: /Show answer/ });
const grade = (page: Page, name: string) =>
  quiz(page).getByRole('button', { name: new RegExp(`^${name} \\d .*, next review in`) });

async function openQuiz(page: Page, attrs: Record<string, string> = { deck: 'srs-fixture' }) {
  const r = await openEmbed(page, { tag: 'srs-quiz', attrs });
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  return r;
}

/** Mounts <srs-quiz> with inline cards (script children) before the module loads. */
async function openInline(page: Page, cards: unknown, attrs: Record<string, string> = {}) {
  await page.goto(embedUrl({ tag: 'srs-quiz', attrs, load: false }));
  await page.evaluate(
    ({ cards, site }) => {
      const el = document.querySelector('srs-quiz')!;
      const s = document.createElement('script');
      s.type = 'application/json';
      s.textContent = typeof cards === 'string' ? cards : JSON.stringify(cards);
      el.appendChild(s);
      const m = document.createElement('script');
      m.type = 'module';
      m.src = `${site}/widgets/srs-quiz.js`;
      document.head.appendChild(m);
    },
    { cards, site: SITE },
  );
}

test('front → reveal → grade buttons show intervals → grade; a reload keeps the state', async ({ page }) => {
  const { consoleErrors } = await openQuiz(page);
  const q = quiz(page);
  await expect(q).toContainText('Why does a low-rank update suffice');
  await expect(q.locator('progress')).toHaveAttribute('aria-label', 'Session progress: 0 of 4 cards');
  await showAnswer(page).click();
  // math is MathML inside the shadow root, no KaTeX HTML and no style attributes
  expect(await q.evaluate((el: SrsQuiz) => el.shadowRoot!.querySelectorAll('math').length)).toBeGreaterThan(0);
  expect(await q.evaluate((el: SrsQuiz) => el.shadowRoot!.querySelectorAll('[style]').length)).toBe(0);
  // new card: Again 1m, Hard 6m, Good 10m (ts-fsrs learning steps)
  await expect(grade(page, 'Again')).toContainText('1m');
  await expect(grade(page, 'Hard')).toContainText('6m');
  await expect(grade(page, 'Good')).toContainText('10m');
  await expect(q.getByRole('link', { name: 'Read the lesson section' })).toHaveAttribute(
    'href',
    `${SITE}/lessons/srs-fixture/#theory`,
  );
  const graded = q.evaluate(
    (el: SrsQuiz) => new Promise((r) => el.addEventListener('quiz-graded', (e) => r(e.detail), { once: true })),
  );
  await grade(page, 'Easy').click();
  expect(await graded).toMatchObject({ cardId: 'why-low-rank', deck: 'srs-fixture', rating: 4 });
  await expect(q.locator('progress')).toHaveAttribute('aria-label', 'Session progress: 1 of 4 cards');
  await expect(q.getByRole('status').filter({ hasText: 'Easy. This card comes back in' })).toBeAttached();
  await page.reload();
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  // the graded card is not due any more: the session starts at the second card
  await expect(q).toContainText('What does');
  await expect(q.locator('progress')).toHaveAttribute('aria-label', 'Session progress: 0 of 3 cards');
  expect(consoleErrors).toEqual([]);
});

test('keyboard only: focus the element, Space reveals, 1–4 grade, U undoes, to the summary', async ({ page }) => {
  await openQuiz(page);
  await page.keyboard.press('Tab'); // the element itself takes focus
  await expect(quiz(page)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(grade(page, 'Good')).toBeVisible();
  await page.keyboard.press('3');
  await expect(quiz(page)).toContainText('What does');
  await expect(quiz(page)).toBeFocused();
  await page.keyboard.press('u');
  await expect(quiz(page)).toContainText('Why does a low-rank');
  await expect(quiz(page).getByRole('status').filter({ hasText: 'Undone: Good' })).toBeAttached();
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Enter');
    await expect(grade(page, 'Easy')).toBeVisible();
    await page.keyboard.press('4');
  }
  await expect(quiz(page).getByRole('heading', { name: 'Session complete' })).toBeVisible();
  await expect(quiz(page)).toContainText('You reviewed 4 cards');
  await expect(quiz(page)).toContainText(/Next review: .+ \(in \d+ days?\)/);
  await expect(quiz(page)).toBeFocused();
});

test('grades pressed faster than they are saved act on successive cards, never twice on one', async ({ page }) => {
  await openQuiz(page);
  const ids = await quiz(page).evaluate(async (el) => {
    const q = el as SrsQuiz;
    const seen: string[] = [];
    el.addEventListener('quiz-graded', (e) => seen.push((e as CustomEvent<{ cardId: string }>).detail.cardId));
    await q.reveal();
    // no await between them: the second grade arrives while the first is being saved
    await Promise.all([q.grade(4), q.grade(4), q.grade(3)]);
    return seen;
  });
  expect(ids).toHaveLength(3);
  expect(new Set(ids).size).toBe(3);
});

test('with the answer box: type, Ctrl+Enter reveals, both answers side by side', async ({ page }) => {
  await openQuiz(page, { deck: 'srs-fixture', 'type-answer': '' });
  const box = quiz(page).getByRole('textbox', { name: /Your answer/ });
  await box.click();
  await page.keyboard.type('because 1 2 3 4 u'); // digits and u while typing do nothing
  await expect(box).toHaveValue('because 1 2 3 4 u');
  await page.keyboard.press('Control+Enter');
  await expect(quiz(page)).toContainText('Your answer');
  await expect(quiz(page).locator('.compare.both')).toContainText('because 1 2 3 4 u');
  await expect(quiz(page).locator('.compare.both')).toContainText('intrinsic rank');
});

test('axe finds nothing on the front, the back and the summary', async ({ page }) => {
  await openInline(page, [{ id: 'a', front: 'Question?', back: 'Answer.' }]);
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  const axe = async (what: string) => {
    const r = await new AxeBuilder({ page })
      .include('srs-quiz')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(r.violations.map((v) => `${what}: ${v.id}`)).toEqual([]);
  };
  await axe('front');
  await showAnswer(page).click();
  await axe('back');
  await grade(page, 'Easy').click();
  await expect(quiz(page).getByRole('heading', { name: 'Session complete' })).toBeVisible();
  await axe('summary');
});

test('under the strict CSP: card text that tries to inject script is shown as text, nothing runs, Date.prototype untouched', async ({
  page,
}) => {
  await page.goto(embedUrl({ tag: 'srs-quiz', load: false }));
  const before = await page.evaluate(() => Object.getOwnPropertyNames(Date.prototype).sort());
  const stylesBefore = await documentStyles(page);
  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await page.evaluate(
    ({ site, hostile }) => {
      const el = document.querySelector('srs-quiz')!;
      const s = document.createElement('script');
      s.type = 'application/json';
      s.textContent = JSON.stringify([{ id: 'x', front: hostile, back: `<b onclick="window.__pwned=3">bold?</b>` }]);
      el.appendChild(s);
      const two = document.createElement('srs-quiz');
      two.setAttribute('deck', 'srs-fixture');
      two.setAttribute('namespace', 'second');
      document.getElementById('mount')!.appendChild(two);
      const m = document.createElement('script');
      m.type = 'module';
      m.src = `${site}/widgets/srs-quiz.js`;
      document.head.appendChild(m);
    },
    { site: SITE, hostile },
  );
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  await expect(quiz(page)).toContainText(hostile);
  await showAnswer(page).click();
  await expect(quiz(page)).toContainText('<b onclick="window.__pwned=3">bold?</b>');
  expect(await quiz(page).evaluate((el: SrsQuiz) => el.shadowRoot!.querySelectorAll('img, script, b').length)).toBe(0);
  // the fixture deck's hostile card: rendered at build time, its raw HTML dropped
  const second = page.locator('srs-quiz').nth(1);
  await expect(second.getByRole('button', { name: /Show answer/ })).toBeVisible();
  await second.evaluate(async (el: SrsQuiz) => {
    for (let i = 0; i < 2; i++) {
      await el.reveal();
      await el.grade(4);
    }
  });
  await expect(second).toContainText('Is  shown as text?');
  await second.evaluate((el: SrsQuiz) => el.reveal());
  expect(
    await second.evaluate((el: SrsQuiz) =>
      [...el.shadowRoot!.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    ),
  ).not.toContain('javascript:window.__pwned=3');
  expect(await second.evaluate((el: SrsQuiz) => el.shadowRoot!.querySelectorAll('img, script, [onerror]').length)).toBe(
    0,
  );
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.evaluate(() => Object.getOwnPropertyNames(Date.prototype).sort())).toEqual(before);
  expect(await page.evaluate(() => typeof (new Date() as unknown as { format?: unknown }).format)).toBe('undefined');
  expect(await documentStyles(page)).toEqual(stylesBefore);
  expect(await violations(page)).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
});

test('looks the same under a hostile host stylesheet', async ({ page }) => {
  await expectImmuneToHostileCss(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } }, 'srs-quiz', async (p) => {
    await expect(showAnswer(p)).toBeVisible({ timeout: 20_000 });
  });
});

test('bad deck data and bad attributes get a clear message inside the element', async ({ page }) => {
  await openInline(page, '[{"id": "a", "front": "no back"}]');
  await expect(quiz(page).getByRole('alert')).toContainText('the inline cards: card "a" has no back text');
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'no-such-deck' } });
  await expect(quiz(page).getByRole('alert')).toContainText(
    'Could not load deck "no-such-deck": the server answered 404',
  );
  await openEmbed(page, {
    tag: 'srs-quiz',
    attrs: { deck: 'srs-fixture', mode: 'sometimes', retention: '2', namespace: 'bad name!' },
  });
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  await expect(quiz(page)).toContainText('mode "sometimes" is not "due" or "all"');
  await expect(quiz(page)).toContainText('retention "2" must be a number from 0.8 to 0.95');
  await expect(quiz(page)).toContainText('namespace "bad name!" must be');
  expect(await pageErrors(page)).toEqual([]);
});

test('a third-party deck URL is shown as plain text, never HTML', async ({ page }) => {
  // the same deck, fetched by full URL from the foreign origin's point of view is still our site;
  // a deck from another origin than the module's is untrusted: serve one from the foreign host.
  await page.route('http://127.0.0.1:*/third-party.json', (route) =>
    route.fulfill({
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': '*' },
      body: JSON.stringify({
        id: 'tp',
        title: 'TP',
        cards: [{ id: 'a', front: 'plain *front*', back: 'b', frontHtml: '<em>html</em>' }],
      }),
    }),
  );
  const foreign = new URL(embedUrl({ tag: 'x' })).origin;
  await openQuiz(page, { deck: `${foreign}/third-party.json` });
  await expect(quiz(page)).toContainText('plain *front*');
  expect(await quiz(page).evaluate((el: SrsQuiz) => el.shadowRoot!.querySelectorAll('em').length)).toBe(0);
});

test('mode="all" studies every card, even ones not due', async ({ page }) => {
  await openInline(
    page,
    [
      { id: 'a', front: 'A?', back: 'a' },
      { id: 'b', front: 'B?', back: 'b' },
    ],
    { mode: 'all' },
  );
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    for (let i = 0; i < 2; i++) {
      await el.reveal();
      await el.grade(4);
    }
  });
  await page.reload();
  await page.evaluate((site) => {
    const el = document.querySelector('srs-quiz')!;
    const s = document.createElement('script');
    s.type = 'application/json';
    s.textContent = JSON.stringify([
      { id: 'a', front: 'A?', back: 'a' },
      { id: 'b', front: 'B?', back: 'b' },
    ]);
    el.appendChild(s);
    const m = document.createElement('script');
    m.type = 'module';
    m.src = `${site}/widgets/srs-quiz.js`;
    document.head.appendChild(m);
  }, SITE);
  await expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });
  await expect(quiz(page).locator('progress')).toHaveAttribute('aria-label', 'Session progress: 0 of 2 cards');
});
