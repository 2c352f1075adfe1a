/**
 * The CPU backend's hot kernels as one swappable set: the three matrix products that every
 * LoRA forward and backward pass is made of (profiled: about 85% of a step at d = 256). The
 * session (trainer.ts) takes a set as an argument and passes it down to `forward`/`backward`
 * (mlp.ts) and the layers (lora.ts); the default is this file's plain-JS set (matrix.ts).
 *
 * Every set computes exactly what matrix.ts documents — each output a float64 sum over p in
 * order, rounded once — so swapping sets never changes a result: the WebAssembly SIMD set
 * (widgets/wasm/cpu-kernels.ts) is bit-identical to this one, and tests check it.
 */
import { matmul, matmulTA, matmulTB } from './matrix.ts';

export interface CpuKernels {
  /** 'js': matrix.ts; 'wasm': WebAssembly SIMD (widgets/wasm). */
  readonly kind: 'js' | 'wasm';
  /** dst ← α·A·B (+ dst), as matrix.ts `matmul`. */
  readonly matmul: typeof matmul;
  /** dst ← α·Aᵀ·B (+ dst), as matrix.ts `matmulTA`. */
  readonly matmulTA: typeof matmulTA;
  /** dst ← α·A·Bᵀ (+ dst), as matrix.ts `matmulTB`. */
  readonly matmulTB: typeof matmulTB;
}

/** The plain-JavaScript kernels (matrix.ts): where WebAssembly is unavailable or blocked. */
export const JS_KERNELS: CpuKernels = Object.freeze({ kind: 'js', matmul, matmulTA, matmulTB });
