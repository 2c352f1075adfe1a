/**
 * The CPU training session: the semantics every backend shares. A session owns one model (the
 * frozen base of a scenario plus LoRA adapters, or the same model under full fine-tuning), its
 * workspaces and optimiser state, all allocated up front: `train` allocates nothing per step.
 *
 * One training step t (t = 0, 1, …):
 *  1. Batch: rows perm[c … c+n−1] of the training set, where perm is a permutation of its rows
 *     drawn from the order stream (`permutation`: identity, then Fisher–Yates); when fewer than
 *     n rows remain (c + n > rows) a new permutation is drawn and c = 0.
 *  2. Forward (dropout masks drawn from the dropout stream, layer by layer, row-major), loss ℓₜ.
 *  3. Divergence guard: if ℓₜ is not finite or ℓₜ > divergenceFactor·max(best, SPIKE_FLOOR·ℓ_first),
 *     restore the last good trainable tensors and optimiser state, halve the learning rate,
 *     record a recovery, and skip the update. `best` is the lowest value so far of the running
 *     mean m ← 0.9·m + 0.1·ℓ over accepted steps (m starts at the first accepted loss ℓ_first):
 *     a lucky batch with a near-zero loss must not make ordinary batches look like divergence.
 *  4. Otherwise update m and best; if also ℓₜ ≤ GOOD_FACTOR·max(best, SPIKE_FLOOR·ℓ_first), keep
 *     the current tensors and optimiser state as "last good" (so a rollback lands on a state that
 *     really was good, not on one already drifting up); then backward and one optimiser step with
 *     the current learning rate.
 * The loss reported for step t is ℓₜ (the loss before that step's update).
 *
 * Seeds: `baseSeed` → the frozen base and the task (scenarios.ts); `seed` → sub-streams
 * 11 adapter initialisation (A, layer by layer in order), 12 data order, 13 dropout masks
 * (`deriveSeed(seed, stream)`).
 */
import { bytesOf, fnv1a32, hex32 } from './hash.ts';
import {
  attachAdapter,
  fillDropoutMask,
  initAdapter,
  merge as mergeLayer,
  unmerge as unmergeLayer,
  type LoraLinear,
} from './lora.ts';
import { accuracy, lossFn, softmaxRows } from './loss.ts';
import { addScaled, copy, matmul, maxAbsDiff, maxAbsDiffArray, zeros, type Matrix } from './matrix.ts';
import {
  backward,
  countParams,
  createMlp,
  createWorkspace,
  forward,
  trainableTensors,
  type Mlp,
  type MlpWorkspace,
  type TrainMode,
} from './mlp.ts';
import {
  copyOptimizerState,
  createOptimizer,
  optimizerStep,
  resetOptimizer,
  type Optimizer,
} from './optim.ts';
import { readPeftZip, writePeftZip, type PeftAdapter } from './peft-format.ts';
import { createRng, deriveSeed, permutation, reseed, type Rng } from './rng.ts';
import {
  baseLayers,
  createScenario,
  gridInputs,
  type GridSpec,
  type Scenario,
} from './scenarios.ts';
import {
  DEFAULTS,
  FULL_LR,
  LoraConfigError,
  LoraStateError,
  MAX_RANK,
  parseTargets,
  resolveConfig,
  type ResolvedConfig,
  type TrainerConfig,
} from './trainer-config.ts';

export { DEFAULTS, FULL_LR, LoraConfigError, LoraStateError, MAX_RANK, resolveConfig, type ResolvedConfig, type TrainerConfig };

/** Seed sub-streams of `seed`. */
export const SEED_STREAM = Object.freeze({ init: 11, order: 12, dropout: 13 } as const);


/**
 * The divergence guard compares with max(best running mean, SPIKE_FLOOR·ℓ_first): once training
 * has reached float32 noise (losses ~1e-10 of the first), a batch 100× worse is noise, not
 * divergence, and must not halve the learning rate again and again.
 */
export const SPIKE_FLOOR = 1e-3;
/** A step's tensors become the rollback point only if its loss is within this factor of the best. */
export const GOOD_FACTOR = 2;
/** Decay of the running mean of the loss that the divergence guard compares with. */
export const LOSS_EMA = 0.9;





/** A divergence rollback (the `lora-recover` event's payload). */
export interface RecoverRecord {
  readonly step: number;
  readonly reason: 'non-finite loss' | 'loss spike';
  readonly loss: number;
  /** The learning rate after halving. */
  readonly lr: number;
}

