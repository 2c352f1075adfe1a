/** SVD in float64 (widgets/core/svd.ts): reconstruction, orthogonality, ordering, degenerate inputs. */
import { describe, expect, it } from 'vitest';
import { svd, reconstruct, type Svd } from '../../../widgets/core/svd.ts';
import type { Matrix } from '../../../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';

function randn(rows: number, cols: number, seed: number): Matrix<Float64Array> {
  const data = new Float64Array(rows * cols);
  fillNormal(createRng(seed), data);
  return { rows, cols, data };
}

function mul(A: Matrix<Float64Array>, B: Matrix<Float64Array>): Matrix<Float64Array> {
  const out = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++)
    for (let p = 0; p < A.cols; p++)
      for (let j = 0; j < B.cols; j++) out[i * B.cols + j]! += A.data[i * A.cols + p]! * B.data[p * B.cols + j]!;
  return { rows: A.rows, cols: B.cols, data: out };
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** max |QᵀQ − I| over the first k columns of Q. */
function orthoError(Q: Matrix<Float64Array>, k = Q.cols): number {
  let e = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let d = 0;
      for (let i = 0; i < Q.rows; i++) d += Q.data[i * Q.cols + a]! * Q.data[i * Q.cols + b]!;
      e = Math.max(e, Math.abs(d - (a === b ? 1 : 0)));
    }
  return e;
}

function expectValid(M: Matrix<Float64Array>, s: Svd, tol = 1e-12) {
  const K = Math.min(M.rows, M.cols);
  expect(s.S.length).toBe(K);
  expect([s.U.rows, s.U.cols, s.V.rows, s.V.cols]).toEqual([M.rows, K, M.cols, K]);
  const scale = Math.max(1, s.S[0] ?? 0);
  const R = reconstruct(s);
  let err = 0;
  for (let i = 0; i < M.data.length; i++) err = Math.max(err, Math.abs(R.data[i]! - M.data[i]!));
  expect(err / scale).toBeLessThan(tol);
  expect(orthoError(s.U)).toBeLessThan(1e-12);
  expect(orthoError(s.V)).toBeLessThan(1e-12);
  for (let i = 1; i < K; i++) expect(s.S[i]!).toBeLessThanOrEqual(s.S[i - 1]!);
  for (const x of s.S) expect(x).toBeGreaterThanOrEqual(0);
}

