import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseLogEntry } from '../../../widgets/core/srs-log.ts';
import { parseQaLesson, type QaLesson } from '../../../widgets/core/mock-interview-data.ts';
import { parseMockRecord, type MockRecord } from '../../../widgets/core/srs-profile.ts';
import {
  clock,
  countdownCues,
  coveredPoints,
  drawMock,
  gradeFor,
  mockScore,
  previousMock,
  scoreAnswer,
  summarizeMock,
  type DrawnQuestion,
} from '../../../widgets/core/mock-interview.ts';
import { MemoryStore } from '../../../widgets/srs-store/memory-store.ts';
import { createScheduler } from '../../../widgets/core/srs-schedule.ts';
import * as tsfsrs from 'ts-fsrs';

const load = (name: string): QaLesson => {
  const p = parseQaLesson(JSON.parse(readFileSync(new URL(`../../fixtures/qa/${name}`, import.meta.url), 'utf8')));
  if ('error' in p) throw new Error(p.error);
  return p.value;
};
const A = load('mock-srs-fixture.json');
const B = load('mock-srs-fixture-b.json');
/** Every fixture question, as drawn (order: A's then B's). */
const ALL: DrawnQuestion[] = [A, B].flatMap((l) =>
  l.questions.map((q) => ({
    ...q,
    qa: `${l.lesson}/${q.id}`,
    lesson: l.lesson,
    lessonTitle: l.title,
    lessonUrl: l.url,
  })),
);
const byQa = (qa: string) => ALL.find((q) => q.qa === qa)!;
const T0 = Date.UTC(2026, 11, 3, 9);
let n = 0;
const ids = () => `id-${++n}`;

describe('gradeFor: the share of rubric points covered → FSRS grade', () => {
  it('under half Again, under three quarters Hard, short of all Good, all Easy', () => {
    const table = [
      [0, 2, 1],
      [1, 2, 2],
      [2, 2, 4],
      [1, 3, 1],
      [2, 3, 2],
      [3, 3, 4],
      [1, 4, 1],
      [2, 4, 2],
      [3, 4, 3],
      [4, 4, 4],
      [2, 5, 1],
      [3, 5, 2],
      [4, 5, 3],
      [5, 5, 4],
    ];
    for (const [covered, points, grade] of table)
      expect([covered, points, gradeFor(covered!, points!)]).toEqual([covered, points, grade]);
  });

  it('keeps only whole, distinct rubric indices in range', () => {
    expect(coveredPoints([2, 0, 2, -1, 5, 1.5, '1' as unknown as number, NaN], 3)).toEqual([0, 2]);
    expect(coveredPoints([], 3)).toEqual([]);
  });
});

describe('scoreAnswer: a score becomes one review per linked card', () => {
  it('grades every linked card the same, with the time spent', () => {
    const q = byQa('srs-fixture/init');
    const { answer, reviews } = scoreAnswer(q, [0, 1, 3], 95_400.4, T0, ids);
    expect(answer).toEqual({
      qa: 'srs-fixture/init',
      lesson: 'srs-fixture',
      difficulty: 'hard',
      points: 4,
      covered: [0, 1, 3],
      ms: 95_400,
      grade: 3,
    });
    expect(reviews.map((r) => [r.card, r.rating, r.time, r.duration])).toEqual([
      ['srs-fixture:init-b-zero', 3, T0, 95_400],
      ['srs-fixture:why-low-rank', 3, T0, 95_400],
    ]);
    for (const r of reviews) expect(parseLogEntry(r)).toEqual({ entry: r });
    expect(new Set(reviews.map((r) => r.id)).size).toBe(2);
  });

  it('an empty list is Again; an hour and more is logged as an hour', () => {
    const { answer, reviews } = scoreAnswer(byQa('srs-fixture-b/one'), [], 5 * 3_600_000, T0, ids);
    expect(answer.grade).toBe(1);
    expect(answer.covered).toEqual([]);
    expect(reviews[0]!.duration).toBe(3_600_000);
    expect('entry' in parseLogEntry(reviews[0])).toBe(true);
  });

  it('the reviews go into the log like any review, and move the cards', async () => {
    const store = new MemoryStore('t', async () => createScheduler(tsfsrs));
    const good = scoreAnswer(byQa('srs-fixture/alpha'), [0, 1], 60_000, T0, ids);
    const poor = scoreAnswer(byQa('srs-fixture-b/three'), [4], 200_000, T0 + 300_000, ids);
    for (const r of [...good.reviews, ...poor.reviews]) await store.append(r);
    const log = await store.log();
    expect(log.map((e) => e.kind === 'review' && [e.card, e.rating])).toEqual([
      ['srs-fixture:alpha-scaling', 4],
      ['srs-fixture-b:one', 1],
      ['srs-fixture-b:two', 1],
    ]);
    const states = await store.states();
    expect(states.get('srs-fixture:alpha-scaling')!.due).toBeGreaterThan(states.get('srs-fixture-b:one')!.due);
  });
});

/** A finished mock of `answers` ([qa, covered, ms]), starting at `start`. */
function mock(id: string, start: number, answers: [string, number[], number][]): MockRecord {
  let t = start;
  const scored = answers.map(([qa, covered, ms]) => {
    t += ms;
    return scoreAnswer(byQa(qa), covered, ms, t, ids).answer;
  });
  return { id, startedAt: start, finishedAt: t, minutes: 20, lessons: null, answers: scored };
}

