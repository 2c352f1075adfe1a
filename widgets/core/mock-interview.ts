/**
 * A timed mock interview (issue 18), the pure part: which questions a session draws, how a
 * self-scored answer becomes an FSRS grade and review log entries, when the countdown speaks,
 * and the end summary with its comparison to the previous mock. Time, seeds and entry ids are
 * arguments; `<mock-interview>` (widgets/mock-interview/) is the shell.
 *
 * The draw, for a session of `minutes`:
 * - each question costs its difficulty's estimate (QUESTION_MINUTES: easy 3, medium 5, hard 8) and
 *   the session takes questions while the next one still fits in the time left;
 * - the difficulty of each next question is the one furthest below its share of the questions so
 *   far (DIFFICULTY_MIX: easy 30 %, medium 45 %, hard 25 %), among those with a question that fits;
 * - then a lesson, at random with weight FLOOR + (1 − FLOOR)·(1 − R) where R is the lesson's recall:
 *   the mean predicted recall now (FSRS retrievability) of the cards its questions link to, a card
 *   never reviewed counting 0. A lesson known cold (R = 1) keeps FLOOR, so it still comes up;
 * - then one of that lesson's questions of that difficulty, uniformly; no question twice.
 *
 * The grade: with f = points covered / rubric points, f < 0.5 → Again, f < 0.75 →
 * Hard, f < 1 → Good, every point → Easy. Each card the question links to gets one review.
 */
import { createRng, randInt, uniform } from './rng.ts';
import { retrievability, type MemoryState, type Rating } from './srs-schedule.ts';
import type { ReviewEntry } from './srs-log.ts';
import type { MockAnswer, MockRecord } from './srs-profile.ts';
import type { Difficulty, QaLesson, QaQuestion } from './mock-interview-data.ts';

/** The session lengths offered, in minutes. */
export const SESSION_MINUTES = [20, 45, 60] as const;
/** The minutes a question is expected to take, by difficulty. */
export const QUESTION_MINUTES: Readonly<Record<Difficulty, number>> = { easy: 3, medium: 5, hard: 8 };
/** The share of each difficulty among a session's questions. */
const DIFFICULTY_MIX: Readonly<Record<Difficulty, number>> = { easy: 0.3, medium: 0.45, hard: 0.25 };
/** The weight of a lesson whose cards are all recalled for sure (one never studied weighs 1). */
export const FLOOR = 0.15;

/** A drawn question with its lesson: what the element shows and the `mock-question` event carries. */
export interface DrawnQuestion extends QaQuestion {
  /** `<lesson>/<id>`: the id in records and events. */
  qa: string;
  lesson: string;
  lessonTitle: string;
  /** The lesson page (as the questions file gives it). */
  lessonUrl: string;
}

/** `minutes` as a session length, or null when it is not one of SESSION_MINUTES. */
export function sessionMinutes(value: string | number): 20 | 45 | 60 | null {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  return (SESSION_MINUTES as readonly number[]).includes(n) ? (n as 20 | 45 | 60) : null;
}

/**
 * Each lesson's recall now: the mean FSRS retrievability (srs-schedule.ts) over the distinct cards
 * its questions link to; a card never reviewed counts 0, a lesson linking no card gets 0.
 */
export function lessonRecall(
  lessons: readonly QaLesson[],
  states: ReadonlyMap<string, MemoryState>,
  now: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lessons) {
    const cards = new Set(l.questions.flatMap((q) => q.cards));
    let sum = 0;
    for (const key of cards) sum += retrievability(states.get(key), now);
    out.set(l.lesson, cards.size ? sum / cards.size : 0);
  }
  return out;
}

/** A lesson's draw weight from its recall R: FLOOR + (1 − FLOOR)·(1 − R). */
export const lessonWeight = (recall: number): number => FLOOR + (1 - FLOOR) * (1 - Math.min(1, Math.max(0, recall)));

