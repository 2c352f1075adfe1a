import { describe, it, expect } from 'vitest';
import {
  buildQueue,
  dueCounts,
  nextDue,
  afterGrade,
  formatInterval,
  describeInterval,
  LEARN_AHEAD_MS,
} from '../../../widgets/core/srs-queue.ts';
import type { MemoryState } from '../../../widgets/core/srs-schedule.ts';
import { T0, MIN, DAY } from './helpers.ts';

const st = (due: number): MemoryState => ({
  due,
  stability: 3,
  difficulty: 5,
  scheduledDays: 3,
  learningSteps: 0,
  reps: 2,
  lapses: 0,
  state: 2,
  lastReview: due - 3 * DAY,
});

describe('the study queue', () => {
  const keys = ['d:new1', 'd:late', 'd:later', 'd:future', 'd:new2'];
  const states = new Map([
    ['d:late', st(T0 - 2 * DAY)],
    ['d:later', st(T0 - 1 * DAY)],
    ['d:future', st(T0 + 2 * DAY)],
  ]);
  it('due mode: most overdue first, then new cards in deck order; not-yet-due cards left out', () => {
    expect(buildQueue(keys, states, T0, 'due')).toEqual(['d:late', 'd:later', 'd:new1', 'd:new2']);
  });
  it('all mode: the same, then the rest by due time', () => {
    expect(buildQueue(keys, states, T0, 'all')).toEqual(['d:late', 'd:later', 'd:new1', 'd:new2', 'd:future']);
  });
  it('counts due cards per group and finds the next due time', () => {
    expect(dueCounts(keys, (k) => (k.includes('new') ? 'n' : 'o'), states, T0)).toEqual(
      new Map([
        ['n', 2],
        ['o', 2],
      ]),
    );
    expect(nextDue(keys, states, T0)).toBe(T0 + 2 * DAY);
    expect(nextDue(['d:late'], states, T0)).toBeNull();
  });
  it('a card graded into a short step comes back at the end of the session; others leave', () => {
    expect(afterGrade(['a', 'b', 'c'], 'a', T0 + MIN, T0)).toEqual(['b', 'c', 'a']);
    expect(afterGrade(['a', 'b', 'c'], 'a', T0 + LEARN_AHEAD_MS + 1, T0)).toEqual(['b', 'c']);
  });
  it('formats intervals like Anki buttons, and in words', () => {
    expect([10_000, MIN, 10 * MIN, 3 * 60 * MIN, 4 * DAY, 60 * DAY, 400 * DAY].map(formatInterval)).toEqual([
      '<1m',
      '1m',
      '10m',
      '3h',
      '4d',
      '2mo',
      '1.1y',
    ]);
    expect(describeInterval(MIN)).toBe('1 minute');
    expect(describeInterval(4 * DAY)).toBe('4 days');
  });
  it('builds the due queue for 10,000 cards quickly (the benchmark has the figure)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `d:${i}`);
    const ms = new Map(many.filter((_, i) => i % 3).map((k, i) => [k, st(T0 + ((i % 7) - 3) * DAY)]));
    const t = performance.now();
    const q = buildQueue(many, ms, T0, 'due');
    expect(performance.now() - t).toBeLessThan(1000);
    expect(q.length).toBeGreaterThan(3000);
  });
});
