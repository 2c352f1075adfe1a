/**
 * The WebGPU training backend (placeholder until the kernels land): creating one fails, so the
 * engine reports the reason and trains on the CPU.
 */
import type { TrainerSession } from '../core/trainer.ts';
import type { DebugAction } from '../engine/protocol.ts';
import type { TrainBackend } from '../engine/host.ts';

export async function createGpuBackend(_session: TrainerSession, _adapter: GPUAdapter): Promise<TrainBackend> {
  throw new Error('the WebGPU backend is not available in this build');
}

export function gpuDebug(_action: DebugAction): unknown {
  return null;
}
