/**
 * `<srs-quiz>`'s study screens, as render functions of what the element holds: the session bar,
 * the card (question; then answer, links and the four grades) and the end-of-session summary.
 * Card HTML (only from decks of the module's own site) goes through `CardSides`, which builds
 * each side's nodes once per card.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { RATINGS, RATING_NAMES, type MemoryState, type Rating } from '../core/srs-schedule.ts';
import { formatInterval, describeInterval } from '../core/srs-queue.ts';
import type { StudyCard } from '../core/srs-deck.ts';
import { trustedFragment } from '../shared/trusted-html.ts';

/** Each card side's DOM, built once from its trusted HTML; plain text sides are templates. */
export class CardSides {
  private nodes = new WeakMap<StudyCard, { front?: Node; back?: Node }>();

  side(card: StudyCard, which: 'front' | 'back'): TemplateResult | Node {
    const htmlText = which === 'front' ? card.frontHtml : card.backHtml;
    if (!htmlText) return html`<div class="plain">${which === 'front' ? card.front : card.back}</div>`;
    let cache = this.nodes.get(card);
    if (!cache) this.nodes.set(card, (cache = {}));
    const wrap = (cache[which] ??= Object.assign(document.createElement('div'), { className: 'rich' }));
    if (!wrap.firstChild) wrap.appendChild(trustedFragment(htmlText));
    return wrap;
  }
}

export function renderTop(title: string, reviewed: number, total: number): TemplateResult {
  return html`<div class="top" part="bar">
    <span class="title">${title}</span>
    <span>${reviewed} of ${total} done</span>
    <progress
      max=${Math.max(total, 1)}
      .value=${reviewed}
      aria-label="Session progress: ${reviewed} of ${total} cards"
    ></progress>
  </div>`;
}

export interface CardScreen {
  card: StudyCard;
  sides: CardSides;
  /** The answer is shown. */
  revealed: boolean;
  /** What the reader typed (with `type-answer`). */
  typed: string;
  typeAnswer: boolean;
  /** Each grade's next state, once the answer is shown and ts-fsrs has loaded. */
  preview: Record<Rating, MemoryState> | undefined;
  now: number;
  reveal(): void;
  grade(rating: Rating): void;
  type(text: string): void;
  /** Numeric and cloze cards: the parts check-view.ts draws (undefined while it loads). */
  check?: {
    givens: Part | undefined;
    ask: Part | undefined;
    verdict: Part | undefined;
    /** The grade the check suggests, once checked. */
    suggested: Rating | undefined;
  };
}

type Part = TemplateResult | typeof nothing;

function renderAnswer(s: CardScreen): TemplateResult {
  const { card, typed, preview, now } = s;
  const links = card.sectionUrl || card.demoUrl;
  const suggested = s.check?.suggested;
  const back = card.back || card.backHtml;
  return html`${s.check?.verdict ?? nothing}
    ${
      !s.check || back
        ? html`<div class="compare ${typed && !s.check ? 'both' : ''}">
            ${
              typed
                ? html`<div class="side">
                    <span class="label">Your answer</span>
                    <div class="plain">${typed}</div>
                  </div>`
                : nothing
            }
            <div class="side back" part="back"><span class="label">Answer</span>${s.sides.side(card, 'back')}</div>
          </div>`
        : nothing
    }
    ${
      links
        ? html`<p class="links">
            ${card.sectionUrl ? html`<a href=${card.sectionUrl}>Read the lesson section</a>` : nothing}
            ${card.demoUrl ? html`<a href=${card.demoUrl}>See it in the widget</a>` : nothing}
          </p>`
        : nothing
    }
    <div class="grades" part="grades" role="group" aria-label="How well did you recall it?">
      ${RATINGS.map(
        (g) =>
          html`<button
            type="button"
            class="${['again', 'hard', 'good', 'easy'][g - 1]!} ${g === suggested ? 'suggested' : ''}"
            aria-keyshortcuts=${String(g)}
            @click=${() => s.grade(g)}
          >
            <span>${RATING_NAMES[g]} <kbd>${g}</kbd></span
            ><span class="ivl">${formatInterval((preview?.[g].due ?? now) - now)}</span
            ><span class="sr-only">, next review in ${describeInterval((preview?.[g].due ?? now) - now)}</span
            >${g === suggested ? html`<span class="hint">suggested</span>` : nothing}
          </button>`,
      )}
    </div>`;
}

function renderQuestionControls(s: CardScreen): TemplateResult {
  if (s.check)
    return html`${s.check.ask ?? html`<p>Loading the check…</p>`}
      <button type="button" class="reveal" aria-keyshortcuts="Space" @click=${() => s.reveal()}>
        Show answer without checking
      </button>`;
  return html`${
      s.typeAnswer
        ? html`<label class="label" for="answer">Your answer (Ctrl+Enter to reveal)</label>
            <textarea
              id="answer"
              .value=${s.typed}
              @input=${(e: Event) => s.type((e.target as HTMLTextAreaElement).value)}
            ></textarea>`
        : nothing
    }
    <button type="button" class="reveal" aria-keyshortcuts="Space Enter" @click=${() => s.reveal()}>
      Show answer <kbd>Space</kbd>
    </button>`;
}

export function renderCard(s: CardScreen): TemplateResult {
  return html`
    <div class="side front" part="front" aria-live="off">
      <span class="label" id="front-label">Question</span>
      <div aria-labelledby="front-label">${s.sides.side(s.card, 'front')}</div>
      ${s.check?.givens ?? nothing}
    </div>
    ${s.revealed ? renderAnswer(s) : renderQuestionControls(s)}
  `;
}

export interface DoneScreen {
  reviewed: number;
  again: number;
  /** The earliest next review of the session's cards (epoch ms), or null. */
  next: number | null;
  now: number;
  canUndo: boolean;
  undo(): void;
  studyAll(): void;
}

export function renderDone(s: DoneScreen): TemplateResult {
  const when =
    s.next === null
      ? 'No reviews are scheduled yet.'
      : `Next review: ${new Date(s.next).toLocaleString()} (in ${describeInterval(s.next - s.now)}).`;
  const again = s.again ? html`, and will see ${s.again} of them again soon` : '';
  return html`<h2 id="summary">${s.reviewed ? 'Session complete' : 'Nothing due right now'}</h2>
    ${s.reviewed ? html`<p>You reviewed ${s.reviewed} card${s.reviewed === 1 ? '' : 's'}${again}.</p>` : nothing}
    <p>${when}</p>
    <div class="row">
      ${
        s.canUndo ? html`<button type="button" @click=${() => s.undo()}>Undo last grade <kbd>U</kbd></button>` : nothing
      }
      <button type="button" @click=${() => s.studyAll()}>Study all cards anyway</button>
    </div>`;
}
