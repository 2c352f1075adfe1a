/**
 * The anatomy of one adapted layer: W₀ + s·B·A = ΔW → W + ΔW as heatmaps, each readable entry
 * by entry with the arrow keys, painted only when what it shows changed.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Matrix } from '../../core/matrix.ts';
import { effectiveScale } from '../../core/pitfalls.ts';
import type { LayerSpec } from '../../core/scenario-shapes.ts';
import type { TensorSnapshot } from '../../engine/types.ts';
import { drawHeatmap, fmt, maxAbs } from '../charts.ts';
import { shapeOf } from '../shapes.ts';
import type { PaintContext, PanelContext } from './context.ts';
import { innerWidth } from './learning.ts';

type Layer = TensorSnapshot['layers'][number];
/** The five heatmaps, by their `data-key`. */
type HeatKey = 'W' | 'B' | 'A' | 'dW' | 'sum';
interface Stats {
  min: number;
  max: number;
  abs: number;
}

const lock = html`<svg class="lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
  <path
    d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5Zm1.5 0h4V5a2 2 0 0 0-4 0v2Z"
    fill="currentColor"
  />
</svg>`;

/**
 * What the anatomy keeps between renders (one per element): each matrix's range, W + ΔW of the
 * shown layer, and what each canvas was last painted with.
 */
export class AnatomyCache {
  readonly #stats = new WeakMap<Matrix, Stats>();
  #sum: { W: Matrix; dW: Matrix; merged: boolean; m: Matrix } | null = null;
  readonly painted = new WeakMap<HTMLCanvasElement, { ident: unknown; sig: string }>();

  stats(m: Matrix): Stats {
    let st = this.#stats.get(m);
    if (!st) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of m.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      st = { min, max, abs: maxAbs(m) };
      this.#stats.set(m, st);
    }
    return st;
  }

  /** W + ΔW of a snapshot layer (W itself while merged: the snapshot's W already holds ΔW). */
  sum(layer: Layer, merged: boolean): Matrix {
    const c = this.#sum;
    if (c && c.W === layer.W && c.dW === layer.deltaW && c.merged === merged) return c.m;
    const m = {
      rows: layer.W.rows,
      cols: layer.W.cols,
      data: layer.W.data.map((w, i) => w + (merged ? 0 : layer.deltaW.data[i])),
    };
    this.#sum = { W: layer.W, dW: layer.deltaW, merged, m };
    return m;
  }
}

/** The adapted layers of the snapshot, and the one shown (the chosen one, else the first). */
function shownLayer(snap: TensorSnapshot | null, targets: readonly string[], chosen: string) {
  const layers = snap?.layers.filter((l) => targets.includes(l.name)) ?? [];
  return { layers, layer: layers.find((l) => l.name === chosen) ?? layers[0] ?? null };
}

const cellText = (label: string, m: Matrix, [i, j]: [number, number]) =>
  `${label}[${i + 1}, ${j + 1}] = ${fmt(m.data[i * m.cols + j], 4)}`;

function onHeatKey(x: PanelContext, key: HeatKey, m: Matrix, label: string, e: KeyboardEvent): void {
  let [i, j] = x.ui.cursors.get(key) ?? [0, 0];
  const moves: Record<string, () => void> = {
    ArrowUp: () => (i = Math.max(0, i - 1)),
    ArrowDown: () => (i = Math.min(m.rows - 1, i + 1)),
    ArrowLeft: () => (j = Math.max(0, j - 1)),
    ArrowRight: () => (j = Math.min(m.cols - 1, j + 1)),
    Home: () => (j = 0),
    End: () => (j = m.cols - 1),
    PageUp: () => (i = Math.max(0, i - 8)),
    PageDown: () => (i = Math.min(m.rows - 1, i + 8)),
  };
  const f = moves[e.key];
  if (!f) return;
  e.preventDefault();
  f();
  x.ui.cursors.set(key, [i, j]);
  x.ui.cellText = cellText(label, m, [i, j]);
  x.act.refresh();
}

function onHeatFocus(x: PanelContext, key: HeatKey, m: Matrix, label: string): void {
  const cursor = x.ui.cursors.get(key) ?? [0, 0];
  x.ui.cursors.set(key, cursor);
  x.ui.cellText = `${cellText(label, m, cursor)} — arrow keys move between entries`;
  x.act.refresh();
}

