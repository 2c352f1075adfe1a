import type { SrsQuiz } from '../../widgets/srs-quiz/srs-quiz.ts';
import { test, expect, type Page } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import * as tsfsrs from 'ts-fsrs';
import { addWidgetScript, embedUrl, openEmbed, pageErrors } from './support/foreign.ts';
import { plantV1Store, readStores } from './support/idb.ts';
import { FOREIGN } from '../../scripts/lib/ports.mjs';
import { createScheduler } from '../../widgets/core/srs-schedule.ts';
import { DB_VERSION } from '../../widgets/srs-store/migrations.ts';
import { replay, type LogEntry } from '../../widgets/core/srs-log.ts';

/**
 * <srs-quiz> storage in Chromium's real IndexedDB, on the foreign host: reload, two tabs,
 * migration from version 1, damaged records, quota errors, no IndexedDB, clock skew, namespaces,
 * import/export; and <srs-progress>'s exports when they fail.
 */
const FIX = 'tests/fixtures/srs';
const quiz = (page: Page) => page.locator('srs-quiz').first();
const showAnswer = (page: Page) => quiz(page).getByRole('button', { name: /Show answer/ });
const ready = (page: Page) => expect(showAnswer(page)).toBeVisible({ timeout: 20_000 });

interface Dump {
  version: number;
  log: LogEntry[];
  cards: { key: string; state: unknown }[];
  quarantine: unknown[];
}

/** Everything in one namespace's database. */
async function dump(page: Page, name = 'marginalia-srs'): Promise<Dump> {
  const { version, records } = await readStores(page, ['log', 'cards', 'quarantine'], name);
  return {
    version,
    log: records.log as LogEntry[],
    cards: records.cards as Dump['cards'],
    quarantine: records.quarantine!,
  };
}

const expectCacheIsReplay = (d: Dump) => {
  const states = replay(createScheduler(tsfsrs), d.log);
  expect(new Map(d.cards.map((c) => [c.key, c.state]))).toEqual(states);
};

test('two tabs grading interleaved lose nothing: 2N log entries, card states = replay(log)', async ({ context }) => {
  const N = 6;
  const a = await context.newPage();
  const b = await context.newPage();
  for (const p of [a, b]) {
    await openEmbed(p, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture', mode: 'all' } });
    await ready(p);
  }
  for (let i = 0; i < N; i++) {
    for (const [p, rating] of [
      [a, (i % 4) + 1],
      [b, 3],
    ] as const) {
      await quiz(p).evaluate(async (el: SrsQuiz, r: number) => {
        await el.reveal();
        await el.grade(r as 1);
      }, rating);
    }
  }
  const d = await dump(a);
  expect(d.log).toHaveLength(2 * N);
  expect(new Set(d.log.map((e) => e.id)).size).toBe(2 * N);
  expectCacheIsReplay(d);
  expect(await pageErrors(a)).toEqual([]);
  expect(await pageErrors(b)).toEqual([]);
});

test('a version-1 database is migrated: reviews become log entries, the damaged one is quarantined and reported', async ({
  page,
}) => {
  await page.goto(embedUrl({ tag: 'srs-quiz', attrs: { deck: 'srs-fixture' }, load: false }));
  await plantV1Store(page);
  // now load the module (the URL said load=0, so the old database could be planted first)
  await addWidgetScript(page, 'srs-quiz');
  await ready(page);
  await expect(quiz(page).getByRole('status').filter({ hasText: '1 damaged record was set aside' })).toBeVisible();
  const d = await dump(page);
  expect(d.version).toBe(2);
  expect(d.log.map((e) => e.id)).toEqual(['v1-1', 'v1-2', 'v1-3']);
  expect(d.quarantine).toHaveLength(1);
  expect(d.cards.map((c) => c.key).sort()).toEqual(['srs-fixture:alpha-scaling', 'srs-fixture:why-low-rank']);
  expectCacheIsReplay(d);
  // both migrated cards are long overdue: they come first
  await expect(quiz(page)).toContainText('0 of 4 done');
});

test('a damaged record in the current schema is quarantined and reported; the card is rebuilt from the log', async ({
  page,
}) => {
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(4);
  });
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res) => {
      const r = indexedDB.open('marginalia-srs');
      r.onsuccess = () => res(r.result);
    });
    const tx = db.transaction(['log', 'cards'], 'readwrite');
    tx.objectStore('log').put({
      id: 'evil',
      kind: 'review',
      card: 'srs-fixture:alpha-scaling',
      rating: 42,
      time: 'then',
    });
    tx.objectStore('cards').put({ key: 'srs-fixture:why-low-rank', state: { due: 'never' } });
    await new Promise((r) => (tx.oncomplete = r));
    db.close();
  });
  await page.reload();
  await ready(page);
  await expect(quiz(page).getByRole('status').filter({ hasText: 'damaged card record was set aside' })).toBeVisible();
  // the state was rebuilt from the log, so the graded card is still not due
  await expect(quiz(page)).toContainText('0 of 3 done');
  const json = await quiz(page).evaluate((el: SrsQuiz) => el.exportProgress());
  expect(json.log).toHaveLength(1); // the damaged log entry was set aside, not exported
  const d = await dump(page);
  expect(d.quarantine.length).toBe(2);
  expectCacheIsReplay(d);
  expect(await pageErrors(page)).toEqual([]);
});