export interface TrainResult {
  /** Steps taken in total, after this call. */
  readonly step: number;
  /** Loss of the last step of this call (NaN when it trained no step). */
  readonly loss: number;
  /** One loss per step of this call. */
  readonly losses: Float32Array;
  readonly recoveries: readonly RecoverRecord[];
}

/** A named adapter: A (r×k) and B (d×r) per target layer, with its hyper-parameters. */
export interface AdapterSet {
  readonly rank: number;
  readonly alpha: number;
  readonly rsLora: boolean;
  readonly dropout: number;
  readonly targets: readonly string[];
  readonly A: Readonly<Record<string, Matrix>>;
  readonly B: Readonly<Record<string, Matrix>>;
}

export interface TrainerSession {
  readonly config: ResolvedConfig;
  readonly scenario: Scenario;
  readonly step: number;
  /** Current learning rate (halved by each divergence rollback). */
  readonly lr: number;
  /** Loss of the last step (NaN before the first). */
  readonly loss: number;
  readonly trainableParams: number;
  readonly frozenParams: number;
  readonly merged: boolean;
  /** Names of the saved adapters, in saving order. */
  readonly adapters: readonly string[];
  train(steps: number): TrainResult;
  /** Mean loss over the validation set (no dropout). */
  valLoss(): number;
  /** Mean loss over the whole training set (no dropout). */
  trainSetLoss(): number;
  /** Validation accuracy for classification scenarios, else null. */
  valAccuracy(): number | null;
  /** Model outputs for the rows of X (no dropout). */
  predict(X: Matrix, dst?: Matrix): Matrix;
  /** Softmax probabilities on the scenario's grid (or `grid`): row j·nx + i is cell (x_i, y_j). */
  gridProbabilities(grid?: GridSpec, dst?: Matrix): Matrix;
  /** Re-initialise A (seeded) and B = 0, or W = W₀ in full mode; step 0; keep base and saved adapters. */
  reset(): void;
  /** A copy of the live adapter. */
  snapshot(): AdapterSet;
  /** Load a snapshot's A and B into the live adapter (same rank and targets). */
  restore(snapshot: AdapterSet): void;
  /** W ← W + s·B·A in every target; returns the largest output change on the probe batch. */
  merge(): { maxAbsDiff: number };
  /**
   * W ← W − s·B·A; returns max |W − W₀| that the float arithmetic left, then puts back the
   * pristine W₀ so the frozen base stays bit-identical.
   */
  unmerge(): { maxAbsDiff: number };
  /** Stores a copy of the live adapter under `name` (replacing one of that name). */
  saveAdapter(name: string): void;
  /**
   * Hot swap: loads a saved adapter onto the same frozen base (rebuilding the buffers if its
   * rank, targets, α or dropout differ), with a fresh optimiser, the configured lr and step 0.
   */
  useAdapter(name: string): void;
  /** Forgets a saved adapter; false if there was none of that name. */
  deleteAdapter(name: string): boolean;
  /** A saved adapter (a copy), or the live one when `name` is omitted. */
  adapterWeights(name?: string): AdapterSet;
  /**
   * Validates an adapter against this scenario's layers and stores it under `name`. Given bytes,
   * reads a PEFT adapter zip (peft-format.ts), whose base_model_name_or_path must be this
   * scenario's `baseModelId` (or null). Returns what was stored.
   */
  importAdapter(name: string, adapter: AdapterSet | Uint8Array): AdapterSet;
  /** A saved adapter (or the live one) as a PEFT adapter zip. */
  exportAdapter(name?: string): Uint8Array;
  /** A saved adapter (or the live one) in PEFT's terms, before zipping. */
  peftAdapter(name?: string): PeftAdapter;
  /** ΔW = s·B·A of a target layer (default: the first); in full mode W − W₀. */
  deltaW(layer?: string, dst?: Matrix): Matrix;
  /** FNV-1a over the bytes of every layer's W then b, in layer order: 8 hex digits. */
  checksumW(): string;
  /** The model's outputs on the fixed probe batch. */
  probeOutputs(dst?: Matrix): Matrix;
  /**
   * For another backend (the GPU) that trains this session's model: the live layers (frozen W,
   * b and the adapters, in network order; read them, never write them) and the batch size.
   */
  modelView(): ModelView;
  /**
   * Draws the data of the next `steps` training steps exactly as `train(steps)` would (step 1
   * and the dropout masks of step 2 in the file comment), advancing the order and dropout
   * streams, without training: `rows` gets the batch's training-set rows (steps·n, step-major)
   * and `masks`, when the model has dropout, each step's masks of every adapted layer with
   * dropout, in layer order, row-major n×k. The caller trains and then `loadTrainingState`s.
   */
  drawBatches(steps: number, rows: Uint32Array, masks: Float32Array | null): void;
  /** Floats per step `drawBatches` writes into `masks` (0 without dropout). */
  readonly maskFloatsPerStep: number;
  /** Where the data-order and dropout streams stand (to undo `drawBatches` of a chunk that failed). */
  dataCursor(): DataCursor;
  /** Puts the streams back where `dataCursor()` found them. */
  setDataCursor(cursor: DataCursor): void;
  /** A copy of everything a training step reads and writes (tensors, optimiser, guard). */
  trainingState(): TrainingState;
  /** Loads a state taken from `trainingState()` of a session of the same shape (copies it). */
  loadTrainingState(state: TrainingState): void;
}

