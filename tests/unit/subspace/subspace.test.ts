/** Projections, energy share and the LoRA §7.2 subspace similarity (widgets/core/subspace.ts), and the view's demo data. */
import { describe, expect, it } from 'vitest';
import {
  energyShare,
  frobeniusSq,
  numericalRank,
  projectCoords,
  projectOnto,
  rightSubspace,
  similarityMatrix,
  subspaceSimilarity,
  topK,
  truncate,
} from '../../../widgets/core/subspace.ts';
import { svd } from '../../../widgets/core/svd.ts';
import type { Matrix } from '../../../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { DEMO_W, demoAdapters, demoUpdate, spherePoints } from '../../../widgets/subspace-view/demo.ts';

function randn(rows: number, cols: number, seed: number): Matrix<Float64Array> {
  const data = new Float64Array(rows * cols);
  fillNormal(createRng(seed), data);
  return { rows, cols, data };
}
const fro2 = (M: Matrix<Float64Array>) => M.data.reduce((s, x) => s + x * x, 0);
const sub = (A: Matrix<Float64Array>, B: Matrix<Float64Array>) => ({
  rows: A.rows,
  cols: A.cols,
  data: A.data.map((x, i) => x - B.data[i]!),
});

describe('energy and truncation', () => {
  it('‖ΔW_k‖²_F / ‖ΔW‖²_F equals Σ_{i≤k} σᵢ² / Σ σᵢ², and the error is the discarded energy (Eckart–Young)', () => {
    const M = randn(20, 12, 4);
    const s = svd(M);
    expect(frobeniusSq(s.S)).toBeCloseTo(fro2(M), 10);
    for (const k of [0, 1, 3, 12]) {
      const Mk = truncate(s, k);
      expect(energyShare(s.S, k)).toBeCloseTo(fro2(Mk) / fro2(M), 12);
      expect(fro2(sub(M, Mk)) / fro2(M)).toBeCloseTo(1 - energyShare(s.S, k), 12);
    }
    expect(energyShare(s.S, 12)).toBe(1);
    expect(energyShare(s.S, 99)).toBe(1);
  });

  it('is 0 for the zero matrix and 1 at k = rank for a rank-deficient one', () => {
    expect(energyShare(new Float64Array(3), 3)).toBe(0);
    const { deltaW } = demoUpdate(2, 7);
    const t = topK(deltaW, 3);
    expect(t.rank).toBe(2);
    expect(energyShare(t.svd.S, 2)).toBeCloseTo(1, 14);
    expect(t.energy).toBeCloseTo(1, 14);
  });

  it('topK pads σ with zeros when the matrix has fewer than k singular values', () => {
    const t = topK({ rows: 1, cols: 5, data: Float64Array.from([0, 3, 0, 4, 0]) }, 3);
    expect(Array.from(t.sigma)).toEqual([5, 0, 0]);
    expect(t.energy).toBe(1);
    expect(t.norm).toBeCloseTo(5, 14);
    expect(t.rank).toBe(1);
  });

  it('numericalRank counts σ above the tolerance', () => {
    expect(numericalRank([3, 1, 1e-20])).toBe(2);
    expect(numericalRank([3, 1, 0.5], 0.6)).toBe(2);
    expect(numericalRank([0, 0])).toBe(0);
  });
});

describe('projections onto the top-k singular directions', () => {
  it('coordinates U_kᵀx and the projection U_kU_kᵀx: idempotent, orthogonal residual', () => {
    const M = randn(10, 6, 9);
    const { U } = svd(M);
    const x = Float64Array.from({ length: 10 }, (_, i) => Math.cos(i));
    for (const k of [1, 3, 6]) {
      const p = projectOnto(U, k, x);
      const pp = projectOnto(U, k, p);
      for (let i = 0; i < 10; i++) expect(pp[i]).toBeCloseTo(p[i]!, 13);
      const c = projectCoords(
        U,
        k,
        x.map((xi, i) => xi - p[i]!),
      );
      for (const ci of c) expect(Math.abs(ci)).toBeLessThan(1e-13);
      // ‖Px‖ = ‖coords‖
      expect(Math.hypot(...projectCoords(U, k, x))).toBeCloseTo(Math.hypot(...p), 13);
    }
    expect(() => projectCoords(U, 2, [1, 2])).toThrow(RangeError);
  });

  it('ΔW·(V_k c) = U_k·diag(σ)·c: in singular coordinates the update is diagonal', () => {
    const M = randn(7, 5, 12);
    const { U, S, V } = svd(M);
    const c = [0.3, -0.5, 0.8];
    const x = new Float64Array(5);
    for (let j = 0; j < 5; j++) for (let t = 0; t < 3; t++) x[j]! += V.data[j * 5 + t]! * c[t]!;
    const y = new Float64Array(7);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 5; j++) y[i]! += M.data[i * 5 + j]! * x[j]!;
    const coords = projectCoords(U, 3, y);
    for (let t = 0; t < 3; t++) expect(coords[t]).toBeCloseTo(S[t]! * c[t]!, 12);
  });
});

