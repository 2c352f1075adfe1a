import { describe, it, expect } from 'vitest';
import { reviewsPerDay, retentionAchieved, dueForecast, mastery, dayNumber } from '../../../widgets/core/srs-stats.ts';
import { retrievability, type MemoryState } from '../../../widgets/core/srs-schedule.ts';
import { knownLog, DAY } from './helpers.ts';

const state = (over: Partial<MemoryState>): MemoryState => ({
  due: 0,
  stability: 10,
  difficulty: 5,
  scheduledDays: 10,
  learningSteps: 0,
  reps: 3,
  lapses: 0,
  state: 2,
  lastReview: 0,
  ...over,
});

describe('progress figures, on a fixture log with known answers', () => {
  const { now, log, answers } = knownLog();

  it('reviews per day over the last year (undone reviews and older ones left out)', () => {
    const days = reviewsPerDay(log, now, 0);
    expect(days).toHaveLength(365);
    expect(days[0]!.day).toBe('2024-03-11');
    expect(days[364]!.day).toBe('2025-03-10');
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(answers.reviewsInYear);
    const nonzero = Object.fromEntries(days.filter((d) => d.count).map((d) => [d.day, d.count]));
    expect(nonzero).toEqual(answers.perDay);
  });

  it("days follow the reader's UTC offset", () => {
    // c1 at 2025-03-09T20:00Z is on the 10th for a reader at UTC+5
    const days = reviewsPerDay(log, now, 5 * 60, 3);
    expect(days.map((d) => d.count)).toEqual([1, 1, 1]);
    expect(dayNumber(Date.parse('2025-03-09T20:00:00Z'), 300) - dayNumber(Date.parse('2025-03-09T20:00:00Z'), 0)).toBe(
      1,
    );
  });

  it('retention achieved vs desired: long-term recalls not graded Again', () => {
    expect(retentionAchieved(log, 0.9)).toEqual({ achieved: answers.achieved, recalls: answers.recalls, desired: 0.9 });
    expect(retentionAchieved([], 0.85)).toEqual({ achieved: null, recalls: 0, desired: 0.85 });
  });

  it('due forecast for the next 30 days: overdue cards count today', () => {
    const t = Date.parse('2025-03-10T12:00:00Z');
    const states = [
      state({ due: t - 5 * DAY }),
      state({ due: t + 1000 }),
      state({ due: t + DAY }),
      state({ due: t + 2 * DAY }),
      state({ due: t + 2 * DAY + 3600_000 }),
      state({ due: t + 40 * DAY }),
    ];
    const f = dueForecast(states, t, 0);
    expect(f).toHaveLength(30);
    expect(f.slice(0, 4).map((d) => d.count)).toEqual([2, 1, 2, 0]);
    expect(f.reduce((n, d) => n + d.count, 0)).toBe(5);
    expect(f[0]!.day).toBe('2025-03-10');
  });

  it('mastery per group: recall now, cards known, cards reviewed', () => {
    const t = 100 * DAY;
    const states = new Map([
      ['l:a', state({ lastReview: t, stability: 5 })], // R = 1, known
      ['l:b', state({ lastReview: t - 4 * DAY, stability: 5 })], // R ≈ 0.92, known
      ['l:c', state({ lastReview: t, stability: 5, state: 1 })], // learning: reviewed, not known
    ]);
    const m = mastery(
      [
        { key: 'l:a', group: 'theory' },
        { key: 'l:b', group: 'theory' },
        { key: 'l:c', group: 'pitfalls' },
        { key: 'l:d', group: 'pitfalls' },
      ],
      states,
      t,
    );
    expect(m.get('theory')).toMatchObject({ cards: 2, reviewed: 2, known: 2 });
    expect(m.get('theory')!.recall).toBeCloseTo((1 + retrievability(states.get('l:b'), t)) / 2, 12);
    expect(m.get('pitfalls')).toEqual({ cards: 2, reviewed: 1, known: 0, recall: 0.5 });
  });
});
