/**
 * `<srs-quiz>`'s checked practice (numeric and cloze cards), loaded with the first such card:
 * drawing the question (a generator's numbers, seeded by card key and review count), checking the
 * typed answer, and the parts of the card that show them — the answer box, the verdict and the
 * worked solution. Everything shown is plain text.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { checkCloze, checkNumeric, suggestGrade, type CheckResult } from '../core/srs-answer.ts';
import { generateQuestion, questionSeed } from '../core/srs-generators.ts';
import { formatNumber } from '../core/srs-generator-specs.ts';
import type { StudyCard } from '../core/srs-deck.ts';
import type { Rating } from '../core/srs-schedule.ts';

/**
 * The checked parts' styles, adopted by the element's shadow root when this module loads (kept out
 * of srs-quiz.styles.ts so decks of basic cards do not download them).
 */
const styles = css`
  .answer-box {
    flex: 1 1 12em;
    min-height: 44px;
    padding: 0.4em 0.5em;
    border: 1px solid var(--mg-border, #8a857a);
    border-radius: 6px;
    background: transparent;
  }
  .givens {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .verdict {
    border-inline-start: 4px solid var(--mg-border, #8a857a);
    padding-inline-start: 0.6em;
    margin-bottom: 0.75em;
  }
  .verdict.right {
    border-color: #1b7f3b;
  }
  .verdict.wrong {
    border-color: #b3261e;
  }
  .steps {
    margin: 0 0 0.5em;
    padding-inline-start: 1.4em;
  }
  .grades .suggested {
    outline: 3px solid var(--_accent);
    outline-offset: 1px;
  }
  .grades .hint {
    font-size: 0.75em;
  }
`;

/** Adds this module's styles to `root` (once). */
export function adoptStyles(root: ShadowRoot): void {
  const sheet = styles.styleSheet;
  if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** The question a checked card asks this review. */
export interface Question {
  card: StudyCard;
  /** The number (numeric) or the hidden texts (cloze). */
  expected: number | string[];
  tolerance: number;
  unit: string;
  /** A generated question's numbers and worked solution. */
  givens?: string;
  steps?: string[];
  /** Why the card cannot be asked (an inline card naming an unknown generator). */
  error?: string;
}

export type Checked = CheckResult & { suggested: Rating };

/** The question of `card` at its `reviews`-th review. */
export function ask(card: StudyCard, reviews: number): Question {
  const c = card.check!;
  if (c.type === 'cloze') return { card, expected: c.answers, tolerance: c.tolerance, unit: '' };
  if (c.answer !== undefined) return { card, expected: c.answer, tolerance: c.tolerance, unit: c.unit };
  try {
    const q = generateQuestion(c.generator!, c.params, questionSeed(card.key, reviews));
    return {
      card,
      expected: q.answer,
      tolerance: c.tolerance,
      unit: c.unit || q.unit,
      givens: q.givens,
      steps: q.steps,
    };
  } catch (e) {
    return { card, expected: NaN, tolerance: c.tolerance, unit: c.unit, error: (e as Error).message };
  }
}

/** Checks `text` against the question; `ms` is how long after the card was shown it was typed. */
export function check(q: Question, text: string, ms: number): Checked {
  const r = Array.isArray(q.expected)
    ? checkCloze(text, q.expected, q.tolerance)
    : checkNumeric(text, q.expected, q.tolerance, q.unit);
  return { ...r, suggested: suggestGrade(r.correct, ms) };
}

const shown = (q: Question): string =>
  Array.isArray(q.expected) ? q.expected.join('; ') : `${formatNumber(q.expected)}${q.unit ? ` ${q.unit}` : ''}`;

/** Under the front: a generated question's numbers. */
export function renderGivens(q: Question | undefined): TemplateResult | typeof nothing {
  if (q?.error) return html`<p class="error" role="alert">This card cannot be asked: ${q.error}</p>`;
  return q?.givens ? html`<p class="givens">${q.givens}</p>` : nothing;
}

/** The answer box and its Check button (Enter checks). */
export function renderAsk(
  q: Question | undefined,
  typed: string,
  type: (text: string) => void,
  submit: (text: string) => void,
): TemplateResult {
  const hint = Array.isArray(q?.expected) && q.expected.length > 1 ? ' (separate the parts with ";")' : '';
  return html`<label class="label" for="check">Your answer${q?.unit ? ` (${q.unit})` : ''}${hint}: Enter checks</label>
    <div class="row">
      <input
        id="check"
        class="answer-box"
        type="text"
        inputmode=${Array.isArray(q?.expected) ? 'text' : 'decimal'}
        autocomplete="off"
        spellcheck="false"
        .value=${typed}
        ?disabled=${!q || !!q.error}
        @input=${(e: Event) => type((e.target as HTMLInputElement).value)}
      />
      <button type="button" class="check" ?disabled=${!q || !!q.error} @click=${() => submit(typed)}>Check</button>
    </div>`;
}

/** After the check: right or not, what was expected, and the worked solution. */
export function renderVerdict(q: Question | undefined, r: Checked | undefined): TemplateResult | typeof nothing {
  if (!q || q.error) return nothing;
  const tol = q.tolerance ? ` (within ${formatNumber(q.tolerance * 100)}%)` : '';
  return html`<div class="verdict ${r ? (r.correct ? 'right' : 'wrong') : ''}" role="status">
    ${
      r
        ? html`<p>
            <strong>${r.correct ? 'Right.' : 'Not right.'}</strong> You typed
            “${r.given}”${r.problem ? html`: ${r.problem}` : ''}.
          </p>`
        : nothing
    }
    <p>Expected: <strong class="expected">${shown(q)}</strong>${Array.isArray(q.expected) ? '' : tol}</p>
    ${
      q.steps
        ? html`<ol class="steps" aria-label="Worked solution">
            ${q.steps.map((s) => html`<li>${s}</li>`)}
          </ol>`
        : nothing
    }
  </div>`;
}
