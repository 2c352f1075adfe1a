/**
 * The one module that talks to ts-fsrs (FSRS-6). Everything else in Marginalia schedules cards
 * through the `Scheduler` this returns, with time as an argument (milliseconds since the epoch):
 * the core never reads the clock.
 *
 * ts-fsrs adds `scheduler`, `diff`, `format` and `dueFormat` to `Date.prototype` when its module
 * is evaluated. A widget embedded on someone else's page must not do that, so ts-fsrs is only
 * ever loaded through `loadScheduler()`, which imports it dynamically (its own chunk, evaluated
 * once) and removes whatever it added to `Date.prototype` before anyone else runs. ts-fsrs never
 * calls those methods itself; they are conveniences for its users.
 *
 * Memory states are plain JSON-friendly records (`MemoryState`), so they can be stored in
 * IndexedDB, compared in tests and rebuilt by replaying the review log.
 */
import type * as TsFsrs from 'ts-fsrs';

/** Again, Hard, Good, Easy (ts-fsrs's `Rating`, without `Manual`). */
export type Rating = 1 | 2 | 3 | 4;
export const RATINGS: readonly Rating[] = [1, 2, 3, 4];
export const RATING_NAMES: Readonly<Record<Rating, string>> = { 1: 'Again', 2: 'Hard', 3: 'Good', 4: 'Easy' };

/** ts-fsrs's `State`: 0 New, 1 Learning, 2 Review, 3 Relearning (also the optimizer's review_state). */
export type CardPhase = 0 | 1 | 2 | 3;

/** One card's FSRS memory state; times are epoch milliseconds. */
export interface MemoryState {
  due: number;
  stability: number;
  difficulty: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: CardPhase;
  lastReview: number | null;
}

export interface Scheduler {
  /** Desired retention the intervals aim for. */
  readonly retention: number;
  /**
   * The state after grading `rating` at `now`. `state` undefined means a card never reviewed.
   * A `now` before the card's last review (a clock that went backwards) is treated as the last
   * review's time, so this never throws for a valid rating.
   */
  next(state: MemoryState | undefined, rating: Rating, now: number): MemoryState;
  /** What each grade would schedule at `now` (the intervals the grade buttons show). */
  preview(state: MemoryState | undefined, now: number): Record<Rating, MemoryState>;
}

export const DEFAULT_RETENTION = 0.9;
export const MIN_RETENTION = 0.8;
export const MAX_RETENTION = 0.95;

/** Retention clamped to the range the element accepts; anything not a number gives the default. */
export function clampRetention(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_RETENTION;
  return Math.min(MAX_RETENTION, Math.max(MIN_RETENTION, value));
}

type Lib = Pick<typeof TsFsrs, 'fsrs' | 'generatorParameters' | 'createEmptyCard'>;

/** Builds a Scheduler from an already loaded ts-fsrs module (tests pass the module directly). */
export function createScheduler(lib: Lib, retention = DEFAULT_RETENTION): Scheduler {
  const r = clampRetention(retention);
  // Fuzz off: the same log always replays to the same states. Learning steps stay on (1m, 10m).
  const f = lib.fsrs(lib.generatorParameters({ request_retention: r, enable_fuzz: false, enable_short_term: true }));

  const toCard = (s: MemoryState | undefined, now: number): TsFsrs.Card => {
    if (!s) return lib.createEmptyCard(new Date(now));
    return {
      due: new Date(s.due),
      stability: s.stability,
      difficulty: s.difficulty,
      elapsed_days: 0,
      scheduled_days: s.scheduledDays,
      learning_steps: s.learningSteps,
      reps: s.reps,
      lapses: s.lapses,
      state: s.state,
      ...(s.lastReview === null ? {} : { last_review: new Date(s.lastReview) }),
    };
  };
  const fromCard = (c: TsFsrs.Card): MemoryState => ({
    due: c.due.getTime(),
    stability: c.stability,
    difficulty: c.difficulty,
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state as number as CardPhase,
    lastReview: c.last_review ? c.last_review.getTime() : null,
  });
  const at = (s: MemoryState | undefined, now: number): number => {
    const t = Number.isFinite(now) ? now : (s?.lastReview ?? 0);
    return s?.lastReview != null && t < s.lastReview ? s.lastReview : t;
  };
  const check = (rating: number): void => {
    if (!RATINGS.includes(rating as Rating))
      throw new RangeError(`rating must be 1, 2, 3 or 4 (got ${String(rating)})`);
  };

  return {
    retention: r,
    next(state, rating, now) {
      check(rating);
      const t = at(state, now);
      return fromCard(f.next(toCard(state, t), new Date(t), rating as number as TsFsrs.Grade).card);
    },
    preview(state, now) {
      const t = at(state, now);
      const card = toCard(state, t);
      const out = {} as Record<Rating, MemoryState>;
      for (const g of RATINGS) out[g] = fromCard(f.next(card, new Date(t), g as number as TsFsrs.Grade).card);
      return out;
    },
  };
}

/**
 * Loads ts-fsrs (once; later calls reuse the evaluated module) without letting its
 * `Date.prototype` additions reach the page, and returns a Scheduler for `retention`.
 */
export async function loadScheduler(retention = DEFAULT_RETENTION): Promise<Scheduler> {
  const proto = Date.prototype;
  const before = new Set(Object.getOwnPropertyNames(proto));
  try {
    const lib = await import('./srs-fsrs.ts');
    return createScheduler(lib, retention);
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
