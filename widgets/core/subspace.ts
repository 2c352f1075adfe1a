/**
 * Subspaces of a low-rank update, in the lesson's notation.
 *
 * For ΔW ∈ ℝ^{m×n} with thin SVD ΔW = U·diag(σ)·Vᵀ (svd.ts; row-major matrices, columns of U and
 * V are the singular vectors):
 * - the best rank-k approximation is ΔW_k = U_k·diag(σ₁…σ_k)·V_kᵀ (Eckart–Young–Mirsky), and the
 *   share of ‖ΔW‖²_F it keeps is Σ_{i≤k} σᵢ² / Σ_i σᵢ² (`energyShare`);
 * - projecting a vector x onto the top-k left singular directions gives coordinates U_kᵀx and the
 *   vector U_k·U_kᵀx (`projectCoords`, `projectOnto`);
 * - for ΔW = B·A the column space col(B) contains every column of ΔW; when B has full column rank
 *   r, col(ΔW) = col(B) = span(u₁ … u_r).
 *
 * Subspace similarity, LoRA paper §7.2 (Hu et al. 2021, arXiv:2106.09685, Eq. 4): for adapters
 * A₁ (r₁×d) and A₂ (r₂×d) with right-singular matrices U_{A₁} (d×r₁) and U_{A₂} (d×r₂),
 *   φ(A₁, A₂, i, j) = ‖U_{A₁}^{i⊤} U_{A₂}^{j}‖²_F / min(i, j) ∈ [0, 1],
 * where U^{i} is the first i columns: 1 when one top subspace contains the other, 0 when they are
 * orthogonal, about max(i, j)/d for random subspaces.
 *
 * Pure: no DOM, no clock; everything is an argument.
 */
import type { FloatArray, Matrix } from './matrix.ts';
import { svd, reconstruct, type Svd } from './svd.ts';

/** ‖M‖²_F from its singular values: Σ σᵢ². */
export function frobeniusSq(S: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < S.length; i++) s += S[i]! ** 2;
  return s;
}

/**
 * ‖ΔW_k‖²_F / ‖ΔW‖²_F = Σ_{i≤k} σᵢ² / Σ_i σᵢ²: the share of the update's energy held by its top
 * k singular directions. 0 for the zero matrix (there is nothing to hold).
 */
export function energyShare(S: ArrayLike<number>, k: number): number {
  const total = frobeniusSq(S);
  if (total === 0) return 0;
  let kept = 0;
  for (let i = 0; i < Math.min(k, S.length); i++) kept += S[i]! ** 2;
  return Math.min(1, kept / total);
}

/** How many singular values exceed `tol` (default max(shape)·ε·σ₁, as svd() uses). */
export function numericalRank(S: ArrayLike<number>, tol?: number, maxDim = S.length): number {
  const t = tol ?? maxDim * 2.220446049250313e-16 * (S[0] ?? 0);
  let r = 0;
  for (let i = 0; i < S.length; i++) if (S[i]! > t) r++;
  return r;
}

/** ΔW_k = U_k·diag(σ₁…σ_k)·V_kᵀ, the best rank-k approximation (float64). */
export function truncate(s: Svd, k: number): Matrix<Float64Array> {
  return reconstruct(s, k);
}

/** Coordinates U_kᵀx of x ∈ ℝ^m in the first k columns of `basis` (m×K, orthonormal columns). */
export function projectCoords(basis: Matrix<FloatArray>, k: number, x: ArrayLike<number>): Float64Array {
  const { rows: m, cols: K, data } = basis;
  if (x.length !== m) throw new RangeError(`projectCoords: x has ${x.length} entries, the basis ${m} rows`);
  const kk = Math.min(k, K);
  const c = new Float64Array(kk);
  for (let t = 0; t < kk; t++) {
    let d = 0;
    for (let i = 0; i < m; i++) d += data[i * K + t]! * x[i]!;
    c[t] = d;
  }
  return c;
}

/** U_k·U_kᵀx: the orthogonal projection of x onto the span of the first k columns of `basis`. */
export function projectOnto(basis: Matrix<FloatArray>, k: number, x: ArrayLike<number>): Float64Array {
  const { rows: m, cols: K, data } = basis;
  const c = projectCoords(basis, k, x);
  const out = new Float64Array(m);
  for (let t = 0; t < c.length; t++) for (let i = 0; i < m; i++) out[i] = out[i]! + data[i * K + t]! * c[t]!;
  return out;
}

