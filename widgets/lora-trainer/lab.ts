/**
 * What `<lora-trainer>` does, without the DOM: it drives three engine trainers through the
 * RemoteTrainer contract (widgets/engine/types.ts) and keeps what the view draws.
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
import type { AdapterSet, ResolvedConfig, TrainerConfig } from '../core/trainer.ts';
import { loraParamCounts, multiplyAdds, outputMaxDiff } from '../core/pitfalls.ts';
import { shapeOf } from './shapes.ts';
import type {
  BackendChoice,
  BackendReport,
  CreateRemoteTrainer,
  RemoteTrainer,
  TensorSnapshot,
  TrainerState,
  TrainProgress,
} from '../engine/types.ts';
import { rankCap } from './shapes.ts';
import type { PitfallId } from './settings.ts';

/** Steps per engine call while training (snapshots are taken between chunks). */
export const CHUNK = 50;
/** Ranks of the one-click sweep (those above the scenario's cap are left out). */
export const SWEEP_RANKS = [1, 2, 4, 8, 16] as const;
export const SWEEP_STEPS = 300;
/** Steps each pitfall experiment trains per run. */
export const PITFALL_STEPS = 200;
/** Steps of the fixed-α experiment (early steps: where the scale shows before Adam adapts). */
export const FIXED_ALPHA_STEPS = 25;

export interface Curve {
  /** One loss per step, step 1 first. */
  losses: number[];
  /** Validation losses at the steps where the engine computed one: [step, loss]. */
  val: [number, number][];
}

export interface SweepRun {
  rank: number;
  losses: number[];
  done: boolean;
}

export interface PitfallResult {
  readonly id: PitfallId;
  /** The headline number the switch shows. */
  readonly value: number;
  /** Every measured figure, by name (for the text and for tests). */
  readonly figures: Readonly<Record<string, number | string>>;
}

export interface LabHooks {
  /** Main training progress (every engine report; the element throttles to animation frames). */
  progress(p: { step: number; loss: number; valLoss: number | null }): void;
  backend(r: BackendReport): void;
  recover(r: { reason: string; lr: number }): void;
  /** Something the view shows changed. */
  changed(): void;
}

export interface TrainOutcome {
  step: number;
  loss: number;
  losses: number[];
  paused: boolean;
}

const refKey = (c: ResolvedConfig) =>
  JSON.stringify([c.scenario, c.trueRank, c.trainSize, c.batch, c.seed, c.baseSeed]);
const sweepKey = (c: ResolvedConfig) => JSON.stringify({ ...c, rank: 0 });
const configKey = (c: ResolvedConfig) => JSON.stringify(c);

export function toTrainerConfig(c: ResolvedConfig, over: Partial<TrainerConfig> = {}): TrainerConfig {
  return { ...c, targets: [...c.targets], ...over };
}

export class TrainerLab {
  main: RemoteTrainer | null = null;
  ref: RemoteTrainer | null = null;
  aux: RemoteTrainer | null = null;
  config: ResolvedConfig;
  backendChoice: BackendChoice;
  report: BackendReport | null = null;
  state: TrainerState | null = null;
  /** The current adapter's curve (restarts at step 0 after reset, configure and hot swap). */
  curve: Curve = { losses: [], val: [] };
  /** Full fine-tuning on the same data and seed. */
  refCurve: Curve = { losses: [], val: [] };
  showRef = true;
  snapshot: TensorSnapshot | null = null;
  grid: Matrix | null = null;
  /** h₀(x): the frozen base's outputs on the probe batch. */
  baseOutputs: Matrix | null = null;
  /** max |h(x) − h₀(x)| measured with B = 0 (at step 0), and now. */
  bZeroDiff: number | null = null;
  nowDiff: number | null = null;
  /** W's checksum when the trainer started (the frozen base). */
  checksum0: string | null = null;
  lastMerge: number | null = null;
  lastUnmerge: number | null = null;
  sweep: SweepRun[] = [];
  sweepRunning = false;
  pitfalls = new Map<PitfallId, PitfallResult | { error: string } | 'running'>();
  training = false;
  error: string | null = null;