test('import refuses 13 bad files naming the problem, changes nothing, and a re-import adds nothing', async ({
  page,
}) => {
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  const good = readFileSync(`${FIX}/progress-good.json`, 'utf8');
  const first = await quiz(page).evaluate((el: SrsQuiz, text: string) => el.importProgress(text), good);
  expect(first).toEqual({ added: 11, duplicates: 0 });
  const before = await dump(page);
  expectCacheIsReplay(before);
  const { expected } = JSON.parse(readFileSync(`${FIX}/bad-imports/expected.json`, 'utf8')) as {
    expected: Record<string, string>;
  };
  const names = readdirSync(`${FIX}/bad-imports`).filter((n) => n !== 'expected.json');
  expect(names.length).toBeGreaterThanOrEqual(10);
  for (const name of names) {
    const text = readFileSync(`${FIX}/bad-imports/${name}`, 'utf8');
    const message = await quiz(page).evaluate(
      (el: SrsQuiz, text: string) =>
        el.importProgress(text).then(
          () => 'accepted',
          (e: Error) => e.message,
        ),
      text,
    );
    expect(message, name).toContain(expected[name]);
  }
  expect(await dump(page)).toEqual(before);
  expect(
    await page.evaluate(() => (({}) as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).isAdmin),
  ).toBeUndefined();
  // the same file again: nothing added
  expect(await quiz(page).evaluate((el: SrsQuiz, text: string) => el.importProgress(text), good)).toEqual({
    added: 0,
    duplicates: 11,
  });
  expect((await dump(page)).log).toHaveLength(11);
  // through the file picker, a bad file gets a message in the element
  await quiz(page).getByText('Your progress: export or import').click();
  await quiz(page).getByLabel('Import progress').setInputFiles(`${FIX}/bad-imports/06-future-version.json`);
  await expect(quiz(page).getByRole('alert')).toContainText(
    'Import refused, nothing was changed: the file is version 7',
  );
});

test('export: versioned JSON of the log, and the optimizer CSV', async ({ page }) => {
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(3);
    await el.reveal();
    await el.grade(1);
  });
  const json = await quiz(page).evaluate((el: SrsQuiz) => el.exportProgress());
  expect(json).toMatchObject({ format: 'marginalia-srs-progress', version: 3, namespace: 'default' });
  expect(json.log.map((e) => e.card)).toEqual(['srs-fixture:why-low-rank', 'srs-fixture:alpha-scaling']);
  const csv = (await quiz(page).evaluate((el: SrsQuiz) => el.exportReviewLogCsv())).trim().split('\n');
  expect(csv[0]).toBe('card_id,review_time,review_rating,review_state,review_duration');
  expect(csv[1]).toMatch(/^srs-fixture:why-low-rank,\d{13},3,0,\d+$/);
  expect(csv[2]).toMatch(/^srs-fixture:alpha-scaling,\d{13},1,0,\d+$/);
  const download = page.waitForEvent('download');
  await quiz(page).getByText('Your progress: export or import').click();
  await quiz(page)
    .getByRole('button', { name: /Export review log/ })
    .click();
  expect((await download).suggestedFilename()).toBe('marginalia-revlog.csv');
});

/** One review graded by <srs-quiz>, then <srs-progress> on the same foreign origin, drawn. */
async function progressWithOneReview(page: Page) {
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(3);
  });
  await openEmbed(page, { tag: 'srs-progress', attrs: { deck: 'srs-fixture' } });
  const progress = page.locator('srs-progress');
  await expect(progress).toContainText('1 review on 1 day.', { timeout: 20_000 });
  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  return { progress, downloads };
}

