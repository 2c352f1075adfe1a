import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

/**
 * Every record of some object stores of one IndexedDB database in the page, read straight from
 * IndexedDB (not through the elements): what the stores really wrote. A store the database does
 * not have reads as an empty list; `version` is the database's.
 */
export function readStores(
  page: Page,
  stores: readonly string[],
  name = 'marginalia-srs',
): Promise<{ version: number; records: Record<string, unknown[]> }> {
  return page.evaluate(
    async ({ name, stores }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      try {
        const records: Record<string, unknown[]> = {};
        for (const s of stores)
          records[s] = db.objectStoreNames.contains(s)
            ? await new Promise<unknown[]>((resolve, reject) => {
                const r = db.transaction(s).objectStore(s).getAll();
                r.onsuccess = () => resolve(r.result);
                r.onerror = () => reject(r.error);
              })
            : [];
        return { version: db.version, records };
      } finally {
        db.close();
      }
    },
    { name, stores },
  );
}

/**
 * Plants a version-1 progress database (the fixture's `reviews` records, as the first release
 * stored them) in the page before any widget module runs; returns the records planted. The page
 * must be one that has not loaded the module yet (the foreign host's `load: false`).
 */
export async function plantV1Store(page: Page): Promise<unknown[]> {
  const v1 = JSON.parse(readFileSync('tests/fixtures/srs/v1-store.json', 'utf8')) as { records: unknown[] };
  await page.evaluate(async (records) => {
    await new Promise<void>((res, rej) => {
      const r = indexedDB.open('marginalia-srs', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('reviews', { autoIncrement: true });
      r.onsuccess = () => {
        const tx = r.result.transaction('reviews', 'readwrite');
        for (const rec of records) tx.objectStore('reviews').add(rec);
        tx.oncomplete = () => (r.result.close(), res());
      };
      r.onerror = () => rej(r.error);
    });
  }, v1.records);
  return v1.records;
}
