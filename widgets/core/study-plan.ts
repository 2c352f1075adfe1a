/**
 * The study plan (issue 17): every calendar day from today until the interview, with the new
 * cards to introduce, the reviews due, and the minutes they take; the predicted recall of the
 * whole scope on the day; and, when the minutes cannot cover the scope, what it would take.
 * Pure: settings, cards, memory states, the scheduler, the time and the UTC offset are arguments.
 *
 * How a plan is laid out (each card's "chain" is its visits up to the interview, all assumed
 * graded Good; a review's cost is seconds-per-review × (views + 1 − R), R the predicted recall
 * then, so an expected lapse's relearning view is budgeted):
 * 1. Cards already studied first, earliest due first: each review goes in a window around its
 *    natural day, the FSRS due date the scheduler gives (what the review page will show); the
 *    load balancer picks the least loaded study day in it.
 * 2. New cards in track order, each on the earliest study day (never before the previous one)
 *    where its whole chain fits the minutes: its first views that day and every later review.
 *    That is the daily cap: it follows from the minutes and the measured seconds per review,
 *    and it front-loads (a card is introduced as soon as its reviews can be afforded).
 * 3. Deadline mode: when a review's next FSRS interval would carry past the interview and the
 *    recall predicted on the day is below the target (the plan's retention, which may be above
 *    the scheduler's), an extra review goes before the date, in the window of days from which one
 *    more review still lifts the day's recall to the target.
 * Load balancing (Anki's load balancer is the model): a review may move 1 day (intervals of
 * 3–6 days) or 2 days (7 and more) earlier, or later only while its predicted recall stays
 * within 2 points of the scheduler's retention; never onto a day off. Cards already overdue may
 * spread over today and the next two days. Days off carry no cards at all.
 */
import { retrievability, type MemoryState, type Scheduler } from './srs-schedule.ts';
import type { PlanSettings } from './srs-profile.ts';
import { DAY_MS, localDay, dayStart, isoOfDay, dayOfIso, weekdayOf } from './study-plan-calendar.ts';

/** One card in scope: its log key and the lesson it belongs to. */
export interface PlanCard {
  key: string;
  lesson: string;
}

export interface PlanInput {
  settings: Pick<PlanSettings, 'interviewDate' | 'minutesPerDay' | 'daysOff' | 'retention'>;
  /** The cards in scope, in the order new ones are introduced (the track's order). */
  cards: readonly PlanCard[];
  /** Memory states of the cards reviewed so far (cards without one are new). */
  states: ReadonlyMap<string, MemoryState>;
  scheduler: Scheduler;
  now: number;
  /** The candidate's UTC offset in minutes, east positive (+60 for CET). */
  offsetMinutes: number;
  /** Seconds one review takes (`measurePace`). */
  secondsPerReview: number;
  /** Seconds already studied today (they come off today's minutes). */
  secondsToday?: number;
  /** Lesson titles for the message, by slug (slugs are used when absent). */
  lessonTitles?: ReadonlyMap<string, string>;
}

/** One calendar day of the plan; days off are included, with zero cards. */
export interface PlanDay {
  /** `YYYY-MM-DD`, local calendar. */
  date: string;
  newCards: number;
  /** Reviews, deadline reviews included. */
  reviews: number;
  /** Of `reviews`, those deadline mode added so that recall on the day reaches the target. */
  extraReviews: number;
  /** Expected minutes (one decimal). */
  minutes: number;
  dayOff: boolean;
}

/** What would make an infeasible plan fit; each null when that change alone would not. */
export interface PlanAdvice {
  minutesPerDay: number | null;
  /** The first lessons of the scope that fit (slugs, in order). */
  lessons: string[] | null;
  retention: number | null;
}

export interface StudyPlan {
  /** One entry per calendar day from today until the day before the interview. */
  days: PlanDay[];
  /** Mean predicted recall over the scope at noon on the interview day, 0–1 (new cards count 0). */
  recallOnDay: number;
  feasible: boolean;
  /** A sentence for the candidate: the plan in brief, what is wrong with a setting, or what it would take. */
  message: string;
  /** Today's cards by key. */
  today: { newCards: string[]; reviews: string[] };
  /** Cards in scope. */
  cards: number;
  /** New cards that did not fit before the interview. */
  unplanned: number;
  secondsPerReview: number;
  /** When not feasible (and the settings are valid): what it would take. */
  advice: PlanAdvice | null;
}

