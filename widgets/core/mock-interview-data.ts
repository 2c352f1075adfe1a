/**
 * The interview questions as the site publishes them for `<mock-interview>` (issue 18), parsed at
 * the boundary like decks are: `/decks/index.json` lists the track's lessons (with, per lesson,
 * the site-relative URL of its questions, `qa`), and `/decks/qa/<lesson>.json` holds one lesson's
 * questions:
 *
 *   { lesson, title, url, questions: [{ id, q, difficulty, rubric: [2–5 points], cards: ['<deck>:<card id>', …],
 *     answer: '<safe HTML>', anchor: 'qa-<id>' }] }
 *
 * The parsers keep only the known fields and name the first problem in a sentence. A question's
 * id in records and events is `<lesson>/<id>`.
 */

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** One interview question of a lesson. */
export interface QaQuestion {
  /** Unique within its lesson. */
  id: string;
  q: string;
  difficulty: Difficulty;
  /** The 2–5 points a good answer contains. */
  rubric: string[];
  /** Card keys (`<deck>:<card id>`) the question exercises: a scored answer is a review of each. */
  cards: string[];
  /** The model answer: HTML built by the site (render it as HTML only when the file came from there). */
  answer: string;
  /** The id of the question's element on the lesson page (`qa-<id>`). */
  anchor: string;
}

/** One lesson's questions. */
export interface QaLesson {
  lesson: string;
  title: string;
  /** The lesson page, site-relative (`/lessons/<slug>/`) or absolute. */
  url: string;
  questions: QaQuestion[];
}

/** A lesson as /decks/index.json lists it; `qa` is its questions' URL (site-relative), when given. */
export interface TrackLesson {
  slug: string;
  title: string;
  qa: string | null;
}

type Parsed<T> = { value: T } | { error: string };
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/** Lesson slugs and question ids: lower-case letters, digits and dashes. */
const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;
const CARD_KEY = /^[a-z0-9][a-z0-9-]{0,63}:[^\s]{1,400}$/;
const ANCHOR = /^[A-Za-z][\w-]{0,120}$/;
const MAX_QUESTIONS = 500;
const MAX_ANSWER = 200_000;

/** A page URL the site may link to: a site-relative path or an http(s) URL. */
function pageUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 2000) return false;
  if (v.startsWith('/')) return !v.startsWith('//');
  return /^https?:\/\//.test(v);
}

function parseQuestion(v: unknown): Parsed<QaQuestion> {
  if (!isObj(v)) return { error: 'is not an object' };
  if (typeof v.id !== 'string' || !SLUG.test(v.id)) return { error: 'has no valid "id" (a slug)' };
  if (!text(v.q, 2000)) return { error: 'has no question text "q"' };
  if (!(DIFFICULTIES as readonly unknown[]).includes(v.difficulty))
    return { error: 'has a "difficulty" that is not easy, medium or hard' };
  const rubric = v.rubric;
  if (!Array.isArray(rubric) || rubric.length < 2 || rubric.length > 5 || !rubric.every((p) => text(p, 1000)))
    return { error: 'has no "rubric" of 2 to 5 points' };
  const cards = v.cards;
  if (
    !Array.isArray(cards) ||
    cards.length < 1 ||
    cards.length > 20 ||
    !cards.every((c) => typeof c === 'string' && CARD_KEY.test(c))
  )
    return { error: 'has no "cards" list of card keys like "deck:card-id"' };
  if (typeof v.answer !== 'string' || v.answer.length > MAX_ANSWER) return { error: 'has no "answer"' };
  if (typeof v.anchor !== 'string' || !ANCHOR.test(v.anchor)) return { error: 'has no valid "anchor"' };
  return {
    value: {
      id: v.id,
      q: v.q,
      difficulty: v.difficulty as Difficulty,
      rubric: [...(rubric as string[])],
      cards: [...new Set(cards as string[])],
      answer: v.answer,
      anchor: v.anchor,
    },
  };
}

/**
 * Checks one lesson's questions file (`expect`: the slug it was fetched for, which it must name).
 * The error names the file's first bad field or question.
 */
export function parseQaLesson(v: unknown, expect?: string): Parsed<QaLesson> {
  if (!isObj(v)) return { error: 'is not a JSON object' };
  if (typeof v.lesson !== 'string' || !SLUG.test(v.lesson)) return { error: 'has no valid "lesson" slug' };
  if (expect !== undefined && v.lesson !== expect) return { error: `is for lesson "${v.lesson}", not "${expect}"` };
  if (!text(v.title, 500)) return { error: 'has no "title"' };
  if (!pageUrl(v.url)) return { error: 'has no valid "url" for the lesson page' };
  if (!Array.isArray(v.questions) || v.questions.length > MAX_QUESTIONS) return { error: 'has no "questions" list' };
  const questions: QaQuestion[] = [];
  const ids = new Set<string>();
  for (const [i, raw] of v.questions.entries()) {
    const p = parseQuestion(raw);
    if ('error' in p) return { error: `has a question ${i + 1} that ${p.error}` };
    if (ids.has(p.value.id)) return { error: `has two questions with the id "${p.value.id}"` };
    ids.add(p.value.id);
    questions.push(p.value);
  }
  return { value: { lesson: v.lesson, title: v.title, url: v.url, questions } };
}

/** Checks /decks/index.json: the track's lessons in order; a lesson without `qa` gets null. */
export function parseTrackIndex(v: unknown): Parsed<TrackLesson[]> {
  if (!isObj(v) || !Array.isArray(v.lessons)) return { error: 'has no "lessons" list' };
  const out: TrackLesson[] = [];
  for (const [i, l] of v.lessons.entries()) {
    if (!isObj(l) || typeof l.slug !== 'string' || !SLUG.test(l.slug))
      return { error: `has a lesson ${i + 1} without a valid "slug"` };
    const qa = l.qa === undefined || l.qa === null ? null : l.qa;
    if (qa !== null && !pageUrl(qa)) return { error: `has a lesson "${l.slug}" whose "qa" is not a URL` };
    out.push({ slug: l.slug, title: text(l.title, 500) ? l.title : l.slug, qa });
  }
  return { value: out };
}

/** Lesson slugs from a `lessons` attribute (spaces or commas between); the bad ones apart. */
export function parseLessonList(value: string): { slugs: string[]; bad: string[] } {
  const words = value.split(/[\s,]+/).filter(Boolean);
  return {
    slugs: [...new Set(words.filter((w) => SLUG.test(w)))],
    bad: words.filter((w) => !SLUG.test(w)),
  };
}
