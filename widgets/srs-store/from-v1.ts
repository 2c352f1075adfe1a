/**
 * Version 1 → 2 of the stored schema (migrations.ts), loaded only when store.ts finds a version-1
 * database: its first open stops before changing anything, loads this module and opens again
 * with `upgradeFromV1` as the rest of its upgrade. Each review becomes a log entry, a record that
 * cannot is set aside in `quarantine`, and the card cache is rebuilt from the log on open.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { parseLogEntry, type LogEntry } from '../core/srs-log.ts';
import type { SrsDB } from './db.ts';

/** A version-1 `reviews` record → a version-2 log entry, or why it cannot be. */
function migrateV1Review(value: unknown, key: IDBValidKey): { entry: LogEntry } | { error: string } {
  if (typeof value !== 'object' || value === null) return { error: 'is not an object' };
  const v = value as Record<string, unknown>;
  return parseLogEntry({
    kind: 'review',
    id: `v1-${String(key)}`,
    card: v.card,
    rating: v.grade,
    time: v.at,
    duration: 0,
  });
}

/**
 * Inside the upgrade to version 2, once the version-2 stores exist: moves version 1's `reviews`
 * into `log` (or `quarantine`), asks for the rebuild, and deletes `reviews`.
 */
export function upgradeFromV1(
  database: IDBPDatabase<SrsDB>,
  tx: IDBPTransaction<SrsDB, StoreNames<SrsDB>[], 'versionchange'>,
): void {
  const raw = database as unknown as IDBPDatabase;
  const old = (
    tx as unknown as {
      objectStore(n: string): { getAll(): Promise<unknown[]>; getAllKeys(): Promise<IDBValidKey[]> };
    }
  ).objectStore('reviews');
  void Promise.all([old.getAll(), old.getAllKeys()]).then(async ([values, keys]) => {
    const log = tx.objectStore('log');
    const quarantine = tx.objectStore('quarantine');
    for (let i = 0; i < values.length; i++) {
      const m = migrateV1Review(values[i], keys[i]!);
      if ('entry' in m) await log.put(m.entry);
      else
        await quarantine.add({
          from: 'reviews (version 1)',
          key: String(keys[i]),
          value: values[i],
          reason: m.error,
          at: 0,
        });
    }
    await tx.objectStore('meta').put({ key: 'rebuild', value: true });
    raw.deleteObjectStore('reviews');
  });
}
