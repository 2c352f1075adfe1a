/**
 * What `<lora-trainer>` does, without the DOM: it drives three engine trainers through the
 * RemoteSession contract (widgets/engine/types.ts) and keeps what the view draws, private,
 * behind the read-only `view` (LabView, lab-common.ts).
 *
 *  - `main`: the adapter the reader trains, merges, saves and swaps.
 *  - `ref`:  full fine-tuning on the same data, seed and batch (the reference curve); at step 0
 *            it also gives the base's outputs h₀(x) on the probe batch.
 *  - `aux`:  started on first use, for the rank sweep and the pitfall experiments, so neither
 *            touches the reader's adapter.
 *
 * Operations on `main` run one after another (a promise chain); training runs in chunks so that
 * snapshots for the heatmaps and the decision boundary can be taken between them.
 */
import type { Matrix } from '../core/matrix.ts';
import type { AdapterSet, ResolvedConfig } from '../core/trainer.ts';
import { outputMaxDiff } from '../core/pitfalls.ts';
import type {
  BackendChoice,
  CreateRemoteSession,
  RemoteSession,
  TrainerState,
  TrainProgress,
} from '../engine/types.ts';
import {
  CHUNK,
  SWEEP_RANKS,
  SWEEP_STEPS,
  applyProgress,
  configKey,
  initialView,
  refKey,
  sweepKey,
  syncCurve,
  toTrainerConfig,
  trainRefCurve,
  trainSweepRun,
  type LabHooks,
  type LabRunResult,
  type LabState,
  type LabView,
  type PitfallResult,
  type SweepRun,
} from './lab-common.ts';
import { PITFALL_IDS, type PitfallId } from './settings.ts';
import { rankCap } from './shapes.ts';

export class LoraLab {
  private main: RemoteSession | null = null;
  private ref: RemoteSession | null = null;
  private aux: RemoteSession | null = null;
  private backendChoice: BackendChoice;
  /** h₀(x): the frozen base's outputs on the probe batch. */
  private baseOutputs: Matrix | null = null;
  private readonly v: LabState;
  private readonly create: CreateRemoteSession;
  private readonly hooks: LabHooks;
  private chain: Promise<unknown> = Promise.resolve();
  private auxChain: Promise<unknown> = Promise.resolve();
  private pauseRequested = false;
  private refStop = false;
  private sweepCancel = false;
  private sweepFor = '';
  private refFor = '';
  private pitfallFor = new Map<PitfallId, string>();
  private offs: (() => void)[] = [];
  private starting: Promise<void> | null = null;
  private disposed = false;
  /** Counts `dispose()` calls: a start begun before one gives its trainers back. */
  private generation = 0;
  private lastSnapshotAt = 0;
  private recoveriesSeen = 0;
  /** Whether B = 0 (a fresh adapter): only then is the output difference at step 0 the B = 0 one. */
  private freshB = true;

  constructor(create: CreateRemoteSession, config: ResolvedConfig, backend: BackendChoice, hooks: LabHooks) {
    this.create = create;
    this.backendChoice = backend;
    this.hooks = hooks;
    this.v = initialView(config);
  }

  /** Everything the view draws, read-only. */
  get view(): LabView {
    return this.v;
  }

  /** Shows or hides (and stops training) the full fine-tuning reference curve. */
  setShowRef(on: boolean): void {
    this.v.showRef = on;
    this.hooks.changed();
  }

  /**
   * Takes `config` as the configuration in effect without reconfiguring the engine: for settings
   * that already match it (the element's attributes after a hot swap follow the adapter).
   */
  adoptConfig(config: ResolvedConfig): void {
    this.v.config = config;
  }

