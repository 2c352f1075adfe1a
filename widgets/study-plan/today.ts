/**
 * Today's line of the study plan ("Today: 12 new, 30 reviews, about 18 min — 9 days to your
 * interview") and the small copy of the plan's next days it is read from. `<study-plan>` writes
 * the copy to localStorage whenever it computes a plan (per namespace), so `/review/` can show
 * the line at once with a few hundred bytes of script, without loading the planner; after a
 * grade there, the page recomputes it through the module's `studyPlanToday()`. The copy is a
 * cache: parsed defensively, and never the source of the plan (the progress store is).
 * No imports: the review page bundles this file alone.
 */

const DAY_MS = 86_400_000;
const KEY = 'marginalia-plan-today:';
/** Days of the plan kept in the copy. */
const KEEP = 62;

export interface TodayDay {
  date: string;
  newCards: number;
  reviews: number;
  minutes: number;
  dayOff: boolean;
}

interface Copy {
  interviewDate: string;
  days: TodayDay[];
}

const localIso = (t: number, offsetMinutes: number): string =>
  new Date(Math.floor((t + offsetMinutes * 60_000) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The line for `day`, `daysLeft` days before the interview (1 = tomorrow). */
export function todaySentence(day: TodayDay, daysLeft: number): string {
  const left = `${plural(daysLeft, 'day')} to your interview`;
  if (day.dayOff) return `Today: a day off — ${left}`;
  if (!day.newCards && !day.reviews) return `Today: nothing due — ${left}`;
  return `Today: ${day.newCards} new, ${plural(day.reviews, 'review')}, about ${Math.max(1, Math.round(day.minutes))} min — ${left}`;
}

const isDay = (d: unknown): d is TodayDay => {
  const x = d as Record<string, unknown> | null;
  return (
    !!x &&
    typeof x.date === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(x.date) &&
    [x.newCards, x.reviews, x.minutes].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0) &&
    typeof x.dayOff === 'boolean'
  );
};

/** Keeps the plan's next days for the review page (nothing when storage is unavailable). */
export function saveToday(
  storage: Storage | undefined,
  namespace: string,
  interviewDate: string,
  days: readonly TodayDay[],
): void {
  const copy: Copy = {
    interviewDate,
    days: days
      .slice(0, KEEP)
      .map(({ date, newCards, reviews, minutes, dayOff }) => ({ date, newCards, reviews, minutes, dayOff })),
  };
  try {
    if (days.length) storage?.setItem(KEY + namespace, JSON.stringify(copy));
    else storage?.removeItem(KEY + namespace);
  } catch {
    // storage full or blocked: the line is a convenience, the plan itself is in the progress store
  }
}

/** Today's line from the kept copy, or null (no plan, an old or damaged copy, the interview passed). */
export function readToday(
  storage: Storage | undefined,
  namespace: string,
  now: number,
  offsetMinutes: number,
): string | null {
  let copy: Partial<Copy> | null;
  try {
    copy = JSON.parse(storage?.getItem(KEY + namespace) ?? 'null') as Partial<Copy> | null;
  } catch {
    return null;
  }
  if (!copy || typeof copy.interviewDate !== 'string' || !Array.isArray(copy.days)) return null;
  const today = localIso(now, offsetMinutes);
  const day = copy.days.find((d) => isDay(d) && d.date === today);
  const daysLeft = Math.round(
    (Date.parse(`${copy.interviewDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS,
  );
  return day && daysLeft >= 1 ? todaySentence(day, daysLeft) : null;
}
