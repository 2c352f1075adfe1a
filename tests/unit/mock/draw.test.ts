import { describe, it, expect } from 'vitest';
import * as tsfsrs from 'ts-fsrs';
import { createScheduler, type Rating } from '../../../widgets/core/srs-schedule.ts';
import { replay, type LogEntry } from '../../../widgets/core/srs-log.ts';
import type { Difficulty, QaLesson } from '../../../widgets/core/mock-interview-data.ts';
import {
  drawMock,
  lessonRecall,
  lessonWeight,
  sessionMinutes,
  FLOOR,
  QUESTION_MINUTES,
} from '../../../widgets/core/mock-interview.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 3, 12);
const scheduler = createScheduler(tsfsrs);

/** A lesson with `n` questions of each difficulty; question i links to card `<slug>:c<i>`. */
function lesson(slug: string, n = 6): QaLesson {
  const questions = (['easy', 'medium', 'hard'] as Difficulty[]).flatMap((difficulty) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${difficulty}-${i}`,
      q: `${slug} ${difficulty} ${i}?`,
      difficulty,
      rubric: ['one', 'two', 'three'],
      cards: [`${slug}:c${i}`],
      answer: '<p>a</p>',
      anchor: `qa-${difficulty}-${i}`,
    })),
  );
  return { lesson: slug, title: slug, url: `/lessons/${slug}/`, questions };
}

/** The fixed log: every card of `strong` reviewed Good four times, a week apart, the last one a day ago. */
function fixedLog(strong: QaLesson): LogEntry[] {
  const cards = [...new Set(strong.questions.flatMap((q) => q.cards))];
  return cards.flatMap((card, c) =>
    [29, 22, 8, 1].map((daysAgo, k) => ({
      kind: 'review' as const,
      id: `r${c}-${k}`,
      card,
      rating: 3 as Rating,
      time: NOW - daysAgo * DAY,
      duration: 5000,
    })),
  );
}

describe('lessonRecall and lessonWeight', () => {
  it('gives a studied lesson high recall and a never-studied one 0', () => {
    const strong = lesson('strong');
    const weak = lesson('weak');
    const recall = lessonRecall([strong, weak], replay(scheduler, fixedLog(strong)), NOW);
    expect(recall.get('strong')!).toBeGreaterThan(0.9);
    expect(recall.get('weak')).toBe(0);
    expect(lessonWeight(0)).toBe(1);
    expect(lessonWeight(1)).toBe(FLOOR);
    expect(lessonWeight(recall.get('strong')!)).toBeLessThan(0.25);
  });
});

describe('drawMock', () => {
  const lessons = [lesson('strong'), lesson('weak')];
  const recall = lessonRecall(lessons, replay(scheduler, fixedLog(lessons[0]!)), NOW);

  it('draws the weak lesson more often, over many seeds, on a fixed log', () => {
    const count = { strong: 0, weak: 0 };
    for (let seed = 0; seed < 400; seed++)
      for (const q of drawMock(lessons, recall, 20, seed)) count[q.lesson as 'strong' | 'weak'] += 1;
    // Weights ≈ 1 and ≈ 0.2: the weak lesson should get about five times as many questions.
    expect(count.weak).toBeGreaterThan(3 * count.strong);
    // …and the strong one is not starved.
    expect(count.strong).toBeGreaterThan(0.05 * (count.weak + count.strong));
  });

  it('with equal recall, draws both lessons about equally', () => {
    const count = { strong: 0, weak: 0 };
    for (let seed = 0; seed < 400; seed++)
      for (const q of drawMock(lessons, new Map(), 20, seed)) count[q.lesson as 'strong' | 'weak'] += 1;
    const share = count.weak / (count.weak + count.strong);
    expect(share).toBeGreaterThan(0.42);
    expect(share).toBeLessThan(0.58);
  });

  it('fits the session, mixes difficulties and never repeats a question', () => {
    for (const minutes of [20, 45, 60]) {
      for (let seed = 0; seed < 50; seed++) {
        const drawn = drawMock(lessons, recall, minutes, seed);
        const cost = drawn.reduce((m, q) => m + QUESTION_MINUTES[q.difficulty], 0);
        expect(cost).toBeLessThanOrEqual(minutes);
        // Nothing more fits: the cheapest question would overrun.
        expect(minutes - cost).toBeLessThan(QUESTION_MINUTES.easy);
        expect(new Set(drawn.map((q) => q.qa)).size).toBe(drawn.length);
        expect(new Set(drawn.map((q) => q.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
      }
    }
    const sixty = drawMock(lessons, recall, 60, 7);
    const per = (d: Difficulty) => sixty.filter((q) => q.difficulty === d).length;
    expect(per('medium')).toBeGreaterThanOrEqual(per('hard'));
    expect(sixty[0]!.qa).toMatch(/^(strong|weak)\/(easy|medium|hard)-\d$/);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = drawMock(lessons, recall, 45, 11).map((q) => q.qa);
    expect(drawMock(lessons, recall, 45, 11).map((q) => q.qa)).toEqual(a);
    expect(drawMock(lessons, recall, 45, 12).map((q) => q.qa)).not.toEqual(a);
  });

  it('stops when the scope runs out of questions, and draws nothing from nothing', () => {
    const tiny = lesson('tiny', 1);
    const drawn = drawMock([tiny], new Map(), 60, 3);
    expect(drawn.map((q) => q.difficulty).sort()).toEqual(['easy', 'hard', 'medium']);
    expect(drawMock([], new Map(), 60, 3)).toEqual([]);
    expect(
      drawMock([{ ...tiny, questions: tiny.questions.filter((q) => q.difficulty === 'hard') }], new Map(), 5, 1),
    ).toEqual([]);
  });

  it('carries the lesson and the full id with each question', () => {
    const [q] = drawMock([lesson('only')], new Map(), 20, 1);
    expect(q).toMatchObject({ lesson: 'only', lessonTitle: 'only', lessonUrl: '/lessons/only/' });
    expect(q!.qa).toBe(`only/${q!.id}`);
  });
});

describe('sessionMinutes', () => {
  it('takes 20, 45 and 60 only', () => {
    expect(['20', '45', '60', 45].map(sessionMinutes)).toEqual([20, 45, 60, 45]);
    expect(['17', '', ' ', '20.5', 'abc', '1e3'].map(sessionMinutes)).toEqual([null, null, null, null, null, null]);
  });
});