  /** Runs `fn` after every earlier operation on the main trainer. */
  private queue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(() => this.ready(fn));
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Runs `fn` on `aux` (created on first use) after every earlier sweep or experiment. */
  private queueAux<T>(fn: (aux: RemoteSession) => Promise<T>): Promise<T> {
    const p = this.auxChain.then(() =>
      this.ready(async () => {
        this.aux ??= await this.create(toTrainerConfig(this.v.config), { backend: this.backendChoice });
        return fn(this.aux);
      }),
    );
    this.auxChain = p.catch(() => undefined);
    return p;
  }

  private async ready<T>(fn: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error('the trainer was removed from the page');
    await this.start();
    return fn();
  }

  /** Creates the engine trainers (once). */
  start(): Promise<void> {
    this.v.started = true;
    this.starting ??= (async () => {
      const c = this.v.config;
      const gen = this.generation;
      const [main, ref] = await Promise.all([
        this.create(toTrainerConfig(c), { backend: this.backendChoice }),
        this.create(toTrainerConfig(c, { mode: 'full', lr: undefined, rank: 1 }), { backend: this.backendChoice }),
      ]);
      if (gen !== this.generation) {
        main.dispose();
        ref.dispose();
        // Removed while starting: back in the page already means start again.
        if (!this.disposed) return this.start();
        return;
      }
      this.main = main;
      this.ref = ref;
      this.v.report = main.report;
      this.offs.push(
        main.onBackend((r) => {
          this.v.report = r;
          this.hooks.backend(r);
          this.hooks.changed();
        }),
        main.onRecover((r) => {
          this.recoveriesSeen++;
          this.hooks.recover(r);
        }),
      );
      this.hooks.backend(main.report);
      this.refFor = refKey(c);
      this.baseOutputs = await ref.probeOutputs();
      this.v.state = await main.state();
      this.v.baseChecksumW = this.v.state.checksumW;
      await this.afterRestart();
    })();
    return this.starting;
  }

  /** After step 0 is reached (start, reset, configure, hot swap): clear the curve, measure B = 0. */
  private async afterRestart(): Promise<void> {
    const main = this.main!;
    this.v.curve = { losses: [], val: [] };
    this.v.state = await main.state();
    const out = await main.probeOutputs();
    if (this.baseOutputs && out.rows === this.baseOutputs.rows && out.cols === this.baseOutputs.cols) {
      const d = outputMaxDiff(out, this.baseOutputs);
      this.v.nowDiff = d;
      // Only a fresh adapter has B = 0 (a swapped-in one starts at step 0 too, with its trained B).
      if (this.freshB) this.v.bZeroDiff = d;
    }
    this.freshB = false;
    await this.refreshViews(true);
  }

  /** Snapshot for the heatmaps, and the decision boundary (classify-2d). Throttled unless forced. */
  private async refreshViews(force = false): Promise<void> {
    const main = this.main;
    if (!main) return;
    const now = Date.now();
    if (!force && now - this.lastSnapshotAt < 250) return;
    this.lastSnapshotAt = now;
    this.v.snapshot = await main.snapshot();
    this.v.boundaryProbabilities = this.v.config.scenario === 'classify-2d' ? await main.gridProbabilities() : null;
    this.hooks.changed();
  }

  /** Applies a new configuration (no-op when equal). */
  setConfig(config: ResolvedConfig, backend: BackendChoice = this.backendChoice): Promise<void> {
    if (!this.starting) {
      this.v.config = config;
      this.backendChoice = backend;
      this.invalidate();
      return Promise.resolve();
    }
    return this.queue(async () => {
      if (backend !== this.backendChoice) {
        this.backendChoice = backend;
        this.v.config = config;
        await this.restartEngine();
        return;
      }
      if (configKey(config) === configKey(this.v.config)) return;
      this.v.config = config;
      this.invalidate();
      const main = this.main!;
      this.v.state = await main.configure(toTrainerConfig(config));
      this.v.lastMerge = null;
      this.freshB = true;
      if (refKey(config) !== this.refFor) await this.resetRef();
      await this.afterRestart();
    });
  }

