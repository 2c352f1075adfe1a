/**
 * The built-in example the view shows when it is given no matrix and follows no trainer: a
 * frozen 3×3 W and a rank-r update ΔW = B·A (B is 3×r, A is r×3), and a pair of adapters for the
 * §7.2 similarity heatmap. Pure and seeded: the same seed always gives the same pictures.
 */
import type { Matrix } from '../core/matrix.ts';
import { createRng, deriveSeed, fillNormal, uniform, type Rng } from '../core/rng.ts';

/** The frozen base in the 3D picture: a mild stretch and shear, so W·x fills an ellipsoid. */
export const DEMO_W: Matrix<Float64Array> = {
  rows: 3,
  cols: 3,
  data: Float64Array.from([1.15, 0.18, 0, 0.08, 0.92, 0.14, -0.06, 0.1, 1.02]),
};

/** Singular values of the example update, before a ±15% seeded jitter: σ₁ > σ₂ > σ₃, clearly apart. */
const SIGMA = [0.8, 0.55, 0.36] as const;

/** n orthonormal vectors of ℝ^d (Gram–Schmidt on Gaussian draws), as an array of rows. */
function orthonormal(rng: Rng, n: number, d: number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < n) {
    const v = new Float64Array(d);
    fillNormal(rng, v);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += q[i]! * v[i]!;
        for (let i = 0; i < d; i++) v[i] = v[i]! - dot * q[i]!;
      }
    }
    const norm = Math.hypot(...v);
    if (norm < 1e-6) continue;
    out.push(v.map((x) => x / norm));
  }
  return out;
}

export interface DemoUpdate {
  /** 3×r: its columns span col(B), where every displacement ΔW·x lies. */
  readonly B: Matrix<Float64Array>;
  /** r×3. */
  readonly A: Matrix<Float64Array>;
  /** ΔW = B·A (3×3, rank r). */
  readonly deltaW: Matrix<Float64Array>;
}

/**
 * ΔW = B·A of rank `rank` (1–3) for `seed`. B = [σ₁u₁ … σ_r u_r] and A = [v₁ … v_r]ᵀ with
 * orthonormal uᵢ, vᵢ, so ΔW's singular values are exactly σᵢ. The same seed at a higher rank
 * keeps the lower-rank directions and adds one: turning the rank dial adds a direction.
 */
export function demoUpdate(rank: number, seed: number): DemoUpdate {
  const r = Math.min(3, Math.max(1, Math.round(rank)));
  const rng = createRng(deriveSeed(seed, 0x5b));
  const u = orthonormal(rng, 3, 3);
  const v = orthonormal(rng, 3, 3);
  const sigma = SIGMA.map((s) => s * (0.85 + 0.3 * uniform(rng)));
  const B = new Float64Array(3 * r);
  const A = new Float64Array(r * 3);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < 3; i++) {
      B[i * r + k] = sigma[k]! * u[k]![i]!;
      A[k * 3 + i] = v[k]![i]!;
    }
  }
  const dW = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += B[i * r + k]! * A[k * 3 + j]!;
      dW[i * 3 + j] = s;
    }
  return { B: { rows: 3, cols: r, data: B }, A: { rows: r, cols: 3, data: A }, deltaW: { rows: 3, cols: 3, data: dW } };
}

/**
 * Two synthetic adapters' A matrices (r₁×d and r₂×d), made to behave as the LoRA paper reports
 * for learned r = 8 and r = 64 adapters (§7.2): they share one strong direction and two weaker
 * ones; everything else is independent noise. The φ table then shows a strong overlap at
 * i = j = 1 that fades into the random level, about max(i, j)/d.
 */
export function demoAdapters(
  seed: number,
  r1 = 8,
  r2 = 64,
  d = 256,
): { A1: Matrix<Float64Array>; A2: Matrix<Float64Array> } {
  const shared = orthonormal(createRng(deriveSeed(seed, 0xa0)), 3, d);
  const strength = [1, 0.22, 0.15];
  const make = (r: number, stream: number): Matrix<Float64Array> => {
    const rng = createRng(deriveSeed(seed, stream));
    const data = new Float64Array(r * d);
    fillNormal(rng, data, 1 / Math.sqrt(d));
    const c = new Float64Array(r);
    shared.forEach((q, k) => {
      fillNormal(rng, c);
      for (let i = 0; i < r; i++)
        for (let j = 0; j < d; j++) data[i * d + j] = data[i * d + j]! + strength[k]! * c[i]! * q[j]!;
    });
    return { rows: r, cols: d, data };
  };
  return { A1: make(r1, 0xa1), A2: make(r2, 0xa2) };
}

/** n points spread evenly over the unit sphere (Fibonacci lattice), as xyz triples. */
export function spherePoints(n: number): Float64Array {
  const out = new Float64Array(3 * n);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const y = 1 - (2 * (i + 0.5)) / n;
    const rad = Math.sqrt(1 - y * y);
    out[3 * i] = Math.cos(golden * i) * rad;
    out[3 * i + 1] = y;
    out[3 * i + 2] = Math.sin(golden * i) * rad;
  }
  return out;
}
