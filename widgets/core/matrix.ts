/**
 * Dense matrices for the LoRA training core.
 *
 * Layout (the one layout used everywhere in `widgets/core` and mirrored by the GPU backend):
 * a matrix M with `rows` × `cols` entries is stored ROW-MAJOR in `data`, so
 * M[i, j] = data[i·cols + j]. A batch of n examples x ∈ ℝ^k is an n×k matrix with one
 * example per row.
 *
 * Element type: `Float32Array` for training (what the GPU computes in) or `Float64Array`
 * (for finite-difference gradient checks, running the very same code). Functions are generic
 * over both; a result allocated by a function has the element type of its first operand.
 *
 * Products accumulate each output entry in a JavaScript number (float64) over p = 0, 1, …, K−1
 * in that order, then round once into `dst`, so results are deterministic and bit-identical on
 * every engine. Every hot function takes an optional `dst` and allocates nothing when given one.
 */

export type FloatArray = Float32Array | Float64Array;

/** A row-major `rows`×`cols` matrix. `data.length` is exactly `rows·cols`. */
export interface Matrix<T extends FloatArray = Float32Array> {
  readonly rows: number;
  readonly cols: number;
  readonly data: T;
}

/** Element type tag. */
export type DType = 'f32' | 'f64';

/** Options for the three products: dst ← α·(product) + (accumulate ? dst : 0). */
export interface GemmOptions {
  /** Scalar α multiplying the product (default 1). */
  readonly alpha?: number;
  /** Add into `dst` instead of overwriting it (default false). */
  readonly accumulate?: boolean;
}

/** A new zero-filled array of `n` elements with the element type of `like`. */
export function allocLike<T extends FloatArray>(like: T, n: number): T {
  return (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as T;
}

/** A new zero-filled array of `n` elements of the given type. */
function allocArray(dtype: 'f64', n: number): Float64Array;
function allocArray(dtype: 'f32', n: number): Float32Array;
function allocArray(dtype: DType, n: number): FloatArray;
function allocArray(dtype: DType, n: number): FloatArray {
  return dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

/** Wraps existing data as a matrix (no copy); throws when the length does not match. */
export function matrix<T extends FloatArray>(rows: number, cols: number, data: T): Matrix<T> {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`matrix: bad shape ${rows}×${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix: ${rows}×${cols} needs ${rows * cols} entries, got ${data.length}`);
  }
  return { rows, cols, data };
}

/** A new `rows`×`cols` zero matrix (float32 unless `dtype` is 'f64'). */
export function zeros(rows: number, cols: number, dtype?: 'f32'): Matrix<Float32Array>;
export function zeros(rows: number, cols: number, dtype: 'f64'): Matrix<Float64Array>;
export function zeros(rows: number, cols: number, dtype: DType): Matrix<FloatArray>;
export function zeros(rows: number, cols: number, dtype: DType = 'f32'): Matrix<FloatArray> {
  return matrix(rows, cols, allocArray(dtype, rows * cols));
}

/** A new zero matrix with the shape and element type of `m`. */
export function like<T extends FloatArray>(m: Matrix<T>): Matrix<T> {
  return { rows: m.rows, cols: m.cols, data: allocLike(m.data, m.rows * m.cols) };
}

/** dst ← src (same shape; element types may differ). Returns dst (a new matrix when omitted). */
export function copy<T extends FloatArray>(src: Matrix<T>, dst?: Matrix<T>): Matrix<T>;
export function copy<T extends FloatArray>(src: Matrix<FloatArray>, dst: Matrix<T>): Matrix<T>;
export function copy(src: Matrix<FloatArray>, dst?: Matrix<FloatArray>): Matrix<FloatArray> {
  const out = dst ?? like(src);
  sameShape('copy', src, out);
  out.data.set(src.data);
  return out;
}

/** dst ← a + b. */
export function add<T extends FloatArray>(a: Matrix<T>, b: Matrix<FloatArray>, dst?: Matrix<T>): Matrix<T> {
  return addScaled(a, b, 1, dst);
}

/** dst ← a + s·b (each entry computed in float64, rounded once). */
export function addScaled<T extends FloatArray>(
  a: Matrix<T>,
  b: Matrix<FloatArray>,
  s: number,
  dst?: Matrix<T>,
): Matrix<T> {
  const out = dst ?? like(a);
  sameShape('addScaled', a, b);
  sameShape('addScaled', a, out);
  const x = a.data;
  const y = b.data;
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + s * y[i];
  return out;
}

/** dst ← s·a. */
export function scale<T extends FloatArray>(a: Matrix<T>, s: number, dst?: Matrix<T>): Matrix<T> {
  const out = dst ?? like(a);
  sameShape('scale', a, out);
  const x = a.data;
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = s * x[i];
  return out;
}