  /** Drops what no longer matches the configuration (sweep curves, pitfall numbers). */
  private invalidate(): void {
    if (this.sweepFor !== sweepKey(this.v.config)) {
      this.sweepCancel = true;
      this.aux?.pause();
      this.v.sweep = [];
    }
    this.hooks.changed();
  }

  private async resetRef(): Promise<void> {
    const ref = this.ref!;
    await ref.configure(toTrainerConfig(this.v.config, { mode: 'full', lr: undefined, rank: 1 }));
    this.refFor = refKey(this.v.config);
    this.v.refCurve = { losses: [], val: [] };
    this.baseOutputs = await ref.probeOutputs();
    const cs = (await this.main!.state()).checksumW;
    this.v.baseChecksumW = cs;
  }

  /** Gives the engine trainers back (the last one out stops the page's engine). */
  private release(): void {
    for (const off of this.offs.splice(0)) off();
    this.main?.dispose();
    this.ref?.dispose();
    this.aux?.dispose();
    this.main = this.ref = this.aux = null;
    this.starting = null;
  }

  private async restartEngine(): Promise<void> {
    this.release();
    this.v.refCurve = { losses: [], val: [] };
    this.v.sweep = [];
    this.freshB = true;
    await this.start();
  }

  /** Trains `steps` steps (the reference curve too, up to the same step); `pause()` resolves it early. */
  train(steps: number): Promise<LabRunResult> {
    return this.queue(async () => {
      const main = this.main!;
      if (this.v.state?.merged) throw new Error('The adapter is merged into W: unmerge it before training.');
      this.pauseRequested = false;
      this.refStop = false;
      this.v.training = true;
      this.hooks.changed();
      const losses: number[] = [];
      let paused = false;
      const refRun = this.v.showRef ? this.trainRef(this.v.curve.losses.length + steps) : Promise.resolve();
      try {
        while (losses.length < steps) {
          if (this.pauseRequested) {
            paused = true;
            break;
          }
          const n = Math.min(CHUNK, steps - losses.length);
          const seen = this.recoveriesSeen;
          const out = await main.train(n, (p) => this.onProgress(p));
          const got = Array.from(out.losses);
          losses.push(...got);
          // Keep the curve exact even where progress reports were coalesced.
          syncCurve(this.v.curve.losses, out.step, got);
          // Recoveries the engine did not already announce through onRecover.
          for (const rec of out.recoveries.slice(this.recoveriesSeen - seen)) {
            this.hooks.recover({ reason: rec.reason, lr: rec.lr });
          }
          this.v.state = { ...(this.v.state ?? (await main.state())), step: out.step, loss: out.loss };
          await this.refreshViews();
          if (out.paused || got.length < n) {
            paused = true;
            break;
          }
        }
      } finally {
        // The reference catches up with the adapter's step unless the reader paused.
        if (paused || this.pauseRequested) {
          this.refStop = true;
          this.ref?.pause();
        }
        await refRun.catch(() => undefined);
        this.pauseRequested = false;
        this.refStop = false;
        this.v.state = await main.state();
        const val = await main.valLoss();
        if (val !== null && Number.isFinite(val)) {
          const step = this.v.state.step;
          const last = this.v.curve.val[this.v.curve.val.length - 1];
          if (!last || last[0] !== step) this.v.curve.val.push([step, val]);
          this.v.state = { ...this.v.state, valLoss: val };
        }
        if (this.baseOutputs) {
          const out = await main.probeOutputs();
          if (out.rows === this.baseOutputs.rows && out.cols === this.baseOutputs.cols)
            this.v.nowDiff = outputMaxDiff(out, this.baseOutputs);
        }
        this.v.training = false;
        await this.refreshViews(true);
      }
      return { step: this.v.state.step, loss: losses.length ? losses[losses.length - 1] : Number.NaN, losses, paused };
    });
  }

  private onProgress(p: TrainProgress): void {
    applyProgress(this.v, p);
    this.hooks.progress({ step: p.step, loss: p.loss, valLoss: p.valLoss });
    this.hooks.changed();
  }

