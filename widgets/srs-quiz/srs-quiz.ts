import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { NearViewportController } from '../shared/near-viewport.ts';
import { styles } from './srs-quiz.styles.ts';
import { QuizGradedEvent, QuizCompleteEvent } from './events.ts';
import { trustedFragment } from './trusted-html.ts';
import {
  loadScheduler,
  RATINGS,
  RATING_NAMES,
  DEFAULT_RETENTION,
  MIN_RETENTION,
  MAX_RETENTION,
  type MemoryState,
  type Rating,
  type Scheduler,
} from '../core/srs-schedule.ts';
import {
  buildQueue,
  afterGrade,
  nextDue,
  formatInterval,
  describeInterval,
  type QueueMode,
} from '../core/srs-queue.ts';
import { parseInlineCards, DECK_ID, DeckError, type StudyCard, type StudyDeck } from '../core/srs-deck.ts';
import { fetchDeck } from '../srs-decks/decks.ts';
import type { ProgressFile } from '../core/srs-exchange.ts';
import { replayCard, reviewsByCard, type LogEntry, type ReviewEntry } from '../core/srs-log.ts';
import { openStore, newEntryId, StorageWriteError, NAMESPACE, DEFAULT_NAMESPACE } from '../srs-store/store.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';

type ProgressFiles = typeof import('./progress-files.ts');
type Overview = typeof import('./overview.ts');
type Phase = 'waiting' | 'loading' | 'failed' | 'overview' | 'front' | 'back' | 'done';

interface UndoStep {
  review: ReviewEntry;
  queue: string[];
  reviewed: number;
  again: number;
}

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
 * Inline cards: a child `<script type="application/json">[{"id","front","back"}]</script>`;
 * always plain text (deck id `inline`).
 *
 * Keyboard (focus on the element or inside it): Space/Enter reveal, 1–4 grade
 * (Again/Hard/Good/Easy), U undo; in the answer box, Ctrl/Cmd+Enter reveals.
 *
 * Methods: `reveal()`, `grade(rating)`, `undo()` (Promises), `exportProgress()` → Promise of a
 * versioned JSON-serialisable object, `importProgress(data)` → Promise of `{added, duplicates}`
 * (rejects naming the problem, storing nothing), `exportReviewLogCsv()` → Promise of the FSRS
 * optimizer's revlog CSV.
 *
 * @fires quiz-graded - QuizGradedEvent, detail {cardId, deck, rating, due}
 * @fires quiz-complete - QuizCompleteEvent, detail {reviewed, again, nextDue}
 * @cssproperty --mg-fg, --mg-bg, --mg-border, --mg-accent, --mg-link, --mg-focus - theme colours
 */
