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
import {
  AdapterLibrary,
  adapterFromPeftZip,
  checkAdapter,
  checkAdapterName,
  cloneAdapter,
  sameTargets,
  toPeftAdapter,
  type AdapterSet,
} from './adapter-library.ts';
import { BatchOrder, gatherRows } from './batch-order.ts';
import { JS_KERNELS, type CpuKernels } from './cpu-kernels.ts';
import { DivergenceGuard } from './divergence-guard.ts';
import { bytesOf, fnv1a32, hex32 } from './hash.ts';
import {
  attachAdapter,
  deltaW as layerDeltaW,
  fillDropoutMask,
  initAdapter,
  merge as mergeLayer,
  unmerge as unmergeLayer,
  type LoraLinear,
} from './lora.ts';
import { accuracy, lossFn, softmaxRows } from './loss.ts';
import { addScaled, copy, maxAbsDiff, zeros, type Matrix } from './matrix.ts';
import {
  backward,
  countParams,
  createMlp,
  createWorkspace,
  forward,
  trainableTensors,
  type Mlp,
  type MlpWorkspace,
} from './mlp.ts';
import { copyOptimizerState, createOptimizer, optimizerStep, resetOptimizer, type Optimizer } from './optim.ts';
import { writePeftZip, type PeftAdapter } from './peft-format.ts';
import { createRng, deriveSeed, reseed, type Rng } from './rng.ts';
import { baseLayers, createScenario, gridInputs, type GridSpec, type Scenario } from './scenarios.ts';
import type { DataCursor, ModelView, RecoverRecord, TrainerSession, TrainingState, TrainResult } from './session.ts';
import {
  LoraConfigError,
  LoraStateError,
  resolveConfig,
  type ResolvedConfig,
  type TrainerConfig,
} from './trainer-config.ts';

// The session's public surface, importable from here with the session itself.
export { adapterMaxAbsDiff, type AdapterSet } from './adapter-library.ts';
export type { RecoverRecord, TrainerSession, TrainResult } from './session.ts';
export {
  DEFAULTS,
  FULL_LR,
  LoraConfigError,
  LoraStateError,
  resolveConfig,
  type ResolvedConfig,
  type TrainerConfig,
} from './trainer-config.ts';

/** Seed sub-streams of `seed`. */
const SEED_STREAM = Object.freeze({ init: 11, order: 12, dropout: 13 } as const);

/** Builds a session: validates `config`, builds the scenario, allocates every buffer; `kernels` (cpu-kernels.ts). */
export function createSession(config: TrainerConfig = {}, kernels: CpuKernels = JS_KERNELS): TrainerSession {
  const resolved = resolveConfig(config);
  const { baseSeed, trueRank, trainSize } = resolved;
  const scenario = createScenario(resolved.scenario, { baseSeed, trueRank, trainSize });
  return new CpuSession(resolved, scenario, kernels);
}

/** The buffers a step needs; rebuilt only when the adapter's shape changes (`useAdapter`). */
interface StepBuffers {
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
  private buffers: StepBuffers;
  private readonly library = new AdapterLibrary();
  private readonly initRng: Rng;
  private readonly order: BatchOrder;
  private readonly dropoutRng: Rng;
  private readonly guard = new DivergenceGuard();
  private readonly kernels: CpuKernels;

  constructor(config: ResolvedConfig, scenario: Scenario, kernels: CpuKernels) {
    this.kernels = kernels;
    this.config = config;
    this.scenario = scenario;
    this.lr = config.lr;
    this.layers = baseLayers(scenario);
    this.initRng = createRng(deriveSeed(config.seed, SEED_STREAM.init));
    this.order = new BatchOrder(scenario.train.X.rows, deriveSeed(config.seed, SEED_STREAM.order));
    this.dropoutRng = createRng(deriveSeed(config.seed, SEED_STREAM.dropout));
    this.buffers = this.build();
    this.reset();
  }

  get trainableParams(): number {
    return countParams(this.buffers.model).trainable;
  }

  get frozenParams(): number {
    return countParams(this.buffers.model).frozen;
  }

  get adapters(): readonly string[] {
    return this.library.names();
  }

