import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/**
 * Imports the known log (tests/fixtures/srs/progress-good.json, whose figures
 * tests/fixtures/srs/log-known.json answers) on /review/ as a reader would, with the page's clock
 * set to that file's `now`; checks that all 11 reviews were added.
 */
export async function importKnownLog(page: Page): Promise<void> {
  const fixture = JSON.parse(readFileSync('tests/fixtures/srs/log-known.json', 'utf8')) as { now: string };
  await page.clock.install({ time: Date.parse(fixture.now) });
  await page.goto('/review/');
  const quiz = page.locator('srs-quiz');
  await expect(quiz.getByRole('button', { name: 'Study now' })).toBeVisible({ timeout: 20_000 });
  const good = readFileSync('tests/fixtures/srs/progress-good.json', 'utf8');
  expect(
    await quiz.evaluate((el: HTMLElementTagNameMap['srs-quiz'], text: string) => el.importProgress(text), good),
  ).toEqual({ added: 11, duplicates: 0 });
}
