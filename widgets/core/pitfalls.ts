/**
 * Pure arithmetic behind `<lora-trainer>`'s pitfall switches and its four-step story, in the
 * lesson's notation (see lora.ts): W (d×k) frozen, A (r×k), B (d×r), ΔW = s·B·A with
 * s = α/r (rsLoRA: α/√r). Matrices are row-major (matrix.ts). Nothing here trains: the trainer
 * produces the adapters, these functions measure them.
 */
import type { LayerSpec } from './scenario-shapes.ts';
import type { Matrix } from './matrix.ts';

/** Two factors of one layer's adapter: A (r×k) and B (d×r). */
export interface FactorPair {
  readonly A: Matrix;
  readonly B: Matrix;
}

/**
 * The "sum the factors" pitfall for one layer: ‖(B₁+B₂)(A₁+A₂) − B₁A₁ − B₂A₂‖_F, which equals
 * ‖B₁A₂ + B₂A₁‖_F, the cross terms nothing trained. Also returns ‖B₁A₁ + B₂A₂‖_F (the sum
 * of products, what adding two adapters should give) for scale. Bare products, no s: multiply
 * both by s for the update. Accumulates in float64.
 */
export function crossTermError(a: FactorPair, b: FactorPair): { error: number; exact: number } {
  const { A: A1, B: B1 } = a;
  const { A: A2, B: B2 } = b;
  if (A1.rows !== A2.rows || A1.cols !== A2.cols || B1.rows !== B2.rows || B1.cols !== B2.cols || B1.cols !== A1.rows) {
    throw new RangeError(
      `crossTermError: shapes differ (A ${A1.rows}×${A1.cols} vs ${A2.rows}×${A2.cols}, B ${B1.rows}×${B1.cols} vs ${B2.rows}×${B2.cols})`,
    );
  }
  const d = B1.rows;
  const k = A1.cols;
  const r = A1.rows;
  let err = 0;
  let exact = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < k; j++) {
      let cross = 0;
      let prod = 0;
      for (let p = 0; p < r; p++) {
        const b1 = B1.data[i * r + p];
        const b2 = B2.data[i * r + p];
        const a1 = A1.data[p * k + j];
        const a2 = A2.data[p * k + j];
        cross += b1 * a2 + b2 * a1;
        prod += b1 * a1 + b2 * a2;
      }
      err += cross * cross;
      exact += prod * prod;
    }
  }
  return { error: Math.sqrt(err), exact: Math.sqrt(exact) };
}

/** crossTermError over several layers: Frobenius norms of the stacked layers (√Σ per-layer²). */
export function crossTermErrorAll(
  a: { readonly A: Readonly<Record<string, Matrix>>; readonly B: Readonly<Record<string, Matrix>> },
  b: { readonly A: Readonly<Record<string, Matrix>>; readonly B: Readonly<Record<string, Matrix>> },
  layers: readonly string[],
): { error: number; exact: number } {
  let e = 0;
  let x = 0;
  for (const name of layers) {
    const r = crossTermError({ A: a.A[name], B: a.B[name] }, { A: b.A[name], B: b.B[name] });
    e += r.error * r.error;
    x += r.exact * r.exact;
  }
  return { error: Math.sqrt(e), exact: Math.sqrt(x) };
}

/** s = α/r, or α/√r under rsLoRA. */
export function effectiveScale(alpha: number, r: number, rsLora = false): number {
  return rsLora ? alpha / Math.sqrt(r) : alpha / r;
}

/**
 * The α that makes a hand-written merge W + B·A (forgetting s) equal to a correct merge with
 * s = 1: α = r (rsLoRA: √r). Used to build the "merged without α/r" adapter.
 */
export function alphaForUnitScale(r: number, rsLora = false): number {
  return rsLora ? Math.sqrt(r) : r;
}

/**
 * Multiply-adds per input through the linear layers (biases and activations not counted).
 * Merged (or no adapter): Σ d·k over all layers, the base's cost. Unmerged: plus, per adapted
 * layer, r·k for A·x and d·r for B·(A·x).
 */
export function multiplyAdds(
  layers: readonly LayerSpec[],
  targets: readonly string[],
  r: number,
): { merged: number; unmerged: number } {
  let merged = 0;
  let extra = 0;
  for (const l of layers) {
    merged += l.d * l.k;
    if (targets.includes(l.name)) extra += r * (l.k + l.d);
  }
  return { merged, unmerged: merged + extra };
}

/**
 * LoRA parameter counts from layer shapes: trainable Σ over targets of r·(d + k); frozen every W
 * (and b, `withBias`). The one place this formula is written (mlp.ts countParams and
 * peft-cost.ts loraParams count with it).
 */
export function loraParamCounts(
  layers: readonly LayerSpec[],
  targets: readonly string[],
  r: number,
  withBias = true,
): { trainable: number; frozen: number; fraction: number } {
  let trainable = 0;
  let frozen = 0;
  for (const l of layers) {
    frozen += l.d * l.k + (withBias ? l.d : 0);
    if (targets.includes(l.name)) trainable += r * (l.d + l.k);
  }
  return { trainable, frozen, fraction: trainable / (trainable + frozen) };
}

/** ‖M‖_F summed over layers as √Σ‖M_ℓ‖²_F. */
export function stackedFrobenius(ms: readonly Matrix[]): number {
  let s = 0;
  for (const m of ms) for (let i = 0; i < m.data.length; i++) s += m.data[i] * m.data[i];
  return Math.sqrt(s);
}

/** Largest |a − b| over two same-shaped matrices (outputs on the probe batch). */
export function outputMaxDiff(a: Matrix, b: Matrix): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError('outputMaxDiff: shapes differ');
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Math.abs(a.data[i] - b.data[i]);
    if (x > m || Number.isNaN(x)) m = x;
  }
  return m;
}
