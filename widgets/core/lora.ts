/**
 * A linear layer with a frozen base weight and a LoRA adapter beside it
 * (Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models", arXiv:2106.09685, §4.1).
 *
 * Notation (the lesson's):
 *   x ∈ ℝ^k               one input,           X (n×k) a batch, one example per row
 *   W (d×k), b ∈ ℝ^d      frozen base weight and (optional, frozen) bias
 *   A (r×k), B (d×r)      the adapter; rank r ≤ min(d, k)
 *   s = α/r               scaling (rsLoRA, Kalajdzievski 2023, arXiv:2312.03732: s = α/√r)
 *   h = W·x + b + s·B·A·x̃ ∈ ℝ^d,  x̃ = dropout(x) on the adapter path only (as HF PEFT does)
 *   ΔW = s·B·A (d×k)      the update the adapter stands for
 *
 * Batch form, as computed here (row-major, see matrix.ts), in this order:
 *   Z ← X·Wᵀ;  Z ← Z + 1·bᵀ;  X̃ ← X ⊙ M;  U ← X̃·Aᵀ (n×r);  Z ← Z + s·U·Bᵀ
 * with dropout mask M (n×k) of entries 0 (probability p) or 1/(1−p), drawn fresh each step.
 *
 * Backward, given G = ∂L/∂Z (n×d):
 *   ∂L/∂B = s·Gᵀ·U (d×r)   ∂L/∂U = s·G·B (n×r)   ∂L/∂A = (∂L/∂U)ᵀ·X̃ (r×k)
 *   ∂L/∂X = G·W + M ⊙ ((∂L/∂U)·A)                 ∂L/∂W = Gᵀ·X (full fine-tuning only)
 *
 * Initialisation (paper §4.1: "random Gaussian initialization for A and zero for B, so ΔW = BA is
 * zero at the beginning of training"): we follow HF PEFT's default instead of a Gaussian:
 * A ~ Kaiming-uniform with a = √5, i.e. U(−1/√k, 1/√k) (bound = gain·√(3/fan_in) with
 * gain = √(2/(1+a²)) = √(1/3), fan_in = k), drawn row-major; B = 0. So ΔW = 0 and h equals the
 * base's output exactly at step 0.
 */
import { JS_KERNELS, type CpuKernels } from './cpu-kernels.ts';
import { allocLike, matmul, type FloatArray, type Matrix } from './matrix.ts';
import { effectiveScale } from './pitfalls.ts';
import { fillUniform, uniform, type Rng } from './rng.ts';

/** The adapter A, B with its hyper-parameters. */
export interface Adapter<T extends FloatArray = Float32Array> {
  /** Rank r. */
  readonly r: number;
  /** α. */
  readonly alpha: number;
  /** Rank-stabilised scaling s = α/√r instead of α/r. */
  readonly rsLora: boolean;
  /** s = α/r (or α/√r). */
  readonly scaling: number;
  /** Dropout probability p ∈ [0, 1) on the adapter's input. */
  readonly dropout: number;
  /** A (r×k). */
  readonly A: Matrix<T>;
  /** B (d×r). */
  readonly B: Matrix<T>;
}

/** A linear layer h = W·x + b (+ s·B·A·x̃). W and b are frozen unless full fine-tuning. */
export interface LoraLinear<T extends FloatArray = Float32Array> {
  readonly name: string;
  /** Output size d. */
  readonly d: number;
  /** Input size k. */
  readonly k: number;
  /** W (d×k). */
  readonly W: Matrix<T>;
  /** b ∈ ℝ^d, or null for no bias. */
  readonly bias: T | null;
  /** The adapter, or null when this layer is not a LoRA target. */
  adapter: Adapter<T> | null;
  /** True while ΔW is folded into W (then the adapter path is skipped in the forward pass). */
  merged: boolean;
}

/** Per-layer scratch buffers for a batch of n rows (allocated once, reused every step). */
export interface LoraWorkspace<T extends FloatArray = Float32Array> {
  /** X̃ = X ⊙ M (n×k), or null without dropout; reused as scratch in the backward pass. */
  readonly xDrop: Matrix<T> | null;
  /** Dropout mask M (n×k): 0 or 1/(1−p); null without dropout. */
  readonly mask: Matrix<T> | null;
  /** U = X̃·Aᵀ (n×r); null without an adapter. */
  readonly u: Matrix<T> | null;
  /** ∂L/∂U (n×r); null without an adapter. */
  readonly du: Matrix<T> | null;
}

/** Gradients of one layer's trainable tensors. */
export interface LoraGrads<T extends FloatArray = Float32Array> {
  /** ∂L/∂A (r×k), or null. */
  readonly dA: Matrix<T> | null;
  /** ∂L/∂B (d×r), or null. */
  readonly dB: Matrix<T> | null;
  /** ∂L/∂W (d×k) in full fine-tuning, else null. */
  readonly dW: Matrix<T> | null;
}

