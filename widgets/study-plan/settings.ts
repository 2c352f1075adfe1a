/**
 * `<study-plan>`'s settings: what its attributes say, what is stored, and the defaults, merged
 * into the settings the plan is computed from. Attributes are the embedding page's: a field given
 * by an attribute wins over the stored value; a field the page leaves out comes from the store
 * (what the candidate last set in the form), else the default. Pure: checked here, field by field,
 * with a sentence naming the first problem.
 */
import { WEEKDAYS, isIsoDate, type PlanSettings, type Weekday } from '../core/srs-profile.ts';

const DEFAULT_MINUTES = 30;
const DEFAULT_TARGET = 0.9;

/** The attributes as the element has them (null: not set). */
export interface PlanAttributes {
  interviewDate: string | null;
  minutesPerDay: string | null;
  lessons: string | null;
  daysOff: string | null;
  retention: string | null;
}

/** The settings a plan needs; `interviewDate` is '' until one is chosen. */
export type Settings = Omit<PlanSettings, 'updatedAt'>;

/** The stored settings, else the defaults (no date yet, 30 minutes, no day off, the whole track, 90%). */
export function baseSettings(stored: PlanSettings | null): Settings {
  if (!stored)
    return { interviewDate: '', minutesPerDay: DEFAULT_MINUTES, daysOff: [], lessons: null, retention: DEFAULT_TARGET };
  const { updatedAt: _, ...rest } = stored;
  return { ...rest, daysOff: [...rest.daysOff], lessons: rest.lessons && [...rest.lessons] };
}

const list = (s: string): string[] =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);

/**
 * `base` with the attributes that are set laid over it. `track` is the track's lesson slugs (null
 * while unknown: lesson names are then checked later). Returns the settings, or the first problem.
 */
export function applyAttributes(
  base: Settings,
  attrs: PlanAttributes,
  track: readonly string[] | null,
): { settings: Settings } | { error: string } {
  const s: Settings = { ...base };
  if (attrs.interviewDate !== null) {
    const d = attrs.interviewDate.trim();
    if (!isIsoDate(d))
      return { error: `interview-date "${attrs.interviewDate}" is not a date: write it as YYYY-MM-DD.` };
    s.interviewDate = d;
  }
  if (attrs.minutesPerDay !== null) {
    const m = Number(attrs.minutesPerDay.trim());
    if (!attrs.minutesPerDay.trim() || !Number.isInteger(m) || m < 1 || m > 600)
      return { error: `minutes-per-day "${attrs.minutesPerDay}" must be a whole number from 1 to 600.` };
    s.minutesPerDay = m;
  }
  if (attrs.daysOff !== null) {
    const names = list(attrs.daysOff);
    const bad = names.find((n) => !(WEEKDAYS as readonly string[]).includes(n));
    if (bad !== undefined) return { error: `days-off "${bad}" is not a weekday: use ${WEEKDAYS.join(', ')}.` };
    s.daysOff = WEEKDAYS.filter((w) => names.includes(w));
    if (s.daysOff.length === 7) return { error: 'days-off names every day of the week: leave at least one to study.' };
  }
  if (attrs.lessons !== null) {
    const slugs = [...new Set(list(attrs.lessons))];
    s.lessons = slugs.length ? slugs : null;
  }
  if (attrs.retention !== null) {
    const r = Number(attrs.retention.trim());
    if (!attrs.retention.trim() || !(r >= 0.7 && r <= 0.99))
      return { error: `retention "${attrs.retention}" must be a number from 0.70 to 0.99.` };
    s.retention = r;
  }
  const unknown = track && s.lessons?.find((l) => !track.includes(l));
  if (unknown) return { error: `Unknown lesson "${unknown}": the track's lessons are ${track.join(', ')}.` };
  return { settings: s };
}

/** The settings as stored, stamped `now` (the store checks them again). */
export const toStored = (s: Settings, now: number): PlanSettings => ({
  ...s,
  daysOff: [...s.daysOff] as Weekday[],
  lessons: s.lessons && [...s.lessons],
  updatedAt: now,
});
