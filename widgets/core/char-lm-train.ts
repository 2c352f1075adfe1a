/**
 * Training the character model (char-lm.ts): pretraining the base (every W and E) and training
 * a LoRA adapter on the frozen base (A and B of ctx, hidden, head only).
 *
 * One step, both kinds:
 *  1. Batch: n target positions t₁…t_n, each uniform over the corpus's training range
 *     [1, split) (rng.ts `randInt`, one draw per row, from the session's seed).
 *  2. Features x (contextFeatures), forward (mlp.ts), softmax cross-entropy against the next
 *     characters (loss.ts), the mean over the batch: the per-character loss in nats.
 *  3. Backward (mlp.ts); pretraining also takes ∂L/∂x = (∂L/∂z_ctx)·W_ctx and adds each row's
 *     slices into the E rows of its context (∂L/∂E), ⟂ included.
 *  4. Adam (optim.ts) with the step's learning rate.
 * Pure: the corpus and seeds are arguments; nothing here reads a clock.
 */
import { JS_KERNELS, type CpuKernels } from './cpu-kernels.ts';
import { BOUNDARY, contextFeatures, type CharLm, type LmAdapter } from './char-lm.ts';
import { softmaxCrossEntropy } from './loss.ts';
import { zeros, type Matrix } from './matrix.ts';
import { backward, createMlp, createWorkspace, forward, trainableTensors, type Mlp, type MlpWorkspace } from './mlp.ts';
import { createOptimizer, optimizerStep, type Optimizer } from './optim.ts';
import { createRng, randInt, type Rng } from './rng.ts';

/** Share of a corpus used for training; the rest is held out for `heldOutPositions`. */
const TRAIN_SHARE = 0.9;

/** The end of the training range of a corpus of `n` tokens. */
function splitPoint(n: number): number {
  return Math.max(2, Math.floor(n * TRAIN_SHARE));
}

/** `count` target positions spread evenly over the held-out range [split, n) of `tokens`. */
export function heldOutPositions(tokens: Uint8Array, count: number): Uint32Array {
  const lo = splitPoint(tokens.length);
  const span = tokens.length - lo;
  const m = Math.min(count, span);
  const out = new Uint32Array(m);
  for (let i = 0; i < m; i++) out[i] = lo + Math.floor((i * span) / m);
  return out;
}

/** A step's model, buffers and batch rows. */
interface StepParts {
  readonly mlp: Mlp;
  readonly ws: MlpWorkspace;
  readonly target: Matrix;
  readonly rows: Uint32Array;
}

function createParts(lm: CharLm, mlp: Mlp, n: number): StepParts {
  return { mlp, ws: createWorkspace(mlp, n), target: zeros(n, lm.V), rows: new Uint32Array(n) };
}

/** Step 1: n target positions, uniform over the training range, into `rows`. */
function drawRows(rows: Uint32Array, tokens: Uint8Array, rng: Rng): void {
  const split = splitPoint(tokens.length);
  for (let i = 0; i < rows.length; i++) rows[i] = 1 + randInt(rng, split - 1);
}

/** Step 2 for the targets at `rows`: forward and the loss (∂L/∂z left in ws.dActs[L]). */
function forwardBatch(lm: CharLm, p: StepParts, tokens: Uint8Array, rows: Uint32Array, k: CpuKernels): number {
  const n = p.ws.n;
  if (rows.length !== n) throw new RangeError(`a batch has ${n} rows, got ${rows.length}`);
  const y = p.target.data;
  for (let i = 0; i < n; i++) {
    contextFeatures(lm, tokens, rows[i], p.ws.acts[0], i);
    y[i * lm.V + tokens[rows[i]]] = 1;
  }
  const out = forward(p.mlp, p.ws, 'off', null, k);
  const loss = softmaxCrossEntropy(out, p.target, p.ws.dActs[p.mlp.layers.length]);
  for (let i = 0; i < n; i++) y[i * lm.V + tokens[rows[i]]] = 0;
  return loss;
}