export class SrsQuiz extends LitElement {
  static override properties = {
    deck: { type: String },
    mode: { type: String },
    namespace: { type: String },
    retention: { type: String },
    typeAnswer: { type: Boolean, attribute: 'type-answer' },
    phase: { state: true },
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
  private scheduler: Scheduler | undefined;
  /** ts-fsrs loads once the first screen is drawn; only revealing, grading and replaying wait for it. */
  private scheduling: Promise<Scheduler> | undefined;
  private startScheduling: (() => void) | undefined;
  private store: ProgressStore | undefined;
  private decks: StudyDeck[] = [];
  private cards = new Map<string, StudyCard>();
  private states = new Map<string, MemoryState>();
  private queue: string[] = [];
  private sessionKeys: string[] = [];
  private reviewed = 0;
  private again = 0;
  private shownAt = 0;
  private undoStack: UndoStep[] = [];
  private pending: LogEntry[] = [];
  private announcement = '';
  private typed = '';
  private nodes = new WeakMap<StudyCard, { front?: Node; back?: Node }>();
  private channel: BroadcastChannel | undefined;
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
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'region');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'Flash cards');
    this.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    this.channel?.close();
    this.channel = undefined;
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

  // ── attributes, parsed ─────────────────────────────────────────────

  private settings(): { decks: string[]; mode: QueueMode; namespace: string; retention: number; problems: string[] } {
    const problems: string[] = [];
    let mode: QueueMode = 'due';
    if (this.mode === 'due' || this.mode === 'all') mode = this.mode;
    else problems.push(`mode "${this.mode}" is not "due" or "all"; using "due".`);
    let namespace = DEFAULT_NAMESPACE;
    if (NAMESPACE.test(this.namespace)) namespace = this.namespace;
    else
      problems.push(
        `namespace "${this.namespace}" must be 1–64 letters, digits, ".", "_" or "-"; using "${DEFAULT_NAMESPACE}".`,
      );
    let retention = DEFAULT_RETENTION;
    const r = Number(this.retention);
    if (this.retention !== '' && Number.isFinite(r) && r >= MIN_RETENTION && r <= MAX_RETENTION) retention = r;
    else
      problems.push(
        `retention "${this.retention}" must be a number from ${MIN_RETENTION} to ${MAX_RETENTION}; using ${DEFAULT_RETENTION}.`,
      );
    const decks: string[] = [];
    for (const token of this.deck.split(/\s+/).filter(Boolean)) {
      if (DECK_ID.test(token) || /^https?:\/\//.test(token)) decks.push(token);
      else problems.push(`deck "${token}" is neither a deck id (like "lora-peft") nor an http(s) URL; left out.`);
    }
    return { decks, mode, namespace, retention, problems };
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
    this.scheduler = undefined;
    // Decks and the store load first; ts-fsrs (needed to reveal, grade and replay) starts once the
    // first screen is drawn, or sooner when something needs it (the store repairing, a reveal).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.startScheduling = release;
    const scheduling = (this.scheduling = gate.then(() => loadScheduler(s.retention)));
    scheduling.then(
      (scheduler) => {
        if (run !== this.run) return;
        this.scheduler = scheduler;
        this.requestUpdate();
      },
      (e: unknown) => run === this.run && this.fail(e),
    );
    const opening = openStore(s.namespace, () => (release(), scheduling));
    // Several decks (as on /review/) open on the overview: its code loads beside them.
    const several = s.decks.length + (this.inlineCards() ? 1 : 0) > 1;
    const overview = this.overview || !several ? Promise.resolve(this.overview) : import('./overview.ts');
    try {
      const [decks, { store, fallbackReason }, states] = await Promise.all([
        this.loadDecks(s.decks),
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
      this.listen(s.namespace);
      this.undoStack = [];
      this.reviewed = 0;
      this.again = 0;
      if (decks.length > 1) this.phase = 'overview';
      else this.begin(s.mode, null);
    } catch (e) {
      void opening.then(
        ({ store }) => store !== this.store && store.close(),
        () => undefined,
      );
      if (run === this.run) this.fail(e);
    } finally {
      void this.updateComplete.then(release);
    }
  }

  private fail(e: unknown): void {
    this.phase = 'failed';
    this.message =
      e instanceof DeckError ? e.message : `Could not start: ${e instanceof Error ? e.message : String(e)}`;
  }

  /** The scheduler, once ts-fsrs has loaded (undefined if it could not). */
  private async schedulerReady(): Promise<Scheduler | undefined> {
    this.startScheduling?.();
    return this.scheduler ?? (await this.scheduling?.catch(() => undefined));
  }

  private async loadDecks(ids: string[]): Promise<StudyDeck[]> {
    const out: StudyDeck[] = [];
    const inline = this.inlineCards();
    if (inline) out.push(parseInlineCards(inline.textContent ?? ''));
    out.push(...(await Promise.all(ids.map((id) => fetchDeck(id)))));
    if (!out.length)
      throw new DeckError(
        'No cards to study: give this element a deck attribute (like deck="lora-peft") or inline cards.',
      );
    return out;
  }

  private inlineCards(): Element | null {
    return this.querySelector(':scope > script[type="application/json"]');
  }

  /** Other tabs and elements on the same namespace say which cards they graded. */
  private listen(namespace: string): void {
    this.channel?.close();
    if (typeof BroadcastChannel === 'undefined' || !this.store?.persistent) return;
    this.channel = new BroadcastChannel(`marginalia-srs:${namespace}`);
    this.channel.onmessage = async (e: MessageEvent<{ keys?: unknown }>) => {
      const keys = Array.isArray(e.data?.keys) ? e.data.keys.filter((k): k is string => typeof k === 'string') : [];
      if (!keys.length || !this.store) return;
      const fresh = await this.store.statesOf(keys);
      for (const k of keys) {
        const s = fresh.get(k);
        if (s) this.states.set(k, s);
        else this.states.delete(k);
      }
      this.requestUpdate();
    };
  }

  /** Starts a session over the given deck (null: every deck). */
  private begin(mode: QueueMode, deck: string | null): void {
    const keys = [...this.cards.values()].filter((c) => deck === null || c.deck === deck).map((c) => c.key);
    this.sessionKeys = keys;
    this.queue = buildQueue(keys, this.states, Date.now(), mode);
    this.reviewed = 0;
    this.again = 0;
    this.undoStack = [];
    this.show();
  }

  private show(): void {
    this.typed = '';
    this.requestUpdate();
    if (!this.queue.length) {
      this.phase = 'done';
      if (this.reviewed)
        this.dispatchEvent(
          new QuizCompleteEvent({ reviewed: this.reviewed, again: this.again, nextDue: this.nextDue() }),
        );
      return;
    }
    this.phase = 'front';
    this.shownAt = Date.now();
  }

  private nextDue(): number | null {
    return nextDue(this.sessionKeys, this.states, Date.now());
  }

  private get current(): StudyCard | undefined {
    return this.cards.get(this.queue[0] ?? '');
  }

  // ── public methods ─────────────────────────────────────────────────
  // reveal, grade and undo run one after another: a key pressed while a grade is still being
  // saved acts on the next card once it is shown, and one card is never graded twice.

  private chain: Promise<unknown> = Promise.resolve();

  private pendingActions = 0;

  private serial<T>(action: () => Promise<T>): Promise<T> {
    this.pendingActions += 1;
    const run = this.chain.then(action, action).finally(() => {
      this.pendingActions -= 1;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Shows the answer of the current card. */
  reveal(): Promise<void> {
    return this.serial(() => this.revealNow());
  }

  /** Grades the current card (1 Again, 2 Hard, 3 Good, 4 Easy) and moves to the next one. */
  grade(rating: Rating): Promise<void> {
    if (!RATINGS.includes(rating))
      return Promise.reject(new RangeError('grade() takes 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)'));
    return this.serial(() => this.gradeNow(rating));
  }

  /** Takes back the last grade of this session: the card is shown again, as it was. */
  undo(): Promise<void> {
    return this.serial(() => this.undoNow());
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
    const step: UndoStep = { review, queue: [...this.queue], reviewed: this.reviewed, again: this.again };
    const state = await this.save(review, scheduler.next(this.states.get(card.key), rating, now));
    if (state) this.states.set(card.key, state);
    this.undoStack.push(step);
    this.reviewed += 1;
    if (rating === 1) this.again += 1;
    const due = state?.due ?? now;
    this.queue = afterGrade(this.queue, card.key, due, now);
    this.announcement = `${RATING_NAMES[rating]}. This card comes back in ${describeInterval(due - now)}.`;
    this.dispatchEvent(new QuizGradedEvent({ cardId: card.id, deck: card.deck, rating, due }));
    this.show();
    if ((this.phase as Phase) === 'done') this.announcement += ` Session complete: ${this.reviewed} reviewed.`;
    await this.updateComplete;
    this.focusAfterChange();
  }

  private async undoNow(): Promise<void> {
    const step = this.undoStack.pop();
    if (!step || !this.store) return;
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
    this.queue = step.queue;
    this.reviewed = step.reviewed;
    this.again = step.again;
    this.announcement = `Undone: ${RATING_NAMES[step.review.rating]} on this card. Grade it again.`;
    this.show();
    await this.updateComplete;
    this.focusAfterChange();
  }

  /**
   * Appends to the log. On a failed write the entry is kept in memory (exported with the rest)
   * and the reader is told; returns the card's state (from the store, or `fallback`).
   */
  private async save(entry: LogEntry, fallback: MemoryState | undefined): Promise<MemoryState | undefined> {
    try {
      const state = await this.store!.append(entry);
      this.channel?.postMessage({ keys: [entry.card] });
      return state;
    } catch (e) {
      this.pending.push(entry);
      this.warning =
        e instanceof StorageWriteError
          ? e.message
          : `Your progress could not be saved (${e instanceof Error ? e.message : String(e)}). Export your progress to keep it.`;
      if (entry.kind === 'undo') {
        // Replay what we hold for that card, the pending entries included.
        const log = [...(await this.store!.log().catch(() => [])), ...this.pending].filter(
          (x) => x.card === entry.card,
        );
        const scheduler = await this.schedulerReady();
        return scheduler && replayCard(scheduler, reviewsByCard(log).get(entry.card) ?? []);
      }
      return fallback;
    }
  }

  /** All progress in this namespace (log entries not yet saved included), as a versioned object. */
  async exportProgress(): Promise<ProgressFile> {
    const store = await this.ready();
    const [log, { toProgressFile }] = await Promise.all([store.log(), import('../core/srs-exchange.ts')]);
    const ids = new Set(log.map((e) => e.id));
    return toProgressFile(store.namespace, [...log, ...this.pending.filter((e) => !ids.has(e.id))], Date.now());
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
    const { parseProgressFile } = await import('../core/srs-exchange.ts');
    const file = parseProgressFile(data);
    const plan = await store.merge(file.log);
    this.states = await store.states();
    this.channel?.postMessage({ keys: [...new Set(plan.add.map((e) => e.card))] });
    if (this.phase === 'done' || this.phase === 'front') this.begin(this.settings().mode, null);
    return { added: plan.add.length, duplicates: plan.duplicates };
  }

  private async ready(): Promise<ProgressStore> {
    await (this.loading ?? this.start());
    if (!this.store) throw new Error(this.message || 'the quiz has not loaded');
    return this.store;
  }

  // ── keyboard and focus ─────────────────────────────────────────────

  private onKey = (e: KeyboardEvent): void => {
    if (e.altKey || e.defaultPrevented) return;
    const target = e.composedPath()[0];
    const inField = target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement;
    const onControl =
      inField ||
      target instanceof HTMLButtonElement ||
      target instanceof HTMLAnchorElement ||
      (target instanceof HTMLElement && target.localName === 'summary');
    if (inField) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && this.phase === 'front') {
        e.preventDefault();
        void this.reveal();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey) return;
    // A key pressed while a grade is still being saved is queued behind it and acts on the card
    // that is then shown (the phase is checked when the queued action runs).
    const busy = this.pendingActions > 0;
    if ((e.key === ' ' || e.key === 'Enter') && !onControl && (busy || this.phase === 'front')) {
      e.preventDefault();
      void this.serial(async () => {
        if (this.phase === 'front') await this.revealNow();
      });
    } else if (/^[1-4]$/.test(e.key) && (busy || this.phase === 'back')) {
      e.preventDefault();
      const rating = Number(e.key) as Rating;
      void this.serial(async () => {
        if (this.phase === 'back') await this.gradeNow(rating);
      });
    } else if ((e.key === 'u' || e.key === 'U') && this.undoStack.length) {
      e.preventDefault();
      void this.undo();
    }
  };

  /** Keeps focus where a keyboard user expects it when the part they were on goes away. */
  private focusAfterChange(): void {
    const active = this.shadowRoot?.activeElement;
    if (active && active.isConnected && !(active instanceof HTMLButtonElement && active.classList.contains('reveal')))
      return;
    if (this.phase === 'front' && this.typeAnswer) this.shadowRoot?.querySelector('textarea')?.focus();
    else this.focus();
  }

  // ── rendering ──────────────────────────────────────────────────────

  private side(card: StudyCard, which: 'front' | 'back'): TemplateResult | Node {
    const htmlText = which === 'front' ? card.frontHtml : card.backHtml;
    if (!htmlText) return html`<div class="plain">${which === 'front' ? card.front : card.back}</div>`;
    let cache = this.nodes.get(card);
    if (!cache) this.nodes.set(card, (cache = {}));
    const wrap = (cache[which] ??= Object.assign(document.createElement('div'), { className: 'rich' }));
    if (!wrap.firstChild) wrap.appendChild(trustedFragment(htmlText));
    return wrap;
  }

  private renderTop(): TemplateResult {
    const total = this.reviewed + this.queue.length;
    const title = this.decks.length === 1 ? this.decks[0]!.title : 'All lessons';
    return html`<div class="top">
      <span class="title">${title}</span>
      <span>${this.reviewed} of ${total} done</span>
      <progress
        max=${Math.max(total, 1)}
        .value=${this.reviewed}
        aria-label="Session progress: ${this.reviewed} of ${total} cards"
      ></progress>
    </div>`;
  }

  private renderCard(card: StudyCard): TemplateResult {
    const back = this.phase === 'back';
    const preview = back && this.scheduler ? this.scheduler.preview(this.states.get(card.key), Date.now()) : undefined;
    const now = Date.now();
    return html`
      <div class="side front" aria-live="off">
        <span class="label" id="front-label">Question</span>
        <div aria-labelledby="front-label">${this.side(card, 'front')}</div>
      </div>
      ${
        back
          ? html`<div class="compare ${this.typed ? 'both' : ''}">
                ${
                  this.typed
                    ? html`<div class="side">
                        <span class="label">Your answer</span>
                        <div class="plain">${this.typed}</div>
                      </div>`
                    : nothing
                }
                <div class="side back"><span class="label">Answer</span>${this.side(card, 'back')}</div>
              </div>
              ${
                card.sectionUrl || card.demoUrl
                  ? html`<p class="links">
                      ${card.sectionUrl ? html`<a href=${card.sectionUrl}>Read the lesson section</a>` : nothing}
                      ${card.demoUrl ? html`<a href=${card.demoUrl}>See it in the widget</a>` : nothing}
                    </p>`
                  : nothing
              }
              <div class="grades" role="group" aria-label="How well did you recall it?">
                ${RATINGS.map(
                  (g) =>
                    html`<button
                      type="button"
                      class=${['again', 'hard', 'good', 'easy'][g - 1]!}
                      aria-keyshortcuts=${String(g)}
                      @click=${() => void this.grade(g)}
                    >
                      <span>${RATING_NAMES[g]} <kbd>${g}</kbd></span
                      ><span class="ivl">${formatInterval((preview?.[g].due ?? now) - now)}</span
                      ><span class="sr-only"
                        >, next review in ${describeInterval((preview?.[g].due ?? now) - now)}</span
                      >
                    </button>`,
                )}
              </div>`
          : html`${
                this.typeAnswer
                  ? html`<label class="label" for="answer">Your answer (Ctrl+Enter to reveal)</label>
                      <textarea
                        id="answer"
                        .value=${this.typed}
                        @input=${(e: Event) => (this.typed = (e.target as HTMLTextAreaElement).value)}
                      ></textarea>`
                  : nothing
              }
              <button type="button" class="reveal" aria-keyshortcuts="Space Enter" @click=${() => void this.reveal()}>
                Show answer <kbd>Space</kbd>
              </button>`
      }
    `;
  }

  private studyNow(deck: string | null): void {
    this.begin(this.settings().mode, deck);
    void this.updateComplete.then(() => this.focus());
  }

  private renderDone(): TemplateResult {
    const next = this.nextDue();
    const now = Date.now();
    const when =
      next === null
        ? 'No reviews are scheduled yet.'
        : `Next review: ${new Date(next).toLocaleString()} (in ${describeInterval(next - now)}).`;
    return html`<h2 id="summary">${this.reviewed ? 'Session complete' : 'Nothing due right now'}</h2>
      ${this.reviewed ? html`<p>You reviewed ${this.reviewed} card${this.reviewed === 1 ? '' : 's'}${this.again ? html`, and will see ${this.again} of them again soon` : ''}.</p>` : nothing}
      <p>${when}</p>
      <div class="row">
        ${this.undoStack.length ? html`<button type="button" @click=${() => void this.undo()}>Undo last grade <kbd>U</kbd></button>` : nothing}
        <button type="button" @click=${() => this.studyNow(null)}>Study all cards anyway</button>
      </div>`;
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
        body = this.renderDone();
        break;
      default:
        body = card
          ? html`${this.renderTop()}${this.renderCard(card)}
            ${
              this.undoStack.length
                ? html`<div class="row">
                    <button type="button" class="undo" aria-keyshortcuts="U" @click=${() => void this.undo()}>
                      Undo last grade <kbd>U</kbd>
                    </button>
                  </div>`
                : nothing
            }`
          : html``;
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
