/**
 * What the 3D view draws, as plain numbers (no three.js, no DOM): built from either the
 * built-in example (a 3×3 W and ΔW = B·A) or any ΔW projected onto its top three singular
 * directions. Vectors are xyz triples in one Float64Array; the renderer only copies them.
 */
import type { Matrix } from '../core/matrix.ts';
import { topK, type TopK } from '../core/subspace.ts';
import { DEMO_W, spherePoints } from './demo.ts';

export interface Picture {
  /** Number of input points. */
  readonly n: number;
  /** Inputs x on the unit sphere (3n). */
  readonly inputs: Float64Array;
  /** Where each input goes without the update: W·x (example) or x itself (a projected ΔW). */
  readonly base: Float64Array;
  /** Where it goes with the update: base + scale·ΔW·x. */
  readonly moved: Float64Array;
  /** Orthonormal basis of col(B) in picture coordinates, 3 numbers per vector. */
  readonly colB: Float64Array;
  /** Dimension of col(B) as drawn: 0 (ΔW = 0), 1 (a line), 2 (a plane), 3 (all of space). */
  readonly colBDim: number;
  /** Singular directions as arrows from the origin, scale·σᵢ·uᵢ, one triple per σᵢ > 0. */
  readonly singular: Float64Array;
  /** Top three singular values of ΔW, zero-padded (true scale, not the drawing scale). */
  readonly sigma: Float64Array;
  /** Share of ‖ΔW‖²_F in the three directions shown. */
  readonly energy: number;
  /** Numerical rank of the whole ΔW. */
  readonly rank: number;
  /** ΔW's shape. */
  readonly rows: number;
  readonly cols: number;
  /** Drawing scale applied to ΔW (1 for the example; 0.9/σ₁ for a projected matrix). */
  readonly scale: number;
  /** True when the picture is a projection of a given ΔW (W is then not drawn). */
  readonly projected: boolean;
}

/** Points on the sphere in every picture. */
const POINTS = 60;

/** The example: frozen W (3×3) and ΔW = B·A of rank r; drawn in output coordinates. */
export function examplePicture(deltaW: Matrix<Float64Array>, n = POINTS): Picture {
  const t = topK(deltaW, 3);
  const inputs = spherePoints(n);
  const base = new Float64Array(3 * n);
  const moved = new Float64Array(3 * n);
  const W = DEMO_W.data;
  const D = deltaW.data;
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < 3; i++) {
      let w = 0;
      let d = 0;
      for (let j = 0; j < 3; j++) {
        w += W[i * 3 + j]! * inputs[3 * p + j]!;
        d += D[i * 3 + j]! * inputs[3 * p + j]!;
      }
      base[3 * p + i] = w;
      moved[3 * p + i] = w + d;
    }
  }
  const U = t.svd.U.data;
  const dim = Math.min(3, t.rank);
  const colB = new Float64Array(3 * dim);
  const singular = new Float64Array(3 * dim);
  for (let k = 0; k < dim; k++)
    for (let i = 0; i < 3; i++) {
      colB[3 * k + i] = U[i * 3 + k]!;
      singular[3 * k + i] = t.sigma[k]! * U[i * 3 + k]!;
    }
  return { n, inputs, base, moved, colB, colBDim: dim, singular, ...stats(t, deltaW), scale: 1, projected: false };
}

/**
 * Any ΔW (m×n), projected onto its top three singular directions: inputs x = V₃·c for c on the
 * unit sphere, and ΔW·x = U₃·diag(σ)·c, drawn in the coordinates (c₁, c₂, c₃) with vᵢ and uᵢ
 * along the same axis. col(ΔW) restricted to those directions is the span of the axes with σᵢ > 0.
 */
export function projectedPicture(deltaW: Matrix<Float32Array | Float64Array>, n = POINTS): Picture {
  const t = topK(deltaW, 3);
  const inputs = spherePoints(n);
  const s1 = t.sigma[0]!;
  const scale = s1 > 0 ? 0.9 / s1 : 1;
  const moved = new Float64Array(3 * n);
  for (let p = 0; p < 3 * n; p++) moved[p] = inputs[p]! * (1 + scale * t.sigma[p % 3]!);
  const dim = Math.min(3, t.rank);
  const colB = new Float64Array(3 * dim);
  const singular = new Float64Array(3 * dim);
  for (let k = 0; k < dim; k++) {
    colB[4 * k] = 1;
    singular[4 * k] = scale * t.sigma[k]!;
  }
  return { n, inputs, base: inputs, moved, colB, colBDim: dim, singular, ...stats(t, deltaW), scale, projected: true };
}

function stats(t: TopK, M: Matrix<Float32Array | Float64Array>) {
  return { sigma: t.sigma, energy: t.energy, rank: t.rank, rows: M.rows, cols: M.cols };
}
