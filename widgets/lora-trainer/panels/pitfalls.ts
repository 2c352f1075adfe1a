/** The classic pitfalls as switches, each with the number its experiment measured. */
import { html, nothing, type TemplateResult } from 'lit';
import { fmt } from '../charts.ts';
import type { PitfallResult } from '../lab-common.ts';
import { PITFALL_IDS, type PitfallId } from '../settings.ts';
import { pct, type PanelContext } from './context.ts';

const PITFALL_TITLES: Record<PitfallId, string> = {
  'alpha-merge': 'Merge without α/r',
  'fixed-alpha': 'Keep α fixed while r grows',
  'low-lr': 'Learning rate 10× too low',
  'few-layers': 'Adapt too few layers',
  'sum-factors': "Add two adapters' A's and B's separately",
};

function pitfallText(x: PanelContext, id: PitfallId, r: PitfallResult): TemplateResult {
  const f = r.figures as Record<string, number & string>;
  const num = (v: number, digits = 3) => html`<strong class="num" data-value=${String(v)}>${fmt(v, digits)}</strong>`;
  switch (id) {
    case 'alpha-merge':
      return html`Merging B·A without the scale s = ${fmt(f.scale, 3)} moves the outputs by up to ${num(r.value)}; the
      correct merge by
      ${fmt(f.correct, 2)}.${f.adjustedAlpha ? ` (With α = r, s = 1 and the mistake would be invisible, so this run uses α = ${fmt(f.alpha)}.)` : ''}`;
    case 'fixed-alpha':
      return html`α = ${fmt(x.settings.config.alpha)} fixed: s falls from ${fmt(f.sSmall, 3)} at r = ${f.small} to
        ${fmt(f.sBig, 3)} at r = ${f.big}, the update scaled by ${num(r.value)}. Measured after ${f.steps} steps:
        ‖ΔW‖<sub>F</sub> ${fmt(f.normSmall, 3)} vs ${fmt(f.normBig, 3)} (×${fmt(f.normRatio, 2)}).`;
    case 'low-lr':
      return html`After ${f.steps} steps, validation loss ${fmt(f.val, 3)} at lr ${fmt(f.lr)} but ${fmt(f.lowVal, 3)} at
        lr ${fmt(f.lowLr)}: ${num(r.value, 2)}× higher; ‖ΔW‖<sub>F</sub> ${fmt(f.norm, 3)} vs ${fmt(f.lowNorm, 3)}.`;
    case 'few-layers':
      return html`After ${f.steps} steps, validation loss ${fmt(f.val, 3)} adapting ${f.all}, but ${fmt(f.fewVal, 3)}
      adapting only ${f.one}: ${num(r.value, 2)}× higher.`;
    case 'sum-factors':
      return html`For “${f.first}” and “${f.second}”: ‖(B₁+B₂)(A₁+A₂) − B₁A₁ − B₂A₂‖<sub>F</sub> = ${num(r.value)}, that
        is ${pct(f.relative)} of ‖B₁A₁ + B₂A₂‖<sub>F</sub> = ${fmt(f.exact, 3)}: cross terms nothing trained.
        Concatenating the factors (rank r₁ + r₂) adds the products exactly.`;
  }
}

export function renderPitfalls(x: PanelContext): TemplateResult {
  return html`<ul class="pitfalls">
    ${PITFALL_IDS.map((id) => {
      const on = x.settings.pitfalls.includes(id);
      const r = x.lab.pitfalls.get(id);
      return html`<li data-pitfall=${id}>
        <label class="switch"
          ><input
            type="checkbox"
            role="switch"
            .checked=${on}
            @change=${(e: Event) => x.act.togglePitfall(id, (e.target as HTMLInputElement).checked)}
          /><span>${PITFALL_TITLES[id]}</span></label
        >
        ${
          on
            ? html`<p class="result" aria-live="polite" aria-busy=${r === 'running' ? 'true' : 'false'}>
                ${
                  r === undefined || r === 'running'
                    ? html`<span class="muted">Computing…</span>`
                    : 'error' in r
                      ? html`<span class="warn">${r.error}</span>`
                      : pitfallText(x, id, r)
                }
              </p>`
            : nothing
        }
      </li>`;
    })}
  </ul>`;
}