test('<srs-progress>: bad attributes each get a message; the good deck still counts; new settings read again', async ({
  page,
}) => {
  await openEmbed(page, {
    tag: 'srs-progress',
    attrs: { deck: 'Bad! srs-fixture', retention: '2', namespace: 'no way' },
  });
  const progress = page.locator('srs-progress');
  await expect(progress.getByRole('status').filter({ hasText: 'deck "Bad!" is not a deck id' })).toHaveCount(1, {
    timeout: 20_000,
  });
  await expect(progress.getByRole('status').filter({ hasText: 'retention "2" must be from' })).toHaveCount(1);
  await expect(progress.getByRole('status').filter({ hasText: 'namespace "no way" is not valid' })).toHaveCount(1);
  await expect(progress.locator('table.mastery tbody tr')).toHaveCount(1);
  // Fixed attributes are read again: the messages go, and only the ones still bad stay.
  await progress.evaluate((el) => {
    el.setAttribute('deck', 'srs-fixture');
    el.setAttribute('retention', '0.85');
  });
  await expect(progress.getByRole('status').filter({ hasText: 'is not a deck id' })).toHaveCount(0);
  await expect(progress.getByRole('status').filter({ hasText: 'retention' })).toHaveCount(0);
  await expect(progress.getByRole('status').filter({ hasText: 'namespace "no way"' })).toHaveCount(1);
  expect(await pageErrors(page)).toEqual([]);
});

test('<srs-progress>: an export whose module cannot be fetched says which export failed; the CSV still works', async ({
  page,
}) => {
  const { progress, downloads } = await progressWithOneReview(page);
  // The JSON export loads the profile reader when it is first clicked: the site is unreachable now.
  await page.route('**/widgets/chunks/profile-check-*.js', (route) => route.abort('internetdisconnected'));
  await progress.getByRole('button', { name: 'Export progress (JSON)' }).click();
  const alert = progress.getByRole('alert');
  await expect(alert).toContainText('Could not export your progress (JSON), nothing was changed:');
  await expect(alert).toContainText('profile-check');
  expect(downloads).toEqual([]);
  // Nothing lost: the log is stored as it was, and the CSV (which needs no more modules) exports it.
  expect((await dump(page)).log).toHaveLength(1);
  const download = page.waitForEvent('download');
  await progress.getByRole('button', { name: /Export review log/ }).click();
  expect(
    readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n'),
  ).toHaveLength(2);
  await expect(alert).toHaveCount(0);
  expect(await pageErrors(page)).toEqual([]);
});

test('<srs-progress>: an export the store cannot read (a newer version in another tab) says so; the log is kept', async ({
  page,
  context,
}) => {
  const { progress, downloads } = await progressWithOneReview(page);
  // Another tab of the same origin upgrades the database: this tab's store lets go of it, and
  // cannot open it again at its own, older version.
  const other = await context.newPage();
  await other.goto(embedUrl({ tag: 'srs-quiz', load: false }));
  await other.evaluate(
    (version) =>
      new Promise<void>((resolve, reject) => {
        const r = indexedDB.open('marginalia-srs', version);
        r.onsuccess = () => (r.result.close(), resolve());
        r.onerror = () => reject(r.error);
      }),
    DB_VERSION + 1,
  );
  await progress.getByRole('button', { name: /Export review log/ }).click();
  const alert = progress.getByRole('alert');
  await expect(alert).toContainText('Could not export your review log (CSV), nothing was changed:');
  // A read, and a version conflict: the advice is to reload, not to free space.
  await expect(alert).toContainText(
    'Your progress could not be read: a newer version of this site is open in another tab; reload this page.',
  );
  await expect(alert).not.toContainText('free some space');
  expect(downloads).toEqual([]);
  const d = await dump(page);
  expect(d.version).toBe(DB_VERSION + 1);
  expect(d.log).toHaveLength(1);
  expect(await pageErrors(page)).toEqual([]);
});

test('a real quota error: one retry, then a clear message offering export; the review is kept in memory', async ({
  page,
}) => {
  // Chromium checks the quota of an origin when a connection opens, so shrink it first (DevTools
  // protocol): the database still opens (creating stores takes no quota), every write then fails.
  await page.goto(embedUrl({ tag: 'srs-quiz', load: false }));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: FOREIGN, quotaSize: 1 });
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(4);
  });
  const alert = quiz(page).getByRole('alert');
  await expect(alert).toContainText('Your progress could not be saved: the browser says its storage is full');
  await expect(alert.getByRole('button', { name: 'Export progress now' })).toBeVisible();
  // the session goes on: the graded card left the queue, its review is held in memory
  await expect(quiz(page)).toContainText('1 of 4 done');
  const json = await quiz(page).evaluate((el: SrsQuiz) => el.exportProgress());
  expect(json.log).toHaveLength(1);
  expect((await dump(page)).log).toHaveLength(0);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: FOREIGN });
  expect(await pageErrors(page)).toEqual([]);
});

/**
 * Counts, in the page, the connections opened to the SRS databases and the writes of a review
 * (an `add` on the log store); `__idb.abortNext = n` aborts the next n such write transactions
 * right after their add is issued, as a browser does when it gives up on one (AbortError).
 */
