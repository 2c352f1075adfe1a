/**
 * The WebAssembly SIMD set of the CPU backend's kernels (widgets/core/cpu-kernels.ts), over one
 * instance of kernels.wasm (kernels.wat says what each kernel computes and how). Bit-identical
 * to the plain-JS set: each output is the same float64 sum, in the same order, rounded once.
 *
 * The session's matrices stay ordinary Float32Arrays: a product copies its operands into the
 * instance's memory (A at 0, then B, then Bᵀ for A·Bᵀ, then C, each 16-byte aligned), runs, and
 * copies C out. The memory grows when a product needs more and never shrinks; no view of it
 * outlives a call. Float64 operands (gradient checks), bad shapes (which the JS kernels reject
 * with their errors) and products too small to pay for the copies run the JS kernels.
 */
import type { CpuKernels } from '../core/cpu-kernels.ts';
import { JS_KERNELS } from '../core/cpu-kernels.ts';
import type { FloatArray, GemmOptions, Matrix } from '../core/matrix.ts';

/** Products with fewer multiply-adds than this run in JS (copies and the call would cost more). */
const MIN_MACS = 2048;
const PAGE = 65536;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  gemm(
    M: number,
    N: number,
    K: number,
    a: number,
    sai: number,
    sap: number,
    b: number,
    c: number,
    alpha: number,
    acc: number,
  ): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
}

/** Floats rounded up to 16 bytes. */
const al = (floats: number): number => (floats + 3) & ~3;

/** The kernels over a new instance of `module` (kernels.wasm, compiled). */
export function wasmKernels(module: WebAssembly.Module): CpuKernels {
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  let heap = new Float32Array(ex.memory.buffer);

  /** The memory as floats, at least `floats` long. */
  const reserve = (floats: number): Float32Array => {
    const need = floats * 4 - ex.memory.buffer.byteLength;
    if (need > 0) ex.memory.grow(Math.ceil(need / PAGE));
    if (heap.buffer !== ex.memory.buffer) heap = new Float32Array(ex.memory.buffer);
    return heap;
  };

  /**
   * out ← α·op(A)·op(B) (+ out), op(A) M×K, op(B) K×N. `ta`: A is stored K×M (Aᵀ·B);
   * `tb`: B is stored N×K (A·Bᵀ).
   */
  const product = (
    M: number,
    N: number,
    K: number,
    a: Float32Array,
    ta: boolean,
    b: Float32Array,
    tb: boolean,
    out: Float32Array,
    opts: GemmOptions | undefined,
  ): void => {
    const acc = opts?.accumulate ?? false;
    const oA = 0;
    const oB = al(M * K);
    const oBt = oB + al(K * N);
    const oC = tb ? oBt + al(K * N) : oBt;
    const h = reserve(oC + M * N);
    h.set(a, oA);
    h.set(b, oB);
    if (tb) ex.transpose(oB * 4, N, K, oBt * 4);
    if (acc) h.set(out, oC);
    ex.gemm(
      M,
      N,
      K,
      oA * 4,
      ta ? 4 : 4 * K,
      ta ? 4 * M : 4,
      (tb ? oBt : oB) * 4,
      oC * 4,
      opts?.alpha ?? 1,
      acc ? 1 : 0,
    );
    out.set(h.subarray(oC, oC + M * N));
  };

  /** True when the product can run here: float32 throughout, dst of the right shape, not aliased, big enough. */
  const fits = (
    a: Matrix<FloatArray>,
    b: Matrix<FloatArray>,
    dst: Matrix<FloatArray> | undefined,
    M: number,
    N: number,
    K: number,
  ): boolean =>
    a.data instanceof Float32Array &&
    b.data instanceof Float32Array &&
    M * N * K >= MIN_MACS &&
    (!dst ||
      (dst.data instanceof Float32Array &&
        dst.rows === M &&
        dst.cols === N &&
        dst.data !== a.data &&
        dst.data !== b.data));

  const result = <T extends FloatArray>(M: number, N: number, dst?: Matrix<T>): Matrix<T> =>
    dst ?? { rows: M, cols: N, data: new Float32Array(M * N) as T };

  return Object.freeze({
    kind: 'wasm',
    matmul<T extends FloatArray>(a: Matrix<T>, b: Matrix<FloatArray>, dst?: Matrix<T>, opts?: GemmOptions) {
      const [M, K, N] = [a.rows, a.cols, b.cols];
      if (b.rows !== K || !fits(a, b, dst, M, N, K)) return JS_KERNELS.matmul(a, b, dst, opts);
      const out = result(M, N, dst);
      product(M, N, K, a.data as Float32Array, false, b.data as Float32Array, false, out.data as Float32Array, opts);
      return out;
    },
    matmulTA<T extends FloatArray>(a: Matrix<T>, b: Matrix<FloatArray>, dst?: Matrix<T>, opts?: GemmOptions) {
      const [K, M, N] = [a.rows, a.cols, b.cols];
      if (b.rows !== K || !fits(a, b, dst, M, N, K)) return JS_KERNELS.matmulTA(a, b, dst, opts);
      const out = result(M, N, dst);
      product(M, N, K, a.data as Float32Array, true, b.data as Float32Array, false, out.data as Float32Array, opts);
      return out;
    },
    matmulTB<T extends FloatArray>(a: Matrix<T>, b: Matrix<FloatArray>, dst?: Matrix<T>, opts?: GemmOptions) {
      const [M, K, N] = [a.rows, a.cols, b.rows];
      if (b.cols !== K || !fits(a, b, dst, M, N, K)) return JS_KERNELS.matmulTB(a, b, dst, opts);
      const out = result(M, N, dst);
      product(M, N, K, a.data as Float32Array, false, b.data as Float32Array, true, out.data as Float32Array, opts);
      return out;
    },
  });
}
