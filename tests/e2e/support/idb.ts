import type { Page } from '@playwright/test';

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