/** A plan with nothing in it: an invalid setting, or nothing to plan. Never throws. */
export function emptyPlan(message: string, secondsPerReview = 0): StudyPlan {
  return {
    days: [],
    recallOnDay: 0,
    feasible: false,
    message,
    today: { newCards: [], reviews: [] },
    cards: 0,
    unplanned: 0,
    secondsPerReview,
    advice: null,
  };
}

/** Reviews happen, and the interview is, at noon (local) on their day; today's at `now`. */
const NOON = DAY_MS / 2;
/** How far below the scheduler's retention a review moved later by the balancer may let recall fall. */
const LATE_SLACK = 0.02;
/** Days after today over which cards already overdue may be spread. */
const OVERDUE_SPREAD = 2;
/** Same-day views at most (learning steps). */
const MAX_VIEWS = 4;

interface Window {
  /** Earliest allowed day (the day after the previous visit); the balancer never goes below. */
  floor: number;
  lo: number;
  hi: number;
  pref: number;
  extra: boolean;
}

interface Visit {
  day: number;
  cost: number;
  kind: 'new' | 'review' | 'extra';
}

type Step = (s: MemoryState | undefined, t: number) => MemoryState;

/** Grading Good, memoised: cards introduced on the same day follow the same chain. */
function memoStep(scheduler: Scheduler): Step {
  const memo = new Map<string, MemoryState>();
  return (s, t) => {
    const key = s
      ? `${s.stability}|${s.difficulty}|${s.state}|${s.learningSteps}|${s.reps}|${s.lapses}|${s.lastReview}|${s.due}|${t}`
      : `new|${t}`;
    let out = memo.get(key);
    if (!out) memo.set(key, (out = scheduler.next(s, 3, t)));
    return out;
  };
}

class Layout {
  readonly n: number;
  readonly off: boolean[];
  readonly budget: Float64Array;
  readonly load: Float64Array;
  readonly newCards: Int32Array;
  readonly reviews: Int32Array;
  readonly extras: Int32Array;
  readonly tD: number;
  readonly today: number;
  readonly now: number;
  readonly offset: number;
  /** Target retention: intervals and deadline mode aim at it. */
  readonly r: number;
  /** A review moved later by the balancer keeps at least this recall (the scheduler's retention − 2 points). */
  readonly keep: number;
  readonly sec: number;
  readonly step: Step;
  overflow = false;

  constructor(input: PlanInput, c: Checked, step: Step) {
    const { minutesPerDay, daysOff, retention } = input.settings;
    this.today = c.today;
    this.now = input.now;
    this.offset = input.offsetMinutes;
    this.r = retention;
    this.keep = input.scheduler.retention - LATE_SLACK;
    this.sec = input.secondsPerReview;
    this.step = step;
    this.n = c.interview - c.today;
    this.off = Array.from({ length: this.n }, (_, i) => daysOff.includes(weekdayOf(c.today + i)));
    this.budget = new Float64Array(this.n).map((_, i) => (this.off[i] ? 0 : minutesPerDay * 60));
    if (this.n) this.budget[0] = Math.max(0, this.budget[0]! - (input.secondsToday ?? 0));
    this.load = new Float64Array(this.n);
    this.newCards = new Int32Array(this.n);
    this.reviews = new Int32Array(this.n);
    this.extras = new Int32Array(this.n);
    this.tD = dayStart(c.interview, this.offset) + NOON;
  }

  time(day: number): number {
    return day === 0 ? this.now : dayStart(this.today + day, this.offset) + NOON;
  }

  slotOf(t: number): number {
    return localDay(t, this.offset) - this.today;
  }

