/**
 * Predict, then run (issue 16) in <lora-trainer>: a lesson's predictions end to end on the site —
 * commit by keyboard, the run, the outcome beside the prediction, `lora-prediction`, the linked
 * card's review in the progress store — and embedded on the foreign host under the strict CSP,
 * with a bad `predict` attribute showing its message.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { openEmbed, pageErrors, violations } from './support/foreign.ts';
import { readStores } from './support/idb.ts';
import { ready, type TrainerApi } from './support/lora-trainer.ts';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Records every lora-prediction event's detail from the first moment. */
async function recordPredictions(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __predictions: unknown[] };
    w.__predictions = [];
    document.addEventListener('lora-prediction', (e) =>
      w.__predictions.push(JSON.parse(JSON.stringify((e as CustomEvent).detail))),
    );
  });
}

const predictions = (page: Page) =>
  page.evaluate(() => (window as unknown as { __predictions: Record<string, unknown>[] }).__predictions);

/** The review log entries of one card, read straight from the page's IndexedDB (the store's `log`). */
async function reviewsOf(page: Page, card: string) {
  const { records } = await readStores(page, ['log']);
  return (records.log as { card: string; kind: string; rating: number; check?: unknown }[])
    .filter((e) => e.card === card)
    .map((e) => ({ kind: e.kind, rating: e.rating, check: e.check }));
}

const section = (el: Locator, id: string) => el.locator(`[data-predict="${id}"]`);