/** Draws a session's questions (the algorithm is in the module comment). Deterministic for a seed. */
export function drawMock(
  lessons: readonly QaLesson[],
  recall: ReadonlyMap<string, number>,
  minutes: number,
  seed: number,
): DrawnQuestion[] {
  const rng = createRng(seed);
  // pool[difficulty] → lesson → its questions not drawn yet
  const pool = new Map<Difficulty, Map<QaLesson, QaQuestion[]>>();
  for (const l of lessons)
    for (const q of l.questions) {
      let byLesson = pool.get(q.difficulty);
      if (!byLesson) pool.set(q.difficulty, (byLesson = new Map()));
      const list = byLesson.get(l) ?? [];
      list.push(q);
      byLesson.set(l, list);
    }
  const counts: Record<Difficulty, number> = { easy: 0, medium: 0, hard: 0 };
  const out: DrawnQuestion[] = [];
  let left = minutes;
  for (;;) {
    const n = out.length + 1;
    let pick: Difficulty | undefined;
    let deficit = -Infinity;
    for (const d of ['easy', 'medium', 'hard'] as const) {
      if (QUESTION_MINUTES[d] > left || !pool.get(d)?.size) continue;
      const gap = DIFFICULTY_MIX[d] * n - counts[d];
      if (gap > deficit) [pick, deficit] = [d, gap];
    }
    if (!pick) break;
    const byLesson = pool.get(pick)!;
    const candidates = [...byLesson.keys()];
    const weights = candidates.map((l) => lessonWeight(recall.get(l.lesson) ?? 0));
    let r = uniform(rng) * weights.reduce((a, b) => a + b, 0);
    let i = 0;
    while (i < candidates.length - 1 && r >= weights[i]!) r -= weights[i++]!;
    const lesson = candidates[i]!;
    const list = byLesson.get(lesson)!;
    const [q] = list.splice(randInt(rng, list.length), 1);
    if (!list.length) byLesson.delete(lesson);
    if (!byLesson.size) pool.delete(pick);
    out.push({
      ...q!,
      qa: `${lesson.lesson}/${q!.id}`,
      lesson: lesson.lesson,
      lessonTitle: lesson.title,
      lessonUrl: lesson.url,
    });
    counts[pick] += 1;
    left -= QUESTION_MINUTES[pick];
  }
  return out;
}

/** The rubric indices as given, kept when they are whole numbers below `points`, distinct, sorted. */
export function coveredPoints(indices: Iterable<unknown>, points: number): number[] {
  const ok = [...indices].filter(
    (i): i is number => Number.isInteger(i) && (i as number) >= 0 && (i as number) < points,
  );
  return [...new Set(ok)].sort((a, b) => a - b);
}

/** The FSRS grade for `covered` of `points` rubric points (the rule is in the module comment). */
export function gradeFor(covered: number, points: number): Rating {
  const f = points > 0 ? covered / points : 0;
  return f >= 1 ? 4 : f >= 0.75 ? 3 : f >= 0.5 ? 2 : 1;
}

/** The log's cap on a review's duration (srs-log.ts refuses longer ones). */
const MAX_DURATION = 3_600_000;

/**
 * A scored answer: the record kept in the mock's history, and one review entry per linked card
 * (graded the same, at `now`, lasting the time spent on the question). `newId(now)` makes entry ids.
 */
export function scoreAnswer(
  q: DrawnQuestion,
  covered: readonly number[],
  ms: number,
  now: number,
  newId: (now: number) => string,
): { answer: MockAnswer; reviews: ReviewEntry[] } {
  const points = q.rubric.length;
  const kept = coveredPoints(covered, points);
  const grade = gradeFor(kept.length, points);
  const duration = Math.min(MAX_DURATION, Math.max(0, Math.round(ms)));
  return {
    answer: { qa: q.qa, lesson: q.lesson, difficulty: q.difficulty, points, covered: kept, ms: duration, grade },
    reviews: q.cards.map((card) => ({ kind: 'review', id: newId(now), card, rating: grade, time: now, duration })),
  };
}

/** When the countdown speaks: its text once `remaining` ms are left (half time, 5 min, 1 min, time up). */
export function countdownCues(limitMs: number): { at: number; text: string }[] {
  const cues = [{ at: limitMs / 2, text: 'Half the time is gone.' }];
  if (limitMs > 10 * 60_000) cues.push({ at: 5 * 60_000, text: '5 minutes left.' });
  cues.push(
    { at: 60_000, text: '1 minute left.' },
    { at: 0, text: 'Time is up. Finish this answer, then see your summary.' },
  );
  return cues.sort((a, b) => b.at - a.at);
}

/** `m:ss` of a duration; past zero, how far over. */
export function clock(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const t = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return ms < 0 && s > 0 ? `${t} over` : t;
}