/** A layer around W (d×k) and bias b (length d or null), without an adapter. W is not copied. */
export function createLinear<T extends FloatArray>(name: string, W: Matrix<T>, bias: T | null): LoraLinear<T> {
  if (bias && bias.length !== W.rows) {
    throw new RangeError(`${name}: bias has ${bias.length} entries, W has ${W.rows} rows`);
  }
  return { name, d: W.rows, k: W.cols, W, bias, adapter: null, merged: false };
}

export interface AdapterOptions {
  readonly r: number;
  readonly alpha: number;
  readonly rsLora?: boolean;
  readonly dropout?: number;
}

/** Attaches a zero adapter (A = 0, B = 0) of rank r to `layer`; call `initAdapter` to randomise A. */
export function attachAdapter<T extends FloatArray>(layer: LoraLinear<T>, opts: AdapterOptions): Adapter<T> {
  const { r, alpha } = opts;
  if (!Number.isInteger(r) || r < 1 || r > Math.min(layer.d, layer.k)) {
    throw new RangeError(`${layer.name}: rank ${r} must be an integer in 1…min(d, k) = ${Math.min(layer.d, layer.k)}`);
  }
  const dropout = opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`${layer.name}: dropout ${dropout} must be in [0, 1)`);
  const rsLora = opts.rsLora ?? false;
  const proto = layer.W.data;
  const adapter: Adapter<T> = {
    r,
    alpha,
    rsLora,
    scaling: effectiveScale(alpha, r, rsLora),
    dropout,
    A: { rows: r, cols: layer.k, data: allocLike(proto, r * layer.k) },
    B: { rows: layer.d, cols: r, data: allocLike(proto, layer.d * r) },
  };
  layer.adapter = adapter;
  layer.merged = false;
  return adapter;
}

/**
 * PEFT's default initialisation: A ~ U(−1/√k, 1/√k) row-major from `rng`, B = 0 (so ΔW = 0).
 */
export function initAdapter<T extends FloatArray>(adapter: Adapter<T>, rng: Rng): void {
  const bound = 1 / Math.sqrt(adapter.A.cols);
  fillUniform(rng, adapter.A.data, -bound, bound);
  adapter.B.data.fill(0);
}

/** ΔW = s·B·A (d×k), written into `dst` when given. */
export function deltaW<T extends FloatArray>(layer: LoraLinear<T>, dst?: Matrix<T>): Matrix<T> {
  const ad = requireAdapter(layer);
  return matmul(ad.B, ad.A, dst, { alpha: ad.scaling });
}

/**
 * Merge: W ← W + s·B·A, for zero added latency at inference (paper §4.1). Each entry is
 * W_ij + s·Σ_p B_ip·A_pj, the sum in float64, rounded once. Throws if already merged.
 */
export function merge<T extends FloatArray>(layer: LoraLinear<T>): void {
  const ad = requireAdapter(layer);
  if (layer.merged) throw new Error(`${layer.name}: already merged`);
  matmul(ad.B, ad.A, layer.W, { alpha: ad.scaling, accumulate: true });
  layer.merged = true;
}

/**
 * Unmerge: W ← W − s·B·A. In floating point this restores W only to rounding (~1 ulp of W).
 * Throws if not merged.
 */
export function unmerge<T extends FloatArray>(layer: LoraLinear<T>): void {
  const ad = requireAdapter(layer);
  if (!layer.merged) throw new Error(`${layer.name}: not merged`);
  matmul(ad.B, ad.A, layer.W, { alpha: -ad.scaling, accumulate: true });
  layer.merged = false;
}

/** Scratch buffers for this layer and a batch of n rows. */
export function createLoraWorkspace<T extends FloatArray>(layer: LoraLinear<T>, n: number): LoraWorkspace<T> {
  const ad = layer.adapter;
  const proto = layer.W.data;
  const mat = (rows: number, cols: number): Matrix<T> => ({ rows, cols, data: allocLike(proto, rows * cols) });
  const drop = ad !== null && ad.dropout > 0;
  return {
    xDrop: drop ? mat(n, layer.k) : null,
    mask: drop ? mat(n, layer.k) : null,
    u: ad ? mat(n, ad.r) : null,
    du: ad ? mat(n, ad.r) : null,
  };
}

/** Gradient buffers: dA, dB when the layer has an adapter (LoRA), dW when `trainW` (full). */
export function createLoraGrads<T extends FloatArray>(layer: LoraLinear<T>, trainW: boolean): LoraGrads<T> {
  const ad = layer.adapter;
  const proto = layer.W.data;
  const mat = (rows: number, cols: number): Matrix<T> => ({ rows, cols, data: allocLike(proto, rows * cols) });
  return {
    dA: ad && !trainW ? mat(ad.r, layer.k) : null,
    dB: ad && !trainW ? mat(layer.d, ad.r) : null,
    dW: trainW ? mat(layer.d, layer.k) : null,
  };
}

