/**
 * The stored schema, version by version, and the check of a stored card record (the IndexedDB
 * plumbing is in store.ts and db.ts; the conversion from version 1, with its plumbing, is in
 * from-v1.ts, loaded only when a version-1 database is opened).
 *
 * Version 1 (the first release's store): one object store `reviews`, auto-increment keys,
 *   records `{ card: "<deck>:<id>", grade: 1–4, at: epoch ms }`. No ids, no undo, no durations.
 * Version 2 (current):
 *   - `log`        keyPath `id`, index `card`: LogEntry records (widgets/core/srs-log.ts), append-only.
 *   - `cards`      keyPath `key`: `{ key, state: MemoryState }`, a cache of replay(log) per card.
 *   - `quarantine` auto-increment: `{ from, key, value, reason, at }`, damaged records set aside.
 *   - `meta`       keyPath `key`: `{ key: 'rebuild', value: true }` asks for the card cache to be
 *                  rebuilt from the log on the next open (after a migration or a repair);
 *                  `{ key: 'pack', value: StatePack }` is a copy of the whole `cards` store in two
 *                  values (state-pack.ts), read in one go when the element opens, and
 *                  `{ key: 'dirty:<card key>', value: true }` marks each card whose `cards` record
 *                  changed since the pack was written (the pack is a cache of the cache: records
 *                  added to a version-2 database without it are simply read the slow way).
 */
import type { MemoryState } from '../core/srs-schedule.ts';

export const DB_VERSION = 2;

/** A stored `cards` record, checked field by field. */
export function parseCardRecord(value: unknown): { key: string; state: MemoryState } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { key, state } = value as Record<string, unknown>;
  if (typeof key !== 'string') return undefined;
  const s = parseMemoryState(state);
  return s && { key, state: s };
}

/** A stored memory state (a `cards` record's `state`, or one unpacked from the state pack), checked field by field. */
function parseMemoryState(state: unknown): MemoryState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  const num = (x: unknown, min = 0) => typeof x === 'number' && Number.isFinite(x) && x >= min;
  if (
    !num(s.due) ||
    !num(s.stability) ||
    !num(s.difficulty) ||
    !num(s.scheduledDays) ||
    !num(s.learningSteps) ||
    !num(s.reps) ||
    !num(s.lapses)
  )
    return undefined;
  if (![0, 1, 2, 3].includes(s.state as number)) return undefined;
  if (s.lastReview !== null && !num(s.lastReview)) return undefined;
  return {
    due: s.due as number,
    stability: s.stability as number,
    difficulty: s.difficulty as number,
    scheduledDays: s.scheduledDays as number,
    learningSteps: s.learningSteps as number,
    reps: s.reps as number,
    lapses: s.lapses as number,
    state: s.state as MemoryState['state'],
    lastReview: s.lastReview as number | null,
  };
}
