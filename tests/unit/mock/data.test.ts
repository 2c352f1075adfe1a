import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  parseLessonList,
  parseQaLesson,
  parseTrackIndex,
  type QaLesson,
} from '../../../widgets/core/mock-interview-data.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/qa/${name}`, import.meta.url), 'utf8'));

const good = (): { questions: Record<string, unknown>[] } & Record<string, unknown> =>
  fixture('mock-srs-fixture.json') as never;

function error(v: unknown, expect?: string): string {
  const p = parseQaLesson(v, expect);
  if (!('error' in p)) throw new Error('parsed, but should not have');
  return p.error;
}

describe('parseQaLesson', () => {
  it('keeps a published questions file field by field', () => {
    const p = parseQaLesson(fixture('mock-srs-fixture.json'), 'srs-fixture');
    expect('value' in p).toBe(true);
    const lesson = (p as { value: QaLesson }).value;
    expect(lesson.lesson).toBe('srs-fixture');
    expect(lesson.questions.map((q) => [q.id, q.difficulty, q.rubric.length])).toEqual([
      ['why-low-rank', 'easy', 3],
      ['alpha', 'medium', 2],
      ['init', 'hard', 4],
      ['rank-choice', 'easy', 2],
    ]);
    expect(lesson.questions[2]!.cards).toEqual(['srs-fixture:init-b-zero', 'srs-fixture:why-low-rank']);
    expect(lesson.questions[0]!.anchor).toBe('qa-why-low-rank');
  });

  it('names the first bad question and what is wrong with it', () => {
    const cases: [(v: ReturnType<typeof good>) => void, RegExp][] = [
      [(v) => delete v.questions[1]!.rubric, /question 2 that has no "rubric" of 2 to 5 points/],
      [(v) => (v.questions[0]!.rubric = ['only one']), /question 1 that has no "rubric"/],
      [(v) => (v.questions[0]!.rubric = ['a', 'b', 'c', 'd', 'e', 'f']), /question 1 that has no "rubric"/],
      [(v) => (v.questions[0]!.rubric = ['a', '  ']), /question 1 that has no "rubric"/],
      [(v) => (v.questions[2]!.difficulty = 'tricky'), /question 3 that has a "difficulty" that is not easy/],
      [(v) => delete v.questions[0]!.id, /question 1 that has no valid "id"/],
      [(v) => (v.questions[0]!.cards = []), /question 1 that has no "cards" list/],
      [(v) => (v.questions[0]!.cards = ['no-colon']), /question 1 that has no "cards" list/],
      [(v) => (v.questions[0]!.anchor = 'x" onclick="y'), /question 1 that has no valid "anchor"/],
      [(v) => (v.questions[1]!.id = 'why-low-rank'), /two questions with the id "why-low-rank"/],
      [(v) => (v.url = 'javascript:alert(1)'), /no valid "url"/],
      [(v) => (v.url = '//evil.example/'), /no valid "url"/],
      [(v) => delete v.title, /no "title"/],
      [(v) => ((v as Record<string, unknown>).questions = 'none'), /no "questions" list/],
    ];
    for (const [spoil, message] of cases) {
      const v = good();
      spoil(v);
      expect(error(v)).toMatch(message);
    }
    expect(error(good(), 'qlora')).toBe('is for lesson "srs-fixture", not "qlora"');
    expect(error(null)).toBe('is not a JSON object');
  });
});

describe('parseTrackIndex', () => {
  it('lists the lessons with their questions URL, null where the index has none', () => {
    const p = parseTrackIndex({
      lessons: [
        { slug: 'a', title: 'A', qa: '/decks/qa/a.json' },
        { slug: 'b', title: 'B' },
      ],
    });
    expect(p).toEqual({
      value: [
        { slug: 'a', title: 'A', qa: '/decks/qa/a.json' },
        { slug: 'b', title: 'B', qa: null },
      ],
    });
    expect(parseTrackIndex(fixture('mock-index.json'))).toMatchObject({ value: [{ slug: 'srs-fixture' }, {}] });
  });

  it('refuses a bad index with a sentence', () => {
    expect(parseTrackIndex({})).toEqual({ error: 'has no "lessons" list' });
    expect(parseTrackIndex({ lessons: [{ slug: 'Bad Slug' }] })).toEqual({
      error: 'has a lesson 1 without a valid "slug"',
    });
    expect(parseTrackIndex({ lessons: [{ slug: 'a', qa: 'javascript:x' }] })).toEqual({
      error: 'has a lesson "a" whose "qa" is not a URL',
    });
  });
});

describe('parseLessonList', () => {
  it('splits on spaces and commas, drops repeats and sets bad words apart', () => {
    expect(parseLessonList(' qlora, lora-peft  qlora Bad/slug ')).toEqual({
      slugs: ['qlora', 'lora-peft'],
      bad: ['Bad/slug'],
    });
    expect(parseLessonList('')).toEqual({ slugs: [], bad: [] });
  });
});
