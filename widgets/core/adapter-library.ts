/**
 * The adapter library of a training session: named LoRA adapters (A and B per target layer, with
 * their hyper-parameters) saved on one frozen base, checked when they come in (import) and
 * converted to Hugging Face PEFT's terms when they go out (export). Pure: the session
 * (trainer.ts) owns one library and copies tensors in and out of its live layers.
 *
 * Every set the library stores is its own copy; what it hands out for keeps is a copy too.
 */
import { copy, maxAbsDiffArray, type Matrix } from './matrix.ts';
import { readPeftZip, type PeftAdapter } from './peft-format.ts';
import type { LayerSpec } from './scenario-shapes.ts';
import { LoraConfigError, LoraStateError, MAX_RANK, parseTargets } from './trainer-config.ts';

/** A named adapter: A (r×k) and B (d×r) per target layer, with its hyper-parameters. */
export interface AdapterSet {
  readonly rank: number;
  readonly alpha: number;
  readonly rsLora: boolean;
  readonly dropout: number;
  readonly targets: readonly string[];
  readonly A: Readonly<Record<string, Matrix>>;
  readonly B: Readonly<Record<string, Matrix>>;
}

/** Saved adapters by name, in saving order (re-saving a name moves it to the end). */
export class AdapterLibrary {
  readonly #sets = new Map<string, AdapterSet>();

  /** The names, in saving order. */
  names(): string[] {
    return [...this.#sets.keys()];
  }

  /** Stores `set` under `name`, replacing one of that name. Takes ownership: pass a copy. */
  store(name: string, set: AdapterSet): void {
    checkAdapterName(name);
    this.#sets.delete(name);
    this.#sets.set(name, set);
  }

  /** The stored set itself (read it, never write it); throws naming `op` when there is none. */
  get(op: string, name: string): AdapterSet {
    const set = this.#sets.get(name);
    if (!set) {
      const saved = this.names().join(', ') || 'none';
      throw new LoraStateError(`${op}: no adapter named ${JSON.stringify(name)} (saved: ${saved})`);
    }
    return set;
  }

  /** Forgets an adapter; false if there was none of that name. */
  delete(name: string): boolean {
    return this.#sets.delete(name);
  }
}

export function checkAdapterName(name: string): void {
  if (typeof name !== 'string' || name.trim().length === 0)
    throw new LoraConfigError('name', 'adapter name: must be a non-empty string');
}

/** The same names in the same order. */
export function sameTargets(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A deep copy of a set (its tensors included). */
export function cloneAdapter(s: AdapterSet): AdapterSet {
  const A: Record<string, Matrix> = {};
  const B: Record<string, Matrix> = {};
  for (const t of s.targets) {
    A[t] = copy(s.A[t]);
    B[t] = copy(s.B[t]);
  }
  return { ...s, targets: [...s.targets], A, B };
}

/**
 * Reads a PEFT adapter zip (peft-format.ts) as a set, unchecked against any layers
 * (`checkAdapter` does that). Its base_model_name_or_path must be `baseModelId` (or null).
 */
export function adapterFromPeftZip(bytes: Uint8Array, baseModelId: string): AdapterSet {
  const peft = readPeftZip(bytes);
  const base = peft.config.base_model_name_or_path;
  if (base !== null && base !== baseModelId) {
    throw new LoraConfigError(
      'base_model_name_or_path',
      `importAdapter: the adapter was trained on ${base}; this trainer's frozen base is ${baseModelId}`,
    );
  }
  return {
    rank: peft.config.r,
    alpha: peft.config.lora_alpha,
    rsLora: peft.config.use_rslora,
    dropout: peft.config.lora_dropout,
    targets: Object.keys(peft.A),
    A: peft.A,
    B: peft.B,
  };
}

/**
 * Checks an adapter against a model's layers (rank in 1…MAX_RANK and ≤ min(d, k), α > 0,
 * dropout in [0, 1), known targets, A r×k and B d×r per target, finite weights) and returns a
 * copy with its targets in network order. Throws LoraConfigError naming the field.
 */
export function checkAdapter(adapter: AdapterSet, layers: readonly LayerSpec[]): AdapterSet {
  const { rank, alpha, rsLora, dropout, targets } = adapter;
  if (!Number.isInteger(rank) || rank < 1 || rank > MAX_RANK)
    throw new LoraConfigError('rank', `importAdapter: rank ${rank} is not in 1…${MAX_RANK}`);
  if (!(Number.isFinite(alpha) && alpha > 0))
    throw new LoraConfigError('alpha', `importAdapter: lora_alpha ${alpha} must be > 0`);
  if (!(dropout >= 0 && dropout < 1))
    throw new LoraConfigError('dropout', `importAdapter: lora_dropout ${dropout} must be in [0, 1)`);
  if (typeof rsLora !== 'boolean')
    throw new LoraConfigError('rsLora', 'importAdapter: use_rslora must be true or false');
  const ordered = parseTargets(
    [...targets],
    layers.map((l) => l.name),
    [],
  );
  const A: Record<string, Matrix> = {};
  const B: Record<string, Matrix> = {};
  for (const l of layers) {
    if (!ordered.includes(l.name)) continue;
    if (rank > Math.min(l.d, l.k))
      throw new LoraConfigError('rank', `importAdapter: rank ${rank} exceeds min(d, k) of ${l.name}`);
    const a = adapter.A[l.name];
    const b = adapter.B[l.name];
    if (!a || !b) throw new LoraConfigError('targets', `importAdapter: missing A or B for ${l.name}`);
    if (a.rows !== rank || a.cols !== l.k)
      throw new LoraConfigError('A', `importAdapter: ${l.name} A is ${a.rows}×${a.cols}, expected ${rank}×${l.k}`);
    if (b.rows !== l.d || b.cols !== rank)
      throw new LoraConfigError('B', `importAdapter: ${l.name} B is ${b.rows}×${b.cols}, expected ${l.d}×${rank}`);
    if (!a.data.every(Number.isFinite) || !b.data.every(Number.isFinite)) {
      throw new LoraConfigError('weights', `importAdapter: ${l.name} has non-finite weights`);
    }
    A[l.name] = { rows: a.rows, cols: a.cols, data: Float32Array.from(a.data) };
    B[l.name] = { rows: b.rows, cols: b.cols, data: Float32Array.from(b.data) };
  }
  return { rank, alpha, rsLora, dropout, targets: ordered, A, B };
}

/** A set in PEFT's terms (LoraConfig field names), ready for `writePeftZip`. */
export function toPeftAdapter(set: AdapterSet, baseModelId: string): PeftAdapter {
  return {
    config: {
      peft_type: 'LORA',
      r: set.rank,
      lora_alpha: set.alpha,
      lora_dropout: set.dropout,
      use_rslora: set.rsLora,
      target_modules: [...set.targets],
      bias: 'none',
      task_type: null,
      base_model_name_or_path: baseModelId,
    },
    A: set.A,
    B: set.B,
  };
}

/** Largest |a − b| between two adapters' A and B tensors (not their ΔW), for tests and the UI. */
export function adapterMaxAbsDiff(a: AdapterSet, b: AdapterSet): number {
  let m = 0;
  for (const t of a.targets) {
    m = Math.max(m, maxAbsDiffArray(a.A[t].data, b.A[t].data), maxAbsDiffArray(a.B[t].data, b.B[t].data));
  }
  return m;
}
