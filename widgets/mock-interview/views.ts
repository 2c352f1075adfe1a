/**
 * `<mock-interview>`'s three screens as render functions of what the element holds: choosing the
 * session's length, a question (answer box, then the model answer and the rubric to tick), and the
 * end summary. Each screen's first heading takes focus when the screen changes under the reader.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { RATING_NAMES } from '../core/srs-schedule.ts';
import { clock, SESSION_MINUTES, type DrawnQuestion, type MockSummary } from '../core/mock-interview.ts';

const pct = (x: number | null): string => (x === null ? '–' : `${Math.round(x * 100)}%`);
const day = (t: number): string => new Date(t).toLocaleDateString(undefined, { dateStyle: 'medium' });
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export interface SetupScreen {
  /** The length picked (null: none valid yet). */
  minutes: number | null;
  /** Questions and lessons in scope, once loaded. */
  scope: { questions: number; lessons: number } | null;
  /** The last finished mock, for a line of context. */
  last: { finishedAt: number; score: number | null } | null;
  pick(minutes: number): void;
  start(): void;
}

export function renderSetup(s: SetupScreen): TemplateResult {
  const scope = s.scope;
  return html`<h2 class="focus-target" tabindex="-1">Mock interview</h2>
    <p class="scope">
      ${
        scope
          ? `${plural(scope.questions, 'question')} from ${plural(scope.lessons, 'lesson')} in scope; lessons you
            recall least come up most.`
          : 'Loading the questions…'
      }
    </p>
    ${s.last ? html`<p>Your last mock, on ${day(s.last.finishedAt)}: ${pct(s.last.score)} of the rubric points.</p>` : nothing}
    <fieldset part="length">
      <legend>Session length</legend>
      ${SESSION_MINUTES.map(
        (m) =>
          html`<label class="choice"
            ><input
              type="radio"
              name="minutes"
              .value=${String(m)}
              .checked=${s.minutes === m}
              @change=${() => s.pick(m)}
            />
            ${m} minutes</label
          >`,
      )}
    </fieldset>
    <button
      type="button"
      class="primary"
      ?disabled=${!scope?.questions || s.minutes === null}
      @click=${() => s.start()}
    >
      Start the mock interview
    </button>`;
}

export interface QuestionScreen {
  question: DrawnQuestion;
  index: number;
  total: number;
  /** Milliseconds left on the session's clock (negative: over time). */
  left: number;
  revealed: boolean;
  scored: boolean;
  typed: string;
  checked: ReadonlySet<number>;
  /** The model answer's nodes (built once per question). */
  answer: Node | string;
  type(text: string): void;
  reveal(): void;
  toggle(point: number, on: boolean): void;
  /** Scores the ticked points, then the next question (the summary after the last, or once time is up). */
  scoreAndNext(): void;
  finish(): void;
}

export function renderQuestion(s: QuestionScreen): TemplateResult {
  const q = s.question;
  // Past the last question, or out of time: the next step is the summary.
  const last = s.index + 1 === s.total || s.left <= 0;
  return html`<div class="bar" part="bar">
      <span>Question ${s.index + 1} of ${s.total}</span>
      <progress max=${s.total} .value=${s.index} aria-label="Questions done: ${s.index} of ${s.total}"></progress>
      <span class="clock ${s.left < 0 ? 'over' : ''}" role="timer" aria-label="Time left">${clock(s.left)}</span>
      <button type="button" @click=${() => s.finish()}>Finish now</button>
    </div>
    <p class="meta">${q.lessonTitle} · ${q.difficulty}</p>
    <h2 class="focus-target question" tabindex="-1" part="question">${q.q}</h2>
    <label class="label" for="typed">Your answer: type it, or say it aloud with the clock running</label>
    <textarea
      id="typed"
      rows="5"
      .value=${s.typed}
      ?readonly=${s.revealed}
      @input=${(e: Event) => s.type((e.target as HTMLTextAreaElement).value)}
    ></textarea>
    ${
      !s.revealed
        ? html`<button type="button" class="primary" @click=${() => s.reveal()}>Reveal the model answer</button>`
        : html`<h3 class="focus-target" tabindex="-1">Model answer</h3>
            <div class="answer" part="answer">${s.answer}</div>
            <fieldset part="rubric">
              <legend>Tick the points your answer covered</legend>
              ${q.rubric.map(
                (point, i) =>
                  html`<label class="choice"
                    ><input
                      type="checkbox"
                      .checked=${s.checked.has(i)}
                      ?disabled=${s.scored}
                      @change=${(e: Event) => s.toggle(i, (e.target as HTMLInputElement).checked)}
                    />
                    ${point}</label
                  >`,
              )}
            </fieldset>
            <button type="button" class="primary" @click=${() => s.scoreAndNext()}>
              ${last ? 'Score and finish' : 'Score and next question'}
            </button>`
    }`;
}

