/**
 * The message protocol between the page (client.ts) and the engine (host.ts, in the page's one
 * module Worker or, where no worker can start, on the main thread).
 *
 * Page → engine: `EngineRequest` {id, trainer, op, args}. Every request gets exactly one
 * `EngineResponse` with the same id, `ok` with a result or not ok with a serialised error.
 * `pause` is the one request the engine handles at once, not in the trainer's queue.
 * Engine → page, unrequested: `ready` (the first message: the worker's handshake), `progress`
 * (while a `train` request runs), `backend` (a trainer's backend changed: fallback, device lost)
 * and `recover` (divergence rollback, device lost).
 *
 * Matrices travel as {rows, cols, data: Float32Array}; `transferables` lists the buffers of every
 * typed array in a message so that ΔW, snapshots and adapter weights move instead of being copied
 * (the sender must not keep them).
 */
import { LoraConfigError, LoraStateError, type TrainerConfig } from '../core/trainer-config.ts';
import type { AdapterSet, RecoverRecord } from '../core/trainer.ts';
import type { Matrix } from '../core/matrix.ts';
import type { DebugAction } from '../core/train-backend.ts';
import type { BackendChoice, BackendReport, TensorSnapshot, TrainerState } from './types.ts';

export const PROTOCOL_VERSION = 1;

/** What each op takes and gives. */
export interface EngineOps {
  create: {
    /** `kernelsUrl`: kernels.wasm, resolved by the page (a blob: worker cannot resolve its own URLs). */
    args: { config: TrainerConfig; backend: BackendChoice; kernelsUrl?: string };
    result: { state: TrainerState; report: BackendReport };
  };
  dispose: { args: null; result: null };
  train: {
    args: { steps: number; seq: number };
    result: { step: number; loss: number; losses: Float32Array; recoveries: RecoverRecord[]; paused: boolean };
  };
  pause: { args: { upTo: number }; result: null };
  reset: { args: null; result: TrainerState };
  configure: { args: { config: TrainerConfig }; result: TrainerState };
  state: { args: null; result: TrainerState };
  merge: { args: null; result: { maxAbsDiff: number } };
  unmerge: { args: null; result: { maxAbsDiff: number } };
  saveAdapter: { args: { name: string }; result: TrainerState };
  useAdapter: { args: { name: string }; result: TrainerState };
  deleteAdapter: { args: { name: string }; result: TrainerState };
  adapterWeights: { args: { name?: string }; result: AdapterSet };
  deltaW: { args: { layer?: string }; result: Matrix };
  snapshot: { args: null; result: TensorSnapshot };
  exportAdapter: { args: { name?: string }; result: Uint8Array };
  importAdapter: { args: { name: string; bytes: Uint8Array }; result: TrainerState };
  probeOutputs: { args: null; result: Matrix };
  gridProbabilities: { args: null; result: Matrix | null };
  valLoss: { args: null; result: number | null };
  /** Test hooks (the engine-probe fixture): see host.ts. */
  debug: { args: { action: DebugAction }; result: unknown };
}

export type EngineOp = keyof EngineOps;

const ENGINE_OPS: readonly EngineOp[] = [
  'create',
  'dispose',
  'train',
  'pause',
  'reset',
  'configure',
  'state',
  'merge',
  'unmerge',
  'saveAdapter',
  'useAdapter',
  'deleteAdapter',
  'adapterWeights',
  'deltaW',
  'snapshot',
  'exportAdapter',
  'importAdapter',
  'probeOutputs',
  'gridProbabilities',
  'valLoss',
  'debug',
];

export interface EngineRequest<K extends EngineOp = EngineOp> {
  readonly kind: 'request';
  readonly id: number;
  readonly trainer: number;
  readonly op: K;
  readonly args: EngineOps[K]['args'];
}

/** A serialised error: enough to rebuild LoraConfigError (with its field) and LoraStateError. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly field?: string;
}

export type EngineResponse =
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: WireError };

export interface ProgressMessage {
  readonly kind: 'progress';
  readonly id: number;
  readonly trainer: number;
  readonly step: number;
  readonly loss: number;
  readonly valLoss: number | null;
  readonly losses: Float32Array;
}

export interface BackendMessage {
  readonly kind: 'backend';
  readonly trainer: number;
  readonly report: BackendReport;
}

export interface RecoverMessage {
  readonly kind: 'recover';
  readonly trainer: number;
  readonly reason: string;
  readonly lr: number;
}

export interface ReadyMessage {
  readonly kind: 'ready';
  readonly protocol: number;
}

export type EngineEvent = ProgressMessage | BackendMessage | RecoverMessage;
export type EngineMessage = EngineResponse | EngineEvent | ReadyMessage;

export function request<K extends EngineOp>(
  id: number,
  trainer: number,
  op: K,
  args: EngineOps[K]['args'],
): EngineRequest<K> {
  return { kind: 'request', id, trainer, op, args };
}

/** Serialises any thrown value. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const field = (error as { field?: unknown }).field;
    return typeof field === 'string'
      ? { name: error.name, message: error.message, field }
      : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an Error from the wire: the core's error classes as such, others with name, message (and field). */
export function fromWireError(w: WireError): Error {
  if (w.name === 'LoraConfigError') return new LoraConfigError(w.field ?? 'config', w.message);
  if (w.name === 'LoraStateError') return new LoraStateError(w.message);
  const e = new Error(w.message) as Error & { field?: string };
  e.name = w.name;
  if (w.field !== undefined) e.field = w.field;
  return e;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** Parses what arrived at the engine; null when it is not a request of this protocol. */
export function parseRequest(data: unknown): EngineRequest | null {
  if (!isObject(data) || data['kind'] !== 'request') return null;
  const { id, trainer, op } = data;
  if (!isInt(id) || !isInt(trainer) || typeof op !== 'string') return null;
  if (!(ENGINE_OPS as readonly string[]).includes(op)) return null;
  return { kind: 'request', id, trainer, op: op as EngineOp, args: (data['args'] ?? null) as never };
}

/** Parses what arrived at the page; null when it is not a message of this protocol. */
export function parseMessage(data: unknown): EngineMessage | null {
  if (!isObject(data)) return null;
  switch (data['kind']) {
    case 'ready':
      return isInt(data['protocol']) ? (data as unknown as ReadyMessage) : null;
    case 'response': {
      if (!isInt(data['id']) || typeof data['ok'] !== 'boolean') return null;
      if (!data['ok']) {
        const err = data['error'];
        if (!isObject(err) || typeof err['message'] !== 'string') return null;
      }
      return data as unknown as EngineResponse;
    }
    case 'progress':
      return isInt(data['id']) && isInt(data['trainer']) && data['losses'] instanceof Float32Array
        ? (data as unknown as ProgressMessage)
        : null;
    case 'backend': {
      const r = data['report'];
      return isInt(data['trainer']) &&
        isObject(r) &&
        typeof r['backend'] === 'string' &&
        typeof r['reason'] === 'string'
        ? (data as unknown as BackendMessage)
        : null;
    }
    case 'recover':
      return isInt(data['trainer']) && typeof data['reason'] === 'string' && typeof data['lr'] === 'number'
        ? (data as unknown as RecoverMessage)
        : null;
    default:
      return null;
  }
}

/**
 * The distinct ArrayBuffers of every typed array inside `value` (objects and arrays, any depth),
 * for postMessage's transfer list. Views that share one buffer list it once; SharedArrayBuffers
 * and WebAssembly memory views are not listed.
 */
export function transferables(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (!isObject(v) || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(value);
  return [...out];
}