/** The position of the data-order and dropout streams (see `dataCursor`). */
export interface DataCursor {
  readonly perm: Uint32Array;
  readonly cursor: number;
  readonly order: Uint32Array;
  readonly dropout: Uint32Array;
}

/** The live model of a session, for backends that mirror it (see `modelView`). */
export interface ModelView {
  readonly layers: readonly LoraLinear[];
  readonly mode: TrainMode;
  /** Batch rows n. */
  readonly batch: number;
  /** Trainable tensors in optimiser order (A then B per adapted layer; or W), with their names. */
  readonly names: readonly string[];
}

/**
 * The training state: trainable tensors (optimiser order), Adam moments and step count, their
 * last good copies, and the divergence guard's numbers (see the file comment).
 */
export interface TrainingState {
  readonly step: number;
  readonly lr: number;
  readonly loss: number;
  readonly bestLoss: number;
  readonly firstLoss: number;
  readonly meanLoss: number;
  readonly params: readonly Float32Array[];
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
  readonly t: number;
  readonly good: readonly Float32Array[];
  readonly goodM: readonly Float32Array[];
  readonly goodV: readonly Float32Array[];
  readonly goodT: number;
}

// ---------------------------------------------------------------------------------------------
// configuration

/** Builds a session: validates `config`, builds the scenario, allocates every buffer. */
// ---------------------------------------------------------------------------------------------
// session

export function createSession(config: TrainerConfig = {}): TrainerSession {
  const resolved = resolveConfig(config);
  const scenario = createScenario(resolved.scenario, {
    baseSeed: resolved.baseSeed,
    trueRank: resolved.trueRank,
    trainSize: resolved.trainSize,
  });
  return new CpuSession(resolved, scenario);
}

/** What a step needs; rebuilt only when the adapter's shape changes (`useAdapter`, `importAdapter`). */
interface Engine {
  readonly model: Mlp;
  readonly ws: MlpWorkspace;
  readonly target: Matrix;
  readonly lossGrad: Matrix;
  readonly opt: Optimizer;
  /** Last good copies of the trainable tensors, and of the optimiser state. */
  readonly good: readonly Float32Array[];
  readonly goodOpt: Optimizer;
  /** Evaluation workspaces by row count. */
  readonly evalWs: Map<number, MlpWorkspace>;
}

class CpuSession implements TrainerSession {
  config: ResolvedConfig;
  readonly scenario: Scenario;
  step = 0;
  lr: number;
  loss = Number.NaN;
  merged = false;
  private readonly layers: LoraLinear[];
  private engine: Engine;
  private readonly saved = new Map<string, AdapterSet>();
  private readonly initRng: Rng;
  private readonly orderRng: Rng;
  private readonly dropoutRng: Rng;
  private readonly perm: Uint32Array;
  private cursor = 0;
  private bestLoss = Number.POSITIVE_INFINITY;
  private firstLoss = 0;
  private meanLoss = 0;

  constructor(config: ResolvedConfig, scenario: Scenario) {
    this.config = config;
    this.scenario = scenario;
    this.lr = config.lr;
    this.layers = baseLayers(scenario);
    this.initRng = createRng(deriveSeed(config.seed, SEED_STREAM.init));
    this.orderRng = createRng(deriveSeed(config.seed, SEED_STREAM.order));
    this.dropoutRng = createRng(deriveSeed(config.seed, SEED_STREAM.dropout));
    this.perm = new Uint32Array(scenario.train.X.rows);
    this.engine = this.build();
    this.reset();
  }