export interface LessonScore {
  lesson: string;
  title: string;
  url: string;
  questions: number;
  covered: number;
  points: number;
  /** covered / points. */
  score: number;
  /** This lesson's score in the previous mock, when it had the lesson. */
  previous: number | null;
}

/** What a finished mock interview says, and the object `finish()` returns. */
export interface MockSummary {
  id: string;
  minutes: number;
  startedAt: number;
  finishedAt: number;
  questions: number;
  covered: number;
  points: number;
  /** covered / points over the whole session; null when no question was scored. */
  score: number | null;
  /** Per lesson, in the order the lessons first came up. */
  lessons: LessonScore[];
  /** Each scored question: its time and grade. */
  times: { qa: string; q: string; ms: number; grade: 1 | 2 | 3 | 4 }[];
  /** The rubric points missed in the lowest-scored answers (at most WEAKEST), with their section. */
  weakest: { qa: string; q: string; point: string; lessonTitle: string; href: string }[];
  /** The mock before this one, if any: its overall score and the change (this − that). */
  previous: { id: string; finishedAt: number; score: number | null; change: number | null } | null;
}

const WEAKEST = 5;

/** Rubric points covered of those asked over some answers, and their ratio (null with none). */
export const mockScore = (
  answers: readonly MockAnswer[],
): { covered: number; points: number; score: number | null } => {
  const covered = answers.reduce((n, a) => n + a.covered.length, 0);
  const points = answers.reduce((n, a) => n + a.points, 0);
  return { covered, points, score: points ? covered / points : null };
};

/** The last mock with answers that finished before `record` started; null if none. */
export function previousMock(history: readonly MockRecord[], record: MockRecord): MockRecord | null {
  let best: MockRecord | null = null;
  for (const m of history)
    if (m.id !== record.id && m.answers.length && m.finishedAt <= record.startedAt)
      if (!best || m.finishedAt > best.finishedAt) best = m;
  return best;
}

/**
 * The end summary of `record`. `questions` are the session's drawn questions (for texts and links);
 * `previous` the mock to compare with (`previousMock`).
 */
export function summarizeMock(
  record: MockRecord,
  questions: readonly DrawnQuestion[],
  previous: MockRecord | null,
): MockSummary {
  const byQa = new Map(questions.map((q) => [q.qa, q]));
  const lessons = new Map<string, LessonScore>();
  for (const a of record.answers) {
    const q = byQa.get(a.qa);
    let l = lessons.get(a.lesson);
    if (!l)
      lessons.set(
        a.lesson,
        (l = {
          lesson: a.lesson,
          title: q?.lessonTitle ?? a.lesson,
          url: q?.lessonUrl ?? '',
          questions: 0,
          covered: 0,
          points: 0,
          score: 0,
          previous: null,
        }),
      );
    l.questions += 1;
    l.covered += a.covered.length;
    l.points += a.points;
  }
  for (const l of lessons.values()) {
    l.score = l.points ? l.covered / l.points : 0;
    const before = previous?.answers.filter((a) => a.lesson === l.lesson) ?? [];
    l.previous = before.length ? mockScore(before).score : null;
  }
  const ranked = record.answers
    .map((a, i) => ({ a, i, f: a.covered.length / a.points }))
    .sort((x, y) => x.f - y.f || x.i - y.i);
  const weakest: MockSummary['weakest'] = [];
  for (const { a } of ranked) {
    const q = byQa.get(a.qa);
    if (!q) continue;
    for (const [i, point] of q.rubric.entries())
      if (!a.covered.includes(i) && weakest.length < WEAKEST)
        weakest.push({ qa: a.qa, q: q.q, point, lessonTitle: q.lessonTitle, href: `${q.lessonUrl}#${q.anchor}` });
  }
  const all = mockScore(record.answers);
  const prev = previous ? mockScore(previous.answers).score : null;
  return {
    id: record.id,
    minutes: record.minutes,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    questions: record.answers.length,
    ...all,
    lessons: [...lessons.values()],
    times: record.answers.map((a) => ({ qa: a.qa, q: byQa.get(a.qa)?.q ?? a.qa, ms: a.ms, grade: a.grade })),
    weakest,
    previous: previous
      ? {
          id: previous.id,
          finishedAt: previous.finishedAt,
          score: prev,
          change: prev !== null && all.score !== null ? all.score - prev : null,
        }
      : null,
  };
}
