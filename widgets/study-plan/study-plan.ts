import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { NearViewportController } from '../shared/near-viewport.ts';
import { emptyPlan, type PlanCard, type StudyPlan } from '../core/study-plan.ts';
import { WEEKDAYS, type PlanSettings } from '../core/srs-profile.ts';
import { DEFAULT_NAMESPACE, NAMESPACE } from '../srs-store/store.ts';
import { studyPlanStyles } from './study-plan.styles.ts';
import { PlanChangeEvent } from './events.ts';
import { applyAttributes, baseSettings, toStored, type PlanAttributes, type Settings } from './settings.ts';
import { openPlanData, planNow, ScopeCards, type PlanData } from './planner.ts';
import { readToday, saveToday } from './today.ts';
import { settingsForm, recallFigure, forecast, emptyForecast } from './view.ts';

const DAY_MS = 86_400_000;
/** The settings that are also attributes (property names as in `Settings`). */
const FIELDS = ['interviewDate', 'minutesPerDay', 'lessons', 'daysOff', 'retention'] as const;
type Field = (typeof FIELDS)[number];
const tomorrow = (now: number): string =>
  new Date(Math.floor((now - new Date(now).getTimezoneOffset() * 60_000) / DAY_MS + 1) * DAY_MS)
    .toISOString()
    .slice(0, 10);
const localStore = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage blocked (sandboxed frame, privacy setting)
  }
};

/**
 * A study plan to the interview date: the candidate sets the date, the minutes they have a day,
 * days off, the lessons in scope and the recall to reach on the day; the plan shows, for every
 * day until then, the new cards to learn, the reviews and the minutes, and the predicted recall
 * of the whole scope on the day. New cards are front-loaded under a daily cap that follows from
 * the minutes and the measured seconds per review; reviews are load-balanced, never onto days off;
 * deadline mode adds a review before the date to cards whose recall on the day would be below
 * the target. When the minutes cannot cover the scope, the message says what it would take.
 * Computed in this browser from the review log (widgets/core/study-plan.ts), recomputed whenever
 * a setting changes or a card is graded here or in another tab.
 *
 * Settings: an attribute set by the page wins over what is stored for that field; fields the page
 * leaves out come from the store (what the candidate last set here or imported), else the defaults
 * (30 minutes, no day off, the whole track, 90%). A change in the form applies at once and is saved
 * with the progress (exported and imported with it); it holds until the page changes that attribute.
 * Invalid settings (a past date, 0 minutes, an unknown lesson…) show a message, and `plan` is
 * `{ feasible: false, message, days: [] … }`; nothing throws.
 *
 * @summary Study plan to an interview date: new cards, reviews and minutes per day.
 * @attr interview-date - The interview's date, `YYYY-MM-DD` (after today).
 * @attr minutes-per-day - Minutes of study a day, 1–600.
 * @attr lessons - Lesson slugs in scope, comma-separated; absent: the stored choice, else the whole track.
 * @attr days-off - Weekday names with no study (`saturday, sunday`).
 * @attr retention - The recall to reach on the day, 0.70–0.99 (default 0.90).
 * @attr namespace - Storage namespace, as on `<srs-quiz>` (default `default`).
 * @fires plan-change - `{ plan }` whenever the plan is recomputed.
 * @csspart settings - The settings form.
 * @csspart recall - The predicted recall on the day.
 * @csspart chart - The forecast chart (decorative; the table holds the same figures).
 * @csspart forecast - The scrollable table of days.
 */
export class StudyPlanElement extends LitElement {
  static override properties = {
    /** The interview date, `YYYY-MM-DD`. */
    interviewDate: { type: String, attribute: 'interview-date' },
    /** Minutes of study a day, as written. */
    minutesPerDay: { type: String, attribute: 'minutes-per-day' },
    /** Lesson slugs in scope, comma-separated. */
    lessons: { type: String },
    /** Weekdays off, comma- or space-separated. */
    daysOff: { type: String, attribute: 'days-off' },
    /** The recall to reach on the day (0.70–0.99). */
    retention: { type: String },
    /** Storage namespace. */
    namespace: { type: String },
    /** The settings in effect (or as typed, when rejected). */
    shown: { state: true },
    /** A sentence about the settings or the progress store, else ''. */
    error: { state: true },
    /** The plan, as `plan` returns it. */
    current: { state: true },
    /** A plan was made from the loaded data (the form shows from then on). */
    made: { state: true },
  };
  static override styles = studyPlanStyles;

  declare interviewDate: string | null;
  declare minutesPerDay: string | null;
  declare lessons: string | null;
  declare daysOff: string | null;
  declare retention: string | null;
  declare namespace: string;
  declare shown: Settings;
  declare error: string;
  declare current: StudyPlan;
  declare made: boolean;

