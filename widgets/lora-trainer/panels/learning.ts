/**
 * The learning curves: loss (log scale) with the full fine-tuning reference, validation points,
 * and for classify-2d the decision boundary redrawn as it trains; for overfit, training and
 * validation side by side.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Matrix } from '../../core/matrix.ts';
import type { ScenarioName } from '../../core/scenario-shapes.ts';
import { drawBoundary, drawCurves, fmt, type Palette, type Series } from '../charts.ts';
import { shapeOf } from '../shapes.ts';
import { SIDE_BY_SIDE_MIN, type PaintContext, type PanelContext } from './context.ts';

function lossSummary(x: PanelContext): string {
  const { curve, refCurve } = x.lab;
  const last = (a: readonly number[]) => (a.length ? a[a.length - 1] : Number.NaN);
  const lv = curve.val.length ? curve.val[curve.val.length - 1][1] : Number.NaN;
  return `Loss curve, log scale, over ${curve.losses.length} steps: LoRA ${fmt(last(curve.losses), 3)}${
    refCurve.losses.length
      ? `, full fine-tuning ${fmt(last(refCurve.losses), 3)} after ${refCurve.losses.length} steps`
      : ''
  }${Number.isFinite(lv) ? `, validation ${fmt(lv, 3)}` : ''}.`;
}

export function renderLearning(x: PanelContext): TemplateResult {
  const c = x.settings.config;
  const l = x.lab;
  const legend = html`<ul class="legend" aria-hidden="true">
    <li><span class="key lora"></span>LoRA r = ${c.rank}</li>
    ${l.showRef ? html`<li><span class="key full"></span>full fine-tuning</li>` : nothing}
    ${c.scenario !== 'overfit' ? html`<li><span class="key val"></span>validation</li>` : nothing}
  </ul>`;
  const reference =
    x.settings.controls === 'full'
      ? html`<label class="check small"
          ><input type="checkbox" name="show-ref" .checked=${l.showRef} @change=${x.act.setting} />Full fine-tuning
          reference</label
        >`
      : nothing;
  if (c.scenario === 'overfit') {
    const n = l.curve.val.length;
    return html`<figure class="learning">
      <figcaption>Training and validation loss (log scale) ${legend}</figcaption>
      <div class="pair">
        <div>
          <p class="chart-title">Training (batch) loss</p>
          <canvas part="chart" id="chart-train" role="img" aria-label=${lossSummary(x)}></canvas>
        </div>
        <div>
          <p class="chart-title">Validation loss</p>
          <canvas
            part="chart"
            id="chart-val"
            role="img"
            aria-label=${`Validation loss at ${n} checkpoints: LoRA ${fmt(l.curve.val[n - 1]?.[1] ?? Number.NaN, 3)}${
              l.refCurve.val.length ? `, full fine-tuning ${fmt(l.refCurve.val[l.refCurve.val.length - 1][1], 3)}` : ''
            }.`}
          ></canvas>
        </div>
      </div>
      ${reference}
    </figure>`;
  }
  return html`<figure class="learning">
    <figcaption>Loss (log scale) ${legend}</figcaption>
    <div class=${c.scenario === 'classify-2d' ? 'pair boundary-pair' : ''}>
      <canvas part="chart" id="chart-loss" role="img" aria-label=${lossSummary(x)}></canvas>
      ${
        c.scenario === 'classify-2d'
          ? html`<div class="boundary">
              <canvas
                id="boundary"
                role="img"
                aria-label=${`Decision boundary after ${x.trainer.step} steps: blue circles are class 0, orange squares class 1; the shading is the model's probability of class 1 on a 64 × 64 grid.`}
              ></canvas>
              <p class="chart-title">Decision boundary, redrawn as it trains</p>
            </div>`
          : nothing
      }
    </div>
    ${reference}
  </figure>`;
}

/** Sizes a canvas of the shadow root through CSSOM (no style attribute: embedders' CSP); null if absent. */
export function sized(root: ParentNode, id: string, w: number, h: number): HTMLCanvasElement | null {
  const el = root.querySelector<HTMLCanvasElement>(`#${id}`);
  if (!el) return null;
  el.style.width = `${w}px`;
  el.style.height = `${h}px`;
  return el;
}