async function countWrites(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __idb: { opens: number; writes: number; abortNext: number } };
    w.__idb = { opens: 0, writes: 0, abortNext: 0 };
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
      if (String(args[0]).startsWith('marginalia-srs')) w.__idb.opens++;
      return open.apply(this, args);
    };
    const add = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      const request = add.apply(this, args);
      if (this.name === 'log' && this.transaction.mode === 'readwrite') {
        w.__idb.writes++;
        if (w.__idb.abortNext > 0) {
          w.__idb.abortNext--;
          this.transaction.abort();
        }
      }
      return request;
    };
  });
  return (abortNext?: number) =>
    page.evaluate((n) => {
      const c = (window as unknown as { __idb: { opens: number; writes: number; abortNext: number } }).__idb;
      if (n !== undefined) c.abortNext = n;
      return { opens: c.opens, writes: c.writes };
    }, abortNext);
}

test('a write the browser refuses is retried exactly once, on a reopened connection', async ({ page }) => {
  const counts = await countWrites(page);
  await page.goto(embedUrl({ tag: 'srs-quiz', load: false }));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: FOREIGN, quotaSize: 1 });
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  const before = await counts();
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(3);
  });
  await expect(quiz(page).getByRole('alert')).toContainText('the browser says its storage is full');
  const after = await counts();
  expect(after.writes - before.writes, 'the first attempt and one retry').toBe(2);
  expect(after.opens - before.opens, 'one reopen between them').toBe(1);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: FOREIGN });
});

test('a transient AbortError: the retry on a reopened connection saves the review and nothing is shown', async ({
  page,
}) => {
  const counts = await countWrites(page);
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  const before = await counts(1);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(3);
  });
  // Good on a new card: a learning step, so it comes back in this session
  await expect(quiz(page)).toContainText('1 of 5 done');
  const after = await counts();
  expect(after.writes - before.writes).toBe(2);
  expect(after.opens - before.opens).toBe(1);
  await expect(quiz(page).getByRole('alert')).toHaveCount(0);
  const d = await dump(page);
  expect(d.log).toHaveLength(1);
  expect(d.log[0]).toMatchObject({ kind: 'review', rating: 3 });
  expectCacheIsReplay(d);
  expect(await pageErrors(page)).toEqual([]);
});

test('persistent storage is asked for on the first review, once, not on opening', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __persist: number };
    w.__persist = 0;
    const persist = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function (this: StorageManager) {
      w.__persist++;
      return persist.call(this);
    };
  });
  const asked = () => page.evaluate(() => (window as unknown as { __persist: number }).__persist);
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  expect(await asked()).toBe(0);
  for (let i = 0; i < 2; i++) {
    await quiz(page).evaluate(async (el: SrsQuiz) => {
      await el.reveal();
      await el.grade(4);
    });
  }
  await expect(quiz(page)).toContainText('2 of 4 done');
  expect(await asked()).toBe(1);
});

test('without IndexedDB the quiz works in memory and says progress will not be kept', async ({ page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' } });
  await ready(page);
  await expect(quiz(page).getByRole('alert')).toContainText('Your progress will not be kept');
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(4);
  });
  await expect(quiz(page)).toContainText('1 of 4 done');
  expect((await quiz(page).evaluate((el: SrsQuiz) => el.exportProgress())).log).toHaveLength(1);
  expect(await pageErrors(page)).toEqual([]);
});

test('a clock that goes backwards never throws', async ({ page }) => {
  const t = Date.parse('2025-06-01T10:00:00Z');
  await page.clock.install({ time: t });
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture', mode: 'all' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(1);
  });
  await page.clock.setSystemTime(t - 3 * 86_400_000);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    for (let i = 0; i < 4; i++) {
      await el.reveal();
      await el.grade(3);
    }
  });
  const d = await dump(page);
  expect(d.log).toHaveLength(5);
  expect(d.log.some((e) => e.time < t)).toBe(true);
  expectCacheIsReplay(d);
  expect(await pageErrors(page)).toEqual([]);
});

test("namespace keeps an embedding site's progress apart", async ({ page }) => {
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture', namespace: 'course-a' } });
  await ready(page);
  await quiz(page).evaluate(async (el: SrsQuiz) => {
    await el.reveal();
    await el.grade(4);
  });
  expect((await dump(page, 'marginalia-srs--course-a')).log).toHaveLength(1);
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(names).not.toContain('marginalia-srs');
  await openEmbed(page, { tag: 'srs-quiz', attrs: { deck: 'srs-fixture', namespace: 'course-b' } });
  await ready(page);
  await expect(quiz(page)).toContainText('0 of 4 done');
});
