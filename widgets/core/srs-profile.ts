/**
 * What a candidate keeps besides the review log (progress file version 3): the study plan's
 * settings (issue 17, `/plan/` and `<study-plan>`) and the history of mock interviews (issue 18,
 * `/mock/` and `<mock-interview>`). Stored with the log, exported and imported with it. The
 * parsers here are the one place that says what a valid record is: the store checks what it reads
 * back, an import checks what it is given, and both name the first problem in a sentence.
 */

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The study plan's settings, as the candidate set them. */
export interface PlanSettings {
  /** The interview's calendar date, `YYYY-MM-DD` (the candidate's local calendar). */
  interviewDate: string;
  /** Minutes of study a day (1–600). */
  minutesPerDay: number;
  /** Weekdays with no study, lower-case English names. */
  daysOff: Weekday[];
  /** Lesson slugs in scope; null is the whole track. */
  lessons: string[] | null;
  /** The recall to reach on the day (FSRS desired retention, 0.7–0.99). */
  retention: number;
  /** When these settings were last changed (epoch ms): an import keeps the newer of two. */
  updatedAt: number;
}

/** One question of a mock interview, as it was answered. */
export interface MockAnswer {
  /** The QA's id (`<lesson>/<qa id>`). */
  qa: string;
  /** The lesson slug the QA belongs to. */
  lesson: string;
  difficulty: 'easy' | 'medium' | 'hard';
  /** How many rubric points the QA has (2–5). */
  points: number;
  /** The 0-based rubric indices the candidate said they covered. */
  covered: number[];
  /** Time spent on the question, in milliseconds. */
  ms: number;
  /** The FSRS grade the score mapped to (logged as a review of the linked cards), 1–4. */
  grade: 1 | 2 | 3 | 4;
}

/** One finished mock interview. */
export interface MockRecord {
  /** Unique id (the store's entry id style). */
  id: string;
  startedAt: number;
  finishedAt: number;
  /** The session's length as chosen: 20, 45 or 60 minutes. */
  minutes: number;
  /** Lesson slugs in scope; null is the whole track. */
  lessons: string[] | null;
  answers: MockAnswer[];
}

export interface Profile {
  plan: PlanSettings | null;
  mocks: MockRecord[];
}

type Parsed<T> = { value: T } | { error: string };
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const time = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;
const slugs = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 200 && v.every((s) => typeof s === 'string' && SLUG.test(s));

/** A real calendar date written `YYYY-MM-DD` (not 2026-02-30). */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Checks plan settings field by field; the error names the first bad one. */
export function parsePlanSettings(v: unknown): Parsed<PlanSettings> {
  if (!isObj(v)) return { error: 'is not an object' };
  if (!isIsoDate(v.interviewDate)) return { error: 'has no valid "interviewDate" (a YYYY-MM-DD date)' };
  const m = v.minutesPerDay;
  if (typeof m !== 'number' || !Number.isFinite(m) || m < 1 || m > 600)
    return { error: 'has no valid "minutesPerDay" (1 to 600)' };
  if (!Array.isArray(v.daysOff) || !v.daysOff.every((d) => (WEEKDAYS as readonly unknown[]).includes(d)))
    return { error: `has a "daysOff" that is not a list of weekday names (${WEEKDAYS.join(', ')})` };
  if (new Set(v.daysOff).size === 7) return { error: 'has every day of the week off' };
  if (v.lessons !== null && !slugs(v.lessons))
    return { error: 'has a "lessons" that is neither null (the whole track) nor a list of lesson slugs' };
  const r = v.retention;
  if (typeof r !== 'number' || !(r >= 0.7 && r <= 0.99)) return { error: 'has no valid "retention" (0.7 to 0.99)' };
  if (!time(v.updatedAt)) return { error: 'has no valid "updatedAt"' };
  return {
    value: {
      interviewDate: v.interviewDate,
      minutesPerDay: m,
      daysOff: WEEKDAYS.filter((d) => (v.daysOff as unknown[]).includes(d)),
      lessons: v.lessons === null ? null : [...(v.lessons as string[])],
      retention: r,
      updatedAt: v.updatedAt,
    },
  };
}