  /** Attaches adapters per the current config and allocates every buffer a step needs. */
  private build(): StepBuffers {
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
    resetOptimizer(this.buffers.opt);
    this.step = 0;
    this.lr = this.config.lr;
    this.loss = Number.NaN;
    this.guard.reset();
    this.order.restart(deriveSeed(this.config.seed, SEED_STREAM.order));
    reseed(this.dropoutRng, deriveSeed(this.config.seed, SEED_STREAM.dropout));
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
    const e = this.buffers;
    const { X, Y } = this.scenario.train;
    const start = this.order.next(e.ws.n);
    gatherRows(X, this.order.perm, start, e.ws.acts[0]);
    gatherRows(Y, this.order.perm, start, e.target);

    const dropout = this.config.dropout > 0 ? 'sample' : 'off';
    const out = forward(e.model, e.ws, dropout, this.dropoutRng, this.kernels);
    const loss = lossFn(this.scenario.loss, out, e.target, e.lossGrad);
    const step = this.step;
    this.step += 1;
    this.loss = loss;
    const reason = this.guard.reject(loss, this.config.divergenceFactor);
    if (reason) {
      this.restoreGood();
      this.lr /= 2;
      recoveries.push({ step, reason, loss, lr: this.lr });
      return loss;
    }
    if (this.guard.accept(loss)) this.keepGood();
    backward(e.model, e.ws, this.kernels);
    optimizerStep(e.opt, this.lr);
    return loss;
  }

  modelView(): ModelView {
    const e = this.buffers;
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
    return n * this.buffers.ws.n;
  }

