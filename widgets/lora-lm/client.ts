/**
 * The page side of `<lora-lm>`'s model: one language-model worker per page (lm.worker.ts),
 * shared by every `<lora-lm>` on it, created by the first element that loads and terminated when
 * the last one closes (STYLE.md §7). Where no worker may start (a cross-origin embed whose CSP
 * lacks `worker-src blob:`), the same host runs on the main thread in slices of ≤ 8 ms, and
 * `host` says so with the reason.
 */
import { startModuleWorker } from '../shared/worker.ts';
import {
  fromWireError,
  parseMessage,
  toWireError,
  type LmDebugAction,
  type LmMessage,
  type LmOp,
  type LmOps,
  type LmRequest,
} from './protocol.ts';
import workerUrl from './lm.worker.ts?worker&url';

/** Longest training slice on the main thread, ms. */
const MAIN_THREAD_SLICE_MS = 8;

/** Training progress; `fallback` (once, after WebGPU failed mid-call) says why it goes on on the CPU. */
export type Progress = (p: { step: number; loss: number; stepsPerSecond: number; fallback?: string }) => void;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  progress?: Progress;
}

class PageLm {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  send: (req: LmRequest, transfer: Transferable[]) => void = () => {};
  close: () => void = () => {};
  host: 'worker' | 'main-thread' = 'worker';
  /** Why the model runs on the main thread ('' in a worker). */
  fallbackReason = '';

  receive = (data: unknown): void => {
    const msg = parseMessage(data);
    if (!msg || msg.kind === 'ready') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.kind === 'progress') {
      const { step, loss, stepsPerSecond, fallback } = msg;
      p.progress?.({ step, loss, stepsPerSecond, ...(fallback ? { fallback } : {}) });
      return;
    }
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(fromWireError(msg.error));
  };

  call<K extends LmOp>(
    session: number,
    op: K,
    args: LmOps[K]['args'],
    progress?: Progress,
  ): Promise<LmOps[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      const bytes = (args as { bytes?: unknown }).bytes;
      this.send({ kind: 'request', id, session, op, args }, bytes instanceof Uint8Array ? [bytes.buffer] : []);
    });
  }

  fail(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}

let shared: { lm: Promise<PageLm>; refs: number } | null = null;
let nextSession = 1;

async function start(): Promise<PageLm> {
  const page = new PageLm();
  try {
    const { worker } = await startModuleWorker(workerUrl);
    const onMessage = (event: MessageEvent): void => page.receive(event.data);
    const onError = (event: Event): void => {
      event.preventDefault();
      shared = null;
      page.fail(new Error(`the model worker failed: ${event instanceof ErrorEvent ? event.message : 'unknown error'}`));
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    page.send = (req, transfer) => worker.postMessage(req, transfer);
    page.close = () => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      worker.terminate();
    };
  } catch (error) {
    const [{ LmHost, fetchAsset }, { yieldToPage }, { loadCpuKernels }] = await Promise.all([
      import('./host.ts'),
      import('../engine/slicer.ts'),
      import('../wasm/load.ts'),
    ]);
    let kernels: ReturnType<typeof loadCpuKernels> | null = null;
    const host = new LmHost({
      loadKernels: (url) => (kernels ??= loadCpuKernels(url)),
      fetchBytes: fetchAsset,
      now: () => performance.now(),
      yieldNow: yieldToPage,
      sliceMs: MAIN_THREAD_SLICE_MS,
    });
    let open = true;
    const deliver = (msg: LmMessage): void => {
      if (open) page.receive(msg);
    };
    page.host = 'main-thread';
    page.fallbackReason = `no worker could start (${(error as Error).message}); the model runs on the main thread in short slices`;
    page.send = (req) => {
      const progress = (step: number, loss: number, stepsPerSecond: number, fallback?: string): void =>
        deliver({ kind: 'progress', id: req.id, step, loss, stepsPerSecond, ...(fallback ? { fallback } : {}) });
      // A macrotask first, as a worker would: the caller's code after send() runs before the work.
      setTimeout(() => {
        Promise.resolve()
          .then(() => host.handle(req.session, req.op, req.args, progress))
          .then(
            (result) => deliver({ kind: 'response', id: req.id, ok: true, result }),
            (e: unknown) => deliver({ kind: 'response', id: req.id, ok: false, error: toWireError(e) }),
          );
      }, 0);
    };
    page.close = () => {
      open = false;
    };
  }
  return page;
}

/** One element's handle on its session in the page's model host. */
export class LmClient {
  private readonly id = nextSession++;
  private readonly page: Promise<PageLm>;
  private closed = false;

  constructor() {
    shared ??= { lm: start(), refs: 0 };
    shared.refs += 1;
    this.page = shared.lm;
  }

  /** Where the model runs, and why when not in a worker. */
  async where(): Promise<{ host: 'worker' | 'main-thread'; reason: string }> {
    const p = await this.page;
    return { host: p.host, reason: p.fallbackReason };
  }

  async call<K extends LmOp>(op: K, args: LmOps[K]['args'], progress?: Progress): Promise<LmOps[K]['result']> {
    if (this.closed) throw new Error(`${op}: the element was disconnected`);
    return (await this.page).call(this.id, op, args, progress);
  }

  /**
   * @internal Test hook of the e2e suite (tests/e2e/lora-lm.gpu.spec.ts), not part of the
   * element's API: 'lose-device' destroys the worker's GPU device (as a driver reset would).
   */
  debug(action: LmDebugAction): Promise<boolean> {
    return this.call('debug', { action });
  }

  /** Forgets this session; the last one closes the worker. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const entry = shared;
    void this.page.then((p) => {
      p.call(this.id, 'close', {}).catch(() => {});
      if (!entry || shared !== entry) return;
      entry.refs -= 1;
      if (entry.refs > 0) return;
      shared = null;
      p.fail(new Error('the model host was closed'));
      p.close();
    });
  }
}
