/**
 * The engine: every trainer of a page, each a CPU session (widgets/core/trainer.ts, the source of
 * truth for data order, dropout masks, initialisation and the divergence guard) plus the backend
 * that trains it — the session itself (CPU) or a GPU mirror of it (widgets/gpu). It runs in the
 * page's one module Worker (engine.worker.ts) or, where no worker can start, on the main thread
 * (client.ts); the transport only carries `EngineRequest`s in and messages out.
 *
 * Requests of one trainer run one after another (a queue per trainer); `pause` is handled at
 * once. `train` runs in slices (slicer.ts) and yields between them, so a pause arrives, progress
 * goes out and — on the main thread — the page stays responsive.
 */
import {
  createSession,
  LoraStateError,
  resolveConfig,
  type RecoverRecord,
  type TrainerSession,
  type TrainResult,
} from '../core/trainer.ts';
import { copy } from '../core/matrix.ts';
import { cpuBackend, DeviceLostError, type DebugAction, type TrainBackend } from '../core/train-backend.ts';
import { JS_KERNELS } from '../core/cpu-kernels.ts';
import type { KernelChoice } from '../wasm/load.ts';
import { chooseBackend, type GpuLike } from './backend-choice.ts';
import type { EngineEvent, EngineOps, EngineRequest } from './protocol.ts';
import { SliceSizer, yieldToEventLoop } from './slicer.ts';
import type { BackendChoice, BackendReport, EngineThread, TensorSnapshot, TrainerState } from './types.ts';

/** Builds a GPU backend for a session (the worker passes one; the main thread has none). */
export type GpuBackendFactory = (session: TrainerSession, adapter: GPUAdapter) => Promise<TrainBackend>;

export interface HostOptions {
  readonly host: EngineThread;
  /** Posts an event to the page (with the buffers to transfer). */
  readonly emit: (event: EngineEvent, transfer: ArrayBuffer[]) => void;
  /** Target length of one training slice, ms (main thread: ≤ 8). */
  readonly sliceMs: number;
  /** Least time between two progress messages, ms. */
  readonly progressMs?: number;
  readonly now?: () => number;
  readonly yieldTask?: () => Promise<void>;
  /** `navigator.gpu` where the host may use WebGPU; undefined on the main thread. */
  readonly gpu?: GpuLike;
  readonly gpuBackend?: GpuBackendFactory;
  /** Why WebGPU is not on offer here (main thread). */
  readonly noGpuReason?: string;
  /** Test hooks (debug op). */
  readonly debug?: (action: DebugAction) => unknown;
  /**
   * Loads the CPU kernels (widgets/wasm/load.ts) from the first `create`'s kernelsUrl, once per
   * host; without it, the plain-JS kernels.
   */
  readonly loadKernels?: (url: string | undefined) => Promise<KernelChoice>;
}

const JS_ONLY: KernelChoice = Object.freeze({ kernels: JS_KERNELS, note: 'JavaScript kernels' });

interface SessionEntry {
  readonly id: number;
  session: TrainerSession;
  backend: TrainBackend;
  choice: BackendChoice;
  report: BackendReport;
  queue: Promise<unknown>;
  /** Trains whose sequence number is ≤ this stop at their next slice. */
  pausedUpTo: number;
  disposed: boolean;
  sizer: SliceSizer;
  /** Last validation loss sent with progress, and when it was computed. */
  valLoss: number | null;
  valLossAt: number | null;
}

/** Least time between two validation-loss evaluations during training, ms. */
const VAL_EVERY_MS = 250;

export class EngineHost {
  private readonly trainers = new Map<number, SessionEntry>();
  private readonly now: () => number;
  private readonly yieldTask: () => Promise<void>;
  private readonly progressMs: number;
  /** The CPU kernels every session of this host uses, loaded by the first `create`. */
  private kernels: Promise<KernelChoice> | null = null;

  constructor(private readonly options: HostOptions) {
    this.now = options.now ?? (() => performance.now());
    this.yieldTask = options.yieldTask ?? yieldToEventLoop;
    this.progressMs = options.progressMs ?? 30;
  }

