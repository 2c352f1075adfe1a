import { describe, it, expect } from 'vitest';
import { computePlan, type PlanInput } from '../../../widgets/core/study-plan.ts';
import {
  measurePace,
  weekdayOf,
  dayOfIso,
  localDay,
  isoOfDay,
  DEFAULT_SECONDS_PER_REVIEW,
} from '../../../widgets/core/study-plan-calendar.ts';
import { replay, type LogEntry } from '../../../widgets/core/srs-log.ts';
import { retrievability } from '../../../widgets/core/srs-schedule.ts';
import { scheduler, makeCards, simulateLearner } from './helpers.ts';

const DAY = 86_400_000;
/** Monday 2 March 2026, 09:00 UTC: the fixed clock. */
const NOW = Date.UTC(2026, 2, 2, 9);
const fsrs = scheduler();

type Over = Omit<Partial<PlanInput>, 'settings'> & { settings?: Partial<PlanInput['settings']> };

function input(over: Over = {}): PlanInput {
  const { settings, ...rest } = over;
  return {
    settings: { interviewDate: '2026-03-16', minutesPerDay: 20, daysOff: [], retention: 0.9, ...settings },
    cards: makeCards(30),
    states: new Map(),
    scheduler: fsrs,
    now: NOW,
    offsetMinutes: 0,
    secondsPerReview: 20,
    ...rest,
  };
}

const review = (id: string, card: string, days: number, rating: 1 | 2 | 3 | 4 = 3, duration = 15_000): LogEntry => ({
  kind: 'review',
  id,
  card,
  rating,
  time: NOW + days * DAY,
  duration,
});

describe('the calendar', () => {
  it('numbers local days, names weekdays and reads ISO dates', () => {
    expect(weekdayOf(localDay(NOW, 0))).toBe('monday');
    expect(weekdayOf(dayOfIso('2026-03-15')!)).toBe('sunday');
    expect(dayOfIso('2026-02-30')).toBeNull();
    expect(isoOfDay(dayOfIso('2026-03-16')!)).toBe('2026-03-16');
    // 23:30 UTC on the 2nd is already the 3rd at UTC+1
    expect(isoOfDay(localDay(Date.UTC(2026, 2, 2, 23, 30), 60))).toBe('2026-03-03');
  });

  it('measures seconds per review as the median of the timed reviews, with a default before ten', () => {
    const few = Array.from({ length: 9 }, (_, i) => review(`r${i}`, 'a:x', -i, 3, 40_000));
    expect(measurePace(few)).toEqual({ secondsPerReview: DEFAULT_SECONDS_PER_REVIEW, measured: false, reviews: 0 });
    const durations = [3_000, 5_000, 8_000, 9_000, 10_000, 12_000, 14_000, 600_000, 0, 11_000, 13_000];
    const log: LogEntry[] = durations.map((d, i) => review(`r${i}`, 'a:x', -20 + i, 3, d));
    // the 0 ms review is untimed; 600 s is clamped to 180 s; median of the ten others is (10 + 11) / 2
    expect(measurePace(log)).toEqual({ secondsPerReview: 10.5, measured: true, reviews: 10 });
    log.push({ kind: 'undo', id: 'u', card: 'a:x', target: 'r7', time: NOW });
    // an undone review does not count: nine are left, under the ten a measurement needs
    expect(measurePace(log)).toEqual({ secondsPerReview: DEFAULT_SECONDS_PER_REVIEW, measured: false, reviews: 0 });
  });
});

describe('each bad setting gives a message and an empty, infeasible plan (nothing throws)', () => {
  it.each([
    ['a date in the past', { interviewDate: '2026-03-01' }, /2026-03-01 is in the past/],
    ['today', { interviewDate: '2026-03-02' }, /interview is today/],
    ['not a date', { interviewDate: '2026-02-30' }, /is not a date/],
    ['0 minutes', { minutesPerDay: 0 }, /Minutes per day must be a whole number from 1 to 600 \(got 0\)/],
    ['too many minutes', { minutesPerDay: 601 }, /from 1 to 600/],
    [
      'every day off',
      { daysOff: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const },
      /Every day of the week/,
    ],
    ['a target recall out of range', { retention: 0.5 }, /target recall must be from 70% to 99%/],
  ] as const)('%s', (_name, settings, message) => {
    const plan = computePlan(input({ settings: settings as Over['settings'] }));
    expect(plan.feasible).toBe(false);
    expect(plan.message).toMatch(message);
    expect(plan.days).toEqual([]);
    expect(plan.recallOnDay).toBe(0);
  });

  it('no cards in scope', () => {
    expect(computePlan(input({ cards: [] })).message).toMatch(/no cards in scope/);
  });
});