describe('svd', () => {
  it.each([
    [3, 3],
    [5, 3],
    [3, 5],
    [64, 64],
    [64, 8],
    [8, 64],
    [17, 1],
    [1, 17],
  ])('reconstructs a random %i×%i matrix with orthonormal U, V and sorted σ', (m, n) => {
    const M = randn(m, n, 11 * m + n);
    expectValid(M, svd(M));
  });

  it('matches known singular values: diag(3, −5, 1) has σ = 5, 3, 1', () => {
    const M = { rows: 3, cols: 3, data: Float64Array.from([3, 0, 0, 0, -5, 0, 0, 0, 1]) };
    const s = svd(M);
    expect(Array.from(s.S)).toEqual([5, 3, 1]);
    expectValid(M, s);
    // u₁ = e₂ (positive by the sign convention) and v₁ = −e₂.
    expect(s.U.data[1 * 3 + 0]).toBe(1);
    expect(s.V.data[1 * 3 + 0]).toBe(-1);
  });

  it('matches σ from the eigenvalues of MᵀM for a 2×2', () => {
    // M = [[2, 1], [1, 3]] is symmetric positive definite: σ = eigenvalues (5 ± √5)/2.
    const s = svd({ rows: 2, cols: 2, data: Float64Array.from([2, 1, 1, 3]) });
    expect(s.S[0]).toBeCloseTo((5 + Math.sqrt(5)) / 2, 14);
    expect(s.S[1]).toBeCloseTo((5 - Math.sqrt(5)) / 2, 14);
  });

  it('reads float32 input and computes in float64', () => {
    const M32 = { rows: 4, cols: 3, data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)) };
    const M64 = { rows: 4, cols: 3, data: Float64Array.from(M32.data) };
    const s = svd(M32);
    expect(s.S).toBeInstanceOf(Float64Array);
    expectValid(M64, s);
  });

  it('is deterministic, with a fixed sign convention (largest entry of each uⱼ positive)', () => {
    const M = randn(9, 6, 5);
    const a = svd(M);
    const b = svd(M);
    expect(Array.from(a.U.data)).toEqual(Array.from(b.U.data));
    for (let k = 0; k < a.U.cols; k++) {
      const col = Array.from({ length: a.U.rows }, (_, i) => a.U.data[i * a.U.cols + k]!);
      const big = col.reduce((bi, x, i) => (Math.abs(x) > Math.abs(col[bi]!) ? i : bi), 0);
      expect(col[big]!).toBeGreaterThan(0);
    }
  });

  describe('rank-deficient and degenerate inputs', () => {
    it('the zero matrix: σ = 0, and U, V still orthonormal', () => {
      for (const [m, n] of [
        [3, 3],
        [4, 2],
        [2, 5],
      ] as const) {
        const M = { rows: m, cols: n, data: new Float64Array(m * n) };
        const s = svd(M);
        expect(Array.from(s.S)).toEqual(new Array(Math.min(m, n)).fill(0));
        expectValid(M, s);
      }
    });

    it('a 1×n row and an m×1 column: σ₁ = ‖x‖', () => {
      const x = Float64Array.from([3, 4, 0, 12]);
      for (const M of [
        { rows: 1, cols: 4, data: x },
        { rows: 4, cols: 1, data: x },
      ]) {
        const s = svd(M);
        expect(s.S.length).toBe(1);
        expect(s.S[0]).toBeCloseTo(13, 13);
        expectValid(M, s);
      }
    });

    it('empty shapes give an empty decomposition', () => {
      const s = svd({ rows: 0, cols: 3, data: new Float64Array(0) });
      expect(s.S.length).toBe(0);
      expect([s.U.rows, s.U.cols, s.V.rows, s.V.cols]).toEqual([0, 0, 3, 0]);
    });

    it.each([1, 2, 3, 8])('ΔW = B·A of rank %i (64×48): exactly that many non-zero σ', (r) => {
      const B = randn(64, r, 100 + r);
      const A = randn(r, 48, 200 + r);
      const M = mul(B, A);
      const s = svd(M);
      expectValid(M, s, 1e-13);
      expect(Array.from(s.S).filter((x) => x > 0).length).toBe(r);
      // The first r left singular vectors span col(B): projecting B's columns onto them loses nothing.
      for (let c = 0; c < r; c++) {
        let kept = 0;
        let total = 0;
        for (let k = 0; k < r; k++) {
          let d = 0;
          for (let i = 0; i < 64; i++) d += s.U.data[i * s.U.cols + k]! * B.data[i * r + c]!;
          kept += d * d;
        }
        for (let i = 0; i < 64; i++) total += B.data[i * r + c]! ** 2;
        expect(kept / total).toBeCloseTo(1, 12);
      }
    });

    it('repeated singular values: an orthogonal matrix times 2 has σ = 2, 2, 2, 2', () => {
      // Q from the SVD of a random matrix is orthogonal; 2Q has four equal singular values.
      const Q = svd(randn(4, 4, 3)).U;
      const M = { rows: 4, cols: 4, data: Q.data.map((x) => 2 * x) };
      const s = svd(M);
      for (const x of s.S) expect(x).toBeCloseTo(2, 13);
      expectValid(M, s);
    });

    it('a pair of repeated values inside a spectrum: diag-like 5, 2, 2, 1 under rotations', () => {
      const P = svd(randn(5, 5, 8)).U;
      const Qm = svd(randn(4, 4, 9)).U;
      const D = { rows: 5, cols: 4, data: new Float64Array(20) };
      [5, 2, 2, 1].forEach((v, i) => (D.data[i * 4 + i] = v));
      const M = mul(mul(P, D), { rows: 4, cols: 4, data: transpose(Qm) });
      const s = svd(M);
      [5, 2, 2, 1].forEach((v, i) => expect(s.S[i]).toBeCloseTo(v, 13));
      expectValid(M, s);
    });

    it('tiny and huge scales keep relative accuracy', () => {
      for (const scale of [1e-150, 1e-8, 1e8, 1e150]) {
        const M = randn(6, 4, 21);
        const Ms = { rows: 6, cols: 4, data: M.data.map((x) => x * scale) };
        const a = svd(M);
        const b = svd(Ms);
        for (let i = 0; i < 4; i++) expect(b.S[i]! / scale / a.S[i]!).toBeCloseTo(1, 12);
      }
    });

    it('rejects non-finite entries and wrong lengths with a RangeError', () => {
      expect(() => svd({ rows: 2, cols: 2, data: Float64Array.from([1, NaN, 0, 1]) })).toThrow(RangeError);
      expect(() => svd({ rows: 2, cols: 2, data: Float64Array.from([1, Infinity, 0, 1]) })).toThrow(RangeError);
      expect(() => svd({ rows: 2, cols: 3, data: new Float64Array(5) })).toThrow(RangeError);
    });
  });

  it('agrees with the singular values numpy prints for a fixed matrix', () => {
    // numpy.linalg.svd([[1,2,3],[4,5,6],[7,8,10]], compute_uv=False)
    const s = svd({ rows: 3, cols: 3, data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 10]) });
    expect(maxAbs(s.S.map((x, i) => x - [17.412505166, 0.875161349, 0.196866523][i]!))).toBeLessThan(1e-8);
  });
});

function transpose(M: Matrix<Float64Array>): Float64Array {
  const out = new Float64Array(M.rows * M.cols);
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.cols; j++) out[j * M.rows + i] = M.data[i * M.cols + j]!;
  return out;
}
