/**
 * A test-only RemoteTrainer over the pure CPU session (widgets/core/trainer.ts), for unit tests
 * of the element's logic in Node. Never shipped: the element imports the real engine.
 * Trains in slices of SLICE steps, yielding between them, so `pause()` works as in the engine.
 */
import { createSession, type TrainerConfig, type TrainerSession } from '../../../widgets/core/trainer.ts';
import type {
  BackendReport,
  CreateRemoteTrainer,
  EngineOptions,
  RemoteTrainer,
  TensorSnapshot,
  TrainerState,
  TrainOutcome,
  TrainProgress,
} from '../../../widgets/engine/types.ts';

const SLICE = 25;
const VAL_EVERY = 50;
let nextId = 1;

export interface FakeOptions {
  /** Report this backend (default cpu, main thread). */
  report?: BackendReport;
}

export function fakeEngine(fake: FakeOptions = {}): CreateRemoteTrainer & { created: RemoteTrainer[] } {
  const created: RemoteTrainer[] = [];
  const create = async (config: TrainerConfig, _options?: EngineOptions): Promise<RemoteTrainer> => {
    const t = new FakeTrainer(
      createSession(config),
      fake.report ?? { backend: 'cpu', host: 'main-thread', reason: 'test engine' },
    );
    created.push(t);
    return t;
  };
  return Object.assign(create, { created });
}

class FakeTrainer implements RemoteTrainer {
  readonly id = nextId++;
  report: BackendReport;
  private chain: Promise<unknown> = Promise.resolve();
  private pauseFlag = false;
  private readonly recoverListeners = new Set<(r: { reason: string; lr: number }) => void>();
  private readonly backendListeners = new Set<(r: BackendReport) => void>();
  disposed = false;

  constructor(
    private s: TrainerSession,
    report: BackendReport,
  ) {
    this.report = report;
  }

  private q<T>(fn: () => T | Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private st(): TrainerState {
    const s = this.s;
    return {
      step: s.step,
      loss: s.loss,
      valLoss: null,
      lr: s.lr,
      trainableParams: s.trainableParams,
      frozenParams: s.frozenParams,
      merged: s.merged,
      adapters: [...s.adapters],
      checksumW: s.checksumW(),
    };
  }

  train(steps: number, onProgress?: (p: TrainProgress) => void): Promise<TrainOutcome> {
    this.pauseFlag = false;
    return this.q(async () => {
      this.pauseFlag = false;
      const losses: number[] = [];
      const recoveries: TrainOutcome['recoveries'][number][] = [];
      let paused = false;
      while (losses.length < steps) {
        if (this.pauseFlag) {
          paused = true;
          break;
        }
        const n = Math.min(SLICE, steps - losses.length);
        const r = this.s.train(n);
        losses.push(...r.losses);
        for (const rec of r.recoveries) {
          recoveries.push(rec);
          for (const l of this.recoverListeners) l({ reason: rec.reason, lr: rec.lr });
        }
        const val = this.s.step % VAL_EVERY < n ? this.s.valLoss() : null;
        onProgress?.({ step: this.s.step, loss: this.s.loss, valLoss: val, losses: r.losses });
        await new Promise((res) => setTimeout(res, 0));
      }
      this.pauseFlag = false;
      return {
        step: this.s.step,
        loss: losses.length ? losses[losses.length - 1] : Number.NaN,
        losses: Float32Array.from(losses),
        recoveries,
        paused,
      };
    });
  }
  pause(): void {
    this.pauseFlag = true;
  }
  reset() {
    return this.q(() => (this.s.reset(), this.st()));
  }
  configure(config: TrainerConfig) {
    return this.q(() => {
      const saved = this.s.adapters.map((n) => [n, this.s.adapterWeights(n)] as const);
      const next = createSession(config);
      for (const [n, a] of saved) {
        try {
          next.importAdapter(n, a);
        } catch {
          /* incompatible: dropped */
        }
      }
      this.s = next;
      return this.st();
    });
  }
  state() {
    return this.q(() => this.st());
  }
  merge() {
    return this.q(() => this.s.merge());
  }
  unmerge() {
    return this.q(() => this.s.unmerge());
  }
  saveAdapter(name: string) {
    return this.q(() => (this.s.saveAdapter(name), this.st()));
  }
  useAdapter(name: string) {
    return this.q(() => (this.s.useAdapter(name), this.st()));
  }
  deleteAdapter(name: string) {
    return this.q(() => (this.s.deleteAdapter(name), this.st()));
  }
  adapterWeights(name?: string) {
    return this.q(() => this.s.adapterWeights(name));
  }
  deltaW(layer?: string) {
    return this.q(() => this.s.deltaW(layer));
  }
  snapshot() {
    return this.q((): TensorSnapshot => {
      const s = this.s;
      const live = s.config.mode === 'lora' ? s.adapterWeights() : null;
      return {
        layers: s.scenario.layers.map((l, i) => ({
          name: l.name,
          W: { rows: l.d, cols: l.k, data: Float32Array.from(s.scenario.base[i].W.data) },
          A: live?.A[l.name] ?? null,
          B: live?.B[l.name] ?? null,
          deltaW: s.deltaW(l.name),
          scaling:
            live && live.A[l.name] ? (live.rsLora ? live.alpha / Math.sqrt(live.rank) : live.alpha / live.rank) : 0,
        })),
      };
    });
  }
  exportAdapter(name?: string) {
    return this.q(() => this.s.exportAdapter(name));
  }
  importAdapter(name: string, bytes: Uint8Array) {
    return this.q(() => (this.s.importAdapter(name, bytes), this.st()));
  }
  probeOutputs() {
    return this.q(() => this.s.probeOutputs());
  }
  gridProbabilities() {
    return this.q(() => (this.s.scenario.grid ? this.s.gridProbabilities() : null));
  }
  valLoss() {
    return this.q(() => this.s.valLoss());
  }
  onBackend(listener: (r: BackendReport) => void) {
    this.backendListeners.add(listener);
    return () => void this.backendListeners.delete(listener);
  }
  onRecover(listener: (r: { reason: string; lr: number }) => void) {
    this.recoverListeners.add(listener);
    return () => void this.recoverListeners.delete(listener);
  }
  dispose(): void {
    this.disposed = true;
  }
}