/** The chart palette from the element's theme (its private custom properties). */
export function palette(style: CSSStyleDeclaration): Palette {
  const v = (n: string, d: string) => style.getPropertyValue(n).trim() || d;
  return {
    fg: v('--_fg', '#1b1b1f'),
    muted: v('--_muted', '#5b5b66'),
    gridLine: v('--_grid-line', '#d9d9e0'),
    bg: v('--_bg', '#fff'),
  };
}

/** Width available to the charts, px. */
export const innerWidth = (p: PaintContext): number => Math.max(240, p.width - 28);

export function paintLearning(root: ParentNode, p: PaintContext): void {
  const pal = palette(p.style);
  const colour = (n: string, d: string) => p.style.getPropertyValue(n).trim() || d;
  const accent = colour('--_accent', '#0a58ca');
  const refColour = colour('--_ref', '#6b6b76');
  const valColour = colour('--_val', '#c2410c');
  const l = p.lab;
  const c = p.settings.config;
  const inner = innerWidth(p);
  const full = p.settings.controls === 'full' && p.width >= SIDE_BY_SIDE_MIN;
  const chartW = full ? inner - 300 : inner;
  const xMax = Math.max(l.curve.losses.length, l.showRef ? l.refCurve.losses.length : 0, 10);
  const ref: Series[] = l.showRef ? [{ values: l.refCurve.losses, color: refColour, dash: true }] : [];
  if (c.scenario === 'overfit') {
    const half = Math.max(140, Math.floor((chartW - 16) / (chartW > 520 ? 2 : 1)));
    const h = full ? 260 : 200;
    const t = sized(root, 'chart-train', half, h);
    if (t) drawCurves(t, half, h, [...ref, { values: l.curve.losses, color: accent }], pal, { xMax });
    const v = sized(root, 'chart-val', half, h);
    const refVal: Series[] = l.showRef ? [{ points: l.refCurve.val, color: refColour, dash: true }] : [];
    if (v)
      drawCurves(v, half, h, [...refVal, { points: l.curve.val, color: valColour }], pal, {
        xMax,
        empty: 'Validation loss appears as it trains',
      });
    return;
  }
  const withBoundary = c.scenario === 'classify-2d';
  const bSize = withBoundary ? Math.min(220, chartW) : 0;
  const lossW = withBoundary && chartW - bSize > 300 ? chartW - bSize - 40 : chartW;
  const h = full && !withBoundary ? 280 : 220;
  const lc = sized(root, 'chart-loss', lossW, h);
  if (lc)
    drawCurves(
      lc,
      lossW,
      h,
      [...ref, { values: l.curve.losses, color: accent }, { points: l.curve.val, color: valColour }],
      pal,
      { xMax },
    );
  const b = withBoundary ? sized(root, 'boundary', bSize, bSize) : null;
  const grid = shapeOf(c.scenario).boundaryGrid;
  if (b && grid) drawBoundary(b, bSize, l.boundaryProbabilities, grid, p.points, p.dark);
}

/**
 * classify-2d's training points, drawn over the decision boundary: the training pool of the
 * engine's scenario, drawn by the core's own `classifyPoints` from the same base seed (loaded
 * lazily: it came with the engine by then). Calls `loaded` when a new set is ready.
 */
export class TrainingPoints {
  #key = '';
  #data: { X: Matrix; Y: Matrix } | null = null;
  readonly #loaded: () => void;

  constructor(loaded: () => void) {
    this.#loaded = loaded;
  }

  /** The points for this scenario and base seed, or null (other scenarios; not built yet). */
  get(scenario: ScenarioName, baseSeed: number): { X: Matrix; Y: Matrix } | null {
    if (scenario !== 'classify-2d') return null;
    const key = String(baseSeed);
    if (this.#key !== key) {
      this.#key = key;
      this.#data = null;
      void import('../../core/scenarios.ts').then(({ classifyPoints }) => {
        if (this.#key !== key) return;
        this.#data = classifyPoints(baseSeed);
        this.#loaded();
      });
    }
    return this.#data;
  }
}