function heat(
  x: PanelContext,
  cache: AnatomyCache,
  key: HeatKey,
  label: TemplateResult | string,
  plain: string,
  m: Matrix | null,
  note: string,
  locked = false,
): TemplateResult {
  if (!m)
    return html`<figure class="heat empty">
      <div class="placeholder">—</div>
      <figcaption>${label}</figcaption>
    </figure>`;
  const st = cache.stats(m);
  const short = plain.split(' ')[0];
  return html`<figure class="heat ${locked ? 'locked' : ''}">
    <canvas
      part="heatmap"
      data-key=${key}
      tabindex="0"
      role="img"
      aria-label=${`${plain}, ${m.rows}×${m.cols}, ${note}; entries from ${fmt(st.min, 3)} to ${fmt(st.max, 3)}. Arrow keys read single entries.`}
      aria-describedby="cell"
      @keydown=${(e: KeyboardEvent) => onHeatKey(x, key, m, short, e)}
      @focus=${() => onHeatFocus(x, key, m, short)}
    ></canvas>
    <figcaption>
      <span class="name">${locked ? lock : nothing}${label}</span>
      <span class="shape">${m.rows}×${m.cols}</span>
      <span class="muted">${note} · ±${fmt(st.abs, 2)}</span>
    </figcaption>
  </figure>`;
}

/**
 * Before the first snapshot: the same figures at the size they will have, blank (paintAnatomy
 * sizes them from the scenario's shapes), so nothing below moves when the matrices arrive.
 */
function blankHeat(
  key: HeatKey,
  label: TemplateResult | string,
  rows: number,
  cols: number,
  note: string,
  locked = false,
) {
  return html`<figure class="heat ${locked ? 'locked' : ''}">
    <canvas data-key=${key} data-rows=${rows} data-cols=${cols} aria-hidden="true"></canvas>
    <figcaption>
      <span class="name">${locked ? lock : nothing}${label}</span>
      <span class="shape">${rows}×${cols}</span>
      <span class="muted">${note} · ±…</span>
    </figcaption>
  </figure>`;
}

function blankEq(spec: LayerSpec, rank: number, s: number): TemplateResult {
  return html`<div class="eq">
      ${blankHeat('W', html`W<sub>0</sub>`, spec.d, spec.k, 'frozen', true)}
      <span class="op" aria-hidden="true">+</span>
      <span class="op scale" aria-hidden="true">${fmt(s, 3)} ·</span>
      ${blankHeat('B', 'B', spec.d, rank, 'starts at 0')}
      <span class="op" aria-hidden="true">·</span>
      ${blankHeat('A', 'A', rank, spec.k, 'trainable')}
      <span class="op" aria-hidden="true">=</span>
      ${blankHeat('dW', 'ΔW', spec.d, spec.k, `rank ≤ ${rank}`)}
      <span class="op" aria-hidden="true">→</span>
      ${blankHeat('sum', 'W + ΔW', spec.d, spec.k, 'effective weight')}
    </div>
    <p class="cell muted stack">
      <span>The matrices appear when the trainer starts.</span>
      <span class="unset" aria-hidden="true">Focus a matrix to read its entries with the arrow keys.</span>
    </p>`;
}

export function renderAnatomy(x: PanelContext, cache: AnatomyCache): TemplateResult {
  const snap = x.lab.snapshot;
  const c = x.settings.config;
  const { layers, layer } = shownLayer(snap, c.targets, x.ui.layer);
  // Until the first snapshot, the scenario's adapted layers by shape (the same names).
  const specs = shapeOf(c.scenario).layers.filter((l) => c.targets.includes(l.name));
  const names = snap ? layers.map((l) => l.name) : specs.map((l) => l.name);
  const name = layer?.name ?? (!snap && names.includes(x.ui.layer) ? x.ui.layer : c.targets[0]);
  const spec = specs.find((l) => l.name === name);
  const s = layer?.scaling ?? effectiveScale(c.alpha, c.rank, c.rsLora);
  const chooser =
    names.length > 1
      ? html`<label class="inline"
          >Layer
          <select
            .value=${name}
            @change=${(e: Event) => ((x.ui.layer = (e.target as HTMLSelectElement).value), x.act.refresh())}
          >
            ${names.map((n) => html`<option value=${n} ?selected=${n === name}>${n}</option>`)}
          </select></label
        >`
      : nothing;
  const fresh = x.lab.bZeroDiff === 0 && x.trainer.step === 0;
  return html`<div class="anatomy" role="group" aria-labelledby="anat-title">
    <div class="section-head">
      <p class="section-title" id="anat-title">Anatomy of ${name}: h = (W + ΔW)x with ΔW = (α/r)·B·A</p>
      ${chooser}
    </div>
    ${
      snap
        ? html`<div class="eq">
              ${heat(x, cache, 'W', html`W<sub>0</sub>`, 'W frozen base weight', layer?.W ?? null, x.trainer.merged ? 'merged: W₀ + ΔW' : 'frozen', true)}
              <span class="op" aria-hidden="true">+</span>
              <span class="op scale" aria-hidden="true">${fmt(s, 3)} ·</span>
              ${heat(x, cache, 'B', 'B', 'B adapter matrix', layer?.B ?? null, fresh ? 'starts at 0' : 'trainable')}
              <span class="op" aria-hidden="true">·</span>
              ${heat(x, cache, 'A', 'A', 'A adapter matrix', layer?.A ?? null, 'trainable')}
              <span class="op" aria-hidden="true">=</span>
              ${heat(x, cache, 'dW', 'ΔW', 'ΔW the update', layer?.deltaW ?? null, `rank ≤ ${c.rank}`)}
              <span class="op" aria-hidden="true">→</span>
              ${heat(x, cache, 'sum', 'W + ΔW', 'W+ΔW effective weight', layer ? cache.sum(layer, x.trainer.merged) : null, 'effective weight')}
            </div>
            <p class="cell muted" id="cell" aria-live="polite">
              ${x.ui.cellText || 'Focus a matrix to read its entries with the arrow keys.'}
            </p>`
        : spec
          ? blankEq(spec, c.rank, s)
          : html`<p class="muted">The matrices appear when the trainer starts.</p>`
    }
  </div>`;
}