  private trainRef(toStep: number): Promise<void> {
    return this.ref
      ? trainRefCurve(this.ref, this.v.refCurve, toStep, () => this.refStop, this.hooks)
      : Promise.resolve();
  }

  /** Makes the running `train` resolve early. */
  pause(): void {
    if (!this.v.training) return;
    this.pauseRequested = true;
    this.refStop = true;
    this.main?.pause();
    this.ref?.pause();
  }

  reset(): Promise<TrainerState> {
    return this.queue(async () => {
      this.v.state = await this.main!.reset();
      this.v.lastMerge = null;
      this.freshB = true;
      await this.afterRestart();
      return this.v.state;
    });
  }

  merge(): Promise<{ maxAbsDiff: number }> {
    return this.mergeOp(true);
  }

  unmerge(): Promise<{ maxAbsDiff: number }> {
    return this.mergeOp(false);
  }

  private mergeOp(merge: boolean): Promise<{ maxAbsDiff: number }> {
    return this.queue(async () => {
      const r = merge ? await this.main!.merge() : await this.main!.unmerge();
      if (merge) this.v.lastMerge = r.maxAbsDiff;
      this.v.state = await this.main!.state();
      await this.refreshViews(true);
      return r;
    });
  }

  /** Queues an operation that returns the trainer's new state, and keeps that state. */
  private stateOp(op: (main: RemoteSession) => Promise<TrainerState>): Promise<TrainerState> {
    return this.queue(async () => {
      this.v.state = await op(this.main!);
      this.hooks.changed();
      return this.v.state;
    });
  }

  saveAdapter(name: string): Promise<TrainerState> {
    return this.stateOp((m) => m.saveAdapter(name));
  }

  deleteAdapter(name: string): Promise<TrainerState> {
    return this.stateOp((m) => m.deleteAdapter(name));
  }

  /** Hot swap: the saved adapter on the same frozen base. The configuration follows the adapter. */
  useAdapter(name: string): Promise<{ state: TrainerState; adapter: AdapterSet }> {
    return this.queue(async () => {
      const main = this.main!;
      this.v.state = await main.useAdapter(name);
      const a = await main.adapterWeights();
      this.v.config = {
        ...this.v.config,
        rank: a.rank,
        alpha: a.alpha,
        rsLora: a.rsLora,
        dropout: a.dropout,
        targets: [...a.targets],
      };
      this.v.lastMerge = null;
      await this.afterRestart();
      const val = await main.valLoss();
      if (val !== null) this.v.state = { ...this.v.state, valLoss: val };
      this.hooks.changed();
      return { state: this.v.state, adapter: a };
    });
  }

  /** Read-only calls wait for the engine, not for queued operations: a view sees ΔW while it trains. */
  private async peek<T>(fn: (main: RemoteSession) => Promise<T>): Promise<T> {
    return this.ready(() => fn(this.main!));
  }

  adapterWeights(name?: string): Promise<AdapterSet> {
    return this.peek((m) => m.adapterWeights(name));
  }

  deltaW(layer?: string): Promise<Matrix> {
    return this.peek((m) => m.deltaW(layer));
  }

  exportAdapter(name?: string): Promise<Uint8Array> {
    return this.queue(() => this.main!.exportAdapter(name));
  }

  importAdapter(name: string, bytes: Uint8Array): Promise<TrainerState> {
    return this.stateOp((m) => m.importAdapter(name, bytes));
  }

  // -- rank sweep ---------------------------------------------------------------------------------