/** Trains one adapter on the frozen base. */
export class AdapterTrainer {
  private readonly lm: CharLm;
  readonly adapter: LmAdapter;
  readonly lr: number;
  private readonly kernels: CpuKernels;
  private readonly parts: StepParts;
  private readonly opt: Optimizer;
  private readonly rng: Rng;
  step = 0;

  /**
   * @param lm the model, with `adapter` applied (char-lm.ts applyAdapter) and not merged
   * @param seed the batch order's seed
   */
  constructor(
    lm: CharLm,
    adapter: LmAdapter,
    lr: number,
    batch: number,
    seed: number,
    kernels: CpuKernels = JS_KERNELS,
  ) {
    this.lm = lm;
    this.adapter = adapter;
    this.lr = lr;
    this.kernels = kernels;
    this.parts = createParts(lm, lm.mlp, batch);
    const { params, grads } = trainableTensors(lm.mlp, this.parts.ws);
    if (params.length !== 6) throw new Error('AdapterTrainer: apply the adapter to the model first');
    this.opt = createOptimizer('adam', params, grads);
    this.rng = createRng(seed);
  }

  /** Trainable numbers: Σ r·(d + k). */
  get trainableParams(): number {
    return this.opt.params.reduce((n, p) => n + p.length, 0);
  }

  /** One step on `tokens` (encodeCorpus); returns its loss. */
  trainStep(tokens: Uint8Array): number {
    drawRows(this.parts.rows, tokens, this.rng);
    const loss = this.gradients(tokens, this.parts.rows);
    optimizerStep(this.opt, this.lr);
    this.step += 1;
    return loss;
  }

  /**
   * The loss on the targets at `rows` and its gradients (∂L/∂A, ∂L/∂B per layer, in `grads`),
   * without a step.
   */
  gradients(tokens: Uint8Array, rows: Uint32Array): number {
    if (this.lm.layers[0].adapter !== this.adapter.layers.ctx)
      throw new Error('AdapterTrainer: the model carries another adapter');
    if (this.lm.layers.some((l) => l.merged)) throw new Error('AdapterTrainer: unmerge before training');
    const loss = forwardBatch(this.lm, this.parts, tokens, rows, this.kernels);
    backward(this.parts.mlp, this.parts.ws, this.kernels);
    return loss;
  }

  /** The gradient buffers, in the optimiser's order: A then B of ctx, hidden, head. */
  get grads(): readonly Float32Array[] {
    return this.opt.grads;
  }

  /** Rows per batch. */
  get batch(): number {
    return this.parts.ws.n;
  }

  /** Adam's state (params are the adapter's A and B): a GPU mirror reads and writes it. */
  get optimizer(): Optimizer {
    return this.opt;
  }

  /** The batch order's generator state (a GPU mirror restores it when a chunk fails). */
  get orderState(): Uint32Array {
    return this.rng.s.slice();
  }

  set orderState(s: Uint32Array) {
    this.rng.s.set(s);
  }

  /**
   * Draws the batches of the next `steps` steps exactly as `trainStep` would (advancing the
   * batch order) and writes their features into rows j·n … j·n+n−1 of `X` and one-hot targets
   * into the same rows of `Y` (steps·n × V, zeroed here): the GPU trains on these (widgets/gpu/lm.ts).
   */
  drawChunk(tokens: Uint8Array, steps: number, X: Matrix, Y: Float32Array): void {
    const n = this.batch;
    const V = this.lm.V;
    if (X.rows < steps * n || Y.length < steps * n * V)
      throw new RangeError(`drawChunk: room for fewer than ${steps} steps`);
    Y.fill(0, 0, steps * n * V);
    const rows = this.parts.rows;
    for (let j = 0; j < steps; j++) {
      drawRows(rows, tokens, this.rng);
      for (let i = 0; i < n; i++) {
        contextFeatures(this.lm, tokens, rows[i], X, j * n + i);
        Y[(j * n + i) * V + tokens[rows[i]]] = 1;
      }
    }
  }
}

