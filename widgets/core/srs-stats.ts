/**
 * Progress figures, all computed from the review log (and the states replayed from it), with the
 * time and the reader's UTC offset as arguments. Days are local calendar days: day number
 * floor((t + offset) / 1 day), written YYYY-MM-DD.
 */
import { effectiveReviews, type LogEntry } from './srs-log.ts';
import { retrievability, type MemoryState } from './srs-schedule.ts';

const DAY = 86_400_000;

/** Local day number of time `t` for a UTC offset in minutes (east positive: +60 for CET). */
export const dayNumber = (t: number, offsetMinutes: number): number => Math.floor((t + offsetMinutes * 60_000) / DAY);
/** YYYY-MM-DD of a local day number. */
const dayLabel = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

export interface DayCount {
  day: string;
  count: number;
}

/** Reviews per local day for the `days` days ending today (oldest first); undone reviews don't count. */
export function reviewsPerDay(
  entries: readonly LogEntry[],
  now: number,
  offsetMinutes: number,
  days = 365,
): DayCount[] {
  const today = dayNumber(now, offsetMinutes);
  const first = today - days + 1;
  const counts = new Array<number>(days).fill(0);
  for (const r of effectiveReviews(entries)) {
    const d = dayNumber(r.time, offsetMinutes);
    if (d >= first && d <= today) counts[d - first]! += 1;
  }
  return counts.map((count, i) => ({ day: dayLabel(first + i), count }));
}

export interface Retention {
  /** Share of long-term recalls that were not "Again"; null before there are any. */
  achieved: number | null;
  /** How many long-term recalls that share is over. */
  recalls: number;
  desired: number;
}

/**
 * Retention achieved ("true retention", as Anki's statistics call it): over reviews that came at
 * least a day after the same card's previous review, the share not graded Again. Same-day
 * repeats (learning steps) measure short-term memory and are left out.
 */
export function retentionAchieved(entries: readonly LogEntry[], desired: number): Retention {
  const last = new Map<string, number>();
  let recalls = 0;
  let passed = 0;
  for (const r of effectiveReviews(entries)) {
    const prev = last.get(r.card);
    if (prev !== undefined && r.time - prev >= DAY) {
      recalls += 1;
      if (r.rating > 1) passed += 1;
    }
    last.set(r.card, r.time);
  }
  return { achieved: recalls ? passed / recalls : null, recalls, desired };
}

/**
 * Cards falling due on each of the next `days` local days; day 0 (today) also holds every card
 * already overdue. Cards never reviewed are not in the forecast (they are new, not due).
 */
export function dueForecast(states: Iterable<MemoryState>, now: number, offsetMinutes: number, days = 30): DayCount[] {
  const today = dayNumber(now, offsetMinutes);
  const counts = new Array<number>(days).fill(0);
  for (const s of states) {
    const d = Math.max(0, dayNumber(s.due, offsetMinutes) - today);
    if (d < days) counts[d]! += 1;
  }
  return counts.map((count, i) => ({ day: dayLabel(today + i), count }));
}

export interface Mastery {
  cards: number;
  /** Cards reviewed at least once. */
  reviewed: number;
  /** Cards in the Review phase whose recall chance now is at least `threshold`. */
  known: number;
  /** Mean recall chance now over all the group's cards (never-reviewed cards count 0). */
  recall: number;
}

/** Mastery per group (a lesson, or a lesson section) of cards. */
export function mastery(
  cards: readonly { key: string; group: string }[],
  states: ReadonlyMap<string, MemoryState>,
  now: number,
  threshold = 0.9,
): Map<string, Mastery> {
  const out = new Map<string, Mastery>();
  for (const { key, group } of cards) {
    let m = out.get(group);
    if (!m) out.set(group, (m = { cards: 0, reviewed: 0, known: 0, recall: 0 }));
    m.cards += 1;
    const s = states.get(key);
    if (!s) continue;
    m.reviewed += 1;
    const r = retrievability(s, now);
    m.recall += r;
    if (s.state === 2 && r >= threshold) m.known += 1;
  }
  for (const m of out.values()) m.recall = m.cards ? m.recall / m.cards : 0;
  return out;
}

/** Checked reviews self-graded Good or Easy, and how many of them the check found right. */
export interface Calibration {
  confident: number;
  right: number;
  /** right / confident; null before there are any. */
  share: number | null;
}

export interface CalibrationReport {
  /** Over the last `days` days, and over the whole log. */
  recent: Calibration;
  allTime: Calibration;
  /** The same per group (a lesson's deck), for groups with checked reviews. */
  groups: Map<string, { recent: Calibration; allTime: Calibration }>;
}

const emptyCalibration = (): Calibration => ({ confident: 0, right: 0, share: null });

/**
 * Calibration of self-grades: over effective reviews that carry a check (numeric and cloze cards
 * answered in the box) and were graded Good or Easy, the share the check found right. FSRS
 * schedules on the grade chosen; this figure says how far to trust those grades.
 * `groupOf` maps a card key to its group (e.g. deck id), or undefined to count it only overall.
 */
export function calibration(
  entries: readonly LogEntry[],
  now: number,
  groupOf: (cardKey: string) => string | undefined,
  days = 30,
): CalibrationReport {
  const report: CalibrationReport = { recent: emptyCalibration(), allTime: emptyCalibration(), groups: new Map() };
  const since = now - days * DAY;
  for (const r of effectiveReviews(entries)) {
    if (!r.check || r.rating < 3) continue;
    const g = groupOf(r.card);
    let group = g === undefined ? undefined : report.groups.get(g);
    if (g !== undefined && !group)
      report.groups.set(g, (group = { recent: emptyCalibration(), allTime: emptyCalibration() }));
    const targets = [report.allTime, group?.allTime];
    if (r.time >= since && r.time <= now) targets.push(report.recent, group?.recent);
    for (const c of targets) {
      if (!c) continue;
      c.confident += 1;
      if (r.check.correct) c.right += 1;
    }
  }
  const share = (c: Calibration) => (c.share = c.confident ? c.right / c.confident : null);
  share(report.recent);
  share(report.allTime);
  for (const g of report.groups.values()) {
    share(g.recent);
    share(g.allTime);
  }
  return report;
}

/** A plain sentence when self-grades run ahead of results (a Good or Easy the check found wrong), else null. */
export function calibrationWarning(report: CalibrationReport): string | null {
  const wrong = report.allTime.confident - report.allTime.right;
  if (wrong <= 0) return null;
  const answers = wrong === 1 ? 'answer' : 'answers';
  return (
    `You marked ${wrong} ${answers} Good or Easy that the check found wrong. ` +
    'The schedule follows the grade you choose, so those cards come back later than your results say they should: ' +
    'take the suggested grade when the check says you were wrong.'
  );
}