  get trainableParams(): number {
    return countParams(this.engine.model).trainable;
  }

  get frozenParams(): number {
    return countParams(this.engine.model).frozen;
  }

  get adapters(): readonly string[] {
    return [...this.saved.keys()];
  }

  /** Attaches adapters per the current config and allocates every buffer a step needs. */
  private build(): Engine {
    const { mode, targets, rank, alpha, rsLora, dropout, batch } = this.config;
    for (const layer of this.layers) {
      layer.adapter = null;
      layer.merged = false;
      if (mode === 'lora' && targets.includes(layer.name)) attachAdapter(layer, { r: rank, alpha, rsLora, dropout });
    }
    const model = createMlp(
      this.layers,
      mode,
      this.layers.map((l) => targets.includes(l.name)),
    );
    const ws = createWorkspace(model, batch);
    const outCols = this.layers[this.layers.length - 1].d;
    const { params, grads } = trainableTensors(model, ws);
    const opt = createOptimizer(this.config.optimizer, params, grads);
    return {
      model,
      ws,
      target: zeros(batch, outCols),
      lossGrad: ws.dActs[this.layers.length]!,
      opt,
      good: params.map((p) => new Float32Array(p.length)),
      goodOpt: createOptimizer(this.config.optimizer, params, grads),
      evalWs: new Map(),
    };
  }

  reset(): void {
    if (this.merged) this.restoreBaseW();
    reseed(this.initRng, deriveSeed(this.config.seed, SEED_STREAM.init));
    if (this.config.mode === 'full') this.restoreBaseW();
    for (const layer of this.layers) if (layer.adapter) initAdapter(layer.adapter, this.initRng);
    this.restartTraining();
  }

  /** Step 0, fresh optimiser, configured lr, data order from the start; keeps the tensors. */
  private restartTraining(): void {
    resetOptimizer(this.engine.opt);
    this.step = 0;
    this.lr = this.config.lr;
    this.loss = Number.NaN;
    this.bestLoss = Number.POSITIVE_INFINITY;
    this.firstLoss = 0;
    this.meanLoss = 0;
    reseed(this.orderRng, deriveSeed(this.config.seed, SEED_STREAM.order));
    reseed(this.dropoutRng, deriveSeed(this.config.seed, SEED_STREAM.dropout));
    permutation(this.orderRng, this.perm);
    this.cursor = 0;
    this.keepGood();
  }

  train(steps: number): TrainResult {
    if (!Number.isInteger(steps) || steps < 0)
      throw new RangeError(`train: steps must be an integer ≥ 0, got ${steps}`);
    if (this.merged) throw new LoraStateError('train: the adapter is merged into W; unmerge() before training');
    const losses = new Float32Array(steps);
    const recoveries: RecoverRecord[] = [];
    for (let i = 0; i < steps; i++) losses[i] = this.trainStep(recoveries);
    return { step: this.step, loss: steps > 0 ? losses[steps - 1] : Number.NaN, losses, recoveries };
  }

  /** One step (see the file comment). Allocates nothing unless it records a recovery. */
  private trainStep(recoveries: RecoverRecord[]): number {
    const e = this.engine;
    const { X, Y } = this.scenario.train;
    const n = e.ws.n;
    if (this.cursor + n > this.perm.length) {
      permutation(this.orderRng, this.perm);
      this.cursor = 0;
    }
    gatherRows(X, this.perm, this.cursor, e.ws.acts[0]);
    gatherRows(Y, this.perm, this.cursor, e.target);
    this.cursor += n;

    const dropout = this.config.dropout > 0 ? 'sample' : 'off';
    const out = forward(e.model, e.ws, dropout, this.dropoutRng);
    const loss = lossFn(this.scenario.loss, out, e.target, e.lossGrad);
    const step = this.step;
    this.step += 1;
    this.loss = loss;
    const finite = Number.isFinite(loss);
    const ref = Math.max(this.bestLoss, SPIKE_FLOOR * this.firstLoss);
    if (!finite || loss > this.config.divergenceFactor * ref) {
      this.restoreGood();
      this.lr /= 2;
      recoveries.push({ step, reason: finite ? 'loss spike' : 'non-finite loss', loss, lr: this.lr });
      return loss;
    }
    if (this.firstLoss === 0) {
      this.firstLoss = loss;
      this.meanLoss = loss;
    } else {
      this.meanLoss = LOSS_EMA * this.meanLoss + (1 - LOSS_EMA) * loss;
    }
    if (this.meanLoss < this.bestLoss) this.bestLoss = this.meanLoss;
    if (loss <= GOOD_FACTOR * Math.max(this.bestLoss, SPIKE_FLOOR * this.firstLoss)) this.keepGood();
    backward(e.model, e.ws);
    optimizerStep(e.opt, this.lr);
    return loss;
  }