  /** Number of live trainers. */
  get size(): number {
    return this.trainers.size;
  }

  /**
   * Handles one request; resolves with its result or rejects with the error to send back.
   * `create` and `pause` run at once; everything else waits for the trainer's earlier requests.
   */
  async handle(req: EngineRequest): Promise<unknown> {
    if (req.op === 'create') return this.create(req.trainer, req.args as EngineOps['create']['args']);
    if (req.op === 'debug') return this.options.debug?.((req.args as EngineOps['debug']['args']).action) ?? null;
    const t = this.trainers.get(req.trainer);
    if (!t || t.disposed) throw new LoraStateError(`trainer ${req.trainer} does not exist (disposed?)`);
    if (req.op === 'pause') {
      t.pausedUpTo = Math.max(t.pausedUpTo, (req.args as EngineOps['pause']['args']).upTo);
      return null;
    }
    if (req.op === 'dispose') {
      t.disposed = true;
      t.pausedUpTo = Number.POSITIVE_INFINITY;
      this.trainers.delete(t.id);
      await t.queue;
      t.backend.dispose();
      return null;
    }
    const run = t.queue.then(() => this.run(t, req));
    t.queue = run.catch(() => undefined);
    return run;
  }

  private async create(id: number, args: EngineOps['create']['args']): Promise<EngineOps['create']['result']> {
    if (this.trainers.has(id)) throw new LoraStateError(`trainer ${id} exists already`);
    this.kernels ??= this.options.loadKernels?.(args.kernelsUrl) ?? Promise.resolve(JS_ONLY);
    const session = createSession(args.config, (await this.kernels).kernels);
    const choice = args.backend;
    const entry: SessionEntry = {
      id,
      session,
      choice,
      backend: cpuBackend(session),
      report: { backend: 'cpu', host: this.options.host, reason: '' },
      queue: Promise.resolve(),
      pausedUpTo: 0,
      disposed: false,
      sizer: new SliceSizer(this.options.sliceMs),
      valLoss: null,
      valLossAt: null,
    };
    const { backend, reason } = await this.pickBackend(session, choice);
    entry.backend = backend;
    entry.report = { backend: backend.kind, host: this.options.host, reason };
    this.trainers.set(id, entry);
    return { state: this.stateOf(entry), report: entry.report };
  }

  /** The backend for a session, and why; for the CPU backend the reason also names its kernels. */
  private async pickBackend(
    session: TrainerSession,
    choice: BackendChoice,
  ): Promise<{ backend: TrainBackend; reason: string }> {
    const picked = await this.pickDevice(session, choice);
    if (picked.backend.kind !== 'cpu') return picked;
    return { backend: picked.backend, reason: await this.withKernels(picked.reason) };
  }

  /** "<reason>; WebAssembly SIMD kernels" (or "; JavaScript kernels (why)"). */
  private async withKernels(reason: string): Promise<string> {
    return `${reason}; ${(await (this.kernels ?? Promise.resolve(JS_ONLY))).note}`;
  }

  private async pickDevice(
    session: TrainerSession,
    choice: BackendChoice,
  ): Promise<{ backend: TrainBackend; reason: string }> {
    if (!this.options.gpuBackend && this.options.noGpuReason) {
      return { backend: cpuBackend(session), reason: this.options.noGpuReason };
    }
    const decision = await chooseBackend(choice, this.options.gpu);
    if (decision.backend === 'cpu' || !decision.adapter || !this.options.gpuBackend) {
      return { backend: cpuBackend(session), reason: decision.reason };
    }
    if (session.config.mode !== 'lora') {
      return { backend: cpuBackend(session), reason: 'full fine-tuning runs on the CPU backend' };
    }
    try {
      return { backend: await this.options.gpuBackend(session, decision.adapter), reason: decision.reason };
    } catch (error) {
      return {
        backend: cpuBackend(session),
        reason: `WebGPU could not start (${(error as Error).message}); CPU instead`,
      };
    }
  }

