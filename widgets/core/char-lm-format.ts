/**
 * The character model's files.
 *
 * Checkpoint (safetensors.ts): tensors `embed` (V×e), `ctx.weight` (H×K·e), `hidden.weight`
 * (H×H), `head.weight` (V×H), float32, in that order; `__metadata__` = { format: "pt",
 * model: LM_MODEL_ID, vocab: the characters as a JSON string, context, embed, hidden (decimal
 * strings), plus whatever the writer adds (how it was trained) }.
 *
 * Adapters: Hugging Face PEFT's zip (peft-format.ts) with target_modules ctx, hidden, head and
 * base_model_name_or_path = LM_MODEL_ID, so `<lora-trainer>`'s files and this model's never mix.
 */
import {
  charLmFrom,
  layerShapes,
  LM_LAYERS,
  type CharLm,
  type CharLmShape,
  type LmAdapter,
  type LmLayerName,
} from './char-lm.ts';
import { copy, type Matrix } from './matrix.ts';
import { PeftFormatError, readPeftZip, writePeftZip } from './peft-format.ts';
import { readSafetensors, SafetensorsError, writeSafetensors, type TensorInput } from './safetensors.ts';
import type { Adapter } from './lora.ts';

/** The base model's id: the checkpoint's `model` and every adapter's base_model_name_or_path. */
export const LM_MODEL_ID = 'marginalia/char-lm-v1';

const TENSORS = { embed: 'embed', ctx: 'ctx.weight', hidden: 'hidden.weight', head: 'head.weight' } as const;

/** Safetensors bytes of the model's E and W (as they are now: unmerge first). */
export function writeCheckpoint(lm: CharLm, extra: Readonly<Record<string, string>> = {}): Uint8Array {
  const t = (m: Matrix): TensorInput => ({ shape: [m.rows, m.cols], data: m.data });
  const s = lm.shape;
  return writeSafetensors(
    {
      [TENSORS.embed]: t(lm.E),
      [TENSORS.ctx]: t(lm.layers[0].W),
      [TENSORS.hidden]: t(lm.layers[1].W),
      [TENSORS.head]: t(lm.layers[2].W),
    },
    {
      format: 'pt',
      model: LM_MODEL_ID,
      vocab: JSON.stringify(s.vocab),
      context: String(s.context),
      embed: String(s.embed),
      hidden: String(s.hidden),
      ...extra,
    },
  );
}

/** A loaded base: the model, and a pristine copy of its W (unmerge restores from it). */
export interface LoadedBase {
  readonly lm: CharLm;
  readonly pristine: Readonly<Record<LmLayerName, Matrix>>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Parses a checkpoint; throws SafetensorsError naming what does not fit. */
export function readCheckpoint(bytes: Uint8Array): LoadedBase {
  const file = readSafetensors(bytes);
  const meta = file.metadata ?? {};
  if (meta['model'] !== LM_MODEL_ID)
    throw new SafetensorsError(`checkpoint: model is ${JSON.stringify(meta['model'])}, expected ${LM_MODEL_ID}`);
  let vocab: unknown;
  try {
    vocab = JSON.parse(meta['vocab'] ?? '');
  } catch {
    throw new SafetensorsError('checkpoint: vocab is not a JSON string');
  }
  if (typeof vocab !== 'string') throw new SafetensorsError('checkpoint: vocab is not a JSON string');
  const num = (f: string): number => {
    const v = Number(meta[f]);
    if (!Number.isInteger(v) || v < 1) throw new SafetensorsError(`checkpoint: ${f} is ${JSON.stringify(meta[f])}`);
    return v;
  };
  const shape: CharLmShape = { vocab, context: num('context'), embed: num('embed'), hidden: num('hidden') };
  const get = (name: string, rows: number, cols: number): Matrix => {
    const t = file.tensors.get(name);
    if (!t || t.shape.length !== 2 || t.shape[0] !== rows || t.shape[1] !== cols)
      throw new SafetensorsError(`checkpoint: ${name} must be ${rows}×${cols}`);
    return { rows, cols, data: t.data };
  };
  const ls = layerShapes(shape);
  const W = {} as Record<LmLayerName, Matrix>;
  for (const n of LM_LAYERS) W[n] = get(TENSORS[n], ls[n].d, ls[n].k);
  const E = get(TENSORS.embed, vocab.length + 1, shape.embed);
  const pristine = {} as Record<LmLayerName, Matrix>;
  for (const n of LM_LAYERS) pristine[n] = copy(W[n]);
  try {
    return { lm: charLmFrom(shape, E, W), pristine, metadata: meta };
  } catch (error) {
    throw new SafetensorsError(`checkpoint: ${(error as Error).message}`);
  }
}

/** The adapter as a PEFT zip. */
export function exportLmAdapter(adapter: LmAdapter): Uint8Array {
  const A: Record<string, Matrix> = {};
  const B: Record<string, Matrix> = {};
  for (const n of LM_LAYERS) {
    A[n] = adapter.layers[n].A;
    B[n] = adapter.layers[n].B;
  }
  return writePeftZip({
    config: {
      peft_type: 'LORA',
      r: adapter.r,
      lora_alpha: adapter.alpha,
      lora_dropout: 0,
      use_rslora: false,
      target_modules: [...LM_LAYERS],
      bias: 'none',
      task_type: 'CAUSAL_LM',
      base_model_name_or_path: LM_MODEL_ID,
    },
    A,
    B,
  });
}

/**
 * An adapter from a PEFT zip, checked against `lm`: the base id, no rsLoRA, every layer of the
 * model and only those, with A (r×k) and B (d×r) of the layer's shape. Throws PeftFormatError
 * (or the zip/safetensors error) saying what does not fit; nothing is changed.
 */
export function importLmAdapter(lm: CharLm, bytes: Uint8Array): LmAdapter {
  const peft = readPeftZip(bytes);
  const c = peft.config;
  if (c.base_model_name_or_path !== LM_MODEL_ID)
    throw new PeftFormatError(
      `this adapter was trained for ${JSON.stringify(c.base_model_name_or_path)}, not for this model (${LM_MODEL_ID})`,
    );
  if (c.use_rslora) throw new PeftFormatError('rsLoRA adapters are not supported here');
  const paths = Object.keys(peft.A).sort();
  if (paths.join() !== [...LM_LAYERS].sort().join())
    throw new PeftFormatError(`the adapter adapts ${paths.join(', ')}; this model needs ${LM_LAYERS.join(', ')}`);
  const layers = {} as Record<LmLayerName, Adapter>;
  for (const layer of lm.layers) {
    const n = layer.name as LmLayerName;
    const A = peft.A[n];
    const B = peft.B[n];
    if (A.rows !== c.r || A.cols !== layer.k || B.rows !== layer.d || B.cols !== c.r)
      throw new PeftFormatError(
        `${n}: A is ${A.rows}×${A.cols} and B ${B.rows}×${B.cols}; this model needs ${c.r}×${layer.k} and ${layer.d}×${c.r}`,
      );
    if (c.r > Math.min(layer.d, layer.k)) throw new PeftFormatError(`${n}: rank ${c.r} exceeds min(d, k)`);
    if (![...A.data, ...B.data].every(Number.isFinite)) throw new PeftFormatError(`${n}: the weights are not finite`);
    layers[n] = { r: c.r, alpha: c.lora_alpha, rsLora: false, scaling: c.lora_alpha / c.r, dropout: 0, A, B };
  }
  return { r: c.r, alpha: c.lora_alpha, layers };
}
