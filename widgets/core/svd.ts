/**
 * Singular value decomposition in float64, for any m×n matrix.
 *
 * M = U·diag(σ)·Vᵀ with K = min(m, n): U is m×K and V is n×K, both with orthonormal columns,
 * and σ₁ ≥ σ₂ ≥ … ≥ σ_K ≥ 0 (the "thin" SVD; numpy's `svd(M, full_matrices=False)`).
 * Matrices are row-major `{rows, cols, data}` as everywhere in `widgets/core` (see matrix.ts):
 * U[i, j] = U.data[i·K + j], so the j-th left singular vector uⱼ is column j of U.
 *
 * Method: one-sided Jacobi (Hestenes 1958; Demmel & Veselić 1992, "Jacobi's method is more
 * accurate than QR"). Plane rotations are applied to pairs of columns of M (of Mᵀ when m < n)
 * until every pair is orthogonal to working precision; the column norms are then the singular
 * values, the normalised columns the left singular vectors, and the product of the rotations V.
 * Small singular values come out with high relative accuracy, which the view relies on when it
 * counts the rank of ΔW = B·A.
 *
 * Conventions, so that results are reproducible and comparable:
 * - σ below `tolerance` (default max(m, n)·ε·σ₁, the usual numerical-rank threshold) are set to
 *   exactly 0, and their uⱼ are completed to an orthonormal basis (Gram–Schmidt against the
 *   standard basis), so U always has orthonormal columns, even for the zero matrix.
 * - Signs: each pair (uⱼ, vⱼ) is flipped so that the entry of largest magnitude in uⱼ
 *   (the first one on ties) is positive.
 * - Equal singular values: any orthonormal basis of their subspace is valid; callers compare
 *   subspaces (see subspace.ts), never individual vectors.
 */
import type { FloatArray, Matrix } from './matrix.ts';

export interface Svd {
  /** m×K, orthonormal columns: the left singular vectors u₁ … u_K. */
  readonly U: Matrix<Float64Array>;
  /** K singular values, largest first. */
  readonly S: Float64Array;
  /** n×K, orthonormal columns: the right singular vectors v₁ … v_K. */
  readonly V: Matrix<Float64Array>;
}

export interface SvdOptions {
  /** Singular values at or below this are reported as exactly 0. Default max(m, n)·ε·σ₁. */
  readonly tolerance?: number;
  /** Upper bound on Jacobi sweeps (default 60; 64×64 matrices converge in about 8). */
  readonly maxSweeps?: number;
}

const EPS = 2.220446049250313e-16;

