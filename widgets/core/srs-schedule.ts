/**
 * Where Marginalia gets its FSRS-6 scheduler. Everything else schedules cards through the
 * `Scheduler` that `loadScheduler()` returns, with time as an argument (milliseconds since the
 * epoch): the core never reads the clock. The shared words (ratings, `MemoryState`, `Scheduler`,
 * the retention range) live in srs-memory.ts and the wrapper over ts-fsrs in srs-scheduler.ts;
 * both are re-exported here, so this stays the one module callers import.
 *
 * ts-fsrs adds `scheduler`, `diff`, `format` and `dueFormat` to `Date.prototype` when its module
 * is evaluated. A widget embedded on someone else's page must not do that, so ts-fsrs is only
 * ever loaded through `loadScheduler()`, which imports it dynamically (its own chunk, evaluated
 * once, the wrapper with it) and removes whatever it added to `Date.prototype` before anyone else
 * runs. ts-fsrs never calls those methods itself; they are conveniences for its users.
 */
import { DEFAULT_RETENTION, type MemoryState, type Scheduler } from './srs-memory.ts';

export {
  RATINGS,
  RATING_NAMES,
  DEFAULT_RETENTION,
  MIN_RETENTION,
  MAX_RETENTION,
  clampRetention,
  type Rating,
  type CardPhase,
  type MemoryState,
  type Scheduler,
} from './srs-memory.ts';
export { createScheduler } from './srs-scheduler.ts';

/**
 * Loads ts-fsrs (once; later calls reuse the evaluated module) without letting its
 * `Date.prototype` additions reach the page, and returns a Scheduler for `retention`.
 */
export async function loadScheduler(retention = DEFAULT_RETENTION): Promise<Scheduler> {
  const proto = Date.prototype;
  const before = new Set(Object.getOwnPropertyNames(proto));
  try {
    const lib = await import('./srs-fsrs.ts');
    return lib.createScheduler(lib, retention);
  } finally {
    for (const name of Object.getOwnPropertyNames(proto)) if (!before.has(name)) Reflect.deleteProperty(proto, name);
  }
}

/**
 * FSRS-6 forgetting curve, R(t, S) = (1 + F·t/S)^(−w20) with F = 0.9^(−1/w20) − 1: the chance of
 * recalling a card t days after its last review, given stability S (days until R falls to 90%).
 * w20 is ts-fsrs's default decay (`FSRS6_DEFAULT_DECAY`), copied here so that pages that only
 * show mastery need not load ts-fsrs; a unit test pins it to the library's value.
 */
export const FSRS6_DECAY = 0.1542;
export function retrievability(state: MemoryState | undefined, now: number): number {
  if (!state || state.lastReview === null || state.stability <= 0) return 0;
  const days = Math.max(0, now - state.lastReview) / 86_400_000;
  const factor = Math.pow(0.9, -1 / FSRS6_DECAY) - 1;
  return Math.pow(1 + (factor * days) / state.stability, -FSRS6_DECAY);
}
