/**
 * The study plan's calendar and its measured pace: local day numbers (as in srs-stats.ts, day
 * floor((t + offset) / 1 day)), weekdays, the interview's day, and the seconds one review takes
 * this candidate, measured from the durations in their review log. Pure: time, the UTC offset
 * and the log are arguments.
 */
import { effectiveReviews, type LogEntry } from './srs-log.ts';
import { WEEKDAYS, isIsoDate, type Weekday } from './srs-profile.ts';

export const DAY_MS = 86_400_000;

/** Local day number of time `t` for a UTC offset in minutes (east positive). */
export const localDay = (t: number, offsetMinutes: number): number => Math.floor((t + offsetMinutes * 60_000) / DAY_MS);

/** When local day `day` starts, in epoch ms. */
export const dayStart = (day: number, offsetMinutes: number): number => day * DAY_MS - offsetMinutes * 60_000;

/** `YYYY-MM-DD` of a local day number. */
export const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The local day number of a `YYYY-MM-DD` date, or null if it is not a real date. */
export function dayOfIso(date: string): number | null {
  if (!isIsoDate(date)) return null;
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** The weekday of a local day number (day 0, 1970-01-01, was a Thursday). */
export const weekdayOf = (day: number): Weekday => WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;

/** Seconds one review takes before there is a measurement (a card read, recalled, checked, graded). */
export const DEFAULT_SECONDS_PER_REVIEW = 20;
/** Reviews with a duration needed before the measurement replaces the default. */
const MIN_MEASURED_REVIEWS = 10;
/** The measurement looks at this many of the latest timed reviews. */
const RECENT_REVIEWS = 200;
/** Durations outside 2 s … 3 min are a click-through or a walk away, not a review's pace. */
const MIN_SECONDS = 2;
const MAX_SECONDS = 180;

/** The pace the plan uses: seconds per review, and whether it was measured or is the default. */
export interface Pace {
  secondsPerReview: number;
  measured: boolean;
  /** How many reviews the measurement is over (0 for the default). */
  reviews: number;
}

/**
 * Seconds per review: the median duration of the latest 200 timed, not undone reviews (each
 * clamped to 2 s … 3 min), once there are at least 10; else the default, 20 s. Every logged view
 * counts, learning steps included, so a new card's first day costs its views at this pace.
 */
export function measurePace(entries: readonly LogEntry[]): Pace {
  const timed = effectiveReviews(entries).filter((r) => r.duration > 0);
  if (timed.length < MIN_MEASURED_REVIEWS)
    return { secondsPerReview: DEFAULT_SECONDS_PER_REVIEW, measured: false, reviews: 0 };
  const recent = timed
    .slice(-RECENT_REVIEWS)
    .map((r) => Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, r.duration / 1000)));
  recent.sort((a, b) => a - b);
  const mid = recent.length >> 1;
  const median = recent.length % 2 ? recent[mid]! : (recent[mid - 1]! + recent[mid]!) / 2;
  return { secondsPerReview: Math.round(median * 10) / 10, measured: true, reviews: recent.length };
}

/** Seconds studied on the local day of `now`: the timed reviews' durations (each clamped to 2 s … 3 min). */
export function secondsOn(entries: readonly LogEntry[], now: number, offsetMinutes: number): number {
  const today = localDay(now, offsetMinutes);
  let seconds = 0;
  for (const r of effectiveReviews(entries))
    if (r.duration > 0 && localDay(r.time, offsetMinutes) === today)
      seconds += Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, r.duration / 1000));
  return seconds;
}