  modelView(): ModelView {
    const e = this.engine;
    return {
      layers: this.layers,
      mode: e.model.mode,
      batch: e.ws.n,
      names: trainableTensors(e.model, e.ws).names,
    };
  }

  get maskFloatsPerStep(): number {
    let n = 0;
    for (const l of this.layers) if (l.adapter && l.adapter.dropout > 0 && !l.merged) n += l.k;
    return n * this.engine.ws.n;
  }

  drawBatches(steps: number, rows: Uint32Array, masks: Float32Array | null): void {
    if (!Number.isInteger(steps) || steps < 0)
      throw new RangeError(`drawBatches: steps must be an integer ≥ 0, got ${steps}`);
    if (this.merged) throw new LoraStateError('drawBatches: the adapter is merged into W; unmerge() before training');
    const n = this.engine.ws.n;
    const perStep = this.maskFloatsPerStep;
    if (rows.length < steps * n) throw new RangeError(`drawBatches: rows holds ${rows.length}, needs ${steps * n}`);
    if (perStep > 0 && (!masks || masks.length < steps * perStep))
      throw new RangeError(`drawBatches: masks must hold ${steps * perStep} floats`);
    for (let s = 0; s < steps; s++) {
      if (this.cursor + n > this.perm.length) {
        permutation(this.orderRng, this.perm);
        this.cursor = 0;
      }
      rows.set(this.perm.subarray(this.cursor, this.cursor + n), s * n);
      this.cursor += n;
      if (perStep === 0 || !masks) continue;
      // Same draws, in the same order, as forward(…, 'sample', dropoutRng): layer by layer.
      let o = s * perStep;
      for (const l of this.layers) {
        const ad = l.adapter;
        if (!ad || ad.dropout === 0 || l.merged) continue;
        const len = n * l.k;
        fillDropoutMask({ rows: n, cols: l.k, data: masks.subarray(o, o + len) }, ad.dropout, this.dropoutRng);
        o += len;
      }
    }
  }

  dataCursor(): DataCursor {
    return {
      perm: this.perm.slice(),
      cursor: this.cursor,
      order: this.orderRng.s.slice(),
      dropout: this.dropoutRng.s.slice(),
    };
  }

  setDataCursor(c: DataCursor): void {
    if (c.perm.length !== this.perm.length) throw new LoraStateError('setDataCursor: another training set');
    this.perm.set(c.perm);
    this.cursor = c.cursor;
    this.orderRng.s.set(c.order);
    this.dropoutRng.s.set(c.dropout);
  }

  trainingState(): TrainingState {
    const e = this.engine;
    const c = (a: readonly Float32Array[]): Float32Array[] => a.map((x) => x.slice());
    return {
      step: this.step,
      lr: this.lr,
      loss: this.loss,
      bestLoss: this.bestLoss,
      firstLoss: this.firstLoss,
      meanLoss: this.meanLoss,
      params: c(e.opt.params),
      m: c(e.opt.m),
      v: c(e.opt.v),
      t: e.opt.t,
      good: c(e.good),
      goodM: c(e.goodOpt.m),
      goodV: c(e.goodOpt.v),
      goodT: e.goodOpt.t,
    };
  }

  loadTrainingState(s: TrainingState): void {
    const e = this.engine;
    const load = (dst: readonly Float32Array[], src: readonly Float32Array[], what: string): void => {
      if (dst.length !== src.length || dst.some((d, i) => d.length !== src[i].length))
        throw new LoraStateError(`loadTrainingState: ${what} does not match this session's shapes`);
      dst.forEach((d, i) => d.set(src[i]));
    };
    load(e.opt.params, s.params, 'params');
    load(e.opt.m, s.m, 'm');
    load(e.opt.v, s.v, 'v');
    load(e.good, s.good, 'good');
    load(e.goodOpt.m, s.goodM, 'goodM');
    load(e.goodOpt.v, s.goodV, 'goodV');
    e.opt.t = s.t;
    e.goodOpt.t = s.goodT;
    this.step = s.step;
    this.lr = s.lr;
    this.loss = s.loss;
    this.bestLoss = s.bestLoss;
    this.firstLoss = s.firstLoss;
    this.meanLoss = s.meanLoss;
  }