/**
 * Dropout mask: M_ij = 0 if uniform() < p else 1/(1−p), drawn row-major (one uniform per entry).
 */
export function fillDropoutMask<T extends FloatArray>(mask: Matrix<T>, p: number, rng: Rng): void {
  const m = mask.data;
  const keep = 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = uniform(rng) < p ? 0 : keep;
}

/** How the forward pass treats LoRA dropout. */
export type DropoutMode = 'off' | 'sample' | 'reuse';

/**
 * Forward pass of one layer over a batch: Z = X·Wᵀ + 1·bᵀ + s·(X̃·Aᵀ)·Bᵀ, written into `Z` (n×d).
 * `dropout`: 'off' uses X̃ = X (evaluation); 'sample' draws a new mask from `rng`; 'reuse' keeps
 * the mask already in the workspace (finite-difference checks). The adapter path is skipped
 * while merged. `k`: the products to use (cpu-kernels.ts; every set gives the same result).
 */
export function linearForward<T extends FloatArray>(
  layer: LoraLinear<T>,
  X: Matrix<T>,
  Z: Matrix<T>,
  ws: LoraWorkspace<T>,
  dropout: DropoutMode,
  rng: Rng | null,
  k: CpuKernels = JS_KERNELS,
): void {
  k.matmulTB(X, layer.W, Z);
  const b = layer.bias;
  if (b) {
    const z = Z.data;
    const d = layer.d;
    for (let i = 0; i < Z.rows; i++) {
      const o = i * d;
      for (let j = 0; j < d; j++) z[o + j] += b[j];
    }
  }
  const ad = layer.adapter;
  if (!ad || layer.merged) return;
  const xt = adapterInput(ad, X, ws, dropout, rng);
  k.matmulTB(xt, ad.A, ws.u!);
  k.matmulTB(ws.u!, ad.B, Z, { alpha: ad.scaling, accumulate: true });
}

/**
 * Backward pass of one layer. G = ∂L/∂Z (n×d); X is the layer's input (n×k). Writes dA, dB
 * (LoRA) or dW (full) into `grads`, and ∂L/∂X into `dX` when it is not null.
 * `lastDropout` must be the mode the forward pass used ('off' or not); `k` as in `linearForward`.
 */
export function linearBackward<T extends FloatArray>(
  layer: LoraLinear<T>,
  X: Matrix<T>,
  G: Matrix<T>,
  ws: LoraWorkspace<T>,
  grads: LoraGrads<T>,
  dX: Matrix<T> | null,
  lastDropout: DropoutMode,
  k: CpuKernels = JS_KERNELS,
): void {
  if (grads.dW) k.matmulTA(G, X, grads.dW);
  if (dX) k.matmul(G, layer.W, dX);
  const ad = layer.adapter;
  if (!ad || layer.merged) return;
  const useMask = ad.dropout > 0 && lastDropout !== 'off';
  const xt = useMask ? ws.xDrop! : X;
  const u = ws.u!;
  const du = ws.du!;
  k.matmul(G, ad.B, du, { alpha: ad.scaling });
  if (grads.dB) k.matmulTA(G, u, grads.dB, { alpha: ad.scaling });
  if (grads.dA) k.matmulTA(du, xt, grads.dA);
  if (!dX) return;
  if (!useMask) {
    k.matmul(du, ad.A, dX, { accumulate: true });
    return;
  }
  // X̃ is no longer needed: reuse its buffer for (∂L/∂U)·A, then dX += M ⊙ that.
  const tmp = ws.xDrop!;
  k.matmul(du, ad.A, tmp);
  const t = tmp.data;
  const m = ws.mask!.data;
  const o = dX.data;
  for (let i = 0; i < o.length; i++) o[i] += m[i] * t[i];
}

function adapterInput<T extends FloatArray>(
  ad: Adapter<T>,
  X: Matrix<T>,
  ws: LoraWorkspace<T>,
  dropout: DropoutMode,
  rng: Rng | null,
): Matrix<T> {
  if (ad.dropout === 0 || dropout === 'off') return X;
  const mask = ws.mask!;
  if (dropout === 'sample') {
    if (!rng) throw new Error('linearForward: dropout sampling needs an rng');
    fillDropoutMask(mask, ad.dropout, rng);
  }
  const x = X.data;
  const m = mask.data;
  const o = ws.xDrop!.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] * m[i];
  return ws.xDrop!;
}

function requireAdapter<T extends FloatArray>(layer: LoraLinear<T>): Adapter<T> {
  if (!layer.adapter) throw new Error(`${layer.name}: no adapter`);
  return layer.adapter;
}
