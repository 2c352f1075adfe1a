/**
 * The training engine's contract: what `<lora-trainer>` (and any other element) sees. One
 * implementation talks to the page's shared module Worker (CPU or WebGPU inside it); another
 * runs the CPU session on the main thread in short slices when no worker can start. The element
 * never knows which it has, beyond `backend` and the events.
 *
 * Semantics are those of the pure CPU session (widgets/core/trainer.ts): same seeds and settings
 * give the same loss curve on either backend (within 1e-3 relative).
 */
import type { AdapterSet, RecoverRecord, TrainerConfig } from '../core/trainer.ts';
import type { Matrix } from '../core/matrix.ts';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';
export type ResolvedBackend = 'webgpu' | 'cpu';
/** Where the engine runs: in the shared worker, or on the main thread in slices. */
export type EngineThread = 'worker' | 'main-thread';

export interface EngineOptions {
  backend?: BackendChoice;
  /** URL of the worker module (the element passes its own, resolved against import.meta.url). */
  workerUrl?: string | URL;
}

/** Why the engine runs where and how it does; sent on creation and on every change. */
export interface BackendReport {
  backend: ResolvedBackend;
  host: EngineThread;
  /** Human-readable: "WebGPU adapter is a software fallback", "no WebGPU adapter", "worker blocked by the page's CSP", … */
  reason: string;
}

/** Progress while `train` runs: at most one per animation frame on the element's side. */
export interface TrainProgress {
  step: number;
  loss: number;
  /** Validation loss, where the scenario has a validation set (computed every few steps). */
  valLoss: number | null;
  /** Losses of the steps done since the previous progress report. */
  losses: Float32Array;
}

export interface TrainOutcome {
  /** Total steps after this call. */
  step: number;
  loss: number;
  /** One entry per step trained by this call (fewer than asked when paused). */
  losses: Float32Array;
  recoveries: readonly RecoverRecord[];
  /** True when `pause()` ended the call early. */
  paused: boolean;
}

/** Plain data, structured-clone friendly. */
export interface TrainerState {
  step: number;
  loss: number;
  valLoss: number | null;
  lr: number;
  trainableParams: number;
  frozenParams: number;
  merged: boolean;
  adapters: string[];
  checksumW: string;
}

/** Everything the heatmaps draw, per target layer: frozen W, A, B, ΔW = s·B·A. */
export interface TensorSnapshot {
  layers: {
    name: string;
    W: Matrix;
    A: Matrix | null;
    B: Matrix | null;
    deltaW: Matrix;
    scaling: number;
  }[];
}

/** A training session in the engine (a worker or the main thread), as the page sees it: every method is a request. */
export interface RemoteSession {
  readonly id: number;
  /** Current backend and why; updated after a device loss or fallback. */
  readonly report: BackendReport;
  /** Queued: calls run one after another. */
  train(steps: number, onProgress?: (p: TrainProgress) => void): Promise<TrainOutcome>;
  /** Makes the running `train` resolve early with what it did. */
  pause(): void;
  reset(): Promise<TrainerState>;
  /** Rebuild with a new configuration (keeps nothing but the saved adapters where compatible). */
  configure(config: TrainerConfig): Promise<TrainerState>;
  state(): Promise<TrainerState>;
  merge(): Promise<{ maxAbsDiff: number }>;
  unmerge(): Promise<{ maxAbsDiff: number }>;
  saveAdapter(name: string): Promise<TrainerState>;
  useAdapter(name: string): Promise<TrainerState>;
  deleteAdapter(name: string): Promise<TrainerState>;
  adapterWeights(name?: string): Promise<AdapterSet>;
  deltaW(layer?: string): Promise<Matrix>;
  /** W, A, B and ΔW of every target layer (the heatmaps' tensors). */
  snapshot(): Promise<TensorSnapshot>;
  exportAdapter(name?: string): Promise<Uint8Array>;
  importAdapter(name: string, bytes: Uint8Array): Promise<TrainerState>;
  /** Probe-batch outputs (for "B = 0 ⇒ output unchanged" and merge checks). */
  probeOutputs(): Promise<Matrix>;
  /** Softmax probabilities on the scenario grid (classify-2d), else null. */
  gridProbabilities(): Promise<Matrix | null>;
  valLoss(): Promise<number | null>;
  /** Called on backend changes (fallback, device lost) and recoveries. */
  onBackend(listener: (r: BackendReport) => void): () => void;
  onRecover(listener: (r: { reason: string; lr: number }) => void): () => void;
  dispose(): void;
}

/**
 * `createRemoteSession(config, options)` in widgets/engine/client.ts: validates the config
 * (rejecting with LoraConfigError naming the field), starts or reuses the page's one worker
 * (falling back to the main thread with a reason), and resolves once the session exists.
 */
export type CreateRemoteSession = (config: TrainerConfig, options?: EngineOptions) => Promise<RemoteSession>;