  drawBatches(steps: number, rows: Uint32Array, masks: Float32Array | null): void {
    if (!Number.isInteger(steps) || steps < 0)
      throw new RangeError(`drawBatches: steps must be an integer ≥ 0, got ${steps}`);
    if (this.merged) throw new LoraStateError('drawBatches: the adapter is merged into W; unmerge() before training');
    const n = this.buffers.ws.n;
    const perStep = this.maskFloatsPerStep;
    if (rows.length < steps * n) throw new RangeError(`drawBatches: rows holds ${rows.length}, needs ${steps * n}`);
    if (perStep > 0 && (!masks || masks.length < steps * perStep))
      throw new RangeError(`drawBatches: masks must hold ${steps * perStep} floats`);
    for (let s = 0; s < steps; s++) {
      const start = this.order.next(n);
      rows.set(this.order.perm.subarray(start, start + n), s * n);
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
    return { ...this.order.position(), dropout: this.dropoutRng.s.slice() };
  }

  setDataCursor(c: DataCursor): void {
    if (c.perm.length !== this.order.perm.length) throw new LoraStateError('setDataCursor: another training set');
    this.order.setPosition(c);
    this.dropoutRng.s.set(c.dropout);
  }

  trainingState(): TrainingState {
    const e = this.buffers;
    const c = (a: readonly Float32Array[]): Float32Array[] => a.map((x) => x.slice());
    return {
      step: this.step,
      lr: this.lr,
      loss: this.loss,
      ...this.guard.numbers(),
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
    const e = this.buffers;
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
    this.guard.load(s);
  }

  private keepGood(): void {
    const e = this.buffers;
    for (let i = 0; i < e.good.length; i++) e.good[i].set(e.opt.params[i]);
    copyOptimizerState(e.opt, e.goodOpt);
  }

  private restoreGood(): void {
    const e = this.buffers;
    for (let i = 0; i < e.good.length; i++) e.opt.params[i].set(e.good[i]);
    copyOptimizerState(e.goodOpt, e.opt);
  }

  // -- evaluation ------------------------------------------------------------------------------

  private evalWorkspace(rows: number): MlpWorkspace {
    const cache = this.buffers.evalWs;
    let ws = cache.get(rows);
    if (!ws) {
      ws = createWorkspace(this.buffers.model, rows, false);
      cache.set(rows, ws);
    }
    return ws;
  }

  /** The model's outputs for the rows of X, without dropout (in an evaluation workspace). */
  private evalForward(X: Matrix): Matrix {
    const ws = this.evalWorkspace(X.rows);
    ws.acts[0].data.set(X.data);
    return forward(this.buffers.model, ws, 'off', null, this.kernels);
  }

  predict(X: Matrix, dst?: Matrix): Matrix {
    const k0 = this.layers[0].k;
    if (X.cols !== k0) throw new RangeError(`predict: inputs have ${X.cols} columns, the model takes ${k0}`);
    return copy(this.evalForward(X), dst);
  }

  private evalLoss(set: { X: Matrix; Y: Matrix }): number {
    return lossFn(this.scenario.loss, this.evalForward(set.X), set.Y, null);
  }

  valLoss(): number {
    return this.evalLoss(this.scenario.val);
  }

  trainSetLoss(): number {
    return this.evalLoss(this.scenario.train);
  }

  valAccuracy(): number | null {
    if (this.scenario.loss !== 'ce') return null;
    return accuracy(this.evalForward(this.scenario.val.X), this.scenario.val.Y);
  }

  gridProbabilities(grid?: GridSpec, dst?: Matrix): Matrix {
    const g = grid ?? this.scenario.grid;
    if (!g) throw new LoraStateError(`gridProbabilities: scenario ${this.scenario.name} has no 2-D input grid`);
    if (this.scenario.loss !== 'ce') throw new LoraStateError('gridProbabilities: needs a classification scenario');
    const rows = g.nx * g.ny;
    const ws = this.evalWorkspace(rows);
    gridInputs(g, ws.acts[0]);
    const out = forward(this.buffers.model, ws, 'off', null, this.kernels);
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

  /** A copy of the live adapter. */
  private liveAdapter(op: string): AdapterSet {
    this.requireLora(op);
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

  restoreAdapter(set: AdapterSet): void {
    this.requireLora('restoreAdapter');
    if (this.merged) throw new LoraStateError('restoreAdapter: unmerge() first');
    const { rank, targets } = this.config;
    if (set.rank !== rank || !sameTargets(set.targets, targets)) {
      throw new LoraStateError(
        `restoreAdapter: the set has rank ${set.rank} on ${set.targets.join(',')}, the session rank ${rank} on ${targets.join(',')}`,
      );
    }
    this.loadLiveAdapter(set);
    this.keepGood();
  }

  /** Copies a set's A and B into the live adapters (same rank and targets). */
  private loadLiveAdapter(set: AdapterSet): void {
    for (const layer of this.layers) {
      if (!layer.adapter) continue;
      copy(set.A[layer.name], layer.adapter.A);
      copy(set.B[layer.name], layer.adapter.B);
    }
  }

  saveAdapter(name: string): void {
    this.requireLora('saveAdapter');
    checkAdapterName(name);
    this.library.store(name, this.liveAdapter('saveAdapter'));
  }

  deleteAdapter(name: string): boolean {
    return this.library.delete(name);
  }

  useAdapter(name: string): void {
    this.requireLora('useAdapter');
    const set = this.library.get('useAdapter', name);
    if (this.merged) throw new LoraStateError('useAdapter: unmerge() before swapping adapters');
    const c = this.config;
    const sameShape = set.rank === c.rank && sameTargets(set.targets, c.targets);
    this.config = {
      ...c,
      rank: set.rank,
      alpha: set.alpha,
      rsLora: set.rsLora,
      dropout: set.dropout,
      targets: [...set.targets],
    };
    if (!sameShape || set.alpha !== c.alpha || set.rsLora !== c.rsLora || set.dropout !== c.dropout) {
      this.buffers = this.build();
    }
    this.loadLiveAdapter(set);
    this.restartTraining();
  }

  adapterWeights(name?: string): AdapterSet {
    if (name === undefined) return this.liveAdapter('adapterWeights');
    return cloneAdapter(this.library.get('adapterWeights', name));
  }

  peftAdapter(name?: string): PeftAdapter {
    return toPeftAdapter(this.adapterWeights(name), this.scenario.baseModelId);
  }

  exportAdapter(name?: string): Uint8Array {
    return writePeftZip(this.peftAdapter(name));
  }

  importAdapter(name: string, input: AdapterSet | Uint8Array): AdapterSet {
    this.requireLora('importAdapter');
    checkAdapterName(name);
    const adapter = input instanceof Uint8Array ? adapterFromPeftZip(input, this.scenario.baseModelId) : input;
    const stored = checkAdapter(adapter, this.scenario.layers);
    this.library.store(name, stored);
    return cloneAdapter(stored);
  }

  deltaW(layerName?: string, dst?: Matrix): Matrix {
    const name = layerName ?? this.config.targets[0];
    const i = this.layers.findIndex((l) => l.name === name);
    if (i < 0) throw new LoraConfigError('layer', `deltaW: unknown layer ${JSON.stringify(name)}`);
    const layer = this.layers[i];
    if (this.config.mode === 'full') return addScaled(layer.W, this.scenario.base[i].W, -1, dst);
    if (!layer.adapter) {
      const out = dst ?? zeros(layer.d, layer.k);
      out.data.fill(0);
      return out;
    }
    return layerDeltaW(layer, dst);
  }

  private requireLora(op: string): void {
    if (this.config.mode !== 'lora') throw new LoraStateError(`${op}: not available in full fine-tuning mode`);
  }
}
