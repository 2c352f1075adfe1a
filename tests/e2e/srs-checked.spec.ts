import type { SrsQuiz } from '../../widgets/srs-quiz/srs-quiz.ts';
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { openEmbed, embedUrl } from './support/foreign.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

/**
 * Checked practice (issue 16): numeric and cloze cards in <srs-quiz>, on the foreign host under
 * the strict CSP (deck tests/fixtures/srs/decks/srs-checked.yaml and inline cards) and on the site.
 */
const quiz = (page: Page) => page.locator('srs-quiz').first();
const box = (page: Page) => quiz(page).getByRole('textbox', { name: /Your answer/ });
const grade = (page: Page, name: string) =>
  quiz(page).getByRole('button', { name: new RegExp(`^${name} \\d .*, next review in`) });
const suggested = (page: Page) => quiz(page).locator('.grades button.suggested');

/** Starts recording `quiz-checked` details on the first quiz; the returned function reads them. */
async function recordChecks(page: Page) {
  await quiz(page).evaluate((el) => {
    const seen: unknown[] = [];
    Object.assign(el, { seenChecks: seen });
    el.addEventListener('quiz-checked', (e) => seen.push((e as CustomEvent).detail));
  });
  return () => quiz(page).evaluate((el) => (el as unknown as { seenChecks: unknown[] }).seenChecks);
}

test('foreign host: type a wrong number, Enter checks, Again is suggested; a generated card and a cloze card; the log keeps it all', async ({
  page,
}) => {
  const { consoleErrors } = await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-checked' } });
  const q = quiz(page);
  await expect(box(page)).toBeVisible({ timeout: 20_000 });
  await expect(q).toContainText('How many parameters does LoRA');
  // typing with focus on the element goes into the box
  await q.focus();
  const checks = await recordChecks(page);
  await page.keyboard.type('13,100');
  await expect(box(page)).toHaveValue('13,100');
  await page.keyboard.press('Enter');
  await expect.poll(checks).toEqual([
    {
      cardId: 'fixed-params',
      deck: 'srs-checked',
      correct: false,
      expected: 131072,
      given: '13,100',
    },
  ]);
  await expect(q.locator('.verdict')).toContainText('Not right.');
  await expect(q.locator('.verdict .expected')).toHaveText('131,072');
  await expect(suggested(page)).toHaveCount(1);
  await expect(suggested(page)).toHaveClass(/again/);
  // the checked parts' styles (adopted when check-view.ts loads) apply under the strict CSP
  expect(await suggested(page).evaluate((b) => getComputedStyle(b).outlineStyle)).toBe('solid');
  await expect(q).toBeFocused();
  await page.keyboard.press('1');

  // a generated card: its numbers are drawn for this review, its solution worked step by step
  await expect(q).toContainText('merging one adapter');
  await expect(q.locator('.givens')).toHaveText(/^d_out = [\d,]+, d_in = [\d,]+, r = [48]$/);
  const r = await q.evaluate((el: SrsQuiz) => el.answer('1'));
  expect(r).toMatchObject({ correct: false, given: '1', tolerance: 0.01, unit: '' });
  expect(typeof r.expected).toBe('number');
  await expect(q.locator('ol.steps li')).toHaveCount(2);
  await expect(q.locator('ol.steps')).toContainText('multiply-adds');
  await grade(page, 'Good').click();

  // cloze: c1 hides B, and the answer is checked loosely
  await expect(q).toContainText('LoRA initialises […] to zero');
  await box(page).fill('b');
  await box(page).press('Enter');
  await expect(q.locator('.verdict')).toContainText('Right.');
  await expect(suggested(page)).toHaveClass(/good|easy/);
  expect(await q.evaluate((el: SrsQuiz) => el.shadowRoot!.querySelectorAll('[style]').length)).toBe(0);
  await page.keyboard.press('4');
  await expect(q).toContainText('draws […] at random');

  const file = await q.evaluate((el: SrsQuiz) => el.exportProgress());
  expect(file.version).toBe(3);
  const reviews = file.log.filter((e) => e.kind === 'review');
  expect(reviews.map((e) => [e.card, e.kind === 'review' && e.rating, e.kind === 'review' && e.check])).toEqual([
    ['srs-checked:fixed-params', 1, { correct: false, given: '13,100', expected: 131072, suggested: 1 }],
    ['srs-checked:generated-merge', 3, { correct: false, given: '1', expected: r.expected, suggested: 1 }],
    ['srs-checked:cloze-init::c1', 4, expect.objectContaining({ correct: true, given: 'b', expected: 'B' })],
  ]);

  // export → import into another namespace carries the checks
  const copied = await page.evaluate(async (data) => {
    const el = document.createElement('srs-quiz');
    el.setAttribute('deck', 'srs-checked');
    el.setAttribute('namespace', 'copy');
    document.body.appendChild(el);
    const report = await el.importProgress(JSON.stringify(data));
    return { report, log: (await el.exportProgress()).log };
  }, file);
  expect(copied.report).toEqual({ added: 3, duplicates: 0 });
  expect(copied.log).toEqual(file.log);
  expect(consoleErrors).toEqual([]);
});

