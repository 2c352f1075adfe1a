import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { NearViewportController } from '../shared/near-viewport.ts';
import { trustedFragment } from '../shared/trusted-html.ts';
import { loadScheduler, type MemoryState } from '../core/srs-schedule.ts';
import { parseLessonList, type QaLesson } from '../core/mock-interview-data.ts';
import {
  drawMock,
  lessonRecall,
  previousMock,
  scoreAnswer,
  sessionMinutes,
  summarizeMock,
  mockScore,
  type DrawnQuestion,
  type MockSummary,
} from '../core/mock-interview.ts';
import type { MockAnswer, MockRecord } from '../core/srs-profile.ts';
import { openStore, newEntryId, NAMESPACE, DEFAULT_NAMESPACE } from '../srs-store/store.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';
import { loadQuestions } from './sources.ts';
import { CountdownController } from './countdown.ts';
import { MockFinishedEvent, MockQuestionEvent, type MockQuestionInfo } from './events.ts';
import { renderQuestion, renderSetup, renderSummary } from './views.ts';
import { styles } from './mock-interview.styles.ts';

/** A running session: the drawn questions, where it is, and what was scored. */
interface Session {
  id: string;
  minutes: 20 | 45 | 60;
  lessons: string[] | null;
  startedAt: number;
  drawn: DrawnQuestion[];
  index: number;
  /** When the current question was shown (epoch ms). */
  shownAt: number;
  answers: MockAnswer[];
  /** The current question's answer, once scored. */
  scored: MockAnswer | undefined;
}

type Phase = 'setup' | 'question' | 'summary';

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A timed mock interview: questions drawn from the lessons' interview questions, weighted toward
 * the lessons whose cards you recall least (widgets/core/mock-interview.ts says how), answered
 * against a countdown, then checked against the model answer and its rubric. The points you tick
 * make an FSRS grade (under half: Again; under three quarters: Hard; short of all: Good; all:
 * Easy), logged as a review of each card the question links to, like any review. The summary gives
 * the score per lesson, the time per question, the points you missed (linked to their place in the
 * lesson) and the change since your previous mock; the mock is kept with your progress in this
 * browser and travels in its export. The questions come from the site that served this module.
 *
 * @summary A timed mock interview with rubrics, scored into the review schedule.
 * @attr minutes - Session length: 20, 45 or 60 minutes (default 20). Another value shows a message and `start()` waits for a valid choice.
 * @attr lessons - Lesson slugs in scope, separated by spaces; absent: every lesson of the site's track.
 * @attr namespace - Storage namespace for the review log and mock history, as on `<srs-quiz>` (default `default`).
 * @fires mock-question - MockQuestionEvent: a question is shown (on `start()` and each `next()`); `detail.question` has its text, rubric and cards.
 * @fires mock-finished - MockFinishedEvent: the session ended; `detail.summary` is what `finish()` returned, `detail.saved` whether the mock was stored.
 * @csspart length - The session-length choice.
 * @csspart bar - The question counter, progress, countdown and "Finish now".
 * @csspart question - The question's heading.
 * @csspart answer - The model answer.
 * @csspart rubric - The rubric checkboxes.
 * @csspart lessons - The summary's table of scores per lesson.
 * @csspart times - The summary's table of time per question.
 * @csspart weakest - The summary's list of points missed.
 */
export class MockInterview extends LitElement {
  static override properties = {
    /** Session length in minutes, as written: "20", "45" or "60". */
    minutes: { type: String },
    /** Lesson slugs in scope, space-separated; null (no attribute) is the whole track. */
    lessons: { type: String },
    /** Storage namespace of the review log and mock history. */
    namespace: { type: String },
    /** Which screen is shown. */
    phase: { state: true },
    /** The current question's model answer and rubric are shown. */
    revealed: { state: true },
    /** Why the questions could not be loaded (shown as an alert). */
    loadProblem: { state: true },
    /** A problem with the session, such as a write that failed (shown as an alert). */
    message: { state: true },
    /** Sentences about what was left out or could not be kept. */
    notes: { state: true },
    /** The lessons in scope with their questions, once loaded. */
    scope: { state: true },
    /** The summary of the session that ended last. */
    summary: { state: true },
  };
  static override styles = styles;

  declare minutes: string;
  declare lessons: string | null;
  declare namespace: string;
  declare phase: Phase;
  declare revealed: boolean;
  declare loadProblem: string;
  declare message: string;
  declare notes: string[];
  declare scope: QaLesson[] | undefined;
  declare summary: MockSummary | undefined;

