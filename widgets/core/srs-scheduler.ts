/**
 * `createScheduler`: the `Scheduler` (srs-memory.ts) over an already loaded ts-fsrs module, with
 * time as an argument (milliseconds since the epoch). Pure: it never loads ts-fsrs itself.
 * `loadScheduler()` (srs-schedule.ts) reaches it through srs-fsrs.ts, so it travels in ts-fsrs's
 * lazily loaded chunk: it only runs once ts-fsrs is there, and a page shows its first card without
 * it. Tests pass the ts-fsrs module directly (through srs-schedule.ts, which re-exports this).
 */
import type * as TsFsrs from 'ts-fsrs';
import {
  RATINGS,
  DEFAULT_RETENTION,
  clampRetention,
  type CardPhase,
  type MemoryState,
  type Rating,
  type Scheduler,
} from './srs-memory.ts';

/** The parts of ts-fsrs the scheduler uses. */
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