describe('summarizeMock', () => {
  const before = mock('m1', T0 - 86_400_000, [
    ['srs-fixture/alpha', [0], 120_000],
    ['srs-fixture-b/two', [0, 1, 2], 200_000],
  ]);
  const now = mock('m2', T0, [
    ['srs-fixture/why-low-rank', [0, 1], 150_000],
    ['srs-fixture-b/three', [1], 400_000],
    ['srs-fixture/alpha', [0, 1], 90_000],
    ['srs-fixture-b/one', [], 30_000],
  ]);

  it('is a valid history record', () => {
    expect(parseMockRecord(now)).toEqual({ value: now });
  });

  it('adds up the score per lesson, the time per question and the total', () => {
    const s = summarizeMock(now, ALL, before);
    expect([s.questions, s.covered, s.points]).toEqual([4, 5, 12]);
    expect(s.score).toBeCloseTo(5 / 12);
    expect(s.finishedAt - s.startedAt).toBe(670_000);
    expect(s.lessons.map((l) => [l.lesson, l.title, l.url, l.questions, l.covered, l.points])).toEqual([
      ['srs-fixture', 'SRS fixture lesson', '/lessons/srs-fixture/', 2, 4, 5],
      ['srs-fixture-b', 'Second SRS fixture lesson', '/lessons/srs-fixture-b/', 2, 1, 7],
    ]);
    expect(s.lessons.map((l) => [l.score, l.previous])).toEqual([
      [4 / 5, 1 / 2],
      [1 / 7, 3 / 3],
    ]);
    expect(s.times).toEqual([
      { qa: 'srs-fixture/why-low-rank', q: byQa('srs-fixture/why-low-rank').q, ms: 150_000, grade: 2 },
      { qa: 'srs-fixture-b/three', q: byQa('srs-fixture-b/three').q, ms: 400_000, grade: 1 },
      { qa: 'srs-fixture/alpha', q: byQa('srs-fixture/alpha').q, ms: 90_000, grade: 4 },
      { qa: 'srs-fixture-b/one', q: byQa('srs-fixture-b/one').q, ms: 30_000, grade: 1 },
    ]);
  });

  it('lists the points missed in the weakest answers first, linked to their question in the lesson', () => {
    const s = summarizeMock(now, ALL, before);
    // one: 0 of 2; three: 1 of 5 (points A, C, D, E missed) — five at most.
    expect(s.weakest.map((w) => [w.point, w.href])).toEqual([
      ['Point one A', '/lessons/srs-fixture-b/#qa-one'],
      ['Point one B', '/lessons/srs-fixture-b/#qa-one'],
      ['Point three A', '/lessons/srs-fixture-b/#qa-three'],
      ['Point three C', '/lessons/srs-fixture-b/#qa-three'],
      ['Point three D', '/lessons/srs-fixture-b/#qa-three'],
    ]);
    expect(s.weakest[0]).toMatchObject({ qa: 'srs-fixture-b/one', lessonTitle: 'Second SRS fixture lesson' });
  });

  it('compares with the previous mock', () => {
    const s = summarizeMock(now, ALL, before);
    expect(s.previous).toEqual({ id: 'm1', finishedAt: before.finishedAt, score: 4 / 5, change: 5 / 12 - 4 / 5 });
    expect(summarizeMock(now, ALL, null).previous).toBeNull();
    expect(summarizeMock(now, ALL, null).lessons.every((l) => l.previous === null)).toBe(true);
  });

  it('with nothing scored: no score, nothing to work on', () => {
    const empty: MockRecord = { ...now, id: 'm3', answers: [] };
    const s = summarizeMock(empty, ALL, before);
    expect([s.questions, s.score, s.lessons, s.times, s.weakest]).toEqual([0, null, [], [], []]);
    expect(s.previous!.change).toBeNull();
  });

  it('previousMock: the latest mock with answers that finished before this one started', () => {
    const older = mock('m0', T0 - 5 * 86_400_000, [['srs-fixture/alpha', [], 60_000]]);
    const unscored: MockRecord = { ...before, id: 'm1b', finishedAt: before.finishedAt + 1, answers: [] };
    const later = mock('m9', T0 + 86_400_000, [['srs-fixture/alpha', [], 60_000]]);
    expect(previousMock([older, before, unscored, later, now], now)!.id).toBe('m1');
    expect(previousMock([now, later], now)).toBeNull();
    expect(mockScore(before.answers)).toEqual({ covered: 4, points: 5, score: 0.8 });
  });

  it('summarises a drawn session end to end', () => {
    const drawn = drawMock([A, B], new Map(), 45, 5);
    const rec: MockRecord = {
      id: 'm4',
      startedAt: T0,
      finishedAt: T0 + 1,
      minutes: 45,
      lessons: ['srs-fixture', 'srs-fixture-b'],
      answers: drawn.map((q) => scoreAnswer(q, [0], 1, T0, ids).answer),
    };
    const s = summarizeMock(rec, drawn, null);
    expect(s.questions).toBe(drawn.length);
    expect(s.lessons.reduce((k, l) => k + l.questions, 0)).toBe(drawn.length);
    expect(s.covered).toBe(drawn.length);
  });
});

describe('the countdown', () => {
  it('speaks at half time, 5 and 1 minute left, and at time up', () => {
    expect(countdownCues(20 * 60_000).map((c) => c.at / 60_000)).toEqual([10, 5, 1, 0]);
    expect(countdownCues(60 * 60_000).map((c) => c.at / 60_000)).toEqual([30, 5, 1, 0]);
    expect(countdownCues(20 * 60_000).at(-1)!.text).toMatch(/Time is up/);
  });

  it('shows m:ss, and how far over', () => {
    expect([clock(20 * 60_000), clock(61_000), clock(499), clock(0), clock(-500), clock(-75_000)]).toEqual([
      '20:00',
      '1:01',
      '0:00',
      '0:00',
      '0:01 over',
      '1:15 over',
    ]);
  });
});
