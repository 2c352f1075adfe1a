/**
 * The words every spaced-repetition module shares: the four grades, a card's FSRS memory state,
 * the `Scheduler` contract and the retention range. Plain data and constants, no ts-fsrs: both
 * srs-schedule.ts (which loads ts-fsrs) and srs-scheduler.ts (which wraps it once loaded) import
 * this, and srs-schedule.ts re-exports all of it, so callers keep importing from there.
 *
 * Memory states are plain JSON-friendly records (`MemoryState`), so they can be stored in
 * IndexedDB, compared in tests and rebuilt by replaying the review log.
 */

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
