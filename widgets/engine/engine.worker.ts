/**
 * The page's one training worker (client.ts starts it, shared by every trainer on the page).
 * It says `ready`, then answers `EngineRequest`s with the engine (host.ts). WebGPU lives here:
 * one GPUDevice, requested lazily by the first trainer that gets the GPU (widgets/gpu/device.ts),
 * and the CPU kernels, WebAssembly SIMD where the page allows it (widgets/wasm/load.ts).
 */
import { workerScope } from '../shared/worker-scope.ts';
import { EngineHost } from './host.ts';
import { parseRequest, PROTOCOL_VERSION, toWireError, transferables, type EngineMessage } from './protocol.ts';
import { createGpuBackend, gpuDebug } from '../gpu/backend.ts';
import { loadCpuKernels } from '../wasm/load.ts';

const scope = workerScope();
const post = (message: EngineMessage, transfer: ArrayBuffer[] = []): void => scope.postMessage(message, transfer);

const host = new EngineHost({
  host: 'worker',
  sliceMs: 24,
  emit: (event, transfer) => post(event, transfer),
  gpu: typeof navigator !== 'undefined' ? navigator.gpu : undefined,
  gpuBackend: createGpuBackend,
  debug: gpuDebug,
  loadKernels: loadCpuKernels,
});

scope.addEventListener('message', (event: MessageEvent) => {
  const req = parseRequest(event.data);
  if (!req) return;
  host.handle(req).then(
    (result) => post({ kind: 'response', id: req.id, ok: true, result }, transferables(result)),
    (error: unknown) => post({ kind: 'response', id: req.id, ok: false, error: toWireError(error) }),
  );
});

post({ kind: 'ready', protocol: PROTOCOL_VERSION });