  /** Trains a fresh adapter of each rank (others settings as now) for `steps` steps, on `aux`. */
  rankSweep(ranks: readonly number[] = SWEEP_RANKS, steps = SWEEP_STEPS): Promise<SweepRun[]> {
    const cap = rankCap(this.v.config.scenario, this.v.config.targets);
    const list = ranks.filter((r) => Number.isInteger(r) && r >= 1 && r <= cap);
    this.sweepCancel = false;
    return this.queueAux(async (aux) => {
      const key = sweepKey(this.v.config);
      this.sweepFor = key;
      this.v.sweep = list.map((rank) => ({ rank, losses: [], done: false }));
      this.v.sweepRunning = true;
      this.sweepCancel = false;
      this.hooks.changed();
      try {
        for (const run of this.v.sweep) {
          if (this.sweepCancel) break;
          await trainSweepRun(aux, toTrainerConfig(this.v.config, { rank: run.rank }), run, steps, {
            cancelled: () => this.sweepCancel,
            changed: () => this.hooks.changed(),
          });
        }
      } finally {
        this.v.sweepRunning = false;
        if (this.sweepCancel) this.v.sweep = [];
        this.hooks.changed();
      }
      return this.v.sweep;
    });
  }

  cancelSweep(): void {
    this.sweepCancel = true;
    this.aux?.pause();
  }

  /** Runs `fn` on `aux` with the configuration in effect, after every earlier sweep or experiment. */
  experiment<T>(fn: (aux: RemoteSession, c: ResolvedConfig, main: RemoteSession | null) => Promise<T>): Promise<T> {
    return this.queueAux((aux) => fn(aux, this.v.config, this.main));
  }

  // -- pitfalls -----------------------------------------------------------------------------------

  /** Runs one pitfall's experiment on `aux` with the current settings and keeps its numbers. */
  runPitfall(id: PitfallId): Promise<PitfallResult> {
    this.v.pitfalls.set(id, 'running');
    this.hooks.changed();
    const key = configKey(this.v.config);
    // The experiments (and the PEFT writer they use) load on first use.
    const p = this.experiment(async (aux, c, main) => (await import('./experiments.ts')).PITFALLS[id](aux, c, main));
    return p.then(
      (r) => {
        this.v.pitfalls.set(id, r);
        this.pitfallFor.set(id, key);
        this.hooks.changed();
        return r;
      },
      (e: unknown) => {
        this.v.pitfalls.set(id, { error: e instanceof Error ? e.message : String(e) });
        this.hooks.changed();
        throw e;
      },
    );
  }

  /**
   * Runs the experiments of the switches in `on` that have no numbers for the current settings
   * yet, and forgets those of the switches that are off (once started; failures go to `fail`).
   */
  syncPitfalls(on: readonly PitfallId[], fail: (e: unknown) => void): void {
    if (!this.starting) return;
    for (const id of PITFALL_IDS) {
      const have = this.v.pitfalls.get(id);
      if (on.includes(id)) {
        if (have === undefined || (have !== 'running' && this.pitfallStale(id))) this.runPitfall(id).catch(fail);
      } else if (have !== undefined && have !== 'running') {
        this.clearPitfall(id);
      }
    }
  }

  /** Whether a pitfall's numbers were computed with other settings than the current ones. */
  pitfallStale(id: PitfallId): boolean {
    const r = this.v.pitfalls.get(id);
    return r !== undefined && r !== 'running' && this.pitfallFor.get(id) !== configKey(this.v.config);
  }

  clearPitfall(id: PitfallId): void {
    this.v.pitfalls.delete(id);
    this.hooks.changed();
  }

  /** Removed from the page: releases the trainers, rejects operations until `resume()`; no report. */
  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.pauseRequested = this.refStop = this.sweepCancel = true;
    this.release();
    this.v.report = null;
  }

  /**
   * Back in the page: operations work again, on new trainers with the same configuration (from
   * step 0). Returns whether the lab had started (so the element starts it again at once).
   */
  resume(): boolean {
    if (!this.disposed) return false;
    this.disposed = this.pauseRequested = this.refStop = this.sweepCancel = false;
    const { showRef, started } = this.v;
    Object.assign(this.v, initialView(this.v.config), { showRef, started });
    this.baseOutputs = null;
    this.freshB = true;
    return started;
  }
}
