/** The one-click rank sweep: a fresh adapter per rank, their curves and last losses. */
import { html, nothing, type TemplateResult } from 'lit';
import { loraParamCounts } from '../../core/pitfalls.ts';
import { drawCurves, fmt } from '../charts.ts';
import { SWEEP_RANKS, SWEEP_STEPS } from '../lab-common.ts';
import { rankCap, shapeOf } from '../shapes.ts';
import { count, type PaintContext, type PanelContext } from './context.ts';
import { innerWidth, palette, sized } from './learning.ts';

const SWEEP_COLOURS = ['#c2410c', '#a16207', '#15803d', '#0369a1', '#7e22ce'];
const colourOf = (i: number) => SWEEP_COLOURS[i % SWEEP_COLOURS.length];

export function renderSweep(x: PanelContext): TemplateResult {
  const c = x.settings.config;
  const cap = rankCap(c.scenario, c.targets);
  const ranks = SWEEP_RANKS.filter((r) => r <= cap);
  const runs = x.lab.sweep;
  const layers = shapeOf(c.scenario).layers;
  const last = (losses: readonly number[]) => fmt(losses[losses.length - 1] ?? Number.NaN, 3);
  return html`<div class="sweep">
    <p>
      Trains a fresh adapter for each rank r = ${ranks.join(', ')} (${SWEEP_STEPS} steps, every other setting as above,
      seed ${c.seed}).
      ${
        c.scenario !== 'classify-2d'
          ? html`The teacher’s update has rank ${c.trueRank}: the curves stop improving once r reaches it.`
          : nothing
      }
    </p>
    ${
      x.lab.sweepRunning
        ? html`<button type="button" @click=${() => x.act.cancelSweep()}>Stop the sweep</button>`
        : html`<button type="button" class="primary" @click=${() => x.act.rankSweep()}>Run the rank sweep</button>`
    }
    <ul class="legend" aria-hidden="true">
      ${runs.map((r, i) => html`<li><span class="key" data-colour=${colourOf(i)}></span>r = ${r.rank}</li>`)}
    </ul>
    <canvas
      part="chart"
      id="chart-sweep"
      role="img"
      aria-label=${runs.length ? `Rank sweep, loss on a log scale: ${runs.map((r) => `r = ${r.rank}: ${last(r.losses)}`).join('; ')}.` : 'Rank sweep: not run yet.'}
    ></canvas>
    ${
      runs.length
        ? html`<table class="compact">
            <caption>
              Loss at the last step trained, by rank
            </caption>
            <thead>
              <tr>
                <th scope="col">Rank r</th>
                <th scope="col">Steps</th>
                <th scope="col">Loss</th>
                <th scope="col">Trainable parameters</th>
              </tr>
            </thead>
            <tbody>
              ${runs.map(
                (r) =>
                  html`<tr>
                    <th scope="row">${r.rank}</th>
                    <td>${r.losses.length}</td>
                    <td>${last(r.losses)}</td>
                    <td>${count(loraParamCounts(layers, c.targets, r.rank).trainable)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : nothing
    }
  </div>`;
}

export function paintSweep(root: ParentNode, p: PaintContext): void {
  const w = Math.min(innerWidth(p) - 24, 640);
  const canvas = sized(root, 'chart-sweep', w, 220);
  if (canvas)
    drawCurves(
      canvas,
      w,
      220,
      p.lab.sweep.map((r, i) => ({ values: r.losses, color: colourOf(i) })),
      palette(p.style),
      { xMax: SWEEP_STEPS, empty: 'Run the sweep to compare ranks' },
    );
  // Legend swatches through CSSOM (embedders' CSP allows no style attribute).
  for (const key of root.querySelectorAll<HTMLElement>('.legend .key[data-colour]'))
    key.style.background = key.dataset['colour']!;
}
