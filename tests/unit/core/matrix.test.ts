import { describe, expect, it } from 'vitest';
import {
  add,
  addScaled,
  copy,
  frobenius,
  like,
  matmul,
  matmulTA,
  matmulTB,
  matrix,
  maxAbsDiff,
  scale,
  zeros,
  type FloatArray,
  type Matrix,
} from '../../../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';

function rand(rows: number, cols: number, seed: number, dtype: 'f32' | 'f64' = 'f64'): Matrix<FloatArray> {
  const m = zeros(rows, cols, dtype);
  fillNormal(createRng(seed), m.data);
  return m;
}

/** Naive reference: (op(A)·op(B))[i, j] with explicit indexing. */
function reference(a: Matrix<FloatArray>, b: Matrix<FloatArray>, ta: boolean, tb: boolean): number[][] {
  const at = (i: number, p: number) => (ta ? a.data[p * a.cols + i] : a.data[i * a.cols + p]);
  const bt = (p: number, j: number) => (tb ? b.data[j * b.cols + p] : b.data[p * b.cols + j]);
  const M = ta ? a.cols : a.rows;
  const K = ta ? a.rows : a.cols;
  const N = tb ? b.rows : b.cols;
  const out: number[][] = [];
  for (let i = 0; i < M; i++) {
    out.push([]);
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += at(i, p) * bt(p, j);
      out[i].push(s);
    }
  }
  return out;
}

function transpose(m: Matrix<FloatArray>): Matrix<FloatArray> {
  const t = zeros(m.cols, m.rows, 'f64');
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  return t;
}

function flat(x: number[][]): number[] {
  return x.flat();
}

describe('matrix layout and helpers', () => {
  it('is row-major: M[i, j] = data[i·cols + j]', () => {
    const m = matrix(2, 3, Float32Array.from([1, 2, 3, 4, 5, 6]));
    const b = matrix(3, 1, Float32Array.from([1, 0, 0]));
    expect(Array.from(matmul(m, b).data)).toEqual([1, 4]); // first column
  });

  it('rejects data of the wrong length', () => {
    expect(() => matrix(2, 2, new Float32Array(3))).toThrow(/needs 4 entries/);
  });

  it('zeros, like, copy, add, addScaled, scale, maxAbsDiff, frobenius', () => {
    const a = matrix(2, 2, Float64Array.from([1, -2, 3, 4]));
    const b = matrix(2, 2, Float64Array.from([0.5, 0.5, -1, 2]));
    expect(zeros(2, 3).data).toBeInstanceOf(Float32Array);
    expect(zeros(2, 3, 'f64').data).toBeInstanceOf(Float64Array);
    const l = like(a);
    expect(l.data).toBeInstanceOf(Float64Array);
    expect([l.rows, l.cols]).toEqual([2, 2]);
    expect(Array.from(copy(a).data)).toEqual([1, -2, 3, 4]);
    expect(Array.from(add(a, b).data)).toEqual([1.5, -1.5, 2, 6]);
    expect(Array.from(addScaled(a, b, -2).data)).toEqual([0, -3, 5, 0]);
    expect(Array.from(scale(a, 3).data)).toEqual([3, -6, 9, 12]);
    expect(maxAbsDiff(a, b)).toBe(4);
    expect(frobenius(a)).toBeCloseTo(Math.sqrt(30), 12);
    expect(() => add(a, zeros(2, 3, 'f64'))).toThrow(/differ/);
  });

  it('maxAbsDiff propagates NaN', () => {
    const a = matrix(1, 2, Float32Array.from([0, Number.NaN]));
    expect(maxAbsDiff(a, zeros(1, 2))).toBeNaN();
  });
});

describe('products', () => {
  const a = rand(5, 7, 1);
  const b = rand(7, 3, 2);
  const at = transpose(a);
  const bt = transpose(b);

  it('A·B, Aᵀ·B and A·Bᵀ match a naive reference', () => {
    const cases: [Matrix<FloatArray>, number[]][] = [
      [matmul(a, b), flat(reference(a, b, false, false))],
      [matmulTA(at, b), flat(reference(at, b, true, false))],
      [matmulTB(a, bt), flat(reference(a, bt, false, true))],
    ];
    for (const [got, want] of cases) {
      expect(got.rows * got.cols).toBe(want.length);
      got.data.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    }
  });

  it('writes into dst without allocating a new matrix, with α and accumulate', () => {
    const dst = zeros(5, 3, 'f64');
    const out = matmul(a, b, dst);
    expect(out).toBe(dst);
    const once = Float64Array.from(dst.data);
    matmul(a, b, dst, { alpha: 0.5, accumulate: true });
    dst.data.forEach((v, i) => expect(v).toBeCloseTo(1.5 * once[i], 12));
    matmulTA(at, b, dst, { alpha: -1, accumulate: true });
    dst.data.forEach((v, i) => expect(v).toBeCloseTo(0.5 * once[i], 12));
    matmulTB(a, bt, dst, { alpha: 2 });
    dst.data.forEach((v, i) => expect(v).toBeCloseTo(2 * once[i], 12));
  });

  it('keeps the element type of the first operand and rounds once into float32', () => {
    const a32 = rand(4, 6, 5, 'f32');
    const b32 = rand(6, 2, 6, 'f32');
    const c = matmul(a32, b32);
    expect(c.data).toBeInstanceOf(Float32Array);
    const want = flat(reference(a32, b32, false, false));
    c.data.forEach((v, i) => expect(v).toBe(Math.fround(want[i])));
  });

  it('rejects shapes that do not chain, wrong dst shapes and aliasing', () => {
    expect(() => matmul(a, a)).toThrow(/do not chain/);
    expect(() => matmulTA(a, b)).toThrow(/do not chain/);
    expect(() => matmulTB(a, b)).toThrow(/do not chain/);
    expect(() => matmul(a, b, zeros(3, 5, 'f64'))).toThrow(/dst is 3×5/);
    const sq = rand(3, 3, 9);
    expect(() => matmul(sq, sq, sq)).toThrow(/alias/);
  });
});