  /** A visit on `day`: the state after it (Good, through any learning steps) and its expected cost. */
  visit(s: MemoryState | undefined, day: number): { state: MemoryState; cost: number } {
    let t = this.time(day);
    const lapse = s && s.state === 2 ? 1 - retrievability(s, t) : 0;
    let state = this.step(s, t);
    let views = 1;
    while ((state.state === 1 || state.state === 3) && views < MAX_VIEWS && this.slotOf(state.due) <= day) {
      t = Math.max(t, state.due);
      state = this.step(state, t);
      views += 1;
    }
    return { state, cost: this.sec * (views + lapse) };
  }

  /**
   * Where the review after `s` (last seen on `day`, −1 for before the plan) may go; null when none
   * is needed before the interview. Its natural day is the card's FSRS due date, as the scheduler
   * sets it (what the review page will show).
   */
  next(s: MemoryState, day: number): Window | null {
    const floor = day + 1;
    const nat = Math.max(floor, this.slotOf(s.due));
    if (nat >= this.n) {
      if (retrievability(s, this.tD) >= this.r || floor >= this.n) return null;
      // Deadline mode: the earliest day from which one more review still brings the day's recall to the target.
      let lo = this.n - 1;
      for (let c = this.n - 1; c >= floor; c--) {
        if (this.off[c]) continue;
        if (retrievability(this.visit(s, c).state, this.tD) < this.r) break;
        lo = c;
      }
      return { floor, lo, hi: this.n - 1, pref: this.n - 1, extra: true };
    }
    // A backlog (cards already overdue) may spread over today and the next two days.
    if (this.slotOf(s.due) < 0)
      return { floor, lo: 0, hi: Math.min(this.n - 1, OVERDUE_SPREAD), pref: 0, extra: false };
    const interval = nat - Math.max(day, this.slotOf(s.lastReview ?? this.now));
    const delta = interval <= 2 ? 0 : interval < 7 ? 1 : 2;
    let hi = nat;
    while (hi < Math.min(this.n - 1, nat + delta) && retrievability(s, this.time(hi + 1)) >= this.keep) hi += 1;
    return { floor, lo: Math.max(floor, nat - delta), hi, pref: nat, extra: false };
  }

  /** The load balancer: the least loaded study day of the window that fits, else the least overfull. */
  place(w: Window, cost: number): number {
    let best = -1;
    let bestScore = Infinity;
    for (let c = w.lo; c <= w.hi; c++) {
      if (this.off[c]) continue;
      const over = this.load[c]! + cost - this.budget[c]!;
      const score = (over > 1e-6 ? 1e12 + over : 0) + this.load[c]! + 0.25 * cost * Math.abs(c - w.pref);
      if (score < bestScore) [best, bestScore] = [c, score];
    }
    if (best >= 0) return best;
    // Every day of the window is off: the nearest study day before it, else after it.
    for (let c = w.lo - 1; c >= w.floor; c--) if (!this.off[c]) return c;
    for (let c = w.hi + 1; c < this.n; c++) if (!this.off[c]) return c;
    return -1;
  }

  /** A card's visits until the interview, starting with an introduction on `intro` or from state `s`. */
  chain(
    s: MemoryState | undefined,
    intro: number | null,
  ): { visits: Visit[]; final: MemoryState | undefined; fits: boolean } {
    const visits: Visit[] = [];
    let fits = true;
    let w: Window | null;
    if (intro !== null) {
      const v = this.visit(undefined, intro);
      if (this.load[intro]! + v.cost > this.budget[intro]! + 1e-6) return { visits, final: undefined, fits: false };
      visits.push({ day: intro, cost: v.cost, kind: 'new' });
      s = v.state;
      w = this.next(s, intro);
    } else w = s ? this.next(s, -1) : null;
    while (w && s) {
      const day = this.place(w, this.sec * (1 + (s.state === 2 ? 1 - retrievability(s, this.time(w.pref)) : 0)));
      if (day < 0) break;
      const v = this.visit(s, day);
      if (this.load[day]! + v.cost > this.budget[day]! + 1e-6) fits = false;
      visits.push({ day, cost: v.cost, kind: w.extra ? 'extra' : 'review' });
      s = v.state;
      w = this.next(s, day);
    }
    return { visits, final: s, fits };
  }