  private readonly create: CreateRemoteTrainer;
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
  private started: Promise<void> | null = null;
  private disposed = false;
  private lastSnapshotAt = 0;

  constructor(create: CreateRemoteTrainer, config: ResolvedConfig, backend: BackendChoice, hooks: LabHooks) {
    this.create = create;
    this.config = config;
    this.backendChoice = backend;
    this.hooks = hooks;
  }

  /** Parameter counts from the shapes, valid before the engine starts. */
  counts(): { trainable: number; frozen: number; fraction: number } {
    const c = this.config;
    return loraParamCounts(shapeOf(c.scenario).layers, c.targets, c.rank);
  }

  /** Multiply-adds per input, merged vs unmerged. */
  work(): { merged: number; unmerged: number } {
    const c = this.config;
    return multiplyAdds(shapeOf(c.scenario).layers, c.targets, c.rank);
  }

  get isStarted(): boolean {
    return this.started !== null;
  }

  /** Runs `fn` after every earlier operation on the main trainer. */
  queue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(async () => {
      if (this.disposed) throw new Error('the trainer was removed from the page');
      await this.start();
      return fn();
    });
    this.chain = p.catch(() => undefined);
    return p;
  }

  private queueAux<T>(fn: (aux: RemoteTrainer) => Promise<T>): Promise<T> {
    const p = this.auxChain.then(async () => {
      if (this.disposed) throw new Error('the trainer was removed from the page');
      await this.start();
      this.aux ??= await this.create(toTrainerConfig(this.config), { backend: this.backendChoice });
      return fn(this.aux);
    });
    this.auxChain = p.catch(() => undefined);
    return p;
  }

  /** Creates the engine trainers (once). */
  start(): Promise<void> {
    this.started ??= (async () => {
      const c = this.config;
      const [main, ref] = await Promise.all([
        this.create(toTrainerConfig(c), { backend: this.backendChoice }),
        this.create(toTrainerConfig(c, { mode: 'full', lr: undefined, rank: 1 }), { backend: this.backendChoice }),
      ]);
      if (this.disposed) {
        main.dispose();
        ref.dispose();
        return;
      }
      this.main = main;
      this.ref = ref;
      this.report = main.report;
      this.offs.push(
        main.onBackend((r) => {
          this.report = r;
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
      this.state = await main.state();
      this.checksum0 = this.state.checksumW;
      await this.afterRestart();
    })();
    return this.started;
  }

  private recoveriesSeen = 0;

  /** After step 0 is reached (start, reset, configure, hot swap): clear the curve, measure B = 0. */
  private async afterRestart(): Promise<void> {
    const main = this.main!;
    this.curve = { losses: [], val: [] };
    this.state = await main.state();
    const out = await main.probeOutputs();
    if (this.baseOutputs && out.rows === this.baseOutputs.rows && out.cols === this.baseOutputs.cols) {
      const d = outputMaxDiff(out, this.baseOutputs);
      this.nowDiff = d;
      // Only a fresh adapter has B = 0 (a swapped-in one starts at step 0 too, with its trained B).
      if (this.freshB) this.bZeroDiff = d;
    }
    this.freshB = false;
    await this.refreshViews(true);
  }

  private freshB = true;

  /** Snapshot for the heatmaps, and the decision boundary (classify-2d). Throttled unless forced. */
  private async refreshViews(force = false): Promise<void> {
    const main = this.main;
    if (!main) return;
    const now = Date.now();
    if (!force && now - this.lastSnapshotAt < 250) return;
    this.lastSnapshotAt = now;
    this.snapshot = await main.snapshot();
    this.grid = this.config.scenario === 'classify-2d' ? await main.gridProbabilities() : null;
    this.hooks.changed();
  }

  /** Applies a new configuration (no-op when equal). */
  setConfig(config: ResolvedConfig, backend: BackendChoice = this.backendChoice): Promise<void> {
    if (!this.started) {
      this.config = config;
      this.backendChoice = backend;
      this.invalidate();
      return Promise.resolve();
    }
    return this.queue(async () => {
      if (backend !== this.backendChoice) {
        this.backendChoice = backend;
        this.config = config;
        await this.restartEngine();
        return;
      }
      if (configKey(config) === configKey(this.config)) return;
      this.config = config;
      this.invalidate();
      const main = this.main!;
      this.state = await main.configure(toTrainerConfig(config));
      this.lastMerge = null;
      this.lastUnmerge = null;
      this.freshB = true;
      if (refKey(config) !== this.refFor) await this.resetRef();
      await this.afterRestart();
    });
  }

  /** Drops what no longer matches the configuration (sweep curves, pitfall numbers). */
  private invalidate(): void {
    if (this.sweepFor !== sweepKey(this.config)) {
      this.sweepCancel = true;
      this.aux?.pause();
      this.sweep = [];
    }
    this.hooks.changed();
  }

  private async resetRef(): Promise<void> {
    const ref = this.ref!;
    await ref.configure(toTrainerConfig(this.config, { mode: 'full', lr: undefined, rank: 1 }));
    this.refFor = refKey(this.config);
    this.refCurve = { losses: [], val: [] };
    this.baseOutputs = await ref.probeOutputs();
    const cs = (await this.main!.state()).checksumW;
    this.checksum0 = cs;
  }

  private async restartEngine(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
    this.main?.dispose();
    this.ref?.dispose();
    this.aux?.dispose();
    this.main = this.ref = this.aux = null;
    this.started = null;
    this.refCurve = { losses: [], val: [] };
    this.sweep = [];
    this.freshB = true;
    await this.start();
  }

  /**
   * Trains `steps` steps of the adapter (and the reference curve up to the same step).
   * Resolves early, with what it did, when `pause()` is called.
   */
  train(steps: number): Promise<TrainOutcome> {
    return this.queue(async () => {
      const main = this.main!;
      if (this.state?.merged) throw new Error('The adapter is merged into W: unmerge it before training.');
      this.pauseRequested = false;
      this.refStop = false;
      this.training = true;
      this.hooks.changed();
      const losses: number[] = [];
      let paused = false;
      const refRun = this.showRef ? this.trainRef(this.curve.losses.length + steps) : Promise.resolve();
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
          this.syncCurve(out.step, got);
          // Recoveries the engine did not already announce through onRecover.
          for (const rec of out.recoveries.slice(this.recoveriesSeen - seen)) {
            this.hooks.recover({ reason: rec.reason, lr: rec.lr });
          }
          this.state = { ...(this.state ?? (await main.state())), step: out.step, loss: out.loss };
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
        this.state = await main.state();
        const val = await main.valLoss();
        if (val !== null && Number.isFinite(val)) {
          const step = this.state.step;
          const last = this.curve.val[this.curve.val.length - 1];
          if (!last || last[0] !== step) this.curve.val.push([step, val]);
          this.state = { ...this.state, valLoss: val };
        }
        if (this.baseOutputs) {
          const out = await main.probeOutputs();
          if (out.rows === this.baseOutputs.rows && out.cols === this.baseOutputs.cols)
            this.nowDiff = outputMaxDiff(out, this.baseOutputs);
        }
        this.training = false;
        await this.refreshViews(true);
      }
      return { step: this.state.step, loss: losses.length ? losses[losses.length - 1] : Number.NaN, losses, paused };
    });
  }

  private onProgress(p: TrainProgress): void {
    this.curve.losses.push(...Array.from(p.losses));
    if (this.curve.losses.length > p.step) this.curve.losses.length = p.step;
    if (p.valLoss !== null && Number.isFinite(p.valLoss)) this.curve.val.push([p.step, p.valLoss]);
    if (this.state)
      this.state = { ...this.state, step: p.step, loss: p.loss, valLoss: p.valLoss ?? this.state.valLoss };
    this.hooks.progress({ step: p.step, loss: p.loss, valLoss: p.valLoss });
    this.hooks.changed();
  }

  /** Makes the curve end at `step` with `losses` as its last entries. */
  private syncCurve(step: number, losses: number[]): void {
    const c = this.curve.losses;
    c.length = Math.max(0, Math.min(c.length, step - losses.length));
    while (c.length < step - losses.length) c.push(Number.NaN);
    c.push(...losses);
  }

  private async trainRef(toStep: number): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    while (this.refCurve.losses.length < toStep && !this.refStop) {
      const n = Math.min(CHUNK, toStep - this.refCurve.losses.length);
      const out = await ref.train(n, (p) => {
        if (p.valLoss !== null && Number.isFinite(p.valLoss)) this.refCurve.val.push([p.step, p.valLoss]);
      });
      this.refCurve.losses.length = Math.max(0, out.step - out.losses.length);
      this.refCurve.losses.push(...Array.from(out.losses));
      this.hooks.changed();
      if (out.paused || out.losses.length < n) break;
    }
  }

  /** Makes the running `train` resolve early. */
  pause(): void {
    if (!this.training) return;
    this.pauseRequested = true;
    this.refStop = true;
    this.main?.pause();
    this.ref?.pause();
  }

  reset(): Promise<TrainerState> {
    return this.queue(async () => {
      this.state = await this.main!.reset();
      this.lastMerge = null;
      this.lastUnmerge = null;
      this.freshB = true;
      await this.afterRestart();
      return this.state;
    });
  }

  merge(): Promise<{ maxAbsDiff: number }> {
    return this.queue(async () => {
      const r = await this.main!.merge();
      this.lastMerge = r.maxAbsDiff;
      this.lastUnmerge = null;
      this.state = await this.main!.state();
      await this.refreshViews(true);
      return r;
    });
  }

  unmerge(): Promise<{ maxAbsDiff: number }> {
    return this.queue(async () => {
      const r = await this.main!.unmerge();
      this.lastUnmerge = r.maxAbsDiff;
      this.state = await this.main!.state();
      await this.refreshViews(true);
      return r;
    });
  }

  saveAdapter(name: string): Promise<TrainerState> {
    return this.queue(async () => {
      this.state = await this.main!.saveAdapter(name);
      this.hooks.changed();
      return this.state;
    });
  }

  deleteAdapter(name: string): Promise<TrainerState> {
    return this.queue(async () => {
      this.state = await this.main!.deleteAdapter(name);
      this.hooks.changed();
      return this.state;
    });
  }

  /** Hot swap: the saved adapter on the same frozen base. The configuration follows the adapter. */
  useAdapter(name: string): Promise<{ state: TrainerState; adapter: AdapterSet }> {
    return this.queue(async () => {
      const main = this.main!;
      this.state = await main.useAdapter(name);
      const a = await main.adapterWeights();
      this.config = {
        ...this.config,
        rank: a.rank,
        alpha: a.alpha,
        rsLora: a.rsLora,
        dropout: a.dropout,
        targets: [...a.targets],
      };
      this.lastMerge = null;
      this.lastUnmerge = null;
      await this.afterRestart();
      const val = await main.valLoss();
      if (val !== null) this.state = { ...this.state, valLoss: val };
      this.hooks.changed();
      return { state: this.state, adapter: a };
    });
  }

  /**
   * Read-only calls do not wait for queued operations (only for the engine and the current
   * chunk), so a view that follows the trainer sees ΔW while it trains.
   */
  private async peek<T>(fn: (main: RemoteTrainer) => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error('the trainer was removed from the page');
    await this.start();
    return fn(this.main!);
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
    return this.queue(async () => {
      this.state = await this.main!.importAdapter(name, bytes);
      this.hooks.changed();
      return this.state;
    });
  }

  // -- rank sweep ---------------------------------------------------------------------------------

  /** Trains a fresh adapter of each rank (others settings as now) for `steps` steps, on `aux`. */
  rankSweep(ranks: readonly number[] = SWEEP_RANKS, steps = SWEEP_STEPS): Promise<SweepRun[]> {
    const cap = rankCap(this.config.scenario, this.config.targets);
    const list = ranks.filter((r) => Number.isInteger(r) && r >= 1 && r <= cap);
    this.sweepCancel = false;
    return this.queueAux(async (aux) => {
      const key = sweepKey(this.config);
      this.sweepFor = key;
      this.sweep = list.map((rank) => ({ rank, losses: [], done: false }));
      this.sweepRunning = true;
      this.sweepCancel = false;
      this.hooks.changed();
      try {
        for (const run of this.sweep) {
          if (this.sweepCancel) break;
          await aux.configure(toTrainerConfig(this.config, { rank: run.rank }));
          while (run.losses.length < steps && !this.sweepCancel) {
            const out = await aux.train(Math.min(CHUNK * 2, steps - run.losses.length), (p) => {
              run.losses.push(...Array.from(p.losses));
              this.hooks.changed();
            });
            run.losses.length = out.step - out.losses.length;
            run.losses.push(...Array.from(out.losses));
            if (out.paused) break;
          }
          run.done = run.losses.length >= steps;
          this.hooks.changed();
        }
      } finally {
        this.sweepRunning = false;
        if (this.sweepCancel) this.sweep = [];
        this.hooks.changed();
      }
      return this.sweep;
    });
  }

  cancelSweep(): void {
    this.sweepCancel = true;
    this.aux?.pause();
  }

  // -- pitfalls -----------------------------------------------------------------------------------

  /** Runs one pitfall's experiment on `aux` with the current settings and keeps its numbers. */
  runPitfall(id: PitfallId): Promise<PitfallResult> {
    this.pitfalls.set(id, 'running');
    this.hooks.changed();
    const key = configKey(this.config);
    const p = this.queueAux(async (aux) => {
      // The experiments (and the PEFT writer they use) load on first use.
      const { PITFALLS } = await import('./experiments.ts');
      return PITFALLS[id](aux, this.config, this);
    });
    return p.then(
      (r) => {
        this.pitfalls.set(id, r);
        this.pitfallFor.set(id, key);
        this.hooks.changed();
        return r;
      },
      (e: unknown) => {
        this.pitfalls.set(id, { error: e instanceof Error ? e.message : String(e) });
        this.hooks.changed();
        throw e;
      },
    );
  }

  /** Whether a pitfall's numbers were computed with other settings than the current ones. */
  pitfallStale(id: PitfallId): boolean {
    const r = this.pitfalls.get(id);
    return r !== undefined && r !== 'running' && this.pitfallFor.get(id) !== configKey(this.config);
  }

  clearPitfall(id: PitfallId): void {
    this.pitfalls.delete(id);
    this.hooks.changed();
  }

  /** The adapters (saved on `main`) that the sum-factors pitfall combines: the two most recent with the live shape. */
  async savedPair(): Promise<[string, AdapterSet, string, AdapterSet] | null> {
    const main = this.main;
    if (!main) return null;
    const names = (await main.state()).adapters;
    const sets: [string, AdapterSet][] = [];
    for (const n of names.slice().reverse()) {
      const a = await main.adapterWeights(n);
      if (sets.length === 0 || (a.rank === sets[0][1].rank && a.targets.join() === sets[0][1].targets.join()))
        sets.push([n, a]);
      if (sets.length === 2) return [sets[1][0], sets[1][1], sets[0][0], sets[0][1]];
    }
    return null;
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs.splice(0)) off();
    this.main?.dispose();
    this.ref?.dispose();
    this.aux?.dispose();
    this.main = this.ref = this.aux = null;
  }
}