export interface SummaryScreen {
  summary: MockSummary;
  again(): void;
}

function comparison(sum: MockSummary): TemplateResult {
  const p = sum.previous;
  if (!p) return html`<p class="compare">Your first mock here: the next one will be compared with it.</p>`;
  const change =
    p.change === null
      ? ''
      : p.change === 0
        ? ', the same'
        : `, ${p.change > 0 ? 'up' : 'down'} ${Math.abs(Math.round(p.change * 100))} percentage points`;
  return html`<p class="compare">
    Your previous mock, on ${day(p.finishedAt)}: ${pct(p.score)}. This one: ${pct(sum.score)}${change}.
  </p>`;
}

export function renderSummary({ summary: sum, again }: SummaryScreen): TemplateResult {
  return html`<h2 class="focus-target" tabindex="-1" id="summary">Your mock interview</h2>
    <p class="total">
      ${
        sum.questions
          ? html`You covered <strong>${sum.covered} of ${sum.points}</strong> rubric points (${pct(sum.score)}) in
              ${plural(sum.questions, 'question')}, ${clock(sum.finishedAt - sum.startedAt)} in all.`
          : 'No question was scored, so there is nothing to add up and this mock was not kept.'
      }
    </p>
    ${sum.questions ? comparison(sum) : nothing}
    ${
      sum.questions
        ? html`<h3 id="per-lesson">Score per lesson</h3>
            <div class="wrap" part="lessons" role="region" aria-labelledby="per-lesson" tabindex="0">
              <table class="lessons">
                <thead>
                  <tr>
                    <th scope="col">Lesson</th>
                    <th scope="col">Questions</th>
                    <th scope="col">Points</th>
                    <th scope="col">Score</th>
                    <th scope="col">Last mock</th>
                  </tr>
                </thead>
                <tbody>
                  ${sum.lessons.map(
                    (l) =>
                      html`<tr>
                        <th scope="row"><a href=${l.url}>${l.title}</a></th>
                        <td>${l.questions}</td>
                        <td>${l.covered} of ${l.points}</td>
                        <td>${pct(l.score)}</td>
                        <td>${pct(l.previous)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <h3 id="per-question">Time per question</h3>
            <div class="wrap" part="times" role="region" aria-labelledby="per-question" tabindex="0">
              <table class="times">
                <thead>
                  <tr>
                    <th scope="col">Question</th>
                    <th scope="col">Time</th>
                    <th scope="col">Grade</th>
                  </tr>
                </thead>
                <tbody>
                  ${sum.times.map(
                    (t) =>
                      html`<tr>
                        <th scope="row">${t.q}</th>
                        <td>${clock(t.ms)}</td>
                        <td>${RATING_NAMES[t.grade]}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <h3>Points to work on</h3>
            ${
              sum.weakest.length
                ? html`<ul class="weakest" part="weakest">
                    ${sum.weakest.map(
                      (w) =>
                        html`<li>
                          <a href=${w.href}>${w.point}</a> <span class="from">(${w.q} — ${w.lessonTitle})</span>
                        </li>`,
                    )}
                  </ul>`
                : html`<p>None: you covered every point.</p>`
            }`
        : nothing
    }
    <button type="button" class="primary" @click=${() => again()}>Another mock interview</button>`;
}