  commit(visits: readonly Visit[]): void {
    for (const v of visits) {
      this.load[v.day]! += v.cost;
      if (this.load[v.day]! > this.budget[v.day]! + 1e-6) this.overflow = true;
      if (v.kind === 'new') this.newCards[v.day]! += 1;
      else this.reviews[v.day]! += 1;
      if (v.kind === 'extra') this.extras[v.day]! += 1;
    }
  }
}

interface Checked {
  today: number;
  interview: number;
}

/** The settings' problem in a sentence, or the days they span. */
function check(input: PlanInput): Checked | string {
  const { interviewDate, minutesPerDay, daysOff, retention } = input.settings;
  const interview = dayOfIso(interviewDate);
  if (interview === null) return `"${interviewDate}" is not a date: write the interview date as YYYY-MM-DD.`;
  const today = localDay(input.now, input.offsetMinutes);
  if (interview < today) return `The interview date ${interviewDate} is in the past: choose a day after today.`;
  if (interview === today) return `The interview is today (${interviewDate}): there are no days left to plan.`;
  if (!Number.isInteger(minutesPerDay) || minutesPerDay < 1 || minutesPerDay > 600)
    return `Minutes per day must be a whole number from 1 to 600 (got ${String(minutesPerDay)}).`;
  if (new Set(daysOff).size >= 7) return 'Every day of the week is a day off: leave at least one day to study.';
  if (!(retention >= 0.7 && retention <= 0.99))
    return `The target recall must be from 70% to 99% (got ${String(retention)}).`;
  if (!input.cards.length) return 'There are no cards in scope: choose at least one lesson with a deck.';
  if (!(input.secondsPerReview > 0)) return 'The seconds per review must be a positive number.';
  return { today, interview };
}

