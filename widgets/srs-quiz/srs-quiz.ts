import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { NearViewportController } from '../shared/near-viewport.ts';
import { styles } from './srs-quiz.styles.ts';
import { QuizGradedEvent, QuizCompleteEvent, QuizCheckedEvent } from './events.ts';
import { RATINGS, RATING_NAMES, DEFAULT_RETENTION } from '../core/srs-schedule.ts';
import type { MemoryState, Rating, Scheduler } from '../core/srs-schedule.ts';
import { describeInterval, type QueueMode } from '../core/srs-queue.ts';
import { DeckError, type StudyCard, type StudyDeck } from '../core/srs-deck.ts';
import type { ProgressFile } from '../core/srs-exchange.ts';
import type { LogEntry, ReviewEntry } from '../core/srs-log.ts';
import type { CheckResult } from '../core/srs-answer.ts';
import { openStore, newEntryId, DEFAULT_NAMESPACE } from '../srs-store/store.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';
import { parseSettings, type QuizSettings } from './settings.ts';
import { ActionQueue } from './actions.ts';
import { QuizKeyboard } from './keyboard.ts';
import { ProgressSync } from './sync.ts';
import { CardSides, renderCard, renderDone, renderTop } from './card-view.ts';
import { ReviewSession } from './session.ts';
import { SchedulerGate } from './scheduler-gate.ts';
import { inlineCards, loadDecks } from './sources.ts';
import { saveEntry } from './saving.ts';
import { AnswerCheck } from './checking.ts';

type ProgressFiles = typeof import('./progress-files.ts');
type Overview = typeof import('./overview.ts');
type Phase = 'waiting' | 'loading' | 'failed' | 'overview' | 'front' | 'back' | 'done';

/**
 * Self-graded spaced-repetition cards on an FSRS schedule, with progress kept in this browser
 * (IndexedDB; in memory, and saying so, where that is unavailable).
 *
 * @summary Flash cards: recall, reveal, grade yourself; cards come back when they are due.
 *
 * @attr deck - One or more deck ids of the site that serves this module (space-separated), or
 *   full URLs of deck JSON. Decks from other origins are shown as plain text.
 * @attr mode - `due` (default: cards due now, then new ones) or `all` (every card).
 * @attr namespace - Storage namespace (letters, digits, `.`, `_`, `-`; default `default`), so an
 *   embedding site's progress stays apart from others on the same origin.
 * @attr retention - Desired retention, 0.80–0.95 (default 0.90).
 * @attr type-answer - Show a box to type an answer before revealing; shown beside the real one.
 *
 * Inline cards: a child `<script type="application/json">[{"id","front","back"}]</script>`; always plain text (deck
 * id `inline`). Checked cards (issue 16) too: `{"id", "type": "numeric", "front", "answer" | "generator" + "params",
 * "tolerance", "unit"}` (tolerance relative, default 0.01) and `{"id", "type": "cloze", "front": "… {{c1::hidden}}
 * …"}` (each cloze number its own card, id `<id>::c<N>`); `back` is optional on both.
 *
 * Keyboard (focus on the element or inside it): Space/Enter reveal, 1–4 grade (Again/Hard/Good/Easy), U undo; in the
 * typed-answer box, Ctrl/Cmd+Enter reveals. On numeric and cloze cards typing goes into the answer box, Enter checks
 * and reveals, then 1–4 grade; the grade the check suggests is marked (wrong: Again; right: Good, Easy when answered
 * in 10 s).
 *
 * Methods: `answer(text)` → Promise of `{correct, expected, given, tolerance, unit}`: checks the current numeric or
 * cloze card and reveals it (`expected` is the number for numeric cards, the hidden text for cloze; rejects on a
 * basic card); the review log keeps the check with the grade. `reveal()`, `grade(rating)`, `undo()` (Promises),
 * `exportProgress()` → Promise of a versioned JSON-serialisable object, `importProgress(data)` → Promise of `{added,
 * duplicates}` (rejects naming the problem, storing nothing), `exportReviewLogCsv()` → Promise of the FSRS
 * optimizer's revlog CSV.
 * @fires quiz-checked - QuizCheckedEvent, detail {cardId, deck, correct, expected, given}
 * @fires quiz-graded - QuizGradedEvent, detail {cardId, deck, rating, due}
 * @fires quiz-complete - QuizCompleteEvent, detail {reviewed, again, nextDue}
 * @csspart bar - The title line with the session progress bar.
 * @csspart front - The question side of the current card.
 * @csspart back - The answer side, once revealed.
 * @csspart grades - The Again/Hard/Good/Easy buttons.
 * @csspart overview - The list of cards due per lesson (several decks, as on /review/).
 * @cssproperty --mg-button - Background of the buttons (besides the theme tokens every element takes).
 * @cssproperty --mg-button-hover - Background of a button under the pointer.
 */
