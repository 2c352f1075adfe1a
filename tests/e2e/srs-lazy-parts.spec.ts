import type { SrsQuiz } from '../../widgets/srs-quiz/srs-quiz.ts';
import { test, expect, type Page } from '@playwright/test';
import { addWidgetScript, embedUrl, openEmbed, pageErrors } from './support/foreign.ts';
import { plantV1Store, readStores } from './support/idb.ts';

/**
 * The store's parts that a review session never needs load on first use (widgets/srs-store/
 * store.ts): repairs (repair.ts) and the upgrade of a version-1 database (from-v1.ts). When such a
 * chunk cannot be fetched, `<srs-quiz>` must still show its cards and its usual message, throw
 * nothing, and leave the stored data as it was, for the next open to finish the work.
 */
const quiz = (page: Page) => page.locator('srs-quiz').first();
const ready = (page: Page) =>
  expect(quiz(page).getByRole('button', { name: /Show answer/ })).toBeVisible({ timeout: 20_000 });
/** Makes every fetch of the named lazy chunk fail, as offline without the service worker. */
const block = (page: Page, chunk: string) =>
  page.route(new RegExp(`/widgets/chunks/${chunk}-[\\w-]+\\.js$`), (route) => route.abort('internetdisconnected'));

test('repairs that cannot be fetched: the damaged record is left out and reported, the quiz works', async ({
  page,
}) => {
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(4);
  });
  const graded = (await readStores(page, ['cards'])).records.cards as { key: string }[];
  expect(graded).toHaveLength(1);
  // another card's record damaged in place
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res) => {
      const r = indexedDB.open('marginalia-srs');
      r.onsuccess = () => res(r.result);
    });
    const tx = db.transaction(['cards', 'meta'], 'readwrite');
    tx.objectStore('cards').put({ key: 'srs-fixture:alpha-scaling', state: { due: 'never' } });
    tx.objectStore('meta').put({ key: 'dirty:srs-fixture:alpha-scaling', value: true });
    await new Promise((r) => (tx.oncomplete = r));
    db.close();
  });
  await block(page, 'repair');
  await page.reload();
  await ready(page);
  await expect(quiz(page).getByRole('status').filter({ hasText: '1 damaged card record was set aside' })).toBeVisible();
  await expect(quiz(page)).toContainText('0 of 3 done');
  const { records } = await readStores(page, ['cards', 'quarantine']);
  // nothing was moved: the next open with repair.ts sets the record aside
  expect(records.quarantine).toEqual([]);
  expect(records.cards).toContainEqual({ key: 'srs-fixture:alpha-scaling', state: { due: 'never' } });
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(4);
  });
  await expect(quiz(page)).toContainText('1 of 3 done');
  expect(await pageErrors(page)).toEqual([]);
});

test('a version-1 database whose upgrade cannot be fetched stays as it was; the quiz works in memory', async ({
  page,
}) => {
  await page.goto(embedUrl({ tag: 'srs-quiz', attrs: { deck: 'srs-fixture' }, load: false }));
  const planted = await plantV1Store(page);
  await block(page, 'from-v1');
  await addWidgetScript(page, 'srs-quiz');
  await ready(page);
  await expect(quiz(page).getByRole('alert')).toContainText('Your progress will not be kept');
  const { version, records } = await readStores(page, ['reviews', 'log']);
  expect(version).toBe(1);
  expect(records.reviews).toHaveLength(planted.length);
  expect(records.log).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
});
