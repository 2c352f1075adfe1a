/**
 * The review log: the append-only source of truth for spaced-repetition progress. Card states
 * are never authoritative; they are always `replay(log)`.
 *
 * Two kinds of entry:
 * - `review`: card `card` graded `rating` at `time` (epoch ms), `duration` ms after it was shown;
 *   on a numeric or cloze card answered in the box, `check` says what was typed, what was expected,
 *   whether it was right and which grade that suggested (`rating` is the grade chosen).
 * - `undo`: cancels the review whose id is `target` (undo appends; nothing is ever deleted).
 *
 * Card keys are `<deck>:<card id>` ("lora-peft:why-low-rank"; inline cards use the deck "inline").
 * Replay orders a card's reviews by (time, id), so two tabs appending to the same log in any
 * interleaving replay to the same states.
 */
import { RATINGS, type MemoryState, type Rating, type Scheduler } from './srs-schedule.ts';

/** A checked answer: typed `given`, `expected` (the number for numeric cards), the outcome and the suggested grade. */
export interface ReviewCheck {
  correct: boolean;
  given: string;
  expected: number | string;
  suggested: Rating;
}

export interface ReviewEntry {
  kind: 'review';
  id: string;
  card: string;
  rating: Rating;
  time: number;
  duration: number;
  check?: ReviewCheck;
}
interface UndoEntry {
  kind: 'undo';
  id: string;
  card: string;
  target: string;
  time: number;
}
export type LogEntry = ReviewEntry | UndoEntry;

const MAX_ID = 128;
const MAX_ANSWER = 2000;
const MAX_CARD_KEY = 512;
/** Reviews an hour long are someone who walked away; the optimizer wants durations, not days. */
const MAX_DURATION = 3_600_000;
/** Years 1970…2200: anything outside is not a real review time. */
const MAX_TIME = 7_258_118_400_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const goodString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const goodTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_TIME;

/** A stored `check`, field by field, or undefined when malformed. */
function parseCheck(v: unknown): ReviewCheck | undefined {
  if (!isRecord(v)) return undefined;
  const { correct, given, expected, suggested } = v;
  if (typeof correct !== 'boolean' || typeof given !== 'string' || given.length > MAX_ANSWER) return undefined;
  const goodExpected =
    (typeof expected === 'number' && Number.isFinite(expected)) ||
    (typeof expected === 'string' && expected.length <= MAX_ANSWER);
  if (!goodExpected || !RATINGS.includes(suggested as Rating)) return undefined;
  return { correct, given, expected: expected as number | string, suggested: suggested as Rating };
}

/**
 * Parses one stored or imported entry. Returns the entry (only the known fields, copied) or a
 * sentence saying what is wrong with it.
 */
export function parseLogEntry(value: unknown): { entry: LogEntry } | { error: string } {
  if (!isRecord(value)) return { error: 'is not an object' };
  const { kind, id, card, time } = value;
  if (!goodString(id, MAX_ID)) return { error: `has no valid id (a string of 1–${MAX_ID} characters)` };
  if (!goodString(card, MAX_CARD_KEY))
    return { error: `has no valid card key (a string of 1–${MAX_CARD_KEY} characters)` };
  if (!goodTime(time)) return { error: 'has no valid time (epoch milliseconds)' };
  if (kind === 'review') {
    const { rating, duration } = value;
    if (!RATINGS.includes(rating as Rating)) return { error: `has rating ${JSON.stringify(rating)}, not 1, 2, 3 or 4` };
    const d = duration === undefined ? 0 : duration;
    if (typeof d !== 'number' || !Number.isFinite(d) || d < 0)
      return { error: 'has a duration that is not a non-negative number' };
    const entry: ReviewEntry = {
      kind,
      id,
      card,
      rating: rating as Rating,
      time,
      duration: Math.min(Math.round(d), MAX_DURATION),
    };
    if (value.check !== undefined) {
      const check = parseCheck(value.check);
      if (!check) return { error: 'has a check that is not {correct, given, expected, suggested}' };
      entry.check = check;
    }
    return { entry };
  }
  if (kind === 'undo') {
    const { target } = value;
    if (!goodString(target, MAX_ID)) return { error: 'is an undo without a valid target id' };
    return { entry: { kind, id, card, target, time } };
  }
  return { error: `has unknown kind ${JSON.stringify(kind)}` };
}

/** Replay order: by time, then by id. */
export const byTimeThenId = (a: LogEntry, b: LogEntry): number =>
  a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The reviews that count (not undone), ordered by (time, id). */
export function effectiveReviews(entries: readonly LogEntry[]): ReviewEntry[] {
  const undone = new Set<string>();
  for (const e of entries) if (e.kind === 'undo') undone.add(e.target);
  return entries.filter((e): e is ReviewEntry => e.kind === 'review' && !undone.has(e.id)).sort(byTimeThenId);
}

/** Effective reviews grouped by card, each group in replay order. */
export function reviewsByCard(entries: readonly LogEntry[]): Map<string, ReviewEntry[]> {
  const out = new Map<string, ReviewEntry[]>();
  for (const r of effectiveReviews(entries)) {
    const list = out.get(r.card);
    if (list) list.push(r);
    else out.set(r.card, [r]);
  }
  return out;
}

/** One card's state after its reviews (given in replay order); undefined if it has none. */
export function replayCard(scheduler: Scheduler, reviews: readonly ReviewEntry[]): MemoryState | undefined {
  let state: MemoryState | undefined;
  for (const r of reviews) state = scheduler.next(state, r.rating, r.time);
  return state;
}

/** Every card's state, rebuilt from the log. */
export function replay(scheduler: Scheduler, entries: readonly LogEntry[]): Map<string, MemoryState> {
  const out = new Map<string, MemoryState>();
  for (const [card, reviews] of reviewsByCard(entries)) {
    const s = replayCard(scheduler, reviews);
    if (s) out.set(card, s);
  }
  return out;
}

/** The most recent review of `card` that has not been undone, if any (what `undo()` cancels). */
export function lastEffectiveReview(entries: readonly LogEntry[], card?: string): ReviewEntry | undefined {
  const reviews = effectiveReviews(card === undefined ? entries : entries.filter((e) => e.card === card));
  return reviews[reviews.length - 1];
}