/** The plan's layout and figures, without advice. */
function layout(input: PlanInput, c: Checked, step: Step): { plan: StudyPlan; days: number } {
  const { settings, cards, states } = input;
  const L = new Layout(input, c, step);
  const finals = new Map<string, MemoryState | undefined>();
  const todayCards = { newCards: [] as string[], reviews: [] as string[] };
  const record = (key: string, visits: readonly Visit[]): void => {
    L.commit(visits);
    const first = visits[0];
    if (first?.day === 0) (first.kind === 'new' ? todayCards.newCards : todayCards.reviews).push(key);
  };
  // 1. Cards already studied, earliest due first (they get first pick of the days).
  const studied = cards.filter((k) => states.has(k.key));
  studied.sort((a, b) => states.get(a.key)!.due - states.get(b.key)!.due || (a.key < b.key ? -1 : 1));
  for (const { key } of studied) {
    const ch = L.chain(states.get(key), null);
    record(key, ch.visits);
    finals.set(key, ch.final);
  }
  // 2. New cards in order, each on the earliest day (from the previous one's) where its chain fits.
  let cursor = 0;
  let unplanned = 0;
  for (const { key } of cards) {
    if (states.has(key)) continue;
    if (cursor >= L.n) {
      unplanned += 1;
      continue;
    }
    let placed = false;
    for (let d = cursor; d < L.n; d++) {
      if (L.off[d]) continue;
      const ch = L.chain(undefined, d);
      if (!ch.fits) continue;
      record(key, ch.visits);
      finals.set(key, ch.final);
      cursor = d;
      placed = true;
      break;
    }
    if (!placed) {
      unplanned += 1;
      cursor = L.n; // the cards after it are no cheaper: they do not fit either
    }
  }
  let recall = 0;
  for (const { key } of cards) recall += retrievability(finals.get(key), L.tD);
  const recallOnDay = recall / cards.length;
  const days: PlanDay[] = Array.from({ length: L.n }, (_, i) => ({
    date: isoOfDay(c.today + i),
    newCards: L.newCards[i]!,
    reviews: L.reviews[i]!,
    extraReviews: L.extras[i]!,
    minutes: Math.round(L.load[i]! / 6) / 10,
    dayOff: L.off[i]!,
  }));
  const feasible = unplanned === 0 && !L.overflow && recallOnDay >= settings.retention - 1e-9;
  const plan: StudyPlan = {
    days,
    recallOnDay,
    feasible,
    message: '',
    today: todayCards,
    cards: cards.length,
    unplanned,
    secondsPerReview: input.secondsPerReview,
    advice: null,
  };
  return { plan, days: L.n };
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The largest integer in [lo, hi] for which `ok` holds, given ok(lo) (binary search; ok assumed monotone). */
function largest(lo: number, hi: number, ok: (x: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** What it would take: more minutes, fewer lessons (the first ones kept), or a lower target. */
function advise(input: PlanInput, c: Checked, step: Step): PlanAdvice {
  const fits = (patch: Partial<PlanInput['settings']>, cards = input.cards): boolean =>
    layout({ ...input, cards, settings: { ...input.settings, ...patch } }, c, step).plan.feasible;
  const m = input.settings.minutesPerDay;
  const minutesPerDay =
    m < 600 && fits({ minutesPerDay: 600 }) ? 600 - largest(0, 599 - m, (x) => fits({ minutesPerDay: 600 - x })) : null;
  const order = [...new Set(input.cards.map((k) => k.lesson))];
  const firstLessons = (k: number) => input.cards.filter((card) => order.indexOf(card.lesson) < k);
  let lessons: string[] | null = null;
  if (order.length > 1 && fits({}, firstLessons(1)))
    lessons = order.slice(
      0,
      largest(1, order.length - 1, (k) => fits({}, firstLessons(k))),
    );
  const r = Math.round(input.settings.retention * 100);
  let retention: number | null = null;
  if (r > 70 && fits({ retention: 0.7 })) retention = largest(70, r - 1, (p) => fits({ retention: p / 100 })) / 100;
  return { minutesPerDay, lessons, retention };
}

function describe(plan: StudyPlan, input: PlanInput, c: Checked): string {
  const date = input.settings.interviewDate;
  const left = c.interview - c.today;
  const dayWord = `${left} day${left === 1 ? '' : 's'}`;
  if (plan.feasible) {
    const newTotal = plan.days.reduce((n, d) => n + d.newCards, 0);
    const most = Math.ceil(Math.max(...plan.days.map((d) => d.minutes)));
    return (
      `On track for ${date} (${dayWord} away): ${newTotal} new card${newTotal === 1 ? '' : 's'} to learn, ` +
      `at most ${most} min a day; predicted recall on the day ${pct(plan.recallOnDay)}.`
    );
  }
  const why = plan.unplanned
    ? `${plan.unplanned} of the ${plan.cards} cards would not fit before ${date}`
    : plan.recallOnDay < input.settings.retention
      ? `predicted recall on ${date} is ${pct(plan.recallOnDay)}, below the ${pct(input.settings.retention)} target`
      : 'the reviews already due run over some days';
  const a = plan.advice;
  const title = (slug: string) => input.lessonTitles?.get(slug) ?? slug;
  const options = [
    a?.minutesPerDay ? `${a.minutesPerDay} min a day` : '',
    a?.lessons
      ? `only the first ${a.lessons.length === 1 ? 'lesson' : `${a.lessons.length} lessons`} (${a.lessons.map(title).join(', ')})`
      : '',
    a?.retention ? `a target recall of ${pct(a.retention)}` : '',
  ].filter(Boolean);
  const take = options.length
    ? ` It would take ${options.join(', or ')}.`
    : ' No single change fits it: try a later date, fewer lessons and more minutes together.';
  return `${input.settings.minutesPerDay} min a day is not enough: ${why}.${take}`;
}

/**
 * The study plan for `input`. An invalid setting gives `emptyPlan(message)`; an infeasible plan
 * keeps its days (never overfilled by new cards) and says what it would take.
 */
export function computePlan(input: PlanInput): StudyPlan {
  const c = check(input);
  if (typeof c === 'string') return emptyPlan(c, input.secondsPerReview);
  const step = memoStep(input.scheduler);
  const { plan } = layout(input, c, step);
  if (!plan.feasible) plan.advice = advise(input, c, step);
  plan.message = describe(plan, input, c);
  return plan;
}