  private session: Session | undefined;
  private history: MockRecord[] = [];
  private typed = '';
  private checked = new Set<number>();
  private answerNodes = new WeakMap<DrawnQuestion, Node>();
  private loading: Promise<void> | undefined;
  private loadedFor: string | undefined;
  private opening: Promise<ProgressStore> | undefined;
  /** Reviews and records being written, in order; finishing waits for them. */
  private writes: Promise<unknown> = Promise.resolve();
  private focusPending = false;
  private starting: Promise<void> | undefined;
  private countdown = new CountdownController(this);

  constructor() {
    super();
    this.minutes = '20';
    this.lessons = null;
    this.namespace = DEFAULT_NAMESPACE;
    this.phase = 'setup';
    this.revealed = false;
    this.loadProblem = '';
    this.message = '';
    this.notes = [];
    this.scope = undefined;
    this.summary = undefined;
    new NearViewportController(this, () => void this.ensureLoaded());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // The store closes once what is being written is written; back in the page, it opens again.
    const opening = this.opening;
    this.opening = undefined;
    if (opening)
      void Promise.all([opening, this.writes.catch(() => undefined)]).then(
        ([store]) => store.close(),
        () => undefined,
      );
  }

  /** The question on screen, or null between sessions. */
  get question(): MockQuestionInfo | null {
    const s = this.session;
    return s && this.phase === 'question' ? this.info(s.drawn[s.index]!) : null;
  }