describe('a first-time candidate (no reviews yet)', () => {
  const plan = computePlan(input({ settings: { daysOff: ['sunday'] } }));

  it('has one day per calendar day until the interview, days off included with zero cards', () => {
    expect(plan.days.map((d) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => isoOfDay(localDay(NOW, 0) + i)));
    const sundays = plan.days.filter((d) => d.dayOff);
    expect(sundays.map((d) => d.date)).toEqual(['2026-03-08', '2026-03-15']);
    for (const d of sundays) expect(d).toMatchObject({ newCards: 0, reviews: 0, minutes: 0 });
  });

  it('introduces every card, front-loaded, never over the minutes', () => {
    expect(plan.feasible).toBe(true);
    expect(plan.unplanned).toBe(0);
    expect(plan.days.reduce((n, d) => n + d.newCards, 0)).toBe(30);
    // 30 new cards at 2 views × 20 s fit today's 20 minutes
    expect(plan.days[0]).toMatchObject({ newCards: 30, reviews: 0, minutes: 20 });
    expect(plan.today.newCards).toEqual(makeCards(30).map((c) => c.key));
    for (const d of plan.days) expect(d.minutes).toBeLessThanOrEqual(20);
  });

  it('predicts recall on the day at or above the target', () => {
    expect(plan.recallOnDay).toBeGreaterThanOrEqual(0.9);
    expect(plan.recallOnDay).toBeLessThanOrEqual(1);
    expect(plan.message).toMatch(
      /^On track for 2026-03-16 \(14 days away\): 30 new cards to learn, at most 20 min a day; predicted recall on the day \d+%\.$/,
    );
  });

  it('assigns the numbers of a fixed small case exactly', () => {
    const small = computePlan(
      input({
        cards: makeCards(12, ['one']),
        settings: { interviewDate: '2026-03-07', minutesPerDay: 5, daysOff: ['thursday'] },
      }),
    );
    expect(small.days.map((d) => [d.date, d.newCards, d.reviews, d.extraReviews, d.minutes, d.dayOff])).toEqual([
      ['2026-03-02', 7, 0, 0, 4.7, false],
      ['2026-03-03', 5, 0, 0, 3.3, false],
      // Thursday is off: the five cards of the 3rd, due then, come a day early with the seven of the 2nd
      ['2026-03-04', 0, 12, 0, 4.3, false],
      ['2026-03-05', 0, 0, 0, 0, true],
      // after that review (stability about 10 days) recall on the 7th stays above 90%: nothing more
      ['2026-03-06', 0, 0, 0, 0, false],
    ]);
    expect(small.recallOnDay).toBeCloseTo(0.958, 3);
    expect(small.feasible).toBe(true);
  });

  it('front-loads: a long plan introduces its cards in the first days, not the last', () => {
    const long = computePlan(
      input({ cards: makeCards(200), settings: { interviewDate: '2026-04-30', minutesPerDay: 20 } }),
    );
    expect(long.feasible).toBe(true);
    const firstHalf = long.days.slice(0, long.days.length / 2).reduce((n, d) => n + d.newCards, 0);
    expect(firstHalf).toBe(200);
  });

  it('takes off today what was already studied today', () => {
    const tired = computePlan(input({ secondsToday: 10 * 60 }));
    expect(tired.days[0]).toMatchObject({ newCards: 15, minutes: 10 });
  });
});