  private async run(t: SessionEntry, req: EngineRequest): Promise<unknown> {
    if (t.disposed) throw new LoraStateError(`trainer ${t.id} was disposed`);
    const s = t.session;
    const args = req.args as Record<string, unknown> | null;
    const mutate = <R>(f: () => R): R => {
      const r = f();
      t.backend.invalidate();
      return r;
    };
    switch (req.op) {
      case 'train':
        return this.train(t, req as EngineRequest<'train'>);
      case 'reset':
        mutate(() => s.reset());
        return this.stateOf(t);
      case 'configure':
        await this.configure(t, (args as EngineOps['configure']['args']).config);
        return this.stateOf(t);
      case 'state':
        return this.stateOf(t);
      case 'merge':
        return mutate(() => s.merge());
      case 'unmerge':
        return mutate(() => s.unmerge());
      case 'saveAdapter':
        s.saveAdapter(String(args?.['name']));
        return this.stateOf(t);
      case 'useAdapter':
        mutate(() => s.useAdapter(String(args?.['name'])));
        await this.rebuildBackend(t);
        return this.stateOf(t);
      case 'deleteAdapter':
        s.deleteAdapter(String(args?.['name']));
        return this.stateOf(t);
      case 'adapterWeights':
        return s.adapterWeights(args?.['name'] as string | undefined);
      case 'deltaW':
        return s.deltaW(args?.['layer'] as string | undefined);
      case 'snapshot':
        return this.snapshot(s);
      case 'exportAdapter':
        return s.exportAdapter(args?.['name'] as string | undefined);
      case 'importAdapter': {
        const bytes = args?.['bytes'];
        if (!(bytes instanceof Uint8Array)) throw new TypeError('importAdapter: bytes must be a Uint8Array');
        s.importAdapter(String(args?.['name']), bytes);
        return this.stateOf(t);
      }
      case 'probeOutputs':
        return s.probeOutputs();
      case 'gridProbabilities':
        return s.scenario.grid && s.scenario.loss === 'ce' ? s.gridProbabilities() : null;
      case 'valLoss':
        return s.valLoss();
      default:
        throw new LoraStateError(`unknown op ${req.op}`);
    }
  }

  /** A new session for a new configuration, keeping the saved adapters that fit it. */
  private async configure(t: SessionEntry, config: EngineOps['configure']['args']['config']): Promise<void> {
    resolveConfig(config); // throws LoraConfigError naming the field, before anything changes
    const old = t.session;
    const next = createSession(config, (await (this.kernels ?? Promise.resolve(JS_ONLY))).kernels);
    for (const name of old.adapters) {
      try {
        next.importAdapter(name, old.adapterWeights(name));
      } catch {
        // incompatible with the new scenario or targets: dropped, as documented in types.ts
      }
    }
    t.session = next;
    await this.rebuildBackend(t);
  }

  /** After the model's shape changed: a new backend of the same kind for the current session. */
  private async rebuildBackend(t: SessionEntry): Promise<void> {
    const wasGpu = t.backend.kind === 'webgpu';
    t.backend.dispose();
    t.backend = cpuBackend(t.session);
    if (!wasGpu && t.report.backend === 'cpu' && t.choice === 'cpu') return;
    const { backend, reason } = await this.pickBackend(t.session, t.choice);
    t.backend = backend;
    if (backend.kind !== t.report.backend || reason !== t.report.reason)
      this.setReport(t, { backend: backend.kind, host: this.options.host, reason });
  }

  private setReport(t: SessionEntry, report: BackendReport): void {
    t.report = report;
    this.options.emit({ kind: 'backend', trainer: t.id, report }, []);
  }