  private keepGood(): void {
    const e = this.engine;
    for (let i = 0; i < e.good.length; i++) e.good[i].set(e.opt.params[i]);
    copyOptimizerState(e.opt, e.goodOpt);
  }

  private restoreGood(): void {
    const e = this.engine;
    for (let i = 0; i < e.good.length; i++) e.opt.params[i].set(e.good[i]);
    copyOptimizerState(e.goodOpt, e.opt);
  }

  // -- evaluation ------------------------------------------------------------------------------

  private evalWorkspace(rows: number): MlpWorkspace {
    const cache = this.engine.evalWs;
    let ws = cache.get(rows);
    if (!ws) {
      ws = createWorkspace(this.engine.model, rows, false);
      cache.set(rows, ws);
    }
    return ws;
  }

  predict(X: Matrix, dst?: Matrix): Matrix {
    const k0 = this.layers[0].k;
    if (X.cols !== k0) throw new RangeError(`predict: inputs have ${X.cols} columns, the model takes ${k0}`);
    const ws = this.evalWorkspace(X.rows);
    ws.acts[0].data.set(X.data);
    const out = forward(this.engine.model, ws, 'off', null);
    return copy(out, dst);
  }

  private evalLoss(set: { X: Matrix; Y: Matrix }): number {
    const ws = this.evalWorkspace(set.X.rows);
    ws.acts[0].data.set(set.X.data);
    return lossFn(this.scenario.loss, forward(this.engine.model, ws, 'off', null), set.Y, null);
  }

  valLoss(): number {
    return this.evalLoss(this.scenario.val);
  }

  trainSetLoss(): number {
    return this.evalLoss(this.scenario.train);
  }

  valAccuracy(): number | null {
    if (this.scenario.loss !== 'ce') return null;
    const { X, Y } = this.scenario.val;
    const ws = this.evalWorkspace(X.rows);
    ws.acts[0].data.set(X.data);
    return accuracy(forward(this.engine.model, ws, 'off', null), Y);
  }

  gridProbabilities(grid?: GridSpec, dst?: Matrix): Matrix {
    const g = grid ?? this.scenario.grid;
    if (!g) throw new LoraStateError(`gridProbabilities: scenario ${this.scenario.name} has no 2-D input grid`);
    if (this.scenario.loss !== 'ce') throw new LoraStateError('gridProbabilities: needs a classification scenario');
    const rows = g.nx * g.ny;
    const ws = this.evalWorkspace(rows);
    gridInputs(g, ws.acts[0]);
    const out = forward(this.engine.model, ws, 'off', null);
    return softmaxRows(out, dst ?? zeros(rows, out.cols));
  }

  probeOutputs(dst?: Matrix): Matrix {
    return this.predict(this.scenario.probe, dst);
  }

  // -- merge -----------------------------------------------------------------------------------

  merge(): { maxAbsDiff: number } {
    this.requireLora('merge');
    if (this.merged) throw new LoraStateError('merge: already merged');
    const before = this.probeOutputs();
    for (const layer of this.layers) if (layer.adapter) mergeLayer(layer);
    this.merged = true;
    const after = this.probeOutputs();
    return { maxAbsDiff: maxAbsDiff(before, after) };
  }

  unmerge(): { maxAbsDiff: number } {
    this.requireLora('unmerge');
    if (!this.merged) throw new LoraStateError('unmerge: not merged');
    let drift = 0;
    this.layers.forEach((layer, i) => {
      if (!layer.adapter) return;
      unmergeLayer(layer);
      drift = Math.max(drift, maxAbsDiff(layer.W, this.scenario.base[i].W));
    });
    this.restoreBaseW();
    return { maxAbsDiff: drift };
  }

  /** W ← W₀ (pristine base) in every layer; clears the merged state. */
  private restoreBaseW(): void {
    this.layers.forEach((layer, i) => {
      layer.W.data.set(this.scenario.base[i].W.data);
      layer.merged = false;
    });
    this.merged = false;
  }

  checksumW(): string {
    let h: number | undefined;
    for (const layer of this.layers) h = fnv1a32(bytesOf(layer.W.data), h);
    for (const layer of this.layers) if (layer.bias) h = fnv1a32(bytesOf(layer.bias), h);
    return hex32(h ?? 0);
  }

  // -- adapters --------------------------------------------------------------------------------

