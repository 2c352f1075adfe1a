/**
 * `createRemoteSession` (types.ts): the page side of the training engine.
 *
 * One engine per page, shared by every trainer on it (STYLE.md §7): a module-level
 * `PageEngine`, created lazily by the first trainer, reference-counted, and torn down — worker
 * terminated — when the last trainer disposes (the next trainer starts a fresh one). It is the
 * page's one module Worker (engine.worker.ts, which holds the one GPUDevice); where no worker can
 * start (startModuleWorker rejects: e.g. a cross-origin embed whose CSP lacks
 * `worker-src blob:`), it is the same engine (host.ts) running on the main thread in slices of
 * at most ~8 ms, CPU only, and every report says so with the reason.
 */
import { LoraConfigError, resolveConfig, type TrainerConfig } from '../core/trainer-config.ts';
import { startModuleWorker } from '../shared/worker.ts';
import {
  fromWireError,
  parseMessage,
  request,
  toWireError,
  type EngineEvent,
  type EngineMessage,
  type EngineOp,
  type EngineOps,
  type EngineRequest,
} from './protocol.ts';
import type {
  BackendReport,
  CreateRemoteSession,
  EngineOptions,
  EngineThread,
  RemoteSession,
  TrainOutcome,
  TrainProgress,
} from './types.ts';
import defaultWorkerUrl from './engine.worker.ts?worker&url';

/**
 * The CPU kernels' WebAssembly (widgets/wasm), next to this module: the build emits the file and
 * rewrites the URL; the worker and the main-thread engine load it (widgets/wasm/load.ts).
 */
const kernelsUrl = (): string => new URL('../wasm/kernels.wasm', import.meta.url).href;

/** Longest slice of training on the main thread, ms. */
const MAIN_THREAD_SLICE_MS = 8;

interface Transport {
  readonly host: EngineThread;
  /** Why the engine runs on the main thread (null in a worker). */
  readonly fallbackReason: string | null;
  send(req: EngineRequest): void;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (p: TrainProgress) => void;
}