  private async train(t: SessionEntry, req: EngineRequest<'train'>): Promise<EngineOps['train']['result']> {
    const { steps, seq } = req.args;
    if (!Number.isInteger(steps) || steps < 0)
      throw new RangeError(`train: steps must be an integer ≥ 0, got ${steps}`);
    if (t.session.merged) throw new LoraStateError('train: the adapter is merged into W; unmerge() before training');
    const losses = new Float32Array(steps);
    const recoveries: RecoverRecord[] = [];
    let done = 0;
    let reported = 0;
    let lastProgress = this.now();
    let paused = false;
    while (done < steps) {
      if (t.pausedUpTo >= seq) {
        paused = true;
        break;
      }
      const remaining = steps - done;
      const k = t.backend.chunkSteps !== null ? Math.min(remaining, t.backend.chunkSteps) : t.sizer.next(remaining);
      const t0 = this.now();
      let r: TrainResult;
      try {
        r = await t.backend.train(k);
      } catch (error) {
        if (!(error instanceof DeviceLostError) || t.backend.kind !== 'webgpu') throw error;
        // The session holds the state after the last completed chunk: go on from there on the CPU.
        t.backend.dispose();
        t.backend = cpuBackend(t.session);
        this.options.emit({ kind: 'recover', trainer: t.id, reason: 'device lost', lr: t.session.lr }, []);
        this.setReport(t, {
          backend: 'cpu',
          host: this.options.host,
          reason: await this.withKernels(
            `WebGPU device lost (${error.message}); continuing on the CPU from the last good A and B`,
          ),
        });
        continue;
      }
      if (t.backend.chunkSteps === null) t.sizer.record(k, this.now() - t0);
      losses.set(r.losses, done);
      done += r.losses.length;
      for (const rec of r.recoveries) {
        recoveries.push(rec);
        this.options.emit({ kind: 'recover', trainer: t.id, reason: rec.reason, lr: rec.lr }, []);
      }
      const now = this.now();
      if (done < steps && now - lastProgress >= this.progressMs) {
        this.progress(t, req.id, losses, reported, done);
        reported = done;
        lastProgress = now;
      }
      if (done < steps) await this.yieldTask();
    }
    if (done > reported) this.progress(t, req.id, losses, reported, done, true);
    return {
      step: t.session.step,
      loss: done > 0 ? losses[done - 1] : Number.NaN,
      losses: losses.slice(0, done),
      recoveries,
      paused,
    };
  }

  private progress(t: SessionEntry, id: number, losses: Float32Array, from: number, to: number, final = false): void {
    const part = losses.slice(from, to);
    // The validation loss (a forward pass over the whole validation set) at most every
    // VAL_EVERY_MS and at the end of a call; in between, progress carries the last one.
    const now = this.now();
    if (final || t.valLossAt === null || now - t.valLossAt >= VAL_EVERY_MS) {
      t.valLoss = t.session.valLoss();
      t.valLossAt = now;
    }
    this.options.emit(
      {
        kind: 'progress',
        id,
        trainer: t.id,
        step: t.session.step,
        loss: part[part.length - 1],
        valLoss: t.valLoss,
        losses: part,
      },
      [part.buffer],
    );
  }

  private stateOf(t: SessionEntry): TrainerState {
    const s = t.session;
    return {
      step: s.step,
      loss: s.loss,
      valLoss: s.valLoss(),
      lr: s.lr,
      trainableParams: s.trainableParams,
      frozenParams: s.frozenParams,
      merged: s.merged,
      adapters: [...s.adapters],
      checksumW: s.checksumW(),
    };
  }

  private snapshot(s: TrainerSession): TensorSnapshot {
    const view = s.modelView();
    return {
      layers: view.layers
        .filter((l) => s.config.targets.includes(l.name))
        .map((l) => ({
          name: l.name,
          W: copy(l.W),
          A: l.adapter ? copy(l.adapter.A) : null,
          B: l.adapter ? copy(l.adapter.B) : null,
          deltaW: s.deltaW(l.name),
          scaling: l.adapter ? l.adapter.scaling : 1,
        })),
    };
  }

  /** Ends every trainer (the worker is going away). */
  disposeAll(): void {
    for (const t of this.trainers.values()) {
      t.disposed = true;
      t.pausedUpTo = Number.POSITIVE_INFINITY;
      t.backend.dispose();
    }
    this.trainers.clear();
  }
}
