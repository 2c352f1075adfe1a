/**
 * `<study-plan>`'s data: ts-fsrs, the progress store and the track's lessons, opened together;
 * each plan is computed from what the store holds at that moment (states, the log's pace and
 * today's studying) by the pure core (widgets/core/study-plan.ts). Reviews follow the schedule
 * the review page uses (FSRS at its default 90%); the plan's target adds deadline reviews.
 */
import { loadScheduler, DEFAULT_RETENTION, type Scheduler } from '../core/srs-schedule.ts';
import { computePlan, type PlanCard, type StudyPlan } from '../core/study-plan.ts';
import type { LogEntry } from '../core/srs-log.ts';
import { measurePace, secondsOn } from '../core/study-plan-calendar.ts';
import { openStore } from '../srs-store/store.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';
import { fetchCards, fetchTrack, type TrackLesson } from './sources.ts';
import type { Settings } from './settings.ts';

export interface PlanData {
  store: ProgressStore;
  scheduler: Scheduler;
  track: TrackLesson[];
  /** Why progress is only kept in memory, if it is. */
  fallbackReason: string | undefined;
  /**
   * The review log as last read (its pace and today's studying): a setting change does not read
   * 10,000 entries again; whoever learns of a new review (a grade here or in another tab) clears it.
   */
  log?: Promise<LogEntry[]> | undefined;
}

/** Opens the store of `namespace`, loads ts-fsrs and the track, all at once. */
export async function openPlanData(namespace: string): Promise<PlanData> {
  const scheduling = loadScheduler(DEFAULT_RETENTION);
  const [scheduler, { store, fallbackReason }, track] = await Promise.all([
    scheduling,
    openStore(namespace, scheduling),
    fetchTrack(),
  ]);
  return { store, scheduler, track, fallbackReason };
}

/** The cards of a scope, fetched once per distinct scope. */
export class ScopeCards {
  private readonly fetched = new Map<string, Promise<PlanCard[]>>();

  get(track: readonly TrackLesson[], lessons: readonly string[] | null): Promise<PlanCard[]> {
    const key = lessons ? lessons.join(',') : '*';
    let cards = this.fetched.get(key);
    if (!cards) {
      cards = fetchCards(track, lessons);
      cards.catch(() => this.fetched.delete(key)); // a failed fetch is tried again next time
      this.fetched.set(key, cards);
    }
    return cards;
  }
}

/** The plan for `settings` over `cards` from what the store holds now. */
export async function planNow(
  data: PlanData,
  settings: Settings,
  cards: readonly PlanCard[],
  now: number,
): Promise<StudyPlan> {
  data.log ??= data.store.log();
  data.log.catch(() => (data.log = undefined)); // a failed read is tried again next time
  const [states, log] = await Promise.all([data.store.states(), data.log]);
  const offsetMinutes = -new Date(now).getTimezoneOffset();
  return computePlan({
    settings,
    cards,
    states,
    scheduler: data.scheduler,
    now,
    offsetMinutes,
    secondsPerReview: measurePace(log).secondsPerReview,
    secondsToday: secondsOn(log, now, offsetMinutes),
    lessonTitles: new Map(data.track.map((l) => [l.slug, l.title])),
  });
}