  /**
   * Draws the questions for the chosen length and shows the first (firing `mock-question`). A
   * running session is dropped (its scored answers stay in the review log). Resolves once the
   * question is shown, or once a message says why no session could start; never rejects.
   */
  start(): Promise<void> {
    // A second call while the first is drawing (a double click) waits for the same session.
    this.starting ??= this.begin().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async begin(): Promise<void> {
    const minutes = sessionMinutes(this.minutes ?? '');
    if (minutes === null) return; // the setup screen says why
    if (!(await this.ensureLoaded())) return;
    const lessons = this.scope!.filter((l) => l.questions.length);
    if (!lessons.length) {
      this.message = 'There are no interview questions in scope yet, so there is nothing to ask.';
      return;
    }
    let states = new Map<string, MemoryState>();
    try {
      states = await (await this.store()).states();
    } catch (e) {
      this.notes = [
        ...this.notes,
        `Your progress could not be read (${errorText(e)}), so every lesson weighs the same.`,
      ];
    }
    const now = Date.now();
    const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
    const drawn = drawMock(lessons, lessonRecall(lessons, states, now), minutes, seed);
    if (!drawn.length) {
      this.message = `No question fits in ${minutes} minutes.`;
      return;
    }
    this.message = '';
    this.session = {
      id: newEntryId(now),
      minutes,
      lessons: this.lessons === null ? null : lessons.map((l) => l.lesson),
      startedAt: now,
      drawn,
      index: 0,
      shownAt: now,
      answers: [],
      scored: undefined,
    };
    this.countdown.run(now, minutes * 60_000);
    this.show();
  }

  /** Shows the current question's model answer and rubric. */
  reveal(): void {
    if (this.phase !== 'question' || this.revealed) return;
    this.revealed = true;
    this.focusSoon();
  }

  /**
   * Scores the current question: `pointsCovered` are 0-based indices into its rubric (an empty
   * list is allowed; others are ignored). The grade is logged as a review of each linked card.
   * Resolves to the answer as recorded (null with no question on screen, the first score when the
   * question was already scored); a failed write leaves a message, the score still counts.
   */
  async score(pointsCovered: readonly number[] = []): Promise<MockAnswer | null> {
    const s = this.session;
    if (!s || this.phase !== 'question') return null;
    if (s.scored) return s.scored;
    const q = s.drawn[s.index]!;
    const now = Date.now();
    const { answer, reviews } = scoreAnswer(q, pointsCovered, now - s.shownAt, now, newEntryId);
    s.scored = answer;
    s.answers.push(answer);
    this.checked = new Set(answer.covered);
    this.revealed = true;
    const writing = this.writes.then(async () => {
      const store = await this.store();
      for (const r of reviews) await store.append(r);
    });
    this.writes = writing.catch(() => undefined);
    try {
      await writing;
    } catch (e) {
      this.message = `Your score counts in the summary, but it could not be logged as a review: ${errorText(e)}`;
    }
    return answer;
  }

  /**
   * Moves to the next question (an unscored one is skipped, nothing logged) and fires
   * `mock-question`; past the last question, finishes. Returns the question shown, or null.
   */
  next(): MockQuestionInfo | null {
    const s = this.session;
    if (!s || this.phase !== 'question') return null;
    if (s.index + 1 >= s.drawn.length) {
      this.finish();
      return null;
    }
    s.index += 1;
    s.shownAt = Date.now();
    this.show();
    return this.question;
  }

  /**
   * Ends the session: shows and returns the summary (null when no session runs), then stores the
   * mock (when a question was scored) and fires `mock-finished` once it and every review are written.
   */
  finish(): MockSummary | null {
    const s = this.session;
    if (!s) return null;
    const finishedAt = Math.max(Date.now(), s.startedAt);
    const record: MockRecord = {
      id: s.id,
      startedAt: s.startedAt,
      finishedAt,
      minutes: s.minutes,
      lessons: s.lessons,
      answers: s.answers.map((a) => ({ ...a, covered: [...a.covered] })),
    };
    const summary = summarizeMock(record, s.drawn, previousMock(this.history, record));
    this.session = undefined;
    this.countdown.stop();
    this.summary = summary;
    this.phase = 'summary';
    this.revealed = false;
    this.focusSoon();
    void this.save(record, summary);
    return summary;
  }

  private async save(record: MockRecord, summary: MockSummary): Promise<void> {
    let problem: string | null = record.answers.length ? null : 'No question was scored.';
    if (!problem) {
      const writing = this.writes.then(async () => (await this.store()).addMock(record));
      this.writes = writing.catch(() => undefined);
      try {
        await writing;
        this.history = [...this.history, record];
      } catch (e) {
        problem = `This mock could not be kept: ${errorText(e)}`;
        this.message = problem;
      }
    } else await this.writes;
    this.dispatchEvent(new MockFinishedEvent({ summary, record, saved: !problem, problem }));
  }

  private info(q: DrawnQuestion): MockQuestionInfo {
    return {
      qa: q.qa,
      lesson: q.lesson,
      lessonTitle: q.lessonTitle,
      q: q.q,
      difficulty: q.difficulty,
      rubric: [...q.rubric],
      cards: [...q.cards],
      href: `${q.lessonUrl}#${q.anchor}`,
    };
  }

  /** Puts the session's current question on screen and fires `mock-question`. */
  private show(): void {
    const s = this.session!;
    s.scored = undefined;
    this.typed = '';
    this.checked = new Set();
    this.revealed = false;
    this.phase = 'question';
    this.focusSoon();
    this.dispatchEvent(
      new MockQuestionEvent({ index: s.index, total: s.drawn.length, question: this.info(s.drawn[s.index]!) }),
    );
  }

  /** The store, opened on first use (again after a re-insert). ts-fsrs loads only when a review is written. */
  private store(): Promise<ProgressStore> {
    if (!this.opening) {
      let ns = this.namespace;
      if (!NAMESPACE.test(ns)) {
        this.notes = [...this.notes, `namespace "${ns}" is not valid; using "${DEFAULT_NAMESPACE}".`];
        ns = DEFAULT_NAMESPACE;
      }
      this.opening = openStore(ns, () => loadScheduler()).then(({ store, fallbackReason }) => {
        if (fallbackReason)
          this.notes = [...this.notes, `This browser is not keeping progress (${fallbackReason}): nothing is saved.`];
        return store;
      });
      this.opening.catch(() => (this.opening = undefined));
    }
    return this.opening;
  }

  /** Loads the questions in scope and the mock history (again when `lessons` changed). False: a message says why not. */
  private async ensureLoaded(): Promise<boolean> {
    const key = this.lessons ?? '\u0000whole track';
    if (!this.loading || this.loadedFor !== key) {
      this.loadedFor = key;
      this.loading = this.load();
    }
    await this.loading;
    return this.scope !== undefined;
  }

  private async load(): Promise<void> {
    this.scope = undefined;
    this.loadProblem = '';
    const notes: string[] = [];
    let slugs: string[] | null = null;
    if (this.lessons !== null) {
      const list = parseLessonList(this.lessons);
      for (const b of list.bad) notes.push(`"${b}" in lessons is not a lesson slug (like "qlora"), so it is left out.`);
      if (!list.slugs.length) {
        this.notes = notes;
        this.loadProblem = `lessons="${this.lessons}" names no lesson: give lesson slugs separated by spaces, or leave it out for the whole track.`;
        return;
      }
      slugs = list.slugs;
    }
    try {
      const [loaded, profile] = await Promise.all([
        loadQuestions(slugs),
        this.store()
          .then((s) => s.profile())
          .catch((e: unknown) => {
            notes.push(`Your mock history could not be read (${errorText(e)}).`);
            return { mocks: [] as MockRecord[] };
          }),
      ]);
      notes.push(...loaded.problems);
      this.history = [...profile.mocks];
      this.notes = [...this.notes, ...notes];
      if (!loaded.lessons.length) {
        this.loadProblem = 'No lesson in scope could be loaded, so there are no questions to ask.';
        return;
      }
      this.scope = loaded.lessons;
    } catch (e) {
      this.notes = [...this.notes, ...notes];
      this.loadProblem = errorText(e);
    }
  }

  private focusSoon(): void {
    // Only when the reader is working inside the element: an API call never steals focus.
    this.focusPending = this.matches(':focus-within');
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lessons') && this.loading && this.phase === 'setup') void this.ensureLoaded();
  }

  override updated(): void {
    if (!this.focusPending) return;
    this.focusPending = false;
    const target = [...(this.shadowRoot?.querySelectorAll<HTMLElement>('.focus-target') ?? [])].at(-1);
    target?.focus();
  }

  private answerNode(q: DrawnQuestion): Node {
    let node = this.answerNodes.get(q);
    if (!node) {
      // The questions come only from this module's own site (sources.ts), built and sanitised there.
      const div = document.createElement('div');
      div.appendChild(trustedFragment(q.answer));
      this.answerNodes.set(q, (node = div));
    }
    return node;
  }

  private screen(): TemplateResult {
    if (this.phase === 'summary' && this.summary)
      return renderSummary({
        summary: this.summary,
        again: () => {
          this.phase = 'setup';
          this.focusSoon();
        },
      });
    const s = this.session;
    if (this.phase === 'question' && s) {
      const q = s.drawn[s.index]!;
      return renderQuestion({
        question: q,
        index: s.index,
        total: s.drawn.length,
        left: this.countdown.remaining(),
        revealed: this.revealed,
        scored: s.scored !== undefined,
        typed: this.typed,
        checked: this.checked,
        answer: this.revealed ? this.answerNode(q) : '',
        type: (t) => (this.typed = t),
        reveal: () => this.reveal(),
        toggle: (i, on) => {
          const next = new Set(this.checked);
          if (on) next.add(i);
          else next.delete(i);
          this.checked = next;
          this.requestUpdate();
        },
        scoreAndNext: () => {
          if (s.scored) return; // a second click while the first score is being written
          void this.score([...this.checked]).then(() =>
            this.countdown.remaining() <= 0 ? this.finish() : this.next(),
          );
        },
        finish: () => void this.finish(),
      });
    }
    const last = this.history.at(-1);
    const minutes = sessionMinutes(this.minutes ?? '');
    return renderSetup({
      minutes,
      scope: this.scope
        ? {
            questions: this.scope.reduce((n, l) => n + l.questions.length, 0),
            lessons: this.scope.filter((l) => l.questions.length).length,
          }
        : null,
      last: last ? { finishedAt: last.finishedAt, score: mockScore(last.answers).score } : null,
      pick: (m) => {
        this.minutes = String(m);
        this.message = '';
      },
      start: () => void this.start(),
    });
  }

  override render(): TemplateResult {
    const badMinutes =
      this.phase === 'setup' && sessionMinutes(this.minutes ?? '') === null
        ? `minutes="${this.minutes}" is not a session length: choose 20, 45 or 60 minutes.`
        : '';
    const problems = [this.loadProblem, badMinutes, this.message].filter(Boolean);
    return html`${problems.map((p) => html`<p class="error" role="alert">${p}</p>`)}
      ${this.notes.map((n) => html`<p class="note">${n}</p>`)} ${this.screen()}
      <p class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.countdown.cue}</p>`;
  }
}

if (!customElements.get('mock-interview')) customElements.define('mock-interview', MockInterview);

declare global {
  interface HTMLElementTagNameMap {
    'mock-interview': MockInterview;
  }
}
