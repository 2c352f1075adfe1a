/**
 * Messages between `<lora-lm>` (client.ts) and its model host (host.ts), in the page's language
 * model worker (lm.worker.ts) or, where no worker may start, on the main thread. Every request
 * names a session (one per element); every answer is a response to one request id, or progress
 * of a running `train`. Errors cross as { name, message } and come back as Errors of that name.
 */

/** What `load` reports: the model and the built-in adapters. */
export interface LoadInfo {
  /** Built-in adapter names (one per adapter corpus), in order. */
  readonly adapters: readonly string[];
  readonly baseParams: number;
  readonly baseBytes: number;
  /** The CPU kernels in use and why ("WebAssembly SIMD kernels" or "JavaScript kernels (…)"). */
  readonly kernels: string;
  readonly context: number;
  readonly vocabSize: number;
  /** Where adapters train (engine/backend-choice.ts), and why. */
  readonly backend: 'cpu' | 'webgpu';
  readonly reason: string;
}

/** One adapter's numbers. */
export interface AdapterInfo {
  readonly name: string;
  readonly rank: number;
  readonly alpha: number;
  /** Σ r·(d + k) over ctx, hidden, head. */
  readonly trainableParams: number;
  /** float32 bytes of A and B. */
  readonly bytes: number;
  /** Steps trained so far (0 for a fresh or imported adapter). */
  readonly steps: number;
}

export interface TrainInfo extends AdapterInfo {
  /** One loss per step of this call. */
  readonly losses: readonly number[];
  /** Frozen numbers: the base's E and W. */
  readonly frozenParams: number;
  readonly ms: number;
  /** Where the call's last steps ran. */
  readonly backend: 'cpu' | 'webgpu';
  /** Set when WebGPU failed during the call: why, and that training went on on the CPU. */
  readonly fallback?: string;
}

export interface LmOps {
  load: {
    args: {
      checkpoint: string;
      corpora: Readonly<Record<string, string>>;
      kernels?: string;
      /** The element's `backend` (default auto). */
      backend?: 'auto' | 'webgpu' | 'cpu';
    };
    result: LoadInfo;
  };
  train: { args: { adapter: string; steps: number; rank: number; seed: number }; result: TrainInfo };
  sample: {
    args: { adapter: string | null; prompt: string; seed: number; length: number; temperature: number };
    result: { text: string; merged: boolean; ms: number };
  };
  use: { args: { adapter: string | null }; result: { adapter: string | null } };
  merge: { args: Record<string, never>; result: { adapter: string; maxLogitDiff: number } };
  unmerge: { args: Record<string, never>; result: { adapter: string; drift: number } };
  exportAdapter: { args: { name: string }; result: { bytes: Uint8Array; info: AdapterInfo } };
  importAdapter: { args: { name: string; bytes: Uint8Array }; result: AdapterInfo };
  adapterInfo: { args: { name: string }; result: AdapterInfo };
  loss: { args: { adapter: string | null; corpus: string }; result: { loss: number } };
  close: { args: Record<string, never>; result: null };
  /**
   * @internal Test hook of the e2e suite (tests/e2e/lora-lm.gpu.spec.ts), not part of the
   * element's API: `lose-device` destroys the worker's GPU device, as a driver reset would lose
   * it; resolves true if there was one.
   */
  debug: { args: { action: LmDebugAction }; result: boolean };
}
export type LmOp = keyof LmOps;

/** @internal The `debug` op's actions (tests only). */
export type LmDebugAction = 'lose-device';

export interface LmRequest<K extends LmOp = LmOp> {
  readonly kind: 'request';
  readonly id: number;
  readonly session: number;
  readonly op: K;
  readonly args: LmOps[K]['args'];
}

export interface WireError {
  readonly name: string;
  readonly message: string;
}

export type LmMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: WireError }
  | {
      readonly kind: 'progress';
      readonly id: number;
      readonly step: number;
      readonly loss: number;
      readonly stepsPerSecond: number;
      /** On the first progress after WebGPU failed mid-call: why, and from which step the CPU goes on. */
      readonly fallback?: string;
    };

const OPS = new Set<string>([
  'load',
  'train',
  'sample',
  'use',
  'merge',
  'unmerge',
  'exportAdapter',
  'importAdapter',
  'adapterInfo',
  'loss',
  'close',
  'debug',
]);

/** A request from the page, or null for anything else. */
export function parseRequest(data: unknown): LmRequest | null {
  if (typeof data !== 'object' || data === null) return null;
  const r = data as Record<string, unknown>;
  if (r['kind'] !== 'request' || typeof r['id'] !== 'number' || typeof r['session'] !== 'number') return null;
  if (typeof r['op'] !== 'string' || !OPS.has(r['op']) || typeof r['args'] !== 'object' || r['args'] === null)
    return null;
  return data as LmRequest;
}

/** A message from the host, or null for anything else. */
export function parseMessage(data: unknown): LmMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const k = (data as { kind?: unknown }).kind;
  return k === 'ready' || k === 'response' || k === 'progress' ? (data as LmMessage) : null;
}

export function toWireError(error: unknown): WireError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

export function fromWireError(e: WireError): Error {
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}
