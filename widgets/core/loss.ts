/**
 * Losses over a batch of n rows with m outputs each. Each returns the mean loss (a float64
 * number, accumulated row-major in float64) and, when `dst` is given, writes ∂L/∂output into it.
 */
import type { FloatArray, Matrix } from './matrix.ts';

export type LossKind = 'mse' | 'ce';

/**
 * Mean squared error over all n·m entries (PyTorch's `MSELoss(reduction='mean')`):
 *   L = (1/(n·m))·Σ_ij (ŷ_ij − y_ij)²,   ∂L/∂ŷ_ij = 2·(ŷ_ij − y_ij)/(n·m).
 */
export function mseLoss<T extends FloatArray>(
  pred: Matrix<T>,
  target: Matrix<FloatArray>,
  dst?: Matrix<T> | null,
): number {
  check('mseLoss', pred, target, dst);
  const p = pred.data;
  const y = target.data;
  const inv = 1 / p.length;
  let sum = 0;
  if (dst) {
    const g = dst.data;
    for (let i = 0; i < p.length; i++) {
      const e = p[i] - y[i];
      sum += e * e;
      g[i] = 2 * e * inv;
    }
  } else {
    for (let i = 0; i < p.length; i++) {
      const e = p[i] - y[i];
      sum += e * e;
    }
  }
  return sum * inv;
}

/**
 * Softmax cross-entropy, mean over rows, with target distributions Y (one-hot rows for labels):
 *   pᵢ = softmax(zᵢ),  log p_ic = z_ic − μᵢ − log Σ_c′ exp(z_ic′ − μᵢ)  with μᵢ = max_c z_ic
 *   L = −(1/n)·Σ_i Σ_c y_ic·log p_ic,   ∂L/∂z_ic = (p_ic·Σ_c′ y_ic′ − y_ic)/n
 * Subtracting the row maximum μᵢ keeps every exp ≤ 1 (no overflow for any finite logits).
 */
export function softmaxCrossEntropy<T extends FloatArray>(
  logits: Matrix<T>,
  target: Matrix<FloatArray>,
  dst?: Matrix<T> | null,
): number {
  check('softmaxCrossEntropy', logits, target, dst);
  const n = logits.rows;
  const m = logits.cols;
  const z = logits.data;
  const y = target.data;
  const g = dst ? dst.data : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    let mu = -Infinity;
    for (let c = 0; c < m; c++) if (z[o + c] > mu) mu = z[o + c];
    let se = 0;
    for (let c = 0; c < m; c++) se += Math.exp(z[o + c] - mu);
    const lse = mu + Math.log(se);
    let ysum = 0;
    for (let c = 0; c < m; c++) {
      const yc = y[o + c];
      ysum += yc;
      if (yc !== 0) total -= yc * (z[o + c] - lse);
    }
    if (g) for (let c = 0; c < m; c++) g[o + c] = (Math.exp(z[o + c] - lse) * ysum - y[o + c]) / n;
  }
  return total / n;
}

/** The loss `kind` (dispatch for the trainer). */
export function lossFn<T extends FloatArray>(
  kind: LossKind,
  pred: Matrix<T>,
  target: Matrix<FloatArray>,
  dst?: Matrix<T> | null,
): number {
  return kind === 'mse' ? mseLoss(pred, target, dst) : softmaxCrossEntropy(pred, target, dst);
}

/** Share of rows whose arg-max output equals the arg-max target (first index wins ties). */
export function accuracy(logits: Matrix<FloatArray>, target: Matrix<FloatArray>): number {
  check('accuracy', logits, target, null);
  let hits = 0;
  for (let i = 0; i < logits.rows; i++) {
    if (argmaxRow(logits, i) === argmaxRow(target, i)) hits++;
  }
  return logits.rows === 0 ? 0 : hits / logits.rows;
}

/** Row-wise softmax: dst_ic = exp(z_ic − μᵢ) / Σ_c′ exp(z_ic′ − μᵢ). */
export function softmaxRows<T extends FloatArray>(logits: Matrix<FloatArray>, dst: Matrix<T>): Matrix<T> {
  check('softmaxRows', logits, dst, null);
  const m = logits.cols;
  const z = logits.data;
  const o = dst.data;
  for (let i = 0; i < logits.rows; i++) {
    const r = i * m;
    let mu = -Infinity;
    for (let c = 0; c < m; c++) if (z[r + c] > mu) mu = z[r + c];
    let se = 0;
    for (let c = 0; c < m; c++) se += Math.exp(z[r + c] - mu);
    for (let c = 0; c < m; c++) o[r + c] = Math.exp(z[r + c] - mu) / se;
  }
  return dst;
}

function argmaxRow(m: Matrix<FloatArray>, i: number): number {
  let best = 0;
  const o = i * m.cols;
  for (let c = 1; c < m.cols; c++) if (m.data[o + c] > m.data[o + best]) best = c;
  return best;
}

function check(
  op: string,
  a: Matrix<FloatArray>,
  b: Matrix<FloatArray>,
  dst: Matrix<FloatArray> | null | undefined,
): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: output is ${a.rows}×${a.cols}, target is ${b.rows}×${b.cols}`);
  }
  if (dst && (dst.rows !== a.rows || dst.cols !== a.cols)) {
    throw new RangeError(`${op}: dst is ${dst.rows}×${dst.cols}, expected ${a.rows}×${a.cols}`);
  }
}