/** Pretraining options. */
export interface PretrainOptions {
  readonly steps: number;
  readonly batch: number;
  /** Peak learning rate η₀; step t uses η₀·(0.1 + 0.9·(1 − t/steps)). */
  readonly lr: number;
  readonly seed: number;
}

/** Trains every W and E of a fresh model (createCharLm) on a corpus. */
export class Pretrainer {
  private readonly lm: CharLm;
  private readonly options: PretrainOptions;
  private readonly kernels: CpuKernels;
  private readonly parts: StepParts;
  private readonly opt: Optimizer;
  private readonly rng: Rng;
  private readonly dE: Matrix;
  private readonly dX: Matrix;
  step = 0;

  constructor(lm: CharLm, options: PretrainOptions, kernels: CpuKernels = JS_KERNELS) {
    this.lm = lm;
    this.options = options;
    this.kernels = kernels;
    if (lm.layers.some((l) => l.adapter)) throw new Error('Pretrainer: the model must carry no adapter');
    const mlp = createMlp(lm.layers, 'full');
    this.parts = createParts(lm, mlp, options.batch);
    const { params, grads } = trainableTensors(mlp, this.parts.ws);
    this.dE = zeros(lm.E.rows, lm.E.cols);
    this.dX = zeros(options.batch, lm.layers[0].k);
    this.opt = createOptimizer('adam', [lm.E.data, ...params], [this.dE.data, ...grads]);
    this.rng = createRng(options.seed);
  }

  /** One step; returns its loss. */
  trainStep(tokens: Uint8Array): number {
    drawRows(this.parts.rows, tokens, this.rng);
    const loss = this.gradients(tokens, this.parts.rows);
    const t = this.step / this.options.steps;
    optimizerStep(this.opt, this.options.lr * (0.1 + 0.9 * (1 - Math.min(1, t))));
    this.step += 1;
    return loss;
  }

  /** The loss on the targets at `rows` and its gradients (`grads`: ∂L/∂E, then ∂L/∂W per layer), without a step. */
  gradients(tokens: Uint8Array, rows: Uint32Array): number {
    const { lm, parts, kernels } = this;
    const loss = forwardBatch(lm, parts, tokens, rows, kernels);
    backward(parts.mlp, parts.ws, kernels);
    // ∂L/∂x = (∂L/∂z_ctx)·W_ctx; backward left ∂L/∂z_ctx in dActs[1].
    kernels.matmul(parts.ws.dActs[1]!, lm.layers[0].W, this.dX);
    this.scatterEmbeddingGrad(tokens, rows);
    return loss;
  }

  /** The gradient buffers, in the optimiser's order: E, then W of ctx, hidden, head. */
  get grads(): readonly Float32Array[] {
    return this.opt.grads;
  }

  /** dE ← Σ over rows and context slots of the slot's slice of ∂L/∂x, into that slot's token row. */
  private scatterEmbeddingGrad(tokens: Uint8Array, rows: Uint32Array): void {
    const { context: K, embed: e } = this.lm.shape;
    const g = this.dE.data;
    g.fill(0);
    const dx = this.dX.data;
    for (let i = 0; i < rows.length; i++) {
      const pos = rows[i];
      let stopped = false;
      for (let j = 1; j <= K; j++) {
        const p = pos - j;
        let tok = BOUNDARY;
        if (!stopped && p >= 0) {
          tok = tokens[p];
          if (tok === BOUNDARY) stopped = true;
        }
        const src = (i * K + (K - j)) * e;
        const dst = tok * e;
        for (let c = 0; c < e; c++) g[dst + c] += dx[src + c];
      }
    }
  }
}
