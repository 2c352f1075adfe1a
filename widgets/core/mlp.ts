/**
 * A small multi-layer perceptron whose named linear layers can carry LoRA adapters.
 *
 *   a₀ = X (n×k₀, one example per row)
 *   zᵢ = linear_i(aᵢ)  (see lora.ts: zᵢ = aᵢ·Wᵢᵀ + bᵢ + sᵢ·(ãᵢ·Aᵢᵀ)·Bᵢᵀ)
 *   aᵢ₊₁ = tanh(zᵢ) for every layer but the last; the last layer's z is the output (no activation)
 *
 * Activation: tanh, everywhere, always (smooth, so finite differences are clean; the GPU
 * backend mirrors it). Its derivative is taken from the stored output: tanh′(z) = 1 − a².
 *
 * Modes:
 *  - 'lora': every W and b frozen; layers with an adapter train their A and B (paper §4.1).
 *  - 'full': full fine-tuning of the same model: the chosen layers train W directly; biases
 *    stay frozen in both modes, so full fine-tuning trains exactly d·k numbers per layer.
 *
 * All buffers a training step needs live in an `MlpWorkspace`, allocated once per batch size:
 * `forward` and `backward` allocate nothing.
 */
import {
  createLoraGrads,
  createLoraWorkspace,
  linearBackward,
  linearForward,
  type DropoutMode,
  type LoraGrads,
  type LoraLinear,
  type LoraWorkspace,
} from './lora.ts';
import { JS_KERNELS, type CpuKernels } from './cpu-kernels.ts';
import { allocLike, type FloatArray, type Matrix } from './matrix.ts';
import { loraParamCounts } from './pitfalls.ts';
import type { Rng } from './rng.ts';

export type TrainMode = 'lora' | 'full';

export interface Mlp<T extends FloatArray = Float32Array> {
  /** Layers applied in order, tanh between consecutive layers. */
  readonly layers: readonly LoraLinear<T>[];
  readonly mode: TrainMode;
  /** Full mode: which layers train W. (LoRA mode: a layer trains iff it has an adapter.) */
  readonly trainW: readonly boolean[];
}

export interface MlpWorkspace<T extends FloatArray = Float32Array> {
  /** Batch rows n. */
  readonly n: number;
  /**
   * acts[0] = the input X (n×k₀), which the caller fills; acts[i] (i ≥ 1) = tanh(zᵢ₋₁);
   * acts[L] = z_{L−1}, the network output (n×d_{L−1}).
   */
  readonly acts: readonly Matrix<T>[];
  /** dActs[i] = ∂L/∂acts[i], same shapes; dActs[L] is filled by the loss. Null where unused. */
  readonly dActs: readonly (Matrix<T> | null)[];
  readonly layerWs: readonly LoraWorkspace<T>[];
  /** Gradients of the trainable tensors, per layer (null entries where frozen). */
  readonly grads: readonly LoraGrads<T>[];
  /** The dropout mode of the last forward pass (the backward pass needs it). */
  lastDropout: DropoutMode;
}

/** Builds a model over existing layers. In 'full' mode `trainW[i]` says which layers train W. */
export function createMlp<T extends FloatArray>(
  layers: readonly LoraLinear<T>[],
  mode: TrainMode,
  trainW?: readonly boolean[],
): Mlp<T> {
  if (layers.length === 0) throw new RangeError('createMlp: no layers');
  for (let i = 1; i < layers.length; i++) {
    if (layers[i].k !== layers[i - 1].d) {
      throw new RangeError(
        `createMlp: ${layers[i - 1].name} outputs ${layers[i - 1].d}, ${layers[i].name} takes ${layers[i].k}`,
      );
    }
  }
  const tw = mode === 'full' ? layers.map((_, i) => trainW?.[i] ?? true) : layers.map(() => false);
  if (mode === 'full' && layers.some((l) => l.adapter))
    throw new RangeError('createMlp: full mode takes layers without adapters');
  return { layers, mode, trainW: tw };
}

/** True when layer i has trainable tensors in this model. */
function isTrainable(model: Mlp<FloatArray>, i: number): boolean {
  return model.mode === 'full' ? model.trainW[i] : model.layers[i].adapter !== null;
}

/**
 * Workspace for batches of n rows. `withGrads` = false gives an evaluation-only workspace
 * (forward only, no gradient buffers).
 */
export function createWorkspace<T extends FloatArray>(model: Mlp<T>, n: number, withGrads = true): MlpWorkspace<T> {
  const L = model.layers;
  const proto = L[0].W.data;
  const mat = (rows: number, cols: number): Matrix<T> => ({ rows, cols, data: allocLike(proto, rows * cols) });
  const acts: Matrix<T>[] = [mat(n, L[0].k)];
  for (const layer of L) acts.push(mat(n, layer.d));
  const first = firstTrainable(model);
  const dActs: (Matrix<T> | null)[] = acts.map((a, i) =>
    withGrads && first >= 0 && i > first ? mat(n, a.cols) : null,
  );
  return {
    n,
    acts,
    dActs,
    layerWs: L.map((layer) => createLoraWorkspace(layer, n)),
    grads: L.map((layer, i) =>
      withGrads && isTrainable(model, i)
        ? createLoraGrads(layer, model.mode === 'full')
        : { dA: null, dB: null, dW: null },
    ),
    lastDropout: 'off',
  };
}