export class SrsQuiz extends LitElement {
  static override properties = {
    /** Deck ids or URLs, space-separated. */
    deck: { type: String },
    /** `due` or `all`. */
    mode: { type: String },
    /** Storage namespace. */
    namespace: { type: String },
    /** Desired retention, 0.80–0.95. */
    retention: { type: String },
    /** Show a box to type an answer before revealing. */
    typeAnswer: { type: Boolean, attribute: 'type-answer' },
    /** The screen shown. */
    phase: { state: true },
    /** The error shown, if any. */
    message: { state: true },
  };
  static override styles = styles;

  declare deck: string;
  declare mode: string;
  declare namespace: string;
  declare retention: string;
  declare typeAnswer: boolean;
  declare phase: Phase;
  declare message: string;

  private notices: string[] = [];
  private warning = '';
  /** ts-fsrs for the current load; only revealing, grading and replaying wait for it. */
  private gate: SchedulerGate | undefined;
  private store: ProgressStore | undefined;
  private decks: StudyDeck[] = [];
  private cards = new Map<string, StudyCard>();
  private states = new Map<string, MemoryState>();
  private session = new ReviewSession();
  private shownAt = 0;
  private pending: LogEntry[] = [];
  private announcement = '';
  private typed = '';
  private sides = new CardSides();
  private actions = new ActionQueue();
  private sync = new ProgressSync(this);
  private checks = new AnswerCheck(this);
  private files: ProgressFiles | undefined;
  private filesLoading: Promise<ProgressFiles> | undefined;
  private overview: Overview | undefined;
  private started = false;
  private loading: Promise<void> | undefined;
  private run = 0;

