import { describe, it, expect } from 'vitest';
import * as tsfsrs from 'ts-fsrs';
import {
  createScheduler,
  loadScheduler,
  retrievability,
  FSRS6_DECAY,
  clampRetention,
  type Rating,
} from '../../../widgets/core/srs-schedule.ts';
import { T0, MIN, DAY } from './helpers.ts';

const lib = tsfsrs;
const ref = (retention = 0.9) =>
  lib.fsrs(lib.generatorParameters({ request_retention: retention, enable_fuzz: false, enable_short_term: true }));

describe('the FSRS wrapper, with fixed times', () => {
  it('schedules exactly what ts-fsrs schedules, grade by grade', () => {
    const s = createScheduler(lib);
    const f = ref();
    const grades: Rating[] = [3, 3, 1, 2, 4, 3, 3, 1, 3];
    let state = undefined as ReturnType<typeof s.next> | undefined;
    let card = lib.createEmptyCard(new Date(T0));
    let now = T0;
    for (const g of grades) {
      state = s.next(state, g, now);
      card = f.next(card, new Date(now), g as number as tsfsrs.Grade).card;
      expect(state.due).toBe(card.due.getTime());
      expect(state.stability).toBe(card.stability);
      expect(state.difficulty).toBe(card.difficulty);
      expect(state.state).toBe(card.state);
      expect(state.reps).toBe(card.reps);
      expect(state.lapses).toBe(card.lapses);
      now = state.due + 5 * MIN;
    }
  });

  it('shows on each grade button the interval ts-fsrs would schedule', () => {
    const s = createScheduler(lib);
    const state = s.next(s.next(undefined, 3, T0), 3, T0 + 10 * MIN);
    const now = T0 + 3 * DAY;
    const preview = s.preview(state, now);
    const theirs = ref().repeat(
      {
        ...lib.createEmptyCard(),
        due: new Date(state.due),
        stability: state.stability,
        difficulty: state.difficulty,
        scheduled_days: state.scheduledDays,
        learning_steps: state.learningSteps,
        reps: state.reps,
        lapses: state.lapses,
        state: state.state,
        last_review: new Date(state.lastReview!),
      },
      new Date(now),
    );
    for (const g of [1, 2, 3, 4] as const) expect(preview[g].due).toBe(theirs[g].card.due.getTime());
    // a new card: Again 1 min, Hard 6 min, Good 10 min, Easy days
    const fresh = s.preview(undefined, T0);
    expect(fresh[1].due - T0).toBe(1 * MIN);
    expect(fresh[2].due - T0).toBe(6 * MIN);
    expect(fresh[3].due - T0).toBe(10 * MIN);
    expect(fresh[4].due - T0).toBeGreaterThan(DAY);
  });

  it('honours desired retention: lower retention, longer intervals; out-of-range values clamp', () => {
    const easy = (r: number) =>
      createScheduler(lib, r).next(createScheduler(lib, r).next(undefined, 3, T0), 3, T0 + 10 * MIN).due;
    expect(easy(0.8)).toBeGreaterThan(easy(0.9));
    expect(easy(0.9)).toBeGreaterThan(easy(0.95));
    expect(createScheduler(lib, 0.5).retention).toBe(0.8);
    expect(createScheduler(lib, 0.99).retention).toBe(0.95);
    expect(clampRetention(Number.NaN)).toBe(0.9);
  });

  it('a clock that goes backwards never throws: the review counts at the last review time', () => {
    const s = createScheduler(lib);
    const a = s.next(undefined, 3, T0 + DAY);
    expect(() => s.next(a, 3, T0)).not.toThrow();
    const back = s.next(a, 3, T0);
    const same = s.next(a, 3, T0 + DAY);
    expect(back).toEqual(same);
    expect(() => s.preview(a, T0 - 365 * DAY)).not.toThrow();
    expect(() => s.next(a, 3, Number.NaN)).not.toThrow();
    // ts-fsrs itself throws on the same input: the clamp is what protects us
    expect(() =>
      ref().next(
        {
          ...lib.createEmptyCard(new Date(a.due)),
          state: a.state,
          stability: a.stability,
          difficulty: a.difficulty,
          reps: a.reps,
          last_review: new Date(a.lastReview!),
        },
        new Date(T0),
        3 as tsfsrs.Grade,
      ),
    ).toThrow();
  });

  it('rejects a grade that is not 1–4', () => {
    const s = createScheduler(lib);
    expect(() => s.next(undefined, 0 as Rating, T0)).toThrow(RangeError);
    expect(() => s.next(undefined, 5 as Rating, T0)).toThrow(/1, 2, 3 or 4/);
  });

  it('loadScheduler leaves Date.prototype as it found it', async () => {
    // The static import above already ran ts-fsrs in this process; prove the guard removes
    // what a fresh evaluation adds by re-adding and checking that the names we see are unchanged.
    const before = Object.getOwnPropertyNames(Date.prototype).sort();
    const s = await loadScheduler(0.9);
    expect(s.retention).toBe(0.9);
    expect(Object.getOwnPropertyNames(Date.prototype).sort()).toEqual(before);
  });

  it('retrievability follows the FSRS-6 curve with ts-fsrs default decay', () => {
    expect(FSRS6_DECAY).toBe(lib.FSRS6_DEFAULT_DECAY);
    expect(FSRS6_DECAY).toBe(lib.default_w[20]);
    const s = createScheduler(lib);
    const st = s.next(s.next(undefined, 3, T0), 3, T0 + 10 * MIN);
    for (const days of [0, 1, 5, 30]) {
      expect(retrievability(st, st.lastReview! + days * DAY)).toBeCloseTo(
        lib.forgetting_curve(lib.default_w[20]!, days, st.stability),
        7,
      ); // ts-fsrs rounds to 8 places
    }
    // R = 0.9 exactly after S days
    expect(retrievability({ ...st, stability: 7 }, st.lastReview! + 7 * DAY)).toBeCloseTo(0.9, 10);
    expect(retrievability(undefined, T0)).toBe(0);
  });
});