describe('with a review log (fixed log, fixed clock)', () => {
  // Twenty cards learnt 10 days ago and reviewed 4 days ago: all due again around the same day.
  const cards = makeCards(20, ['one']);
  const log: LogEntry[] = cards.flatMap((c, i) => [
    review(`a${i}`, c.key, -10),
    review(`b${i}`, c.key, -10 + 1 / 144),
    review(`c${i}`, c.key, -4),
  ]);
  const states = replay(fsrs, log);
  const due = [...states.values()].map((s) => localDay(s.due, 0) - localDay(NOW, 0));

  it('reviews each card near its natural day and spreads a pile-up over neighbouring days (load balancing)', () => {
    expect(new Set(due).size).toBe(1);
    const natural = due[0]!;
    const plan = computePlan(input({ cards, states, settings: { interviewDate: '2026-04-30', minutesPerDay: 4 } }));
    const first = plan.days.map((d) => d.reviews);
    // 20 reviews at ~20 s do not fit 4 minutes on one day: they are spread within a day or two of it
    expect(Math.max(...first.slice(0, natural + 3))).toBeLessThan(20);
    const around = first.slice(natural - 2, natural + 3).reduce((a, b) => a + b, 0);
    expect(around).toBe(20);
    for (const d of plan.days) expect(d.minutes).toBeLessThanOrEqual(4);
    expect(plan.feasible).toBe(true);
  });

  it('never moves a review onto a day off', () => {
    const off = computePlan(
      input({
        cards,
        states,
        settings: { interviewDate: '2026-04-30', minutesPerDay: 4, daysOff: ['saturday', 'sunday'] },
      }),
    );
    for (const d of off.days) if (d.dayOff) expect(d).toMatchObject({ newCards: 0, reviews: 0, minutes: 0 });
    expect(off.days.reduce((n, d) => n + d.reviews, 0)).toBeGreaterThanOrEqual(20);
  });

  it('adds a deadline review only for cards whose recall on the day would fall below the target', () => {
    // the cards come due the day after the interview: their FSRS interval carries them past it
    const interviewDate = isoOfDay(localDay(NOW, 0) + due[0]! - 1);
    const tD = Date.parse(`${interviewDate}T12:00:00Z`);
    // recall on the day would be just above 90%: at a 90% target nothing is added…
    const at90 = computePlan(input({ cards, states, settings: { interviewDate, minutesPerDay: 30, retention: 0.9 } }));
    expect(at90.days.reduce((n, d) => n + d.reviews, 0)).toBe(0);
    expect(at90.recallOnDay).toBeGreaterThanOrEqual(0.9);
    // …at 95% every card gets one deadline review before the date, and the day's recall reaches it
    const at95 = computePlan(input({ cards, states, settings: { interviewDate, minutesPerDay: 30, retention: 0.95 } }));
    expect(at95.days.reduce((n, d) => n + d.extraReviews, 0)).toBe(20);
    expect(at95.days.reduce((n, d) => n + d.reviews, 0)).toBe(20);
    expect(at95.recallOnDay).toBeGreaterThanOrEqual(0.95);
    expect(at95.feasible).toBe(true);
    // a new card learnt today, due in two days, with the interview in five: its recall there would be
    // under 97%, so deadline mode adds a review before the date (here a 97% target)
    const fresh = makeCards(1, ['new']);
    const at97 = computePlan(input({ cards: fresh, settings: { interviewDate: '2026-03-07', retention: 0.97 } }));
    expect(at97.days.reduce((n, d) => n + d.extraReviews, 0)).toBeGreaterThan(0);
    expect(at97.recallOnDay).toBeGreaterThanOrEqual(0.97);
    const fresh90 = computePlan(input({ cards: fresh, settings: { interviewDate: '2026-03-07', retention: 0.9 } }));
    expect(fresh90.days.reduce((n, d) => n + d.extraReviews, 0)).toBe(0);
    // without any review the day's recall would be below the target
    const untouched = cards.reduce((n, c) => n + retrievability(states.get(c.key), tD), 0) / cards.length;
    expect(untouched).toBeLessThan(0.95);
    expect(untouched).toBeGreaterThan(0.9);
    // an interview tomorrow, with recall tomorrow still above 90%: nothing to do
    const tomorrow = computePlan(input({ cards, states, settings: { interviewDate: '2026-03-03' } }));
    expect(tomorrow.days).toHaveLength(1);
    expect(tomorrow.days[0]).toMatchObject({ newCards: 0, reviews: 0, extraReviews: 0 });
    expect(tomorrow.feasible).toBe(true);
  });
});

describe('when the minutes cannot cover the scope', () => {
  const cards = makeCards(240, ['one', 'two', 'three', 'four']);
  const plan = computePlan(input({ cards, settings: { interviewDate: '2026-03-09', minutesPerDay: 20 } }));

  it('says so, never overfills a day, and says what it would take', () => {
    expect(plan.feasible).toBe(false);
    expect(plan.unplanned).toBeGreaterThan(0);
    for (const d of plan.days) expect(d.minutes).toBeLessThanOrEqual(20);
    expect(plan.message).toMatch(
      /^20 min a day is not enough: \d+ of the 240 cards would not fit before 2026-03-09\. It would take \d+ min a day, or only the first/,
    );
    expect(plan.recallOnDay).toBeLessThan(0.9);
  });

  it('each piece of advice is the least change that fits', () => {
    const a = plan.advice!;
    const fits = (over: Over) => computePlan(input({ cards, ...over })).feasible;
    const settings = { interviewDate: '2026-03-09', minutesPerDay: 20 };
    expect(fits({ settings: { ...settings, minutesPerDay: a.minutesPerDay! } })).toBe(true);
    expect(fits({ settings: { ...settings, minutesPerDay: a.minutesPerDay! - 1 } })).toBe(false);
    const kept = cards.filter((c) => a.lessons!.includes(c.lesson));
    expect(a.lessons!.length).toBeGreaterThan(0);
    expect(fits({ cards: kept, settings })).toBe(true);
    expect(a.lessons).toEqual(['one', 'two', 'three', 'four'].slice(0, a.lessons!.length));
  });
});

describe('a simulated learner over a 14-day plan at 20 min/day', () => {
  const base = {
    settings: { interviewDate: '2026-03-16', minutesPerDay: 20, daysOff: ['sunday' as const], retention: 0.9 },
    cards: makeCards(100),
    scheduler: fsrs,
    offsetMinutes: 0,
    secondsPerReview: 20,
  };

  it.each([1, 2, 3, 4])('seed %i: recall on the day reaches the target, no day runs over by more than 10%', (seed) => {
    const sim = simulateLearner(base, NOW, seed);
    expect(sim.first.feasible).toBe(true);
    expect(sim.days).toHaveLength(14);
    expect(sim.recallOnDay).toBeGreaterThanOrEqual(0.9);
    for (const d of sim.days) {
      expect(d.seconds, d.date).toBeLessThanOrEqual(1.1 * 20 * 60);
      expect(d.reviewedOnDayOff, d.date).toBe(false);
    }
    // every card was studied
    expect(sim.states.size).toBe(100);
  });
});