  constructor() {
    super();
    this.deck = '';
    this.mode = 'due';
    this.namespace = DEFAULT_NAMESPACE;
    this.retention = String(DEFAULT_RETENTION);
    this.typeAnswer = false;
    this.phase = 'waiting';
    this.message = '';
    new NearViewportController(this, () => void this.start());
    new QuizKeyboard(this, this.actions, {
      phase: () => this.phase,
      canUndo: () => this.session.canUndo,
      reveal: () => this.reveal(),
      undo: () => this.undo(),
      revealNow: () => this.revealNow(),
      gradeNow: (rating) => this.gradeNow(rating),
      check: (text) => this.answer(text),
      answerBox: () => this.shadowRoot?.querySelector<HTMLElement>('input.answer-box') ?? null,
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'Flash cards');
    if (this.loading && !this.started) void this.start(); // back after loading once: load again
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.run++; // a load still in flight closes what it opened
    this.store?.close();
    this.store = undefined;
    this.started = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (
      this.started &&
      (changed.has('deck') || changed.has('namespace') || changed.has('retention') || changed.has('mode'))
    )
      void this.start();
  }

  private settings(): QuizSettings {
    return parseSettings(this);
  }

  // ── loading ────────────────────────────────────────────────────────

  private start(): Promise<void> {
    this.loading = this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const run = ++this.run;
    this.started = true;
    this.phase = 'loading';
    this.message = '';
    this.warning = '';
    const s = this.settings();
    this.notices = s.problems;
    this.store?.close();
    this.store = undefined;
    // Decks and the store load first; ts-fsrs (needed to reveal, grade and replay) starts once the
    // first screen is drawn, or sooner when something needs it (the store repairing, a reveal).
    const gate = (this.gate = new SchedulerGate(s.retention));
    gate.loading.then(
      () => run === this.run && this.requestUpdate(),
      (e: unknown) => run === this.run && this.fail(e),
    );
    const opening = openStore(s.namespace, gate.need);
    // Several decks (as on /review/) open on the overview: its code loads beside them.
    const several = s.decks.length + (inlineCards(this) ? 1 : 0) > 1;
    const overview = this.overview || !several ? Promise.resolve(this.overview) : import('./overview.ts');
    try {
      const [decks, { store, fallbackReason }, states] = await Promise.all([
        loadDecks(this, s.decks),
        opening,
        opening.then((o) => o.store.states()),
      ]);
      this.overview = await overview;
      if (run !== this.run) return store.close();
      this.store = store;
      if (fallbackReason)
        this.warning = `Your progress will not be kept: this browser is not letting the page store it (${fallbackReason}). You can still study; export your progress before leaving to keep it.`;
      this.decks = decks;
      this.cards = new Map(decks.flatMap((d) => d.cards.map((c) => [c.key, c] as const)));
      this.states = states;
      this.notices = [...this.notices, ...store.problems];
      this.sync.follow(
        s.namespace,
        () => this.store,
        () => this.states,
        () => this.requestUpdate(),
      );
      this.session = new ReviewSession();
      if (decks.length > 1) this.phase = 'overview';
      else this.begin(s.mode, null);
    } catch (e) {
      void opening.then(
        ({ store }) => store !== this.store && store.close(),
        () => undefined,
      );
      if (run === this.run) this.fail(e);
    } finally {
      void this.updateComplete.then(() => gate.open());
    }
  }

  private fail(e: unknown): void {
    this.phase = 'failed';
    this.message =
      e instanceof DeckError ? e.message : `Could not start: ${e instanceof Error ? e.message : String(e)}`;
  }

  /** The scheduler, once ts-fsrs has loaded (undefined if it could not). */
  private schedulerReady(): Promise<Scheduler | undefined> {
    return this.gate?.ready() ?? Promise.resolve(undefined);
  }

  /** Starts a session over the given deck (null: every deck). */
  private begin(mode: QueueMode, deck: string | null): void {
    const keys = [...this.cards.values()].filter((c) => deck === null || c.deck === deck).map((c) => c.key);
    this.session.begin(keys, this.states, Date.now(), mode);
    this.show();
  }

  private show(): void {
    this.typed = '';
    this.checks.reset(this.current, this.states.get(this.session.currentKey ?? '')?.reps ?? 0);
    this.requestUpdate();
    const { reviewed, again } = this.session;
    if (!this.session.left) {
      this.phase = 'done';
      if (reviewed) this.dispatchEvent(new QuizCompleteEvent({ reviewed, again, nextDue: this.nextDue() }));
      return;
    }
    this.phase = 'front';
    this.shownAt = Date.now();
  }

  private nextDue(): number | null {
    return this.session.nextDue(this.states, Date.now());
  }

  private get current(): StudyCard | undefined {
    return this.cards.get(this.session.currentKey ?? '');
  }

  // ── public methods ─────────────────────────────────────────────────
  // reveal, grade and undo run one after another: a key pressed while a grade is still being
  // saved acts on the next card once it is shown, and one card is never graded twice.

  /** Shows the answer of the current card. */
  reveal(): Promise<void> {
    return this.actions.run(() => this.revealNow());
  }

  /** Grades the current card (1 Again, 2 Hard, 3 Good, 4 Easy) and moves to the next one. */
  grade(rating: Rating): Promise<void> {
    if (!RATINGS.includes(rating))
      return Promise.reject(new RangeError('grade() takes 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)'));
    return this.actions.run(() => this.gradeNow(rating));
  }

  /** Checks `text` against the current numeric or cloze card, fires `quiz-checked`, reveals it. */
  answer(text: string): Promise<CheckResult> {
    return this.actions.run(async () => {
      const card = this.current;
      if (!card?.check || this.phase !== 'front')
        throw new Error('answer() checks a numeric or cloze card that is showing its question');
      const r = await this.checks.check(card, String(text), Date.now() - this.shownAt);
      const { correct, expected, given } = r;
      this.dispatchEvent(new QuizCheckedEvent({ cardId: card.id, deck: card.deck, correct, expected, given }));
      this.announcement = `${correct ? 'Right' : 'Not right'}. Suggested grade: ${RATING_NAMES[r.suggested]}.`;
      await this.revealNow();
      return { correct, expected, given, tolerance: r.tolerance, unit: r.unit };
    });
  }

  /** Takes back the last grade of this session: the card is shown again, as it was. */
  undo(): Promise<void> {
    return this.actions.run(() => this.undoNow());
  }

  private async revealNow(): Promise<void> {
    if (this.phase !== 'front' || !(await this.schedulerReady()) || (this.phase as Phase) !== 'front') return;
    this.phase = 'back';
    await this.updateComplete;
    this.focusAfterChange();
  }

  private async gradeNow(rating: Rating): Promise<void> {
    const card = this.current;
    const scheduler = await this.schedulerReady();
    if (
      !card ||
      card !== this.current ||
      !scheduler ||
      !this.store ||
      (this.phase !== 'back' && this.phase !== 'front')
    )
      return;
    const now = Date.now();
    const review: ReviewEntry = {
      kind: 'review',
      id: newEntryId(now),
      card: card.key,
      rating,
      time: now,
      duration: Math.max(0, Math.min(now - this.shownAt, 3_600_000)),
    };
    const check = this.checks.logged(card);
    if (check) review.check = check;
    const step = this.session.before(review);
    const state = await this.save(review, scheduler.next(this.states.get(card.key), rating, now));
    if (state) this.states.set(card.key, state);
    const due = state?.due ?? now;
    this.session.graded(step, due, now);
    this.announcement = `${RATING_NAMES[rating]}. This card comes back in ${describeInterval(due - now)}.`;
    this.dispatchEvent(new QuizGradedEvent({ cardId: card.id, deck: card.deck, rating, due }));
    this.show();
    if ((this.phase as Phase) === 'done') this.announcement += ` Session complete: ${this.session.reviewed} reviewed.`;
    await this.updateComplete;
    this.focusAfterChange();
  }

  private async undoNow(): Promise<void> {
    if (!this.store) return;
    const step = this.session.takeBack();
    if (!step) return;
    const now = Date.now();
    const entry: LogEntry = {
      kind: 'undo',
      id: newEntryId(now),
      card: step.review.card,
      target: step.review.id,
      time: now,
    };
    const state = await this.save(entry, undefined);
    if (state) this.states.set(step.review.card, state);
    else if (this.store.persistent || !this.pending.length) this.states.delete(step.review.card);
    this.announcement = `Undone: ${RATING_NAMES[step.review.rating]} on this card. Grade it again.`;
    this.show();
    await this.updateComplete;
    this.focusAfterChange();
  }

  /** Appends to the log (saving.ts: a failed write is kept in memory, and the reader told). */
  private save(entry: LogEntry, fallback: MemoryState | undefined): Promise<MemoryState | undefined> {
    const warn = (m: string) => (this.warning = m);
    const ctx = { store: this.store!, pending: this.pending, sync: this.sync, warn };
    return saveEntry({ ...ctx, scheduler: () => this.schedulerReady() }, entry, fallback);
  }

  /** All progress in this namespace (log entries not yet saved included), as a versioned object. */
  async exportProgress(): Promise<ProgressFile> {
    const store = await this.ready();
    const ex = import('../core/srs-exchange.ts');
    const [log, profile, { toProgressFile }] = await Promise.all([store.log(), store.profile(), ex]);
    const ids = new Set(log.map((e) => e.id));
    const all = [...log, ...this.pending.filter((e) => !ids.has(e.id))];
    return toProgressFile(store.namespace, all, Date.now(), profile);
  }

  /** The review log as the FSRS optimizer's CSV (card_id, review_time, review_rating, review_state, review_duration). */
  async exportReviewLogCsv(): Promise<string> {
    const [file, { toOptimizerCsv }, scheduler] = await Promise.all([
      this.exportProgress(),
      import('../core/srs-exchange.ts'),
      this.schedulerReady(),
    ]);
    if (!scheduler) throw new Error(this.message || 'the scheduler could not load');
    return toOptimizerCsv(scheduler, file.log);
  }

  /** Validates and merges a progress file; rejects (storing nothing) naming the problem. */
  async importProgress(data: string | object): Promise<{ added: number; duplicates: number }> {
    const store = await this.ready();
    const file = (await import('../core/srs-exchange.ts')).parseProgressFile(data);
    const plan = await store.merge(file.log, file);
    this.states = await store.states();
    this.sync.post([...new Set(plan.add.map((e) => e.card))]);
    if (this.phase === 'done' || this.phase === 'front') this.begin(this.settings().mode, null);
    return { added: plan.add.length, duplicates: plan.duplicates };
  }

  private async ready(): Promise<ProgressStore> {
    // A load started later (the element came near the viewport) supersedes this one: wait for the last.
    for (let l: Promise<void> | undefined; l !== (l = this.loading ?? this.start());) await l;
    if (!this.store) throw new Error(this.message || 'the quiz has not loaded');
    return this.store;
  }

  // ── focus ──────────────────────────────────────────────────────────

  /** Keeps focus where a keyboard user expects it when the part they were on goes away. */
  private focusAfterChange(): void {
    const active = this.shadowRoot?.activeElement;
    if (active && active.isConnected && !(active instanceof HTMLButtonElement && active.classList.contains('reveal')))
      return;
    if (this.phase === 'front' && this.typeAnswer) this.shadowRoot?.querySelector('textarea')?.focus();
    else this.focus();
  }

  // ── rendering ──────────────────────────────────────────────────────

  private renderStudy(card: StudyCard): TemplateResult {
    const now = Date.now();
    const revealed = this.phase === 'back';
    const title = this.decks.length === 1 ? this.decks[0]!.title : 'All lessons';
    return html`${renderTop(title, this.session.reviewed, this.session.reviewed + this.session.left)}
    ${renderCard({
      card,
      sides: this.sides,
      revealed,
      typed: this.typed,
      typeAnswer: this.typeAnswer,
      preview: revealed ? this.gate?.current?.preview(this.states.get(card.key), now) : undefined,
      now,
      reveal: () => void this.reveal(),
      grade: (rating) => void this.grade(rating),
      type: (text) => (this.typed = text),
      check: this.checks.screen(card, (text) => void this.answer(text).catch(() => undefined)),
    })}
    ${
      this.session.canUndo
        ? html`<div class="row">
            <button type="button" class="undo" aria-keyshortcuts="U" @click=${() => void this.undo()}>
              Undo last grade <kbd>U</kbd>
            </button>
          </div>`
        : nothing
    }`;
  }

  private studyNow(deck: string | null): void {
    this.begin(this.settings().mode, deck);
    void this.updateComplete.then(() => this.focus());
  }

  private renderProgressFiles(): TemplateResult {
    return html`<details @toggle=${(e: Event) => (e.target as HTMLDetailsElement).open && void this.progressFiles()}>
      <summary>Your progress: export or import</summary>
      ${this.files ? this.files.renderProgressFiles(this, this.say) : html`<p>Loading…</p>`}
    </details>`;
  }

  /** The export/import panel's module (loaded on first use). */
  private progressFiles(): Promise<ProgressFiles> {
    return (this.filesLoading ??= import('./progress-files.ts').then((m) => {
      this.files = m;
      this.requestUpdate();
      return m;
    }));
  }

  private say = (outcome: { announcement: string } | { message: string }): void => {
    if ('announcement' in outcome) {
      this.announcement = outcome.announcement;
      this.message = '';
    } else this.message = outcome.message;
    this.requestUpdate();
  };

  override render(): TemplateResult {
    const card = this.current;
    let body: TemplateResult;
    switch (this.phase) {
      case 'waiting':
      case 'loading':
        body = html`<p>Loading cards…</p>`;
        break;
      case 'failed':
        body = html``;
        break;
      case 'overview':
        body = this.overview
          ? this.overview.renderOverview(this.decks, this.cards, this.states, Date.now(), (deck) => this.studyNow(deck))
          : html``;
        break;
      case 'done':
        body = renderDone({
          reviewed: this.session.reviewed,
          again: this.session.again,
          next: this.nextDue(),
          now: Date.now(),
          canUndo: this.session.canUndo,
          undo: () => void this.undo(),
          studyAll: () => this.studyNow(null),
        });
        break;
      default:
        body = card ? this.renderStudy(card) : html``;
    }
    const loaded = this.phase !== 'waiting' && this.phase !== 'loading' && this.phase !== 'failed';
    return html`
      ${this.message ? html`<p class="error" role="alert">${this.message}</p>` : nothing}
      ${
        this.warning
          ? html`<div class="error" role="alert">
              <p>${this.warning}</p>
              <button type="button" @click=${() => void this.progressFiles().then((m) => m.download(this, 'json'))}>
                Export progress now
              </button>
            </div>`
          : nothing
      }
      ${this.notices.map((n) => html`<p class="notice" role="status">${n}</p>`)} ${body}
      ${loaded ? this.renderProgressFiles() : nothing}
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    `;
  }
}

if (!customElements.get('srs-quiz')) customElements.define('srs-quiz', SrsQuiz);

declare global {
  interface HTMLElementTagNameMap {
    'srs-quiz': SrsQuiz;
  }
}
