/**
 * The contract between the engine (widgets/engine/host.ts) and what trains a session: the
 * session itself on the CPU (`cpuBackend`) or a GPU mirror of it (widgets/gpu/backend.ts). It
 * lives here, below both, so that the GPU backend implements it without importing the engine.
 * Types, one error class and the CPU implementation: no DOM, no GPU.
 */
import type { TrainerSession, TrainResult } from './session.ts';

/** What trains a session: the session itself, or a GPU mirror of it. */
export interface TrainBackend {
  readonly kind: 'cpu' | 'webgpu';
  /**
   * Trains `steps` steps. On return the session holds the result (tensors, optimiser, guard,
   * step, lr). A GPU backend rejects with `DeviceLostError` when its device is gone; the session
   * then still holds the state after the last chunk that completed.
   */
  train(steps: number): Promise<TrainResult> | TrainResult;
  /** Steps per call the backend prefers (GPU: its chunk), or null to size by time. */
  readonly chunkSteps: number | null;
  /** The session changed outside training (reset, adapters, merge): reload before the next step. */
  invalidate(): void;
  dispose(): void;
}

/** The GPU is gone (device lost or destroyed): continue on the CPU. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

/**
 * Test hooks a backend answers (the engine's `debug` request, from the engine-probe fixture):
 * lose the GPU device, count GPU calls from now on, read the counts.
 */
export type DebugAction = 'lose-device' | 'instrument' | 'gpu-stats';

/** The session trains itself. */
export function cpuBackend(session: TrainerSession): TrainBackend {
  return {
    kind: 'cpu',
    chunkSteps: null,
    train: (steps) => session.train(steps),
    invalidate: () => {},
    dispose: () => {},
  };
}