/** What a 3D view of ΔW shows: its top-k singular values (zero-padded to k) and their energy share. */
export interface TopK {
  readonly svd: Svd;
  /** σ₁ … σ_k, zero-padded when min(m, n) < k. */
  readonly sigma: Float64Array;
  /** Σ_{i≤k} σᵢ² / ‖ΔW‖²_F (0 for ΔW = 0). */
  readonly energy: number;
  /** Numerical rank of ΔW (all of it, not only the top k). */
  readonly rank: number;
  /** ‖ΔW‖_F. */
  readonly norm: number;
}

/**
 * Projects ΔW onto its top k singular directions. With inputs x = V_k·c (c on the unit sphere of
 * ℝᵏ), ΔW·x = U_k·diag(σ)·c exactly, so in the bases V_k (inputs) and U_k (outputs) the update is
 * the diagonal map c ↦ diag(σ₁…σ_k)·c, and everything ΔW does outside those directions is the
 * missing 1 − energy.
 */
export function topK(M: Matrix<FloatArray>, k: number): TopK {
  const s = svd(M);
  const sigma = new Float64Array(k);
  sigma.set(s.S.subarray(0, k));
  return {
    svd: s,
    sigma,
    energy: energyShare(s.S, k),
    rank: numericalRank(s.S),
    norm: Math.sqrt(frobeniusSq(s.S)),
  };
}

/**
 * U_A: the right-singular vectors of an adapter's A (r×d), as a d×min(r, d) matrix with
 * orthonormal columns, strongest first. (For ΔW = B·A these span the row space ΔW reads from.)
 */
export function rightSubspace(A: Matrix<FloatArray>): Matrix<Float64Array> {
  return svd(A).V;
}

/**
 * φ(U₁, U₂, i, j) = ‖U₁^{i⊤}U₂^{j}‖²_F / min(i, j) for two matrices with orthonormal columns in
 * the same space (LoRA §7.2, Eq. 4). `i` and `j` count columns from 1.
 */
export function subspaceSimilarity(U1: Matrix<FloatArray>, U2: Matrix<FloatArray>, i: number, j: number): number {
  if (U1.rows !== U2.rows) throw new RangeError(`subspaceSimilarity: ${U1.rows} vs ${U2.rows} rows`);
  if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 1 && j >= 1 && i <= U1.cols && j <= U2.cols)) {
    throw new RangeError(`subspaceSimilarity: i = ${i}, j = ${j} outside 1…${U1.cols}, 1…${U2.cols}`);
  }
  const d = U1.rows;
  let s = 0;
  for (let a = 0; a < i; a++) {
    for (let b = 0; b < j; b++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += U1.data[t * U1.cols + a]! * U2.data[t * U2.cols + b]!;
      s += dot * dot;
    }
  }
  return s / Math.min(i, j);
}

/** φ(i, j) for i = 1…rows and j = 1…cols, row-major: data[(i−1)·cols + (j−1)]. */
export interface SimilarityMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * The §7.2 similarity matrix of two adapters' A matrices (r₁×d and r₂×d, same d):
 * φ(A₁, A₂, i, j) for i ≤ maxI (default r₁) and j ≤ maxJ (default r₂). Computes U_{A₁}ᵀU_{A₂}
 * once and reads every φ from its 2D prefix sums of squares.
 */
export function similarityMatrix(
  A1: Matrix<FloatArray>,
  A2: Matrix<FloatArray>,
  maxI = A1.rows,
  maxJ = A2.rows,
): SimilarityMatrix {
  if (A1.cols !== A2.cols)
    throw new RangeError(`similarityMatrix: A₁ is ${A1.rows}×${A1.cols}, A₂ ${A2.rows}×${A2.cols}`);
  const U1 = rightSubspace(A1);
  const U2 = rightSubspace(A2);
  const I = Math.max(0, Math.min(maxI, U1.cols));
  const J = Math.max(0, Math.min(maxJ, U2.cols));
  const d = U1.rows;
  // P[(a+1)·(J+1) + (b+1)] = Σ_{a'≤a, b'≤b} (u₁_{a'}·u₂_{b'})²
  const P = new Float64Array((I + 1) * (J + 1));
  for (let a = 0; a < I; a++) {
    for (let b = 0; b < J; b++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += U1.data[t * U1.cols + a]! * U2.data[t * U2.cols + b]!;
      P[(a + 1) * (J + 1) + b + 1] =
        dot * dot + P[a * (J + 1) + b + 1]! + P[(a + 1) * (J + 1) + b]! - P[a * (J + 1) + b]!;
    }
  }
  const data = new Float64Array(I * J);
  for (let a = 1; a <= I; a++)
    for (let b = 1; b <= J; b++) data[(a - 1) * J + b - 1] = P[a * (J + 1) + b]! / Math.min(a, b);
  return { rows: I, cols: J, data };
}
