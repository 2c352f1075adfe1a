/**
 * LoRA adapters as Hugging Face PEFT saves them (`model.save_pretrained(dir)`):
 *
 *  - `adapter_config.json`: { "peft_type": "LORA", "r": r, "lora_alpha": α, "lora_dropout": p,
 *    "use_rslora": bool, "target_modules": [names], "bias": "none", "task_type": null,
 *    "base_model_name_or_path": string, … }
 *  - `adapter_model.safetensors`: per adapted module `<path>`, the tensors
 *    `base_model.model.<path>.lora_A.weight` (r×k) and `base_model.model.<path>.lora_B.weight`
 *    (d×r), float32. These are the paper's A and B with torch.nn.Linear's (out, in) layout, the
 *    layout W (d×k) has here, so no transpose is involved.
 *
 * We ship the two files in one stored zip (zip.ts). The reader validates everything and throws
 * `PeftFormatError` (or the underlying `ZipError` / `SafetensorsError`) naming the problem.
 */
import type { Matrix } from './matrix.ts';
import { readSafetensors, writeSafetensors, type TensorInput } from './safetensors.ts';
import { readZip, writeZip } from './zip.ts';

export const CONFIG_FILE = 'adapter_config.json';
export const WEIGHTS_FILE = 'adapter_model.safetensors';

/** The fields of PEFT's LoraConfig that this project reads and writes. */
export interface PeftAdapterConfig {
  readonly peft_type: 'LORA';
  readonly r: number;
  readonly lora_alpha: number;
  readonly lora_dropout: number;
  readonly use_rslora: boolean;
  readonly target_modules: readonly string[];
  readonly bias: 'none';
  readonly task_type: string | null;
  readonly base_model_name_or_path: string | null;
}

/** An adapter: its config, and A (r×k) and B (d×r) per adapted module path. */
export interface PeftAdapter {
  readonly config: PeftAdapterConfig;
  readonly A: Readonly<Record<string, Matrix>>;
  readonly B: Readonly<Record<string, Matrix>>;
}

export class PeftFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeftFormatError';
  }
}

/** `base_model.model.<path>.lora_A.weight` or `….lora_B.weight`. */
export function peftTensorName(path: string, which: 'A' | 'B'): string {
  return `base_model.model.${path}.lora_${which}.weight`;
}

/** The JSON text of adapter_config.json (PEFT's field names, plus its defaults for the rest). */
export function encodeAdapterConfig(c: PeftAdapterConfig): string {
  const full = {
    alpha_pattern: {},
    base_model_name_or_path: c.base_model_name_or_path,
    bias: c.bias,
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    modules_to_save: null,
    peft_type: c.peft_type,
    r: c.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...c.target_modules],
    task_type: c.task_type,
    use_dora: false,
    use_rslora: c.use_rslora,
  };
  return JSON.stringify(full, null, 2) + '\n';
}

/** Validates a parsed adapter_config.json. */
export function parseAdapterConfig(raw: unknown): PeftAdapterConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new PeftFormatError(`${CONFIG_FILE}: not a JSON object`);
  const c = raw as Record<string, unknown>;
  const bad = (field: string, why: string): PeftFormatError => new PeftFormatError(`${CONFIG_FILE}: ${field} ${why}`);
  if (c['peft_type'] !== 'LORA')
    throw bad('peft_type', `is ${JSON.stringify(c['peft_type'])}; only "LORA" adapters are supported`);
  const r = c['r'];
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1)
    throw bad('r', `must be an integer ≥ 1, got ${JSON.stringify(r)}`);
  const alpha = c['lora_alpha'];
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0)
    throw bad('lora_alpha', `must be a number > 0, got ${JSON.stringify(alpha)}`);
  const dropout = c['lora_dropout'] ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    throw bad('lora_dropout', `must be a number in [0, 1), got ${JSON.stringify(dropout)}`);
  const rs = c['use_rslora'] ?? false;
  if (typeof rs !== 'boolean') throw bad('use_rslora', 'must be true or false');
  const tm = c['target_modules'];
  if (!Array.isArray(tm) || tm.length === 0 || !tm.every((t): t is string => typeof t === 'string' && t.length > 0)) {
    throw bad(
      'target_modules',
      'must be a non-empty list of module names (patterns such as "all-linear" are not supported)',
    );
  }
  const bias = c['bias'] ?? 'none';
  if (bias !== 'none')
    throw bad('bias', `is ${JSON.stringify(bias)}; only "none" is supported (the base's biases stay frozen)`);
  if ((c['fan_in_fan_out'] ?? false) !== false)
    throw bad('fan_in_fan_out', 'must be false (Conv1D-style layouts are not supported)');
  if ((c['use_dora'] ?? false) !== false) throw bad('use_dora', 'must be false (DoRA adapters are not supported)');
  for (const f of ['rank_pattern', 'alpha_pattern']) {
    const p = c[f];
    if (p !== undefined && p !== null && (typeof p !== 'object' || Object.keys(p).length > 0)) {
      throw bad(f, 'must be empty (per-layer ranks and alphas are not supported)');
    }
  }
  const task = c['task_type'] ?? null;
  if (task !== null && typeof task !== 'string') throw bad('task_type', 'must be a string or null');
  const base = c['base_model_name_or_path'] ?? null;
  if (base !== null && typeof base !== 'string') throw bad('base_model_name_or_path', 'must be a string or null');
  return {
    peft_type: 'LORA',
    r,
    lora_alpha: alpha,
    lora_dropout: dropout,
    use_rslora: rs,
    target_modules: [...tm],
    bias: 'none',
    task_type: task,
    base_model_name_or_path: base,
  };
}