const GRADES = [1, 2, 3, 4] as const;
const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

function parseMockAnswer(v: unknown): Parsed<MockAnswer> {
  if (!isObj(v)) return { error: 'is not an object' };
  if (typeof v.qa !== 'string' || !v.qa || v.qa.length > 200) return { error: 'has no "qa" id' };
  if (typeof v.lesson !== 'string' || !SLUG.test(v.lesson)) return { error: 'has no valid "lesson"' };
  if (!(DIFFICULTIES as readonly unknown[]).includes(v.difficulty))
    return { error: 'has a "difficulty" that is not easy, medium or hard' };
  const points = v.points;
  if (typeof points !== 'number' || !Number.isInteger(points) || points < 1 || points > 10)
    return { error: 'has no valid "points" count' };
  const cov = v.covered;
  if (
    !Array.isArray(cov) ||
    !cov.every((i) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < points) ||
    new Set(cov).size !== cov.length
  )
    return { error: 'has a "covered" that is not a list of distinct rubric indices' };
  if (!time(v.ms)) return { error: 'has no valid "ms"' };
  if (!(GRADES as readonly unknown[]).includes(v.grade)) return { error: 'has a "grade" that is not 1–4' };
  return {
    value: {
      qa: v.qa,
      lesson: v.lesson,
      difficulty: v.difficulty as MockAnswer['difficulty'],
      points,
      covered: [...(cov as number[])],
      ms: v.ms,
      grade: v.grade as MockAnswer['grade'],
    },
  };
}

/** Checks a mock interview record; the error names the first bad field or answer. */
export function parseMockRecord(v: unknown): Parsed<MockRecord> {
  if (!isObj(v)) return { error: 'is not an object' };
  if (typeof v.id !== 'string' || !v.id || v.id.length > 100) return { error: 'has no "id"' };
  if (!time(v.startedAt) || !time(v.finishedAt) || v.finishedAt < v.startedAt)
    return { error: 'has no valid "startedAt" and "finishedAt"' };
  if (![20, 45, 60].includes(v.minutes as number)) return { error: 'has "minutes" other than 20, 45 or 60' };
  if (v.lessons !== null && !slugs(v.lessons))
    return { error: 'has a "lessons" that is neither null (the whole track) nor a list of lesson slugs' };
  if (!Array.isArray(v.answers) || v.answers.length > 500) return { error: 'has no "answers" list' };
  const answers: MockAnswer[] = [];
  for (const [i, a] of v.answers.entries()) {
    const p = parseMockAnswer(a);
    if ('error' in p) return { error: `has an answer ${i + 1} that ${p.error}` };
    answers.push(p.value);
  }
  return {
    value: {
      id: v.id,
      startedAt: v.startedAt,
      finishedAt: v.finishedAt,
      minutes: v.minutes as number,
      lessons: v.lessons === null ? null : [...(v.lessons as string[])],
      answers,
    },
  };
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What importing `incoming` into `stored` changes: the newer plan settings win (by `updatedAt`;
 * none imported leaves the stored ones); mock interviews are merged by id, a known id with
 * different content is a conflict (the message, else null). Pure: the caller writes the result.
 */
export function mergeProfile(
  stored: Profile,
  incoming: Profile,
): { plan: PlanSettings | null; addMocks: MockRecord[]; conflict: string | null } {
  const plan =
    incoming.plan && (!stored.plan || incoming.plan.updatedAt > stored.plan.updatedAt) ? incoming.plan : stored.plan;
  const byId = new Map(stored.mocks.map((m) => [m.id, m]));
  const addMocks: MockRecord[] = [];
  for (const m of incoming.mocks) {
    const have = byId.get(m.id);
    if (have) {
      if (!sameJson(have, m))
        return {
          plan,
          addMocks: [],
          conflict: `the file's mock interview "${m.id}" conflicts with a different one already stored under that id`,
        };
      continue;
    }
    byId.set(m.id, m);
    addMocks.push(m);
  }
  return { plan, addMocks, conflict: null };
}
