/**
 * The store's repairs (store.ts loads this module only when one is needed, so a reader whose data
 * is sound never downloads it): damaged records moved to `quarantine`, cards rebuilt from their
 * log, and the whole card cache rebuilt when a migration or a repair asked for it.
 */
import type { IDBPDatabase } from 'idb';
import { replayCard, reviewsByCard } from '../core/srs-log.ts';
import type { MemoryState } from '../core/srs-schedule.ts';
import { DIRTY_RANGE, PACK, quiet, rewriteCard, watched, type Damaged, type SrsDB, type StoreAccess } from './db.ts';

/** Moves damaged records from `from` into `quarantine` (store.ts's `setAside` says so in `problems`). */
export async function quarantine(store: StoreAccess, from: 'log' | 'cards' | 'meta', bad: Damaged[]): Promise<void> {
  await store.run(async (db) => {
    const tx = watched(db.transaction([from, 'quarantine'], 'readwrite'));
    for (const b of bad) {
      quiet(tx.objectStore('quarantine').add({ from, key: b.key, value: b.value, reason: b.reason, at: Date.now() }));
      if (b.key !== '?') quiet(tx.objectStore(from).delete(b.key));
    }
    await tx.done;
  });
}

/** Rebuilds each card of `cards` from its log (the source of truth); returns the states it has now. */
export async function rebuildCards(store: StoreAccess, cards: readonly string[]): Promise<Map<string, MemoryState>> {
  const out = new Map<string, MemoryState>();
  for (const card of cards) {
    const scheduler = await store.scheduler();
    const state = await store.run(async (db) => {
      const tx = watched(db.transaction(['log', 'cards', 'meta'], 'readwrite'));
      const s = await rewriteCard(tx, scheduler, card);
      await tx.done;
      return s;
    });
    if (state) out.set(card, state);
  }
  return out;
}

/**
 * Rebuilds the whole card cache from the log, after a migration or a repair set `rebuild` in
 * `meta`, and reports the records the migration set aside (`note`, store.ts's wording).
 */
export async function rebuildAll(
  store: StoreAccess,
  db: IDBPDatabase<SrsDB>,
  note: (n: number, what: string, sample: string) => void,
): Promise<void> {
  const moved = await db.count('quarantine');
  if (moved) note(moved, 'record', 'found while upgrading the stored data');
  const [entries, scheduler] = await Promise.all([store.log(), store.scheduler()]);
  const tx = watched(db.transaction(['cards', 'meta'], 'readwrite'));
  await tx.objectStore('cards').clear();
  for (const [card, reviews] of reviewsByCard(entries)) {
    const state = replayCard(scheduler, reviews);
    if (state) quiet(tx.objectStore('cards').put({ key: card, state }));
  }
  const meta = tx.objectStore('meta');
  for (const key of ['rebuild', PACK]) quiet(meta.delete(key));
  quiet(meta.delete(DIRTY_RANGE()));
  await tx.done;
}