describe('subspace similarity φ (LoRA §7.2, Eq. 4)', () => {
  const U = svd(randn(30, 8, 1)).U;
  it('is 1 for a subspace with itself, for nested top subspaces, and unchanged by sign flips', () => {
    for (const [i, j] of [
      [1, 1],
      [3, 3],
      [2, 8],
      [8, 5],
    ] as const)
      expect(subspaceSimilarity(U, U, i, j)).toBeCloseTo(1, 13);
    const flipped = { ...U, data: U.data.map((x) => -x) };
    expect(subspaceSimilarity(U, flipped, 4, 4)).toBeCloseTo(1, 13);
  });

  it('is 0 for orthogonal subspaces and symmetric in its arguments', () => {
    const Q = svd(randn(30, 30, 2)).U;
    const first = { rows: 30, cols: 4, data: new Float64Array(120) };
    const last = { rows: 30, cols: 4, data: new Float64Array(120) };
    for (let i = 0; i < 30; i++)
      for (let k = 0; k < 4; k++) {
        first.data[i * 4 + k] = Q.data[i * 30 + k]!;
        last.data[i * 4 + k] = Q.data[i * 30 + 26 + k]!;
      }
    expect(subspaceSimilarity(first, last, 4, 4)).toBeLessThan(1e-28);
    const V = svd(randn(30, 6, 3)).U;
    expect(subspaceSimilarity(U, V, 3, 5)).toBeCloseTo(subspaceSimilarity(V, U, 5, 3), 14);
  });

  it('lies in [0, 1] and is about max(i, j)/d for random subspaces', () => {
    const d = 400;
    const A = rightSubspace(randn(8, d, 5));
    const B = rightSubspace(randn(64, d, 6));
    for (const [i, j] of [
      [1, 1],
      [8, 8],
      [8, 64],
    ] as const) {
      const phi = subspaceSimilarity(A, B, i, j);
      expect(phi).toBeGreaterThanOrEqual(0);
      expect(phi).toBeLessThanOrEqual(1);
      expect(phi).toBeLessThan((4 * Math.max(i, j)) / d + 0.02);
    }
  });

  it('rejects out-of-range i, j and mismatched dimensions', () => {
    expect(() => subspaceSimilarity(U, U, 0, 1)).toThrow(RangeError);
    expect(() => subspaceSimilarity(U, U, 1, 9)).toThrow(RangeError);
    expect(() => subspaceSimilarity(U, svd(randn(5, 2, 1)).U, 1, 1)).toThrow(RangeError);
    expect(() => similarityMatrix(randn(2, 5, 1), randn(2, 6, 1))).toThrow(RangeError);
  });

  it('similarityMatrix equals φ computed cell by cell', () => {
    const A1 = randn(4, 20, 7);
    const A2 = randn(6, 20, 8);
    const g = similarityMatrix(A1, A2);
    expect([g.rows, g.cols]).toEqual([4, 6]);
    const U1 = rightSubspace(A1);
    const U2 = rightSubspace(A2);
    for (let i = 1; i <= 4; i++)
      for (let j = 1; j <= 6; j++)
        expect(g.data[(i - 1) * 6 + j - 1]).toBeCloseTo(subspaceSimilarity(U1, U2, i, j), 13);
    const small = similarityMatrix(A1, A2, 2, 3);
    expect([small.rows, small.cols]).toEqual([2, 3]);
  });
});

describe('demo data', () => {
  it.each([1, 2, 3])('demoUpdate(%i): ΔW = B·A has exactly that rank and col(ΔW) = col(B)', (r) => {
    const { B, A, deltaW } = demoUpdate(r, 1);
    expect([B.rows, B.cols, A.rows, A.cols]).toEqual([3, r, r, 3]);
    const t = topK(deltaW, 3);
    expect(t.rank).toBe(r);
    // every column of B lies in span(u₁ … u_r)
    for (let c = 0; c < r; c++) {
      const b = Array.from({ length: 3 }, (_, i) => B.data[i * r + c]!);
      const p = projectOnto(t.svd.U, r, b);
      for (let i = 0; i < 3; i++) expect(p[i]).toBeCloseTo(b[i]!, 13);
    }
  });

  it('raising the rank keeps the lower-rank directions', () => {
    const one = demoUpdate(1, 4);
    const two = demoUpdate(2, 4);
    for (let i = 0; i < 3; i++) expect(two.B.data[i * 2]).toBe(one.B.data[i]);
    expect(DEMO_W.data.length).toBe(9);
  });

  it('demoAdapters share a strong top direction (φ(1,1) > 0.5) and fade toward the random level', () => {
    for (const seed of [1, 2, 3]) {
      const { A1, A2 } = demoAdapters(seed);
      const g = similarityMatrix(A1, A2);
      expect([g.rows, g.cols]).toEqual([8, 64]);
      expect(g.data[0]).toBeGreaterThan(0.5);
      expect(g.data[7 * 64 + 7]).toBeLessThan(0.4);
    }
  });

  it('spherePoints are unit vectors', () => {
    const p = spherePoints(50);
    for (let i = 0; i < 50; i++) expect(Math.hypot(p[3 * i]!, p[3 * i + 1]!, p[3 * i + 2]!)).toBeCloseTo(1, 14);
  });
});
