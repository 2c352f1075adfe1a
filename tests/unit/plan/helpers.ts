import * as tsfsrs from 'ts-fsrs';
import {
  createScheduler,
  retrievability,
  type MemoryState,
  type Scheduler,
} from '../../../widgets/core/srs-schedule.ts';
import { createRng, uniform } from '../../../widgets/core/rng.ts';
import { computePlan, type PlanCard, type PlanInput, type StudyPlan } from '../../../widgets/core/study-plan.ts';
import { dayStart, localDay, dayOfIso } from '../../../widgets/core/study-plan-calendar.ts';

export const scheduler = (retention = 0.9): Scheduler => createScheduler(tsfsrs, retention);

/** `n` cards over `lessons` lessons, `<lesson>:c<i>`, in track order. */
export function makeCards(n: number, lessons = ['alpha', 'beta', 'gamma']): PlanCard[] {
  const per = Math.ceil(n / lessons.length);
  return Array.from({ length: n }, (_, i) => {
    const lesson = lessons[Math.floor(i / per)]!;
    return { key: `${lesson}:c${i}`, lesson };
  });
}

export interface SimulatedDay {
  date: string;
  planned: number;
  seconds: number;
  reviewedOnDayOff: boolean;
}

/**
 * A learner who follows the plan: each morning (09:00 local) the plan is recomputed from the
 * states, and the learner studies today's cards; each view is recalled with FSRS's own predicted
 * probability (a new card's first view is its introduction), drawn from a seeded RNG; a lapse
 * costs a relearning view 10 minutes later. Returns what each day cost and the states at the end.
 */
export function simulateLearner(
  base: Omit<PlanInput, 'now' | 'states' | 'secondsToday'>,
  start: number,
  seed: number,
): { days: SimulatedDay[]; states: Map<string, MemoryState>; first: StudyPlan; recallOnDay: number } {
  const rng = createRng(seed);
  const states = new Map<string, MemoryState>();
  const offset = base.offsetMinutes;
  const today = localDay(start, offset);
  const interview = dayOfIso(base.settings.interviewDate)!;
  const days: SimulatedDay[] = [];
  let first: StudyPlan | undefined;
  const sec = base.secondsPerReview;
  for (let d = today; d < interview; d++) {
    const now = d === today ? start : dayStart(d, offset) + 9 * 3_600_000;
    const plan = computePlan({ ...base, states, now });
    first ??= plan;
    let t = now;
    let seconds = 0;
    const study = (key: string): void => {
      let s = states.get(key);
      // the introduction, or a recall with the predicted probability
      let grade: 1 | 3 = !s || uniform(rng) < retrievability(s, t) ? 3 : 1;
      for (let views = 0; views < 6; views++) {
        s = base.scheduler.next(s, grade, t);
        seconds += sec;
        t += sec * 1000;
        if (s.state === 2 || localDay(s.due, offset) > d) break;
        t = Math.max(t, s.due);
        grade = uniform(rng) < retrievability(s, t) ? 3 : 1;
      }
      states.set(key, s!);
    };
    const todays = [...plan.today.reviews, ...plan.today.newCards];
    todays.forEach(study);
    const day = plan.days[0];
    if (!day) throw new Error(`no plan on ${d}: ${plan.message}`);
    days.push({ date: day.date, planned: day.minutes, seconds, reviewedOnDayOff: day.dayOff && todays.length > 0 });
  }
  const tD = dayStart(interview, offset) + 12 * 3_600_000;
  let recall = 0;
  for (const c of base.cards) recall += retrievability(states.get(c.key), tD);
  return { days, states, first: first!, recallOnDay: recall / base.cards.length };
}