/** Paints the heatmaps: one pixel block per entry, scaled up; sizes keep each matrix's shape. */
export function paintAnatomy(root: ParentNode, p: PaintContext, cache: AnatomyCache): void {
  const c = p.settings.config;
  const { layer } = shownLayer(p.lab.snapshot, c.targets, p.ui.layer);
  const inner = innerWidth(p);
  if (!layer) {
    // The blank figures before the first snapshot: the size the matrices will have.
    const blank = [...root.querySelectorAll<HTMLCanvasElement>('canvas[data-rows]')];
    const dims = (el: HTMLCanvasElement) => [Number(el.dataset['rows']), Number(el.dataset['cols'])] as const;
    const W = blank.find((el) => el.dataset['key'] === 'W');
    if (!W) return;
    const px = heatSize(inner, Math.max(...dims(W)), c.rank);
    for (const canvas of blank) {
      const [rows, cols] = dims(canvas);
      canvas.style.width = `${px(cols)}px`;
      canvas.style.height = `${px(rows)}px`;
    }
    return;
  }
  const matrices: Record<HeatKey, Matrix | null> = {
    W: layer.W,
    B: layer.B,
    A: layer.A,
    dW: layer.deltaW,
    sum: cache.sum(layer, p.trainer.merged),
  };
  const px = heatSize(inner, Math.max(layer.W.rows, layer.W.cols), c.rank);
  for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[data-key]')) {
    const key = canvas.dataset['key'] as HeatKey;
    const m = matrices[key];
    if (!m) continue;
    // Shared colour scales: W with W + ΔW; ΔW on its own (it starts at 0); B and A each on their own.
    const scale = key === 'W' || key === 'sum' ? Math.max(cache.stats(layer.W).abs, 1e-12) : cache.stats(m).abs;
    const cursor = p.focused === canvas ? (p.ui.cursors.get(key) ?? null) : null;
    // Repaint only what changed (a new snapshot, the scheme, the cursor): paints are the costly part.
    // (W is a fresh copy in every snapshot but changes only with merging: its checksum says when.)
    const ident = key === 'W' ? `${p.lab.state?.checksumW ?? null}|${m.rows}×${m.cols}|${layer.name}` : m;
    const last = cache.painted.get(canvas);
    const sig = `${scale}|${p.dark}|${cursor?.join(',') ?? ''}`;
    if (!last || last.ident !== ident || last.sig !== sig) {
      drawHeatmap(canvas, m, scale, p.dark, cursor);
      cache.painted.set(canvas, { ident, sig });
    }
    canvas.style.width = `${px(m.cols)}px`;
    canvas.style.height = `${px(m.rows)}px`;
  }
}

/** A heatmap's side in CSS pixels for n entries, in a panel `inner` wide showing k×k matrices at rank r. */
function heatSize(inner: number, k: number, rank: number): (n: number) => number {
  // Widths in units of a 64-wide matrix: W, ΔW, W + ΔW and A are k wide, B is r wide.
  const oneRow = (inner - 230) / (5 * 64 + (rank * 64) / k);
  // Too narrow for one row: size them for two rows (W + B·A = ΔW, then W + ΔW) instead of shrinking.
  const unit = Math.max(1.25, Math.min(3, oneRow >= 1.8 ? oneRow : (inner - 150) / (3.5 * 64)));
  return (n: number) => Math.max(6, Math.round(n * unit * (64 / k)));
}