test('foreign host, inline cards: answer() checks numbers in any format, cloze numbers split, basic cards refuse', async ({
  page,
}) => {
  await page.goto(embedUrl({ tag: 'srs-quiz', attrs: { mode: 'all' }, load: false }));
  await page.evaluate((site) => {
    const el = document.querySelector('srs-quiz')!;
    const s = document.createElement('script');
    s.type = 'application/json';
    s.textContent = JSON.stringify([
      { id: 'basic', front: 'A basic card', back: 'Its back' },
      {
        id: 'bytes',
        type: 'numeric',
        front: 'Adapter size at 18.9M parameters in fp16?',
        answer: 37.7,
        unit: 'MB',
        tolerance: 0.02,
      },
      { id: 'init', type: 'cloze', front: 'Rank {{c1::8}} with alpha {{c2::16}}' },
    ]);
    el.appendChild(s);
    const m = document.createElement('script');
    m.type = 'module';
    m.src = `${site}/widgets/srs-quiz.js`;
    document.head.appendChild(m);
  }, SITE);
  const q = quiz(page);
  await expect(q).toContainText('A basic card', { timeout: 20_000 });
  await expect(box(page)).toHaveCount(0);
  const refused = await q.evaluate((el: SrsQuiz) =>
    el.answer('1').then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(refused).toMatch(/answer\(\) checks a numeric or cloze card/);
  await q.evaluate((el: SrsQuiz) => el.reveal().then(() => el.grade(4)));
  await expect(box(page)).toBeVisible();
  expect(await q.evaluate((el: SrsQuiz) => el.answer('0.0377 GB'))).toEqual({
    correct: true,
    expected: 37.7,
    given: '0.0377 GB',
    tolerance: 0.02,
    unit: 'MB',
  });
  await expect(suggested(page)).toHaveClass(/good|easy/);
  await grade(page, 'Good').click();
  await expect(q).toContainText('Rank […] with alpha 16');
  expect(await q.evaluate((el: SrsQuiz) => el.answer('8'))).toMatchObject({ correct: true, expected: '8' });
  await grade(page, 'Easy').click();
  await expect(q).toContainText('Rank 8 with alpha […]');
  const axe = await new AxeBuilder({ page })
    .include('srs-quiz')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  expect(await q.evaluate((el: SrsQuiz) => el.answer('1.7e1'))).toMatchObject({
    correct: false,
    expected: '16',
    given: '1.7e1',
  });
  await expect(suggested(page)).toHaveClass(/again/);
});

test('site /review/: the checking code loads with the first checked card, not before', async ({ page }) => {
  const loaded: string[] = [];
  page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
  await page.goto('/review/');
  const q = page.locator('srs-quiz');
  const only = q.getByRole('button', { name: 'Study Checked SRS fixture lesson', exact: true });
  await expect(only).toBeVisible({ timeout: 20_000 });
  expect(loaded.filter((p) => /check-view/.test(p))).toEqual([]);
  await only.click();
  await expect(box(page)).toBeVisible();
  expect(loaded.filter((p) => /check-view/.test(p)).length).toBe(1);
  const checks = await recordChecks(page);
  await box(page).fill('131072');
  await box(page).press('Enter');
  await expect
    .poll(checks)
    .toEqual([expect.objectContaining({ cardId: 'fixed-params', correct: true, expected: 131072 })]);
  await expect(q.locator('.verdict')).toContainText('Right.');
});

test('site /progress/: calibration of Good/Easy grades from an imported log, per lesson, with the sentence', async ({
  page,
}) => {
  const now = Date.now();
  const day = 86_400_000;
  const check = (correct: boolean) => ({ correct, given: '1', expected: 2, suggested: correct ? 3 : 1 });
  const log = [
    {
      kind: 'review',
      id: 'k1',
      card: 'srs-checked:fixed-params',
      rating: 3,
      time: now - 2 * day,
      duration: 4000,
      check: check(true),
    },
    {
      kind: 'review',
      id: 'k2',
      card: 'srs-checked:generated-merge',
      rating: 4,
      time: now - 3 * day,
      duration: 4000,
      check: check(false),
    },
    {
      kind: 'review',
      id: 'k3',
      card: 'srs-checked:cloze-init::c1',
      rating: 3,
      time: now - 60 * day,
      duration: 4000,
      check: check(false),
    },
    {
      kind: 'review',
      id: 'k4',
      card: 'srs-checked:cloze-init::c2',
      rating: 1,
      time: now - 1 * day,
      duration: 4000,
      check: check(false),
    },
  ];
  await page.goto('/progress/');
  const p = page.locator('srs-progress');
  await expect(p.locator('p.calibration')).toContainText('No checked answers graded Good or Easy yet', {
    timeout: 20_000,
  });
  await p.getByLabel('Import progress').setInputFiles({
    name: 'progress.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({ format: 'marginalia-srs-progress', version: 2, namespace: 'default', exportedAt: now, log }),
    ),
  });
  await expect(p.locator('p.calibration')).toContainText(
    'last 30 days 50% of 2 (1 right); all time 33% of 3 (1 right).',
  );
  await expect(p.getByRole('note')).toContainText('You marked 2 answers Good or Easy that the check found wrong.');
  await expect(p.locator('table.calibration tbody tr')).toHaveText([
    /Checked SRS fixture lesson\s*50% of 2 \(1 right\)\s*33% of 3 \(1 right\)/,
  ]);
});