/** max_ij |a_ij − b_ij| (NaN when any difference is NaN). */
export function maxAbsDiff(a: Matrix<FloatArray>, b: Matrix<FloatArray>): number {
  sameShape('maxAbsDiff', a, b);
  return maxAbsDiffArray(a.data, b.data);
}

/** max_i |a_i − b_i| over two equal-length arrays (NaN when any difference is NaN). */
export function maxAbsDiffArray(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // also propagates NaN
  }
  return m;
}

/** Frobenius norm ‖M‖_F = √(Σ_ij M_ij²), accumulated in float64. */
export function frobenius(m: Matrix<FloatArray>): number {
  const x = m.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/**
 * dst ← α·A·B (+ dst). A is M×K, B is K×N, dst is M×N:
 * dst[i, j] = α·Σ_p A[i, p]·B[p, j].
 */
export function matmul<T extends FloatArray>(
  a: Matrix<T>,
  b: Matrix<FloatArray>,
  dst?: Matrix<T>,
  opts?: GemmOptions,
): Matrix<T> {
  const M = a.rows;
  const K = a.cols;
  const N = b.cols;
  if (b.rows !== K) throw shapeError('matmul A·B', a, b);
  const out = dst ?? { rows: M, cols: N, data: allocLike(a.data, M * N) };
  checkOut('matmul A·B', out, M, N, a, b);
  const alpha = opts?.alpha ?? 1;
  const acc = opts?.accumulate ?? false;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    const oi = i * N;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0, bj = j; p < K; p++, bj += N) s += A[ai + p] * B[bj];
      O[oi + j] = acc ? O[oi + j] + alpha * s : alpha * s;
    }
  }
  return out;
}

/**
 * dst ← α·Aᵀ·B (+ dst). A is K×M, B is K×N, dst is M×N:
 * dst[i, j] = α·Σ_p A[p, i]·B[p, j]. (Weight gradients: ∂L/∂W = Gᵀ·X.)
 */
export function matmulTA<T extends FloatArray>(
  a: Matrix<T>,
  b: Matrix<FloatArray>,
  dst?: Matrix<T>,
  opts?: GemmOptions,
): Matrix<T> {
  const K = a.rows;
  const M = a.cols;
  const N = b.cols;
  if (b.rows !== K) throw shapeError('matmul Aᵀ·B', a, b);
  const out = dst ?? { rows: M, cols: N, data: allocLike(a.data, M * N) };
  checkOut('matmul Aᵀ·B', out, M, N, a, b);
  const alpha = opts?.alpha ?? 1;
  const acc = opts?.accumulate ?? false;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < M; i++) {
    const oi = i * N;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0, ap = i, bp = j; p < K; p++, ap += M, bp += N) s += A[ap] * B[bp];
      O[oi + j] = acc ? O[oi + j] + alpha * s : alpha * s;
    }
  }
  return out;
}

/**
 * dst ← α·A·Bᵀ (+ dst). A is M×K, B is N×K, dst is M×N:
 * dst[i, j] = α·Σ_p A[i, p]·B[j, p]. (A batch through a layer: H = X·Wᵀ.)
 */
export function matmulTB<T extends FloatArray>(
  a: Matrix<T>,
  b: Matrix<FloatArray>,
  dst?: Matrix<T>,
  opts?: GemmOptions,
): Matrix<T> {
  const M = a.rows;
  const K = a.cols;
  const N = b.rows;
  if (b.cols !== K) throw shapeError('matmul A·Bᵀ', a, b);
  const out = dst ?? { rows: M, cols: N, data: allocLike(a.data, M * N) };
  checkOut('matmul A·Bᵀ', out, M, N, a, b);
  const alpha = opts?.alpha ?? 1;
  const acc = opts?.accumulate ?? false;
  const A = a.data;
  const B = b.data;
  const O = out.data;
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    const oi = i * N;
    for (let j = 0; j < N; j++) {
      const bj = j * K;
      let s = 0;
      for (let p = 0; p < K; p++) s += A[ai + p] * B[bj + p];
      O[oi + j] = acc ? O[oi + j] + alpha * s : alpha * s;
    }
  }
  return out;
}

function sameShape(op: string, a: Matrix<FloatArray>, b: Matrix<FloatArray>): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} differ`);
  }
}

function shapeError(op: string, a: Matrix<FloatArray>, b: Matrix<FloatArray>): RangeError {
  return new RangeError(`${op}: shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} do not chain`);
}

function checkOut(
  op: string,
  out: Matrix<FloatArray>,
  M: number,
  N: number,
  a: Matrix<FloatArray>,
  b: Matrix<FloatArray>,
): void {
  if (out.rows !== M || out.cols !== N) {
    throw new RangeError(`${op}: dst is ${out.rows}×${out.cols}, expected ${M}×${N}`);
  }
  if (out.data === a.data || out.data === b.data) {
    throw new RangeError(`${op}: dst must not alias an operand`);
  }
}