class PageEngine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Map<number, (e: EngineEvent) => void>();
  transport!: Transport;

  receive = (data: unknown): void => {
    const msg = parseMessage(data);
    if (msg) this.dispatch(msg);
  };

  private dispatch(msg: EngineMessage): void {
    switch (msg.kind) {
      case 'ready':
        return;
      case 'response': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(fromWireError(msg.error));
        return;
      }
      case 'progress': {
        const p = this.pending.get(msg.id);
        p?.onProgress?.({ step: msg.step, loss: msg.loss, valLoss: msg.valLoss, losses: msg.losses });
        return;
      }
      default:
        this.eventListeners.get(msg.trainer)?.(msg);
    }
  }

  call<K extends EngineOp>(
    trainer: number,
    op: K,
    args: EngineOps[K]['args'],
    onProgress?: (p: TrainProgress) => void,
  ): Promise<EngineOps[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      try {
        this.transport.send(request(id, trainer, op, args));
      } catch (error) {
        this.pending.delete(id);
        reject(error as Error);
      }
    });
  }

  listen(trainer: number, f: (e: EngineEvent) => void): () => void {
    this.eventListeners.set(trainer, f);
    return () => this.eventListeners.delete(trainer);
  }

  /** Rejects whatever is still waiting (the engine is going away). */
  close(): void {
    this.transport.close();
    this.fail(new Error('the training engine was shut down'));
    this.eventListeners.clear();
  }

  /** Rejects every pending call with `error`. */
  fail(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

/** The page's engine: created by the first trainer, closed when the last one disposes. */
let shared: { engine: Promise<PageEngine>; refs: number } | null = null;
let nextTrainerId = 1;

function acquire(workerUrl: string | URL): { engine: Promise<PageEngine>; release: () => void } {
  if (!shared) shared = { engine: startEngine(workerUrl), refs: 0 };
  const entry = shared;
  entry.refs += 1;
  let released = false;
  return {
    engine: entry.engine,
    release: () => {
      if (released) return;
      released = true;
      entry.refs -= 1;
      if (entry.refs > 0) return;
      if (shared === entry) shared = null;
      entry.engine.then(
        (e) => e.close(),
        () => {},
      );
    },
  };
}

function startEngine(workerUrl: string | URL): Promise<PageEngine> {
  const engine = new PageEngine();
  const enginePromise: Promise<PageEngine> = connect(engine, workerUrl, () => enginePromise);
  return enginePromise;
}

async function connect(
  engine: PageEngine,
  workerUrl: string | URL,
  current: () => Promise<PageEngine>,
): Promise<PageEngine> {
  try {
    const { worker } = await startModuleWorker(workerUrl);
    const onMessage = (event: MessageEvent): void => engine.receive(event.data);
    // The worker died (an uncaught error, out of memory): fail what waits; the next trainer
    // starts a fresh engine.
    const onError = (event: Event): void => {
      event.preventDefault();
      if (shared?.engine === current()) shared = null;
      engine.fail(
        new Error(`the training worker failed: ${event instanceof ErrorEvent ? event.message : 'unknown error'}`),
      );
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    engine.transport = {
      host: 'worker',
      fallbackReason: null,
      send: (req) => worker.postMessage(req),
      close: () => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        worker.terminate();
      },
    };
  } catch (error) {
    engine.transport = await mainThreadTransport(
      engine,
      `no worker could start (${(error as Error).message}); training on the main thread in short slices`,
    );
  }
  return engine;
}

/** The engine on the main thread: the same host, CPU only, slices of ≤ MAIN_THREAD_SLICE_MS. */
async function mainThreadTransport(engine: PageEngine, reason: string): Promise<Transport> {
  const [{ EngineHost }, { yieldToPage }, { loadCpuKernels }] = await Promise.all([
    import('./host.ts'),
    import('./slicer.ts'),
    import('../wasm/load.ts'),
  ]);
  let open = true;
  const deliver = (msg: EngineMessage): void => {
    if (open) engine.receive(msg);
  };
  const host = new EngineHost({
    host: 'main-thread',
    sliceMs: MAIN_THREAD_SLICE_MS,
    yieldTask: yieldToPage,
    noGpuReason: reason,
    loadKernels: loadCpuKernels,
    emit: (event) => deliver(event),
  });
  return {
    host: 'main-thread',
    fallbackReason: reason,
    send: (req) => {
      host.handle(req).then(
        (result) => deliver({ kind: 'response', id: req.id, ok: true, result }),
        (error: unknown) => deliver({ kind: 'response', id: req.id, ok: false, error: toWireError(error) }),
      );
    },
    close: () => {
      open = false;
      host.disposeAll();
    },
  };
}

/** The page's handle on one session in the engine: every call is a request to it, answered in order. */
class SessionClient implements RemoteSession {
  report: BackendReport;
  private trainSeq = 0;
  private disposed = false;
  private readonly backendListeners = new Set<(r: BackendReport) => void>();
  private readonly recoverListeners = new Set<(r: { reason: string; lr: number }) => void>();
  private readonly unlisten: () => void;

  constructor(
    readonly id: number,
    private readonly engine: PageEngine,
    report: BackendReport,
    private readonly release: () => void,
  ) {
    this.report = report;
    this.unlisten = engine.listen(id, (e) => this.onEvent(e));
  }

  private onEvent(e: EngineEvent): void {
    if (e.kind === 'backend') {
      this.report = e.report;
      for (const f of this.backendListeners) f(e.report);
    } else if (e.kind === 'recover') {
      for (const f of this.recoverListeners) f({ reason: e.reason, lr: e.lr });
    }
  }

  private call<K extends EngineOp>(op: K, args: EngineOps[K]['args'], onProgress?: (p: TrainProgress) => void) {
    if (this.disposed) return Promise.reject(new Error(`${op}: the trainer was disposed`));
    return this.engine.call(this.id, op, args, onProgress);
  }

  async train(steps: number, onProgress?: (p: TrainProgress) => void): Promise<TrainOutcome> {
    const seq = ++this.trainSeq;
    const r = await this.call('train', { steps, seq }, onProgress);
    return { step: r.step, loss: r.loss, losses: r.losses, recoveries: r.recoveries, paused: r.paused };
  }

  pause(): void {
    if (!this.disposed) void this.call('pause', { upTo: this.trainSeq }).catch(() => {});
  }

  reset = () => this.call('reset', null);
  configure = (config: TrainerConfig) => {
    try {
      resolveConfig(config);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.call('configure', { config });
  };
  state = () => this.call('state', null);
  merge = () => this.call('merge', null);
  unmerge = () => this.call('unmerge', null);
  saveAdapter = (name: string) => this.call('saveAdapter', { name });
  useAdapter = (name: string) => this.call('useAdapter', { name });
  deleteAdapter = (name: string) => this.call('deleteAdapter', { name });
  adapterWeights = (name?: string) => this.call('adapterWeights', { name });
  deltaW = (layer?: string) => this.call('deltaW', { layer });
  snapshot = () => this.call('snapshot', null);
  exportAdapter = (name?: string) => this.call('exportAdapter', { name });
  importAdapter = (name: string, bytes: Uint8Array) => this.call('importAdapter', { name, bytes });
  probeOutputs = () => this.call('probeOutputs', null);
  gridProbabilities = () => this.call('gridProbabilities', null);
  valLoss = () => this.call('valLoss', null);

  onBackend(listener: (r: BackendReport) => void): () => void {
    this.backendListeners.add(listener);
    return () => this.backendListeners.delete(listener);
  }

  onRecover(listener: (r: { reason: string; lr: number }) => void): () => void {
    this.recoverListeners.add(listener);
    return () => this.recoverListeners.delete(listener);
  }

  /** Test hooks (engine-probe fixture): lose the GPU device, count GPU calls, read the counts. */
  debug(action: EngineOps['debug']['args']['action']): Promise<unknown> {
    return this.call('debug', { action });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pause();
    this.backendListeners.clear();
    this.recoverListeners.clear();
    this.engine.call(this.id, 'dispose', null).then(
      () => this.finish(),
      () => this.finish(),
    );
  }

  private finish(): void {
    this.unlisten();
    this.release();
  }
}

/**
 * Validates `config` (rejecting with the core's LoraConfigError, which names the field), starts
 * or reuses the page's engine, and resolves once the trainer's session exists. `report` says
 * which backend it got and where it runs, and why.
 */
export const createRemoteSession: CreateRemoteSession = async (config, options: EngineOptions = {}) => {
  resolveConfig(config);
  const backend = options.backend ?? 'auto';
  if (!['auto', 'webgpu', 'cpu'].includes(backend)) {
    throw new LoraConfigError('backend', `backend: expected auto, webgpu or cpu, got ${JSON.stringify(backend)}`);
  }
  const { engine: enginePromise, release } = acquire(options.workerUrl ?? defaultWorkerUrl);
  try {
    const engine = await enginePromise;
    const id = nextTrainerId++;
    const created = await engine.call(id, 'create', { config, backend, kernelsUrl: kernelsUrl() });
    return new SessionClient(id, engine, created.report, release);
  } catch (error) {
    release();
    throw error;
  }
};

/** The page engine's host ('worker' or 'main-thread'), for tests; null when none is running. */
export async function engineThread(): Promise<EngineThread | null> {
  return shared ? (await shared.engine).transport.host : null;
}