  snapshot(): AdapterSet {
    this.requireLora('snapshot');
    const { rank, alpha, rsLora, dropout, targets } = this.config;
    const A: Record<string, Matrix> = {};
    const B: Record<string, Matrix> = {};
    for (const layer of this.layers) {
      if (!layer.adapter) continue;
      A[layer.name] = copy(layer.adapter.A);
      B[layer.name] = copy(layer.adapter.B);
    }
    return { rank, alpha, rsLora, dropout, targets: [...targets], A, B };
  }

  restore(snapshot: AdapterSet): void {
    this.requireLora('restore');
    if (this.merged) throw new LoraStateError('restore: unmerge() first');
    const { rank, targets } = this.config;
    if (snapshot.rank !== rank || !sameList(snapshot.targets, targets)) {
      throw new LoraStateError(
        `restore: snapshot has rank ${snapshot.rank} on ${snapshot.targets.join(',')}, the session rank ${rank} on ${targets.join(',')}`,
      );
    }
    for (const layer of this.layers) {
      if (!layer.adapter) continue;
      copy(snapshot.A[layer.name], layer.adapter.A);
      copy(snapshot.B[layer.name], layer.adapter.B);
    }
    this.keepGood();
  }

  saveAdapter(name: string): void {
    this.requireLora('saveAdapter');
    checkName(name);
    this.saved.delete(name); // re-saving moves the name to the end
    this.saved.set(name, this.snapshot());
  }

  deleteAdapter(name: string): boolean {
    return this.saved.delete(name);
  }

  useAdapter(name: string): void {
    this.requireLora('useAdapter');
    const set = this.saved.get(name);
    if (!set)
      throw new LoraStateError(
        `useAdapter: no adapter named ${JSON.stringify(name)} (saved: ${this.adapters.join(', ') || 'none'})`,
      );
    if (this.merged) throw new LoraStateError('useAdapter: unmerge() before swapping adapters');
    const c = this.config;
    const sameShape = set.rank === c.rank && sameList(set.targets, c.targets);
    this.config = {
      ...c,
      rank: set.rank,
      alpha: set.alpha,
      rsLora: set.rsLora,
      dropout: set.dropout,
      targets: [...set.targets],
    };
    if (!sameShape || set.alpha !== c.alpha || set.rsLora !== c.rsLora || set.dropout !== c.dropout) {
      this.engine = this.build();
    }
    for (const layer of this.layers) {
      if (!layer.adapter) continue;
      copy(set.A[layer.name], layer.adapter.A);
      copy(set.B[layer.name], layer.adapter.B);
    }
    this.restartTraining();
  }

  adapterWeights(name?: string): AdapterSet {
    if (name === undefined) return this.snapshot();
    const set = this.saved.get(name);
    if (!set) throw new LoraStateError(`adapterWeights: no adapter named ${JSON.stringify(name)}`);
    return cloneSet(set);
  }

  peftAdapter(name?: string): PeftAdapter {
    const set = this.adapterWeights(name);
    return {
      config: {
        peft_type: 'LORA',
        r: set.rank,
        lora_alpha: set.alpha,
        lora_dropout: set.dropout,
        use_rslora: set.rsLora,
        target_modules: [...set.targets],
        bias: 'none',
        task_type: null,
        base_model_name_or_path: this.scenario.baseModelId,
      },
      A: set.A,
      B: set.B,
    };
  }

  exportAdapter(name?: string): Uint8Array {
    return writePeftZip(this.peftAdapter(name));
  }