  private data: PlanData | undefined;
  private loading: Promise<void> | undefined;
  /** Bumped on disconnect: a load started before it closes what it opened. */
  private loads = 0;
  /** Loading started once (the element came near the viewport): a reconnect loads again at once. */
  private started = false;
  private stored: PlanSettings | null = null;
  /** Fields changed in the form since the page last set their attribute. */
  private edits: Partial<Settings> = {};
  private readonly scopes = new ScopeCards();
  private channel: BroadcastChannel | undefined;
  /** Bumped per computation: a slower, older one never overwrites a newer plan. */
  private run = 0;

  constructor() {
    super();
    this.interviewDate = null;
    this.minutesPerDay = null;
    this.lessons = null;
    this.daysOff = null;
    this.retention = null;
    this.namespace = DEFAULT_NAMESPACE;
    this.shown = baseSettings(null);
    this.error = '';
    this.current = emptyPlan('Reading your progress…');
    this.made = false;
    new NearViewportController(this, () => void this.load());
  }

  /** The plan in effect: `{ days: [{ date, newCards, reviews, minutes, … }], recallOnDay, feasible, message, … }`. */
  get plan(): StudyPlan {
    return this.current;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after loading once: open the store again and recompute.
    if (this.started) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release();
  }

  /** Closes the channel and the store; a load in flight closes what it opens. */
  private release(): void {
    this.channel?.close();
    this.channel = undefined;
    this.data?.store.close();
    this.data = undefined;
    this.made = false;
    this.loading = undefined;
    this.loads += 1;
  }

