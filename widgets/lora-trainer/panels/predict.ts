/**
 * Predict, then run: each question the `predict` attribute asks, as a radio group or a number box
 * (Enter commits), then what the run computed beside what was predicted.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { MERGE_BANDS, TAIL_STEPS, labelOf, type Prediction } from '../../core/predictions.ts';
import { fmt } from '../charts.ts';
import type { PredictionState, PredictView } from '../predict-state.ts';
import { count, pct } from './context.ts';

/** Enter in any of the form's inputs commits (radios do not submit a form by themselves). */
function enterCommits(e: KeyboardEvent): void {
  if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement)) return;
  e.preventDefault();
  (e.currentTarget as HTMLFormElement).requestSubmit();
}

const shown = (p: Prediction, v: number | string) =>
  p.kind === 'numeric' && typeof v === 'number' ? (Number.isInteger(v) ? count(v) : fmt(v, 3)) : labelOf(p, v);

/** The numbers behind the answer, in a sentence. */
function figures(p: Prediction, o: NonNullable<PredictionState['outcome']>): TemplateResult {
  const f = o.figures;
  switch (p.measure) {
    case 'rank-reaches-full': {
      const ranks = p.choices.filter((c) => typeof c.value === 'number').map((c) => c.value as number);
      return html`Loss at the end (mean of the last ${TAIL_STEPS} of ${p.steps} steps): full fine-tuning
      ${fmt(f['full'] ?? Number.NaN, 3)};
      ${ranks.map((r, i) => html`${i ? ', ' : ''}r = ${r}: ${fmt(f[`r${r}`] ?? Number.NaN, 3)}`)}. The Rank sweep tab
      shows the curves.`;
    }
    case 'merge-output-change':
      return html`Largest change of any output on the probe inputs: ${fmt(f['maxAbsDiff'] ?? Number.NaN, 3)}
      (${MERGE_BANDS.find((b) => b.value === o.actual)?.label.toLowerCase()}).`;
    case 'high-rank-lower-val':
      return html`Validation loss after ${p.steps} steps on ${p.trainSize} examples: r = ${p.ranks[0]}:
      ${fmt(f['valLow'] ?? Number.NaN, 3)}, r = ${p.ranks[1]}: ${fmt(f['valHigh'] ?? Number.NaN, 3)}.`;
    case 'final-loss':
      return html`Loss of step ${p.steps}: ${fmt(f['loss'] ?? Number.NaN, 4)}; a prediction within ${pct(p.tolerance)}
      of it counts as right.`;
    case 'trainable-params':
      return html`The engine trains ${count(f['trainable'] ?? 0)} numbers:
      ${p.tolerance > 0 ? html`within ${pct(p.tolerance)} counts as right` : 'only the exact count is right'}.`;
  }
}

function renderOutcome(v: PredictView, p: Prediction, s: Readonly<PredictionState>): TemplateResult {
  const o = s.outcome!;
  return html`<p class="verdict" data-outcome=${o.correct ? 'right' : 'wrong'}>
      <strong class=${o.correct ? 'ok' : 'warn'}>${o.correct ? 'Right.' : 'Not this time.'}</strong>
      You predicted <strong>${shown(p, o.predicted)}</strong>; the run gave
      <strong data-actual>${shown(p, o.actual)}</strong>.
    </p>
    <p class="muted">${figures(p, o)}</p>
    ${s.logged ? html`<p class="muted" data-logged>${s.logged}</p>` : nothing}
    <button type="button" class="again" @click=${() => v.again(p.id)}>Predict again</button>`;
}

function renderInput(v: PredictView, p: Prediction, s: Readonly<PredictionState>, i: number): TemplateResult {
  if (p.kind === 'numeric')
    return html`<label class="inline"
      >Your prediction
      <input
        type="text"
        inputmode="decimal"
        autocomplete="off"
        id=${`predict-input-${i}`}
        .value=${s.given}
        @input=${(e: Event) => v.answer(p.id, (e.target as HTMLInputElement).value)}
    /></label>`;
  return html`<div class="choices">
    ${p.choices.map(
      (c) =>
        html`<label
          ><input
            type="radio"
            name=${`predict-${i}`}
            value=${String(c.value)}
            .checked=${s.given === String(c.value)}
            @change=${() => v.answer(p.id, String(c.value))}
          />
          ${c.label}</label
        >`,
    )}
  </div>`;
}

function renderOne(v: PredictView, p: Prediction, i: number): TemplateResult {
  const s = v.state(p.id);
  const open = s.status === 'open';
  const commit = (e: SubmitEvent) => (e.preventDefault(), v.commit(p.id));
  return html`<section class="predict" data-predict=${p.id} aria-labelledby=${`predict-q-${i}`}>
    <form @submit=${commit} @keydown=${enterCommits}>
      <fieldset ?disabled=${!open}>
        <legend id=${`predict-q-${i}`}><span class="kicker">Predict, then run</span> ${p.question}</legend>
        ${renderInput(v, p, s, i)}
      </fieldset>
      ${open ? html`<button type="submit" class="primary">Commit and run</button>` : nothing}
    </form>
    <div role="status" class="predict-result">
      ${s.message ? html`<p class=${s.status === 'failed' || open ? 'warn' : 'muted'}>${s.message}</p>` : nothing}
      ${s.status === 'done' ? renderOutcome(v, p, s) : nothing}
      ${s.status === 'failed' ? html`<button type="button" class="again" @click=${() => v.again(p.id)}>Try again</button>` : nothing}
    </div>
  </section>`;
}

/** Every prediction the element asks (nothing when it asks none). */
export function renderPredictions(v: PredictView): TemplateResult | typeof nothing {
  if (!v.predictions.length) return nothing;
  return html`<div class="predictions" part="predict">${v.predictions.map((p, i) => renderOne(v, p, i))}</div>`;
}