/** Thin SVD of `M` (any shape, float32 or float64 entries), computed in float64. */
export function svd(M: Matrix<FloatArray>, options: SvdOptions = {}): Svd {
  const { rows: m, cols: n, data } = M;
  if (data.length !== m * n) throw new RangeError(`svd: ${m}×${n} needs ${m * n} entries, got ${data.length}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new RangeError(`svd: entry ${i} is not finite (${data[i]})`);
  }
  // Work on the tall orientation: p ≥ q columns of length p.
  const tall = m >= n;
  const p = tall ? m : n;
  const q = tall ? n : m;
  // G holds the q columns of the tall matrix, column-major (column j at j·p).
  const G = new Float64Array(p * q);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const x = data[i * n + j]!;
      if (tall) G[j * p + i] = x;
      else G[i * p + j] = x;
    }
  }
  // R accumulates the rotations (q×q, column-major), starting from the identity.
  const R = new Float64Array(q * q);
  for (let j = 0; j < q; j++) R[j * q + j] = 1;

  const maxSweeps = options.maxSweeps ?? 60;
  // A pair counts as orthogonal once |gᵃ·gᵇ| ≤ √p·ε·‖gᵃ‖‖gᵇ‖ (the rounding level of the dot product).
  const orth = Math.sqrt(p) * EPS;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let a = 0; a < q - 1; a++) {
      for (let b = a + 1; b < q; b++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const oa = a * p;
        const ob = b * p;
        for (let i = 0; i < p; i++) {
          const x = G[oa + i]!;
          const y = G[ob + i]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= orth * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < p; i++) {
          const x = G[oa + i]!;
          const y = G[ob + i]!;
          G[oa + i] = c * x - s * y;
          G[ob + i] = s * x + c * y;
        }
        const ra = a * q;
        const rb = b * q;
        for (let i = 0; i < q; i++) {
          const x = R[ra + i]!;
          const y = R[rb + i]!;
          R[ra + i] = c * x - s * y;
          R[rb + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }

  // Column norms are the singular values; sort them, largest first (stable on ties).
  const norms = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += G[j * p + i]! ** 2;
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: q }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]! || x - y);
  const sigma1 = q > 0 ? norms[order[0]!]! : 0;
  const tol = options.tolerance ?? Math.max(m, n) * EPS * sigma1;

  const S = new Float64Array(q);
  // Left vectors of the tall matrix (p×q, column-major) and right ones (q×q, column-major).
  const L = new Float64Array(p * q);
  const Rt = new Float64Array(q * q);
  let rank = 0;
  for (let k = 0; k < q; k++) {
    const j = order[k]!;
    const sj = norms[j]!;
    Rt.set(R.subarray(j * q, j * q + q), k * q);
    if (sj > tol && sj > 0) {
      S[k] = sj;
      for (let i = 0; i < p; i++) L[k * p + i] = G[j * p + i]! / sj;
      rank = k + 1;
    }
  }
  completeBasis(L, p, rank, q);

  // Back to row-major U (m×q) and V (n×q); for a wide M the roles of L and R swap.
  const U = new Float64Array(m * q);
  const V = new Float64Array(n * q);
  for (let k = 0; k < q; k++) {
    for (let i = 0; i < p; i++) (tall ? U : V)[i * q + k] = L[k * p + i]!;
    for (let i = 0; i < q; i++) (tall ? V : U)[i * q + k] = Rt[k * q + i]!;
  }
  // Sign convention: the largest-magnitude entry of each left vector is positive.
  for (let k = 0; k < q; k++) {
    let big = 0;
    for (let i = 1; i < m; i++) if (Math.abs(U[i * q + k]!) > Math.abs(U[big * q + k]!)) big = i;
    if (U[big * q + k]! >= 0) continue;
    for (let i = 0; i < m; i++) U[i * q + k] = -U[i * q + k]!;
    for (let i = 0; i < n; i++) V[i * q + k] = -V[i * q + k]!;
  }
  return { U: { rows: m, cols: q, data: U }, S, V: { rows: n, cols: q, data: V } };
}

/**
 * Completes columns `from … count−1` of the column-major p×count array `Q` (whose first `from`
 * columns are orthonormal) to an orthonormal set, trying the standard basis vectors e₀, e₁, …
 * in turn with two passes of Gram–Schmidt each.
 */
function completeBasis(Q: Float64Array, p: number, from: number, count: number): void {
  let e = 0;
  const v = new Float64Array(p);
  for (let k = from; k < count; k++) {
    for (; e < p; e++) {
      v.fill(0);
      v[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < k; j++) {
          let d = 0;
          for (let i = 0; i < p; i++) d += Q[j * p + i]! * v[i]!;
          for (let i = 0; i < p; i++) v[i] = v[i]! - d * Q[j * p + i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < p; i++) norm += v[i]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 0.5) {
        for (let i = 0; i < p; i++) Q[k * p + i] = v[i]! / norm;
        e++;
        break;
      }
    }
  }
}

/** U·diag(σ)·Vᵀ (float64): the matrix an SVD describes, for checks and truncations. */
export function reconstruct({ U, S, V }: Svd, k = S.length): Matrix<Float64Array> {
  const m = U.rows;
  const n = V.rows;
  const K = S.length;
  const out = new Float64Array(m * n);
  for (let t = 0; t < Math.min(k, K); t++) {
    const s = S[t]!;
    if (s === 0) continue;
    for (let i = 0; i < m; i++) {
      const ui = U.data[i * K + t]! * s;
      if (ui === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + ui * V.data[j * K + t]!;
    }
  }
  return { rows: m, cols: n, data: out };
}
