/**
 * Optimisers, in place on typed arrays. State is allocated once (`createOptimizer`); a step
 * allocates nothing. Element-wise arithmetic is done in float64 and stored in the arrays' type.
 */
import type { FloatArray } from './matrix.ts';

export type OptimizerKind = 'adam' | 'sgd';

/** Adam's constants (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 1; PyTorch's defaults). */
export interface AdamConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export const ADAM_DEFAULTS: AdamConstants = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });

/** Optimiser over a fixed list of parameter tensors and their gradient buffers. */
export interface Optimizer<T extends FloatArray = Float32Array> {
  readonly kind: OptimizerKind;
  readonly params: readonly T[];
  readonly grads: readonly T[];
  /** Adam first moments m (one per parameter tensor; empty for SGD). */
  readonly m: readonly T[];
  /** Adam second moments v. */
  readonly v: readonly T[];
  readonly constants: AdamConstants;
  /** Steps taken, t (Adam's bias correction uses it). */
  t: number;
}

export function createOptimizer<T extends FloatArray>(
  kind: OptimizerKind,
  params: readonly T[],
  grads: readonly T[],
  constants: AdamConstants = ADAM_DEFAULTS,
): Optimizer<T> {
  if (params.length !== grads.length) throw new RangeError('createOptimizer: params and grads differ in number');
  params.forEach((p, i) => {
    if (p.length !== grads[i].length)
      throw new RangeError(`createOptimizer: tensor ${i} has ${p.length} params, ${grads[i].length} grads`);
  });
  const state = (): T[] =>
    kind === 'adam'
      ? params.map((p) => (p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length)) as T)
      : [];
  return { kind, params, grads, m: state(), v: state(), constants, t: 0 };
}

/** One step with learning rate `lr` over every tensor. */
export function optimizerStep<T extends FloatArray>(opt: Optimizer<T>, lr: number): void {
  opt.t += 1;
  if (opt.kind === 'sgd') {
    for (let i = 0; i < opt.params.length; i++) sgdUpdate(opt.params[i], opt.grads[i], lr);
    return;
  }
  for (let i = 0; i < opt.params.length; i++) {
    adamUpdate(opt.params[i], opt.grads[i], opt.m[i], opt.v[i], opt.t, lr, opt.constants);
  }
}

/** Zeroes the moments and the step count. */
export function resetOptimizer(opt: Optimizer<FloatArray>): void {
  for (const m of opt.m) m.fill(0);
  for (const v of opt.v) v.fill(0);
  opt.t = 0;
}

/** Copies moments and step count from `src` to `dst` (same layout). */
export function copyOptimizerState(src: Optimizer<FloatArray>, dst: Optimizer<FloatArray>): void {
  for (let i = 0; i < src.m.length; i++) dst.m[i].set(src.m[i]);
  for (let i = 0; i < src.v.length; i++) dst.v[i].set(src.v[i]);
  dst.t = src.t;
}

/** SGD: θ ← θ − η·g. */
function sgdUpdate(param: FloatArray, grad: FloatArray, lr: number): void {
  for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i];
}

/**
 * Adam at step t ≥ 1 (bias-corrected, as in PyTorch):
 *   m ← β₁·m + (1−β₁)·g        v ← β₂·v + (1−β₂)·g²
 *   m̂ = m/(1−β₁ᵗ)              v̂ = v/(1−β₂ᵗ)
 *   θ ← θ − η·m̂/(√v̂ + ε)
 */
export function adamUpdate(
  param: FloatArray,
  grad: FloatArray,
  m: FloatArray,
  v: FloatArray,
  t: number,
  lr: number,
  c: AdamConstants = ADAM_DEFAULTS,
): void {
  const { beta1, beta2, eps } = c;
  const bc1 = 1 - Math.pow(beta1, t);
  const bc2 = 1 - Math.pow(beta2, t);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
  }
}