  protected override willUpdate(changed: PropertyValues): void {
    // The page set an attribute: it wins over the form's edit of that field.
    const cleared = FIELDS.filter((f) => changed.has(f));
    if (cleared.length)
      this.edits = Object.fromEntries(Object.entries(this.edits).filter(([k]) => !cleared.includes(k as Field)));
    if (changed.has('namespace') && this.data && this.data.store.namespace !== this.ns()) {
      this.release();
      void this.load();
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (this.data && FIELDS.some((f) => changed.has(f))) void this.recompute();
  }

  private ns(): string {
    return NAMESPACE.test(this.namespace) ? this.namespace : DEFAULT_NAMESPACE;
  }

  private attrs(): PlanAttributes {
    return {
      interviewDate: this.interviewDate,
      minutesPerDay: this.minutesPerDay,
      lessons: this.lessons,
      daysOff: this.daysOff,
      retention: this.retention,
    };
  }

  private load(): Promise<void> {
    this.started = true;
    const mine = this.loads;
    this.loading ??= (async () => {
      try {
        const data = await openPlanData(this.ns());
        // Removed (or reloading for another namespace) meanwhile: a newer load takes over.
        if (!this.isConnected || this.loads !== mine) return data.store.close();
        this.data = data;
        this.stored = (await data.store.profile()).plan;
        this.listen();
        await this.recompute();
      } catch (e) {
        if (this.loads === mine) this.loading = undefined;
        this.error = `Could not make a plan: ${e instanceof Error ? e.message : String(e)}`;
        this.publish(emptyPlan(this.error));
      }
    })();
    return this.loading;
  }

  /** Recomputes on grades logged elsewhere on this namespace (other tabs, other elements). */
  private listen(): void {
    this.channel?.close();
    this.channel = undefined;
    if (typeof BroadcastChannel === 'undefined' || !this.data?.store.persistent) return;
    this.channel = new BroadcastChannel(`marginalia-srs:${this.ns()}`);
    this.channel.onmessage = () => {
      if (this.data) this.data.log = undefined; // a review was logged: read the log again
      void this.recompute();
    };
  }

  /** The settings in effect: defaults ← stored ← attributes ← the form's edits. */
  private settings(): { settings: Settings } | { error: string } {
    const track = this.data ? this.data.track.map((l) => l.slug) : null;
    const laid = applyAttributes(baseSettings(this.stored), this.attrs(), track);
    if ('error' in laid) return laid;
    return { settings: { ...laid.settings, ...this.edits } };
  }

  private async recompute(save = false): Promise<void> {
    const data = this.data;
    if (!data) return;
    const run = ++this.run;
    const got = this.settings();
    if ('error' in got) {
      this.error = got.error;
      return this.publish(emptyPlan(got.error));
    }
    const s = got.settings;
    this.shown = s;
    this.error = data.fallbackReason
      ? `This browser is not keeping progress (${data.fallbackReason}): the plan starts from nothing and is not saved.`
      : '';
    if (!s.interviewDate) return this.publish(emptyPlan('Choose your interview date to see your plan.'));
    const known = new Set(data.track.map((l) => l.slug));
    const unknown = s.lessons?.find((l) => !known.has(l));
    if (unknown) {
      this.error = `Unknown lesson "${unknown}": the track's lessons are ${[...known].join(', ')}.`;
      return this.publish(emptyPlan(this.error));
    }
    let cards: PlanCard[];
    let plan: StudyPlan;
    try {
      cards = await this.scopes.get(data.track, s.lessons);
      plan = await planNow(data, s, cards, Date.now());
    } catch (e) {
      plan = emptyPlan(`Could not make a plan: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (run !== this.run || this.data !== data) return;
    if (save && plan.days.length) {
      try {
        await data.store.setPlan((this.stored = toStored(s, Date.now())));
      } catch (e) {
        this.error = `Your settings could not be saved: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (plan.days.length && data.store.persistent) saveToday(localStore(), this.ns(), s.interviewDate, plan.days);
    // No days: a setting the core refused (a past date…) or a failure; it is said as an alert.
    if (!plan.days.length) this.error = plan.message;
    this.publish(plan);
  }

  private publish(plan: StudyPlan): void {
    this.made = !!this.data;
    this.current = plan;
    this.dispatchEvent(new PlanChangeEvent({ plan }));
  }

  /** A change in the form: the field's new value becomes an edit, applied and saved. */
  private onChange = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const form = input.form;
    if (!form) return;
    const checked = (name: string) =>
      [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)]
        .filter((i) => i.checked)
        .map((i) => i.value);
    const edit: Partial<Settings> = {};
    let problem = '';
    switch (input.name) {
      case 'interview-date':
        edit.interviewDate = input.value;
        if (!input.value) problem = 'Choose your interview date to see your plan.';
        break;
      case 'minutes-per-day': {
        const m = Number(input.value);
        if (!input.value || !Number.isInteger(m) || m < 1 || m > 600)
          problem = `Minutes a day must be a whole number from 1 to 600 (got "${input.value}").`;
        else edit.minutesPerDay = m;
        break;
      }
      case 'retention': {
        const p = Number(input.value);
        if (!input.value || !(p >= 70 && p <= 99))
          problem = `The recall to reach must be from 70% to 99% (got "${input.value}").`;
        else edit.retention = p / 100;
        break;
      }
      case 'days-off':
        edit.daysOff = WEEKDAYS.filter((d) => checked('days-off').includes(d));
        if (edit.daysOff.length === 7) problem = 'Every day of the week is a day off: leave at least one day to study.';
        break;
      case 'lessons': {
        const all = this.data?.track.filter((l) => l.deck).map((l) => l.slug) ?? [];
        const chosen = checked('lessons');
        if (!chosen.length) problem = 'Choose at least one lesson.';
        else edit.lessons = chosen.length === all.length ? null : chosen;
        break;
      }
      default:
        return;
    }
    if (problem) {
      this.error = problem;
      this.publish(emptyPlan(problem));
      return;
    }
    this.edits = { ...this.edits, ...edit };
    void this.recompute(true);
  };

  override render(): TemplateResult {
    const plan = this.current;
    const invalid = !plan.days.length && !!this.error;
    // The message stays first and the rest appears below it in one go, once the first plan is
    // made: nothing already drawn moves (no layout shift when the element loads).
    return html`
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${invalid ? nothing : html`<p class="message" role="status">${plan.message}</p>`}
      ${recallFigure(plan, this.shown)}
      ${
        this.data && this.made
          ? settingsForm({ settings: this.shown, track: this.data.track, min: tomorrow(Date.now()) }, this.onChange)
          : nothing
      }
      ${plan.days.length ? forecast(plan, this.shown) : this.data && this.made ? emptyForecast() : nothing}
    `;
  }
}

/**
 * For `/review/`: today's line of the stored plan ("Today: 12 new, 30 reviews, about 18 min — 9
 * days to your interview"), recomputed from the progress store now, and kept for the page's next
 * load; null when no plan is set or the settings no longer make one. Read through a dynamic
 * import, which knip cannot follow: hence `@public`.
 *
 * @public
 */
export async function studyPlanToday(namespace: string = DEFAULT_NAMESPACE): Promise<string | null> {
  const data = await openPlanData(NAMESPACE.test(namespace) ? namespace : DEFAULT_NAMESPACE);
  try {
    const stored = (await data.store.profile()).plan;
    const storage = localStore();
    if (!stored) return (saveToday(storage, data.store.namespace, '', []), null);
    const settings = baseSettings(stored);
    const known = new Set(data.track.map((l) => l.slug));
    if (settings.lessons?.some((l) => !known.has(l))) return null;
    const now = Date.now();
    const plan = await planNow(data, settings, await new ScopeCards().get(data.track, settings.lessons), now);
    saveToday(storage, data.store.namespace, settings.interviewDate, plan.days);
    return readToday(storage, data.store.namespace, now, -new Date(now).getTimezoneOffset());
  } finally {
    data.store.close();
  }
}

if (!customElements.get('study-plan')) customElements.define('study-plan', StudyPlanElement);

declare global {
  interface HTMLElementTagNameMap {
    'study-plan': StudyPlanElement;
  }
}