/** The safetensors bytes of an adapter's weights (A then B per path, in target order). */
export function encodeAdapterWeights(a: PeftAdapter): Uint8Array {
  const tensors: Record<string, TensorInput> = {};
  for (const path of Object.keys(a.A)) {
    const A = a.A[path];
    const B = a.B[path];
    if (!B) throw new PeftFormatError(`encode: ${path} has A but no B`);
    if (A.rows !== a.config.r || B.cols !== a.config.r)
      throw new PeftFormatError(`encode: ${path} does not have rank ${a.config.r}`);
    tensors[peftTensorName(path, 'A')] = { shape: [A.rows, A.cols], data: A.data };
    tensors[peftTensorName(path, 'B')] = { shape: [B.rows, B.cols], data: B.data };
  }
  return writeSafetensors(tensors, { format: 'pt' });
}

/** One zip holding adapter_config.json and adapter_model.safetensors. */
export function writePeftZip(a: PeftAdapter): Uint8Array {
  return writeZip([
    { name: CONFIG_FILE, data: new TextEncoder().encode(encodeAdapterConfig(a.config)) },
    { name: WEIGHTS_FILE, data: encodeAdapterWeights(a) },
  ]);
}

const TENSOR_NAME = /^base_model\.model\.(.+)\.lora_(A|B)(?:\.[^.]+)?\.weight$/;

/** Decodes and validates the weights file against its config. */
function decodeAdapterWeights(config: PeftAdapterConfig, bytes: Uint8Array): PeftAdapter {
  const file = readSafetensors(bytes);
  const A: Record<string, Matrix> = {};
  const B: Record<string, Matrix> = {};
  for (const [name, t] of file.tensors) {
    const m = TENSOR_NAME.exec(name);
    if (!m)
      throw new PeftFormatError(
        `${WEIGHTS_FILE}: unexpected tensor ${name} (only lora_A / lora_B weights are supported)`,
      );
    const path = m[1];
    const which = m[2] as 'A' | 'B';
    const last = path.split('.').pop() ?? path;
    if (!config.target_modules.includes(path) && !config.target_modules.includes(last)) {
      throw new PeftFormatError(`${WEIGHTS_FILE}: tensor ${name} is for ${path}, which is not in target_modules`);
    }
    if (t.shape.length !== 2)
      throw new PeftFormatError(`${WEIGHTS_FILE}: tensor ${name} has shape [${t.shape.join(', ')}]; expected a matrix`);
    const [rows, cols] = t.shape as [number, number];
    const r = config.r;
    if (which === 'A' ? rows !== r || cols < 1 : cols !== r || rows < 1) {
      throw new PeftFormatError(
        `${WEIGHTS_FILE}: tensor ${name} has shape [${rows}, ${cols}]; expected ${which === 'A' ? `[${r}, k]` : `[d, ${r}]`} with r = ${r}`,
      );
    }
    const target = which === 'A' ? A : B;
    if (target[path]) throw new PeftFormatError(`${WEIGHTS_FILE}: two lora_${which} tensors for ${path}`);
    target[path] = { rows, cols, data: t.data };
  }
  for (const path of new Set([...Object.keys(A), ...Object.keys(B)])) {
    if (!A[path]) throw new PeftFormatError(`${WEIGHTS_FILE}: missing tensor ${peftTensorName(path, 'A')}`);
    if (!B[path]) throw new PeftFormatError(`${WEIGHTS_FILE}: missing tensor ${peftTensorName(path, 'B')}`);
  }
  for (const t of config.target_modules) {
    const found = Object.keys(A).some((p) => p === t || p.endsWith(`.${t}`));
    if (!found)
      throw new PeftFormatError(`${WEIGHTS_FILE}: missing tensor ${peftTensorName(t, 'A')} for target module ${t}`);
  }
  return { config, A, B };
}

/**
 * Reads an adapter zip. The two files may sit in a folder inside the archive; exactly one of
 * each must be present.
 */
export function readPeftZip(bytes: Uint8Array): PeftAdapter {
  const entries = readZip(bytes);
  const find = (file: string): Uint8Array => {
    const hits = entries.filter((e) => e.name === file || e.name.endsWith(`/${file}`));
    if (hits.length === 0) throw new PeftFormatError(`adapter archive: ${file} is missing`);
    if (hits.length > 1) throw new PeftFormatError(`adapter archive: more than one ${file}`);
    return hits[0].data;
  };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(find(CONFIG_FILE)));
  } catch (e) {
    if (e instanceof PeftFormatError) throw e;
    throw new PeftFormatError(`${CONFIG_FILE}: not valid UTF-8 JSON`);
  }
  const config = parseAdapterConfig(json);
  return decodeAdapterWeights(config, find(WEIGHTS_FILE));
}