/**
 * Forward pass over ws.acts[0]; returns the output ws.acts[L] (n×d_{L−1}).
 * `dropout`: 'off' (evaluation), 'sample' (training; masks drawn from `rng`, layer by layer in
 * order), 'reuse' (the masks of the previous 'sample' pass). `k`: the matrix products to use
 * (cpu-kernels.ts; every set gives the same result).
 */
export function forward<T extends FloatArray>(
  model: Mlp<T>,
  ws: MlpWorkspace<T>,
  dropout: DropoutMode = 'off',
  rng: Rng | null = null,
  k: CpuKernels = JS_KERNELS,
): Matrix<T> {
  const L = model.layers;
  for (let i = 0; i < L.length; i++) {
    const z = ws.acts[i + 1];
    linearForward(L[i], ws.acts[i], z, ws.layerWs[i], dropout, rng, k);
    if (i < L.length - 1) {
      const a = z.data;
      for (let j = 0; j < a.length; j++) a[j] = Math.tanh(a[j]);
    }
  }
  ws.lastDropout = dropout;
  return ws.acts[L.length];
}

/**
 * Backward pass. Needs the forward pass just run on `ws` and ∂L/∂output in ws.dActs[L]
 * (which, like every dActs entry, is overwritten with ∂L/∂z as it goes). Writes the gradients
 * of every trainable tensor into ws.grads. `k` as in `forward`.
 */
export function backward<T extends FloatArray>(model: Mlp<T>, ws: MlpWorkspace<T>, k: CpuKernels = JS_KERNELS): void {
  const L = model.layers;
  const first = firstTrainable(model);
  if (first < 0) return;
  for (let i = L.length - 1; i >= first; i--) {
    const G = ws.dActs[i + 1];
    if (!G) throw new Error('backward: workspace was created without gradients');
    if (i < L.length - 1) {
      // ∂L/∂z = ∂L/∂a ⊙ (1 − a²), a = tanh(z)
      const g = G.data;
      const a = ws.acts[i + 1].data;
      for (let j = 0; j < g.length; j++) g[j] *= 1 - a[j] * a[j];
    }
    const dX = i > first ? ws.dActs[i] : null;
    linearBackward(L[i], ws.acts[i], G, ws.layerWs[i], ws.grads[i], dX, ws.lastDropout, k);
  }
}

/** The trainable tensors and their gradient buffers, in layer order (A then B; or W). */
export function trainableTensors<T extends FloatArray>(
  model: Mlp<T>,
  ws: MlpWorkspace<T>,
): { readonly params: T[]; readonly grads: T[]; readonly names: string[] } {
  const params: T[] = [];
  const grads: T[] = [];
  const names: string[] = [];
  model.layers.forEach((layer, i) => {
    const g = ws.grads[i];
    if (model.mode === 'full') {
      if (g.dW) {
        params.push(layer.W.data);
        grads.push(g.dW.data);
        names.push(`${layer.name}.W`);
      }
    } else if (layer.adapter && g.dA && g.dB) {
      params.push(layer.adapter.A.data, layer.adapter.B.data);
      grads.push(g.dA.data, g.dB.data);
      names.push(`${layer.name}.A`, `${layer.name}.B`);
    }
  });
  return { params, grads, names };
}

/**
 * Parameter counts. LoRA: trainable = Σ over adapted layers of r·(d + k); frozen = every W and b.
 * Full: trainable = Σ over trained layers of d·k; frozen = the rest (other W, every b).
 */
export function countParams(model: Mlp<FloatArray>): { trainable: number; frozen: number } {
  const biases = model.layers.reduce((n, l) => n + (l.bias ? l.d : 0), 0);
  if (model.mode === 'lora') {
    // Every adapter of a model has the same rank (the session attaches them with the configured r).
    const adapted = model.layers.filter((l) => l.adapter);
    const r = adapted[0]?.adapter?.r ?? 0;
    const counts = loraParamCounts(
      model.layers,
      adapted.map((l) => l.name),
      r,
      false,
    );
    return { trainable: counts.trainable, frozen: counts.frozen + biases };
  }
  let trainable = 0;
  let frozen = biases;
  model.layers.forEach((layer, i) => {
    if (model.trainW[i]) trainable += layer.d * layer.k;
    else frozen += layer.d * layer.k;
  });
  return { trainable, frozen };
}

function firstTrainable(model: Mlp<FloatArray>): number {
  for (let i = 0; i < model.layers.length; i++) if (isTrainable(model, i)) return i;
  return -1;
}