test.describe('<lora-trainer> predictions', () => {
  test.describe.configure({ timeout: 180_000 });

  test('on the lesson: commit by keyboard, the run answers, the outcome is shown, fired and logged as the card’s review', async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await recordPredictions(page);
    await page.goto('/lessons/lora-peft/');
    const el = page.locator('lora-trainer#trainer');
    await ready(el);
    expect(await el.evaluate((e) => (e as TrainerApi).errors)).toEqual([]);
    await expect(el.locator('[data-predict]')).toHaveCount(3);

    // A number box: type, Enter commits. The engine's count of trainable numbers answers.
    const size = section(el, 'adapter-size');
    const question = size.getByRole('group', { name: /How many numbers will this adapter train/ });
    await expect(question).toBeVisible();
    const box = size.getByRole('textbox', { name: 'Your prediction' });
    await box.fill('1,024');
    await box.press('Enter');
    await expect(size.locator('[data-outcome]')).toHaveAttribute('data-outcome', 'right');
    await expect(size.locator('[data-actual]')).toHaveText('1,024');
    await expect(size.getByRole('status')).toContainText('The engine trains 1,024 numbers');
    await expect(size.locator('[data-logged]')).toContainText('Counted as a review of the card “param-count”: Good.');
    // The form is closed after a commit; focus went to "Predict again".
    await expect(box).toBeDisabled();
    await expect(size.getByRole('button', { name: 'Predict again' })).toBeFocused();

    // A radio group by keyboard only: Space chooses, Enter commits. Two real runs answer it.
    const overfit = section(el, 'overfit-r32');
    await overfit.getByRole('radio', { name: 'Yes' }).focus();
    await page.keyboard.press('Space');
    await expect(overfit.getByRole('radio', { name: 'Yes' })).toBeChecked();
    await page.keyboard.press('Enter');
    await expect(overfit.getByRole('status')).toContainText(/Training r = 4 and r = 32 on 40 noisy examples/);
    await expect(overfit.locator('[data-outcome]')).toHaveAttribute('data-outcome', 'wrong', { timeout: 60_000 });
    await expect(overfit.locator('[data-actual]')).toHaveText('No');
    const [valLow, valHigh] = (await overfit.getByRole('status').innerText())
      .match(/r = 4: (\d+(?:\.\d+)?), r = 32: (\d+(?:\.\d+)?)/)!
      .slice(1)
      .map(Number);
    expect(valHigh).toBeGreaterThan(valLow!);
    await expect(overfit.locator('[data-logged]')).toContainText('“overfit-rank”: Again.');

    expect(await predictions(page)).toEqual([
      { id: 'adapter-size', predicted: 1024, actual: 1024, correct: true },
      { id: 'overfit-r32', predicted: 'yes', actual: 'no', correct: false },
    ]);
    expect(await reviewsOf(page, 'lora-peft:param-count')).toEqual([
      { kind: 'review', rating: 3, check: { correct: true, given: '1024', expected: 1024, suggested: 3 } },
    ]);
    expect(await reviewsOf(page, 'lora-peft:overfit-rank')).toEqual([
      { kind: 'review', rating: 1, check: { correct: false, given: 'yes', expected: 'no', suggested: 1 } },
    ]);
    // The reader's own adapter was not touched by the runs.
    expect(await el.evaluate((e) => (e as TrainerApi).step)).toBe(0);

    // Committing with no choice asks for one and runs nothing.
    await section(el, 'rank-one-loss').getByRole('button', { name: 'Commit and run' }).click();
    await expect(section(el, 'rank-one-loss').getByRole('status')).toHaveText('Type a number.');

    // Axe over the open, the right and the wrong outcome, in both colour schemes.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const axe = await new AxeBuilder({ page }).include('lora-trainer#trainer').withTags(AXE_TAGS).analyze();
      expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' '))}`)).toEqual(
        [],
      );
    }

    // A bad value set as the property: its message, no predictions, nothing thrown.
    await el.evaluate((e) => ((e as TrainerApi).predict = '[{"measure": '));
    await expect(el.locator('[data-predict]')).toHaveCount(0);
    await expect(el.getByRole('alert')).toContainText('predict is not valid JSON');
    expect(errors).toEqual([]);
  });

  test('on the foreign host under the strict CSP: a prediction runs, fires and logs; no violations; axe clean', async ({
    page,
  }) => {
    await recordPredictions(page);
    const predict = JSON.stringify({
      id: 'merge-change',
      measure: 'merge-output-change',
      steps: 100,
      deck: 'serving-adapters',
      card: 'merge-exact',
    });
    const { consoleErrors } = await openEmbed(page, {
      tag: 'lora-trainer',
      attrs: { rank: '4', controls: 'minimal', predict },
    });
    const el = page.locator('#lora-trainer-0');
    await ready(el);
    const s = section(el, 'merge-change');
    await expect(s.getByRole('group', { name: /merging B·A into W/ })).toBeVisible();
    await s.getByRole('radio', { name: /float rounding/ }).check();
    await s.getByRole('radio', { name: /float rounding/ }).press('Enter');
    await expect(s.locator('[data-outcome]')).toHaveAttribute('data-outcome', 'right', { timeout: 60_000 });
    await expect(s.locator('[data-logged]')).toContainText('“merge-exact”: Good.');
    expect(await predictions(page)).toEqual([
      { id: 'merge-change', predicted: 'rounding', actual: 'rounding', correct: true },
    ]);
    expect(await reviewsOf(page, 'serving-adapters:merge-exact')).toEqual([
      { kind: 'review', rating: 3, check: { correct: true, given: 'rounding', expected: 'rounding', suggested: 3 } },
    ]);
    expect(await violations(page)).toEqual([]);
    expect(await pageErrors(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    const axe = await new AxeBuilder({ page }).include('lora-trainer').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  });

  test('a bad predict attribute shows its message on the foreign page; the good settings still apply', async ({
    page,
  }) => {
    await openEmbed(page, {
      tag: 'lora-trainer',
      attrs: {
        rank: '4',
        controls: 'minimal',
        predict: '[{"measure": "vibes"}, {"measure": "final-loss", "steps": 0}]',
      },
    });
    const el = page.locator('#lora-trainer-0');
    await ready(el);
    const alert = el.getByRole('alert');
    await expect(alert).toContainText('predict[0] has measure "vibes"; use one of rank-reaches-full');
    await expect(alert).toContainText('predict[1]: steps must be a whole number from 1 to 3000; it is left out.');
    await expect(el.locator('[data-predict]')).toHaveCount(0);
    expect(await el.evaluate((e) => (e as TrainerApi).errors.map((x) => x.attribute))).toEqual(['predict', 'predict']);
    expect(await el.evaluate((e) => (e as TrainerApi).settings.config['rank'])).toBe(4);
    expect(await pageErrors(page)).toEqual([]);
    expect(await violations(page)).toEqual([]);
  });
});
