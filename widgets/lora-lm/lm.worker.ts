/**
 * The page's language-model worker (client.ts starts it, shared by every `<lora-lm>` on the
 * page): it says `ready`, then answers requests with the sessions of host.ts, on the CPU kernels
 * (WebAssembly SIMD where the page allows it, widgets/wasm/load.ts), loaded once, and WebGPU
 * for training where the element asks for it and an adapter exists (widgets/gpu/lm.ts).
 */
import { workerScope } from '../shared/worker-scope.ts';
import { yieldToEventLoop } from '../engine/slicer.ts';
import { loadCpuKernels } from '../wasm/load.ts';
import { createLmGpuTrainer, lmGpuDebug } from '../gpu/lm.ts';
import { fetchAsset, LmHost } from './host.ts';
import { parseRequest, toWireError, type LmMessage } from './protocol.ts';

const scope = workerScope();
const post = (message: LmMessage, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);
let kernels: ReturnType<typeof loadCpuKernels> | null = null;

const host = new LmHost({
  loadKernels: (url) => (kernels ??= loadCpuKernels(url)),
  fetchBytes: fetchAsset,
  now: () => performance.now(),
  yieldNow: yieldToEventLoop,
  sliceMs: 40,
  gpu: typeof navigator !== 'undefined' ? navigator.gpu : undefined,
  gpuTrainer: createLmGpuTrainer,
  debug: lmGpuDebug,
});

scope.addEventListener('message', (event: MessageEvent) => {
  const req = parseRequest(event.data);
  if (!req) return;
  const progress = (step: number, loss: number, stepsPerSecond: number, fallback?: string): void =>
    post({ kind: 'progress', id: req.id, step, loss, stepsPerSecond, ...(fallback ? { fallback } : {}) });
  Promise.resolve()
    .then(() => host.handle(req.session, req.op, req.args, progress))
    .then(
      (result) => {
        const bytes = (result as { bytes?: unknown } | null)?.bytes;
        post({ kind: 'response', id: req.id, ok: true, result }, bytes instanceof Uint8Array ? [bytes.buffer] : []);
      },
      (error: unknown) => post({ kind: 'response', id: req.id, ok: false, error: toWireError(error) }),
    );
});

post({ kind: 'ready' });