  importAdapter(name: string, input: AdapterSet | Uint8Array): AdapterSet {
    this.requireLora('importAdapter');
    checkName(name);
    let adapter: AdapterSet;
    if (input instanceof Uint8Array) {
      const peft = readPeftZip(input);
      const base = peft.config.base_model_name_or_path;
      if (base !== null && base !== this.scenario.baseModelId) {
        throw new LoraConfigError(
          'base_model_name_or_path',
          `importAdapter: the adapter was trained on ${base}; this trainer's frozen base is ${this.scenario.baseModelId}`,
        );
      }
      adapter = {
        rank: peft.config.r,
        alpha: peft.config.lora_alpha,
        rsLora: peft.config.use_rslora,
        dropout: peft.config.lora_dropout,
        targets: Object.keys(peft.A),
        A: peft.A,
        B: peft.B,
      };
    } else {
      adapter = input;
    }
    const layers = this.scenario.layers;
    const { rank, alpha, rsLora, dropout, targets } = adapter;
    if (!Number.isInteger(rank) || rank < 1 || rank > MAX_RANK)
      throw new LoraConfigError('rank', `importAdapter: rank ${rank} is not in 1…${MAX_RANK}`);
    if (!(Number.isFinite(alpha) && alpha > 0))
      throw new LoraConfigError('alpha', `importAdapter: lora_alpha ${alpha} must be > 0`);
    if (!(dropout >= 0 && dropout < 1))
      throw new LoraConfigError('dropout', `importAdapter: lora_dropout ${dropout} must be in [0, 1)`);
    if (typeof rsLora !== 'boolean')
      throw new LoraConfigError('rsLora', 'importAdapter: use_rslora must be true or false');
    const ordered = parseTargets(
      [...targets],
      layers.map((l) => l.name),
      [],
    );
    const A: Record<string, Matrix> = {};
    const B: Record<string, Matrix> = {};
    for (const l of layers) {
      if (!ordered.includes(l.name)) continue;
      if (rank > Math.min(l.d, l.k))
        throw new LoraConfigError('rank', `importAdapter: rank ${rank} exceeds min(d, k) of ${l.name}`);
      const a = adapter.A[l.name];
      const b = adapter.B[l.name];
      if (!a || !b) throw new LoraConfigError('targets', `importAdapter: missing A or B for ${l.name}`);
      if (a.rows !== rank || a.cols !== l.k)
        throw new LoraConfigError('A', `importAdapter: ${l.name} A is ${a.rows}×${a.cols}, expected ${rank}×${l.k}`);
      if (b.rows !== l.d || b.cols !== rank)
        throw new LoraConfigError('B', `importAdapter: ${l.name} B is ${b.rows}×${b.cols}, expected ${l.d}×${rank}`);
      if (!a.data.every(Number.isFinite) || !b.data.every(Number.isFinite)) {
        throw new LoraConfigError('weights', `importAdapter: ${l.name} has non-finite weights`);
      }
      A[l.name] = { rows: a.rows, cols: a.cols, data: Float32Array.from(a.data) };
      B[l.name] = { rows: b.rows, cols: b.cols, data: Float32Array.from(b.data) };
    }
    const stored: AdapterSet = { rank, alpha, rsLora, dropout, targets: ordered, A, B };
    this.saved.delete(name);
    this.saved.set(name, stored);
    return cloneSet(stored);
  }

  deltaW(layerName?: string, dst?: Matrix): Matrix {
    const name = layerName ?? this.config.targets[0];
    const i = this.layers.findIndex((l) => l.name === name);
    if (i < 0) throw new LoraConfigError('layer', `deltaW: unknown layer ${JSON.stringify(name)}`);
    const layer = this.layers[i];
    if (this.config.mode === 'full') return addScaled(layer.W, this.scenario.base[i].W, -1, dst);
    const ad = layer.adapter;
    if (!ad) {
      const out = dst ?? zeros(layer.d, layer.k);
      out.data.fill(0);
      return out;
    }
    return matmul(ad.B, ad.A, dst, { alpha: ad.scaling });
  }

  private requireLora(op: string): void {
    if (this.config.mode !== 'lora') throw new LoraStateError(`${op}: not available in full fine-tuning mode`);
  }
}

/** dst row b ← src row idx[start + b], for every row of dst. */
function gatherRows(src: Matrix, idx: Uint32Array, start: number, dst: Matrix): void {
  const c = src.cols;
  const s = src.data;
  const d = dst.data;
  for (let b = 0; b < dst.rows; b++) {
    const from = idx[start + b] * c;
    const to = b * c;
    for (let j = 0; j < c; j++) d[to + j] = s[from + j];
  }
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.trim().length === 0)
    throw new LoraConfigError('name', 'adapter name: must be a non-empty string');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function cloneSet(s: AdapterSet): AdapterSet {
  const A: Record<string, Matrix> = {};
  const B: Record<string, Matrix> = {};
  for (const t of s.targets) {
    A[t] = copy(s.A[t]);
    B[t] = copy(s.B[t]);
  }
  return { ...s, targets: [...s.targets], A, B };
}

/** Largest |a − b| between two adapters' ΔW-free tensors (A and B), for tests and the UI. */
export function adapterMaxAbsDiff(a: AdapterSet, b: AdapterSet): number {
  let m = 0;
  for (const t of a.targets) {
    m = Math.max(m, maxAbsDiffArray(a.A[t].data, b.A[t].data), maxAbsDiffArray(a.B[t].data, b.B[t].data));
  }
  return m;
}
