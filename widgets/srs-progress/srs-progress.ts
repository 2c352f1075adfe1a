import { LitElement, html, css, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { hostStyles } from '../shared/host-styles.ts';
import { NearViewportController } from '../shared/near-viewport.ts';
import {
  loadScheduler,
  DEFAULT_RETENTION,
  MIN_RETENTION,
  MAX_RETENTION,
  type Scheduler,
} from '../core/srs-schedule.ts';
import { replay, type LogEntry } from '../core/srs-log.ts';
import {
  reviewsPerDay,
  retentionAchieved,
  dueForecast,
  mastery,
  calibration,
  calibrationWarning,
  type Calibration,
  type DayCount,
  type Retention,
  type Mastery,
} from '../core/srs-stats.ts';
import { toProgressFile, parseProgressFile, toOptimizerCsv } from '../core/srs-exchange.ts';
import { DECK_ID, type StudyDeck } from '../core/srs-deck.ts';
import { openStore, NAMESPACE, DEFAULT_NAMESPACE } from '../srs-store/store.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';
import { fetchDeck } from '../srs-decks/decks.ts';

interface Figures {
  days: DayCount[];
  retention: Retention;
  forecast: DayCount[];
  lessons: { title: string; m: Mastery }[];
  total: number;
  activeDays: number;
  /** Checked Good/Easy grades that were right: overall, per lesson, and the warning if any. */
  calibration: {
    recent: Calibration;
    allTime: Calibration;
    lessons: { title: string; recent: Calibration; allTime: Calibration }[];
    warning: string | null;
  };
}

/**
 * What the review log says about your studying: reviews per day over the last year, retention
 * achieved against the retention asked for, the cards due over the next 30 days, how well
 * each lesson's cards are known, and — for numeric and cloze cards answered in the box — how
 * often a self-grade of Good or Easy was actually right (last 30 days and all time, per lesson),
 * with a plain sentence when self-grades run ahead of results. Everything is computed from the log in this browser by the
 * pure functions of widgets/core/srs-stats.ts. Also exports (JSON, optimizer CSV) and imports;
 * an export or import that fails says which and why in the element's alert, and changes nothing.
 *
 * @summary Spaced-repetition progress: heatmap, retention, forecast, mastery.
 * @attr deck - Deck ids (space-separated) whose cards count towards per-lesson mastery.
 * @attr namespace - Storage namespace, as on `<srs-quiz>` (default `default`).
 * @attr retention - The desired retention to compare against (0.80–0.95, default 0.90).
 * @csspart heatmap - The reviews-per-day heatmap.
 * @csspart forecast - The scrollable table of cards due in the next 30 days.
 * @csspart mastery - The scrollable table of mastery per lesson.
 * @csspart files - The export and import controls.
 */
export class SrsProgress extends LitElement {
  static override properties = {
    deck: { type: String },
    namespace: { type: String },
    retention: { type: String },
    figures: { state: true },
    message: { state: true },
  };
  static override styles = [
    hostStyles,
    css`
      h2 {
        font-size: 1.1em;
        margin: 1.25em 0 0.5em;
      }
      h2:first-of-type {
        margin-top: 0;
      }
      .heat {
        display: grid;
        grid-template-rows: repeat(7, 11px);
        grid-auto-flow: column;
        grid-auto-columns: 11px;
        gap: 2px;
        overflow-x: auto;
        padding-bottom: 4px;
      }
      .heat span {
        border-radius: 2px;
        background: color-mix(in srgb, currentColor 10%, transparent);
      }
      .heat .pad {
        background: transparent;
      }
      .heat .l1 {
        background: #9be9a8;
      }
      .heat .l2 {
        background: #40c463;
      }
      .heat .l3 {
        background: #30a14e;
      }
      .heat .l4 {
        background: #216e39;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.9em;
      }
      th,
      td {
        text-align: start;
        padding: 0.2em 0.5em 0.2em 0;
        border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent);
      }
      progress,
      meter {
        width: 100%;
        min-width: 4em;
      }
      .wrap {
        overflow-x: auto;
      }
      button {
        font: inherit;
        color: inherit;
        background: transparent;
        border: 1px solid currentColor;
        border-radius: 6px;
        padding: 0.4em 0.8em;
        min-height: 44px;
        cursor: pointer;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
      }
    `,
  ];

  declare deck: string;
  declare namespace: string;
  declare retention: string;
  declare figures: Figures | undefined;
  declare message: string;
  private store: ProgressStore | undefined;
  private scheduler: Scheduler | undefined;
  private decks: StudyDeck[] = [];
  private notes: string[] = [];
  /**
   * The latest load, and its number. A move to another parent closes the store and loads again
   * while the figures (with the export buttons) stay drawn: an export or an import waits for the
   * latest load instead of finding no store, and an older load still running gives up quietly.
   */
  private loading: Promise<void> | undefined;
  private loads = 0;

  constructor() {
    super();
    this.deck = '';
    this.namespace = DEFAULT_NAMESPACE;
    this.retention = String(DEFAULT_RETENTION);
    this.figures = undefined;
    this.message = '';
    new NearViewportController(this, () => void this.load());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after loading once: open the store again (and re-read the figures).
    if (this.scheduler && !this.store) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.store?.close();
    this.store = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Set again once loaded (by /embed/'s preview, a framework): read again with the new settings.
    if (this.loads && (changed.has('deck') || changed.has('namespace') || changed.has('retention'))) void this.load();
  }

  /** The desired retention; a bad attribute adds its note to `notes` and gives the default. */
  private desired(notes: string[]): number {
    const r = Number(this.retention);
    if (Number.isFinite(r) && r >= MIN_RETENTION && r <= MAX_RETENTION) return r;
    notes.push(
      `retention "${this.retention}" must be from ${MIN_RETENTION} to ${MAX_RETENTION}; using ${DEFAULT_RETENTION}.`,
    );
    return DEFAULT_RETENTION;
  }

  /** Opens the store and computes the figures (see `loading`). Never rejects. */
  private load(): Promise<void> {
    this.loading = this.read(++this.loads);
    return this.loading;
  }

  private async read(n: number): Promise<void> {
    const stale = () => n !== this.loads || !this.isConnected;
    try {
      // Notes, decks and figures are this load's own until it finishes: a newer load (settings
      // changed meanwhile) replaces them, and an older one finishing late changes nothing.
      const notes: string[] = [];
      const desired = this.desired(notes);
      let ns = this.namespace;
      if (!NAMESPACE.test(ns)) {
        notes.push(`namespace "${ns}" is not valid; using "${DEFAULT_NAMESPACE}".`);
        ns = DEFAULT_NAMESPACE;
      }
      const ids: string[] = [];
      for (const d of this.deck.split(/\s+/).filter(Boolean)) {
        if (DECK_ID.test(d)) ids.push(d);
        else notes.push(`deck "${d}" is not a deck id (lowercase letters, digits and dashes); left out.`);
      }
      // ts-fsrs, the store and the decks load at once (the page preloads the first and the last).
      const scheduling = loadScheduler(desired);
      const [scheduler, { store, fallbackReason }, decks] = await Promise.all([
        scheduling,
        openStore(ns, scheduling),
        Promise.allSettled(ids.map((id) => fetchDeck(id))),
      ]);
      this.scheduler = scheduler;
      if (stale()) return store.close(); // removed while loading: reconnecting loads again
      if (this.store !== store) this.store?.close(); // the one a load with older settings opened
      this.store = store;
      if (fallbackReason)
        notes.push(`This browser is not keeping progress (${fallbackReason}), so there is none to show.`);
      const loaded = decks.flatMap((r) => {
        if (r.status === 'fulfilled') return [r.value];
        notes.push((r.reason as Error).message);
        return [];
      });
      const figures = await this.figuresOf(store, scheduler, desired, loaded, notes);
      if (stale()) return;
      this.decks = loaded;
      this.notes = notes;
      this.figures = figures;
    } catch (e) {
      // A load overtaken by a move failed on the store the move closed: the next load reports.
      if (!stale()) this.message = `Could not read your progress: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** The figures of `store`'s log over `decks`; the store's own problems join `notes`. */
  private async figuresOf(
    store: ProgressStore,
    scheduler: Scheduler,
    desired: number,
    decks: readonly StudyDeck[],
    notes: string[],
  ): Promise<Figures> {
    const log: LogEntry[] = await store.log();
    const now = Date.now();
    const offset = -new Date(now).getTimezoneOffset();
    const states = replay(scheduler, log);
    const cards = decks.flatMap((d) => d.cards.map((c) => ({ key: c.key, group: d.id })));
    const m = mastery(cards, states, now);
    const days = reviewsPerDay(log, now, offset, 365);
    notes.push(...store.problems);
    const cal = calibration(log, now, (key) => key.slice(0, key.indexOf(':')));
    const titles = new Map(decks.map((d) => [d.id, d.lessonTitle ?? d.title]));
    return {
      days,
      retention: retentionAchieved(log, desired),
      forecast: dueForecast(states.values(), now, offset, 30),
      lessons: decks.map((d) => ({
        title: d.lessonTitle ?? d.title,
        m: m.get(d.id) ?? { cards: 0, reviewed: 0, known: 0, recall: 0 },
      })),
      total: days.reduce((n, d) => n + d.count, 0),
      activeDays: days.filter((d) => d.count).length,
      calibration: {
        recent: cal.recent,
        allTime: cal.allTime,
        lessons: [...cal.groups].map(([deck, c]) => ({ title: titles.get(deck) ?? deck, ...c })),
        warning: calibrationWarning(cal),
      },
    };
  }

  /** The open store, once the latest load (after a move, say) has finished. */
  private async opened(): Promise<{ store: ProgressStore; scheduler: Scheduler }> {
    let latest: Promise<void> | undefined;
    do {
      latest = this.loading;
      await latest;
    } while (latest !== this.loading);
    const { store, scheduler } = this;
    if (!store || !scheduler) throw new Error('your progress is not loaded (the page could not open its storage)');
    return { store, scheduler };
  }

  /**
   * Saves the progress file (JSON) or the optimizer's review log (CSV). A failure is said in the
   * element's alert, naming the file; an export only reads, so nothing is changed.
   */
  private async download(kind: 'json' | 'csv'): Promise<void> {
    try {
      const { store, scheduler } = await this.opened();
      const [log, profile] = await Promise.all([store.log(), kind === 'json' ? store.profile() : null]);
      const text = profile
        ? JSON.stringify(toProgressFile(store.namespace, log, Date.now(), profile), null, 1)
        : toOptimizerCsv(scheduler, log);
      this.save(kind, text);
      this.message = '';
    } catch (e) {
      const what = kind === 'json' ? 'progress (JSON)' : 'review log (CSV)';
      const why = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
      this.message = `Could not export your ${what}, nothing was changed: ${why}.`;
    }
  }

  private save(kind: 'json' | 'csv', text: string): void {
    const url = URL.createObjectURL(new Blob([text], { type: kind === 'json' ? 'application/json' : 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = kind === 'json' ? 'marginalia-progress.json' : 'marginalia-revlog.csv';
    this.shadowRoot?.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private onImport = async (e: Event): Promise<void> => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      const { store, scheduler } = await this.opened();
      const parsed = parseProgressFile(await file.text());
      const plan = await store.merge(parsed.log, parsed);
      this.message = '';
      const notes = [
        `Imported ${plan.add.length} reviews; ${plan.duplicates} were already here.` +
          (plan.mocksAdded ? ` Added ${plan.mocksAdded} mock interviews.` : '') +
          (plan.planChanged ? ' The study plan now uses the imported settings.' : ''),
      ];
      const figures = await this.figuresOf(store, scheduler, this.desired(notes), this.decks, notes);
      this.notes = notes;
      this.figures = figures;
    } catch (err) {
      this.message = `Import refused, nothing was changed: ${(err as Error).message}.`;
    }
    input.value = '';
  };

  private heatmap(days: DayCount[]): TemplateResult {
    const max = Math.max(1, ...days.map((d) => d.count));
    const level = (n: number) => (n === 0 ? '' : `l${Math.min(4, Math.ceil((4 * n) / max))}`);
    const pad = new Date(`${days[0]!.day}T00:00:00Z`).getUTCDay();
    return html`<div class="heat" aria-hidden="true">
      ${Array.from({ length: pad }, () => html`<span class="pad"></span>`)}${days.map((d) => html`<span class=${level(d.count)} title="${d.day}: ${d.count}"></span>`)}
    </div>`;
  }

  private retentionSentence(r: Retention): TemplateResult {
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    if (r.achieved === null) {
      const none = 'No long-term recalls yet (a review at least a day after the previous one).';
      return html`${none} Desired retention: ${pct(r.desired)}.`;
    }
    const recalls = `${r.recalls} recall${r.recalls === 1 ? '' : 's'}`;
    return html`Achieved <strong>${pct(r.achieved)}</strong> over ${recalls}; desired ${pct(r.desired)}.`;
  }

  private calibrationPart(c: Figures['calibration']): TemplateResult {
    const fig = (x: Calibration) =>
      x.share === null ? 'none yet' : `${Math.round(x.share * 100)}% of ${x.confident} (${x.right} right)`;
    if (!c.allTime.confident)
      return html`<p class="calibration">
        No checked answers graded Good or Easy yet: type answers to numeric and cloze cards to see how far your grades
        hold.
      </p>`;
    return html`<p class="calibration">
        Your Good and Easy grades on checked cards were right: last 30 days <strong>${fig(c.recent)}</strong>; all time
        <strong>${fig(c.allTime)}</strong>.
      </p>
      ${c.warning ? html`<p class="calibration-warning" role="note">${c.warning}</p>` : nothing}
      <div class="wrap" role="region" aria-labelledby="calibration" tabindex="0">
        <table class="calibration">
          <thead>
            <tr>
              <th scope="col">Lesson</th>
              <th scope="col">Last 30 days</th>
              <th scope="col">All time</th>
            </tr>
          </thead>
          <tbody>
            ${c.lessons.map(
              (l) =>
                html`<tr>
                  <td>${l.title}</td>
                  <td>${fig(l.recent)}</td>
                  <td>${fig(l.allTime)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  override render(): TemplateResult {
    const f = this.figures;
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    return html`
      ${this.message ? html`<p class="error" role="alert">${this.message}</p>` : nothing}
      ${this.notes.map((n) => html`<p role="status">${n}</p>`)}
      ${
        !f
          ? html`<p>Reading your review log…</p>`
          : html`
              <h2 id="heat">Reviews per day, last 12 months</h2>
              <p id="heat-summary">
                ${f.total} review${f.total === 1 ? '' : 's'} on ${f.activeDays} day${f.activeDays === 1 ? '' : 's'}.
              </p>
              <div part="heatmap" role="img" aria-labelledby="heat heat-summary">${this.heatmap(f.days)}</div>
              <h2>Retention</h2>
              <p class="retention">${this.retentionSentence(f.retention)}</p>
              <h2 id="forecast">Due in the next 30 days</h2>
              <div class="wrap" part="forecast" role="region" aria-labelledby="forecast" tabindex="0">
                <table class="forecast">
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col">Cards due</th>
                      <th scope="col">Chart</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${f.forecast.map(
                      (d, i) =>
                        html`<tr>
                          <td>${i === 0 ? 'Today (and overdue)' : d.day}</td>
                          <td>${d.count}</td>
                          <td>
                            <progress
                              max=${Math.max(1, ...f.forecast.map((x) => x.count))}
                              .value=${d.count}
                              aria-label="${d.count} due ${d.day}"
                            ></progress>
                          </td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <h2 id="mastery">Mastery per lesson</h2>
              ${
                f.lessons.length
                  ? html`<div class="wrap" part="mastery" role="region" aria-labelledby="mastery" tabindex="0">
                      <table class="mastery">
                        <thead>
                          <tr>
                            <th scope="col">Lesson</th>
                            <th scope="col">Cards</th>
                            <th scope="col">Reviewed</th>
                            <th scope="col">Known</th>
                            <th scope="col">Recall now</th>
                          </tr>
                        </thead>
                        <tbody>
                          ${f.lessons.map(
                            (l) =>
                              html`<tr>
                                <td>${l.title}</td>
                                <td>${l.m.cards}</td>
                                <td>${l.m.reviewed}</td>
                                <td>${l.m.known}</td>
                                <td>${pct(l.m.recall)}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>
                    </div>`
                  : html`<p>No decks yet.</p>`
              }
              <h2 id="calibration">Checked answers: how far to trust your grades</h2>
              ${this.calibrationPart(f.calibration)}
              <h2>Your progress file</h2>
              <div class="row" part="files">
                <button type="button" @click=${() => void this.download('json')}>Export progress (JSON)</button>
                <button type="button" @click=${() => void this.download('csv')}>
                  Export review log (CSV for the FSRS optimizer)
                </button>
                <label
                  >Import progress <input type="file" accept="application/json,.json" @change=${this.onImport}
                /></label>
              </div>
            `
      }
    `;
  }
}

if (!customElements.get('srs-progress')) customElements.define('srs-progress', SrsProgress);

declare global {
  interface HTMLElementTagNameMap {
    'srs-progress': SrsProgress;
  }
}
