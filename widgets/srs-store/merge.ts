/**
 * IdbStore's import (store.ts's `merge` delegates here), loaded with the first import of a
 * progress file: a review session never downloads it.
 */
import type { LogEntry } from '../core/srs-log.ts';
import { ImportError, planMerge } from '../core/srs-exchange.ts';
import { mergeProfile, type Profile } from '../core/srs-profile.ts';
import { MOCK, PLAN, REPACK_AT, quiet, rewriteCard, watched, type StoreAccess } from './db.ts';
import type { ImportResult } from './progress-store.ts';

/** Merges an import (`planMerge`, `mergeProfile`), all or nothing; a big one rewrites the pack at once. */
export async function merge(
  store: StoreAccess & { profile(): Promise<Profile> },
  incoming: readonly LogEntry[],
  profile: Profile,
): Promise<ImportResult> {
  const [stored, storedProfile, scheduler] = await Promise.all([store.log(), store.profile(), store.scheduler()]);
  const plan = planMerge(stored, incoming); // throws ImportError before anything is written
  const merged = mergeProfile(storedProfile, profile);
  if (merged.conflict) throw new ImportError(merged.conflict);
  const planChanged = merged.plan !== storedProfile.plan;
  const result = { ...plan, mocksAdded: merged.addMocks.length, planChanged };
  if (!plan.add.length && !merged.addMocks.length && !planChanged) return result;
  const cards = new Set(plan.add.map((e) => e.card));
  await store.run(async (db) => {
    const tx = watched(db.transaction(['log', 'cards', 'meta'], 'readwrite'));
    for (const e of plan.add) quiet(tx.objectStore('log').add(e));
    for (const card of cards) await rewriteCard(tx, scheduler, card);
    if (planChanged) quiet(tx.objectStore('meta').put({ key: PLAN, value: merged.plan }));
    for (const m of merged.addMocks) quiet(tx.objectStore('meta').put({ key: MOCK + m.id, value: m }));
    await tx.done;
  });
  if (cards.size > REPACK_AT) await store.repack().catch(() => undefined);
  return result;
}
