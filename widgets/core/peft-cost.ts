/**
 * What LoRA, QLoRA and full fine-tuning cost on a real transformer: parameters, adapter size,
 * multiply-adds per token and training memory. Pure: everything arrives as arguments (the
 * model's dimensions included — presets live with the element, in
 * `widgets/peft-calculator/presets.ts`), nothing touches the DOM.
 *
 * Notation, as in the lesson and in LoRA (Hu et al. 2021, arXiv:2106.09685, §4.1):
 * a weight matrix W ∈ ℝ^{d_out×d_in} gets the update ΔW = (α/r)·B·A with B ∈ ℝ^{d_out×r},
 * A ∈ ℝ^{r×d_in}, so adapting it trains r·(d_in + d_out) parameters in each layer.
 * h = d_model, a = attention heads, s = sequence length, b = batch size, L = layers.
 *
 * Units: parameter counts; bytes (1 GB = 10⁹ B, as the papers write sizes; GPU capacity is in
 * GiB, as the cards report it); multiply-accumulates (1 MAC = 2 FLOPs).
 */
import { loraParamCounts } from './pitfalls.ts';

/** The matrices LoRA can adapt in a block: attention q, k, v, o and the MLP's gate, up, down. */
export const TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type Target = (typeof TARGETS)[number];

/** Precision of the frozen base under QLoRA. */
const BITS = [4, 8, 16] as const;
export type QuantBits = (typeof BITS)[number];

/** GPU memory sizes the calculator checks, in GiB (24: RTX 4090, 48: RTX A6000, 80: A100/H100). */
const GPU_SIZES_GB = [24, 48, 80] as const;
export type GpuSize = (typeof GPU_SIZES_GB)[number];

/** NF4 quantisation block size, and the block size of the second (double) quantisation (QLoRA §3). */
const NF4_BLOCK = 64;
const DQ_BLOCK = 256;

/** A decoder/encoder transformer's dimensions: all a cost needs. */
export interface ModelDims {
  /** h, the residual width. */
  readonly dModel: number;
  readonly layers: number;
  /** Inner width of the MLP. */
  readonly dFf: number;
  /** Output width of W_k and W_v: d_model for multi-head attention, fewer under grouped-query attention. */
  readonly kvDim: number;
  readonly vocab: number;
  /** a, attention heads (query heads under GQA). Only the activation estimate uses it. */
  readonly heads: number;
  /** true: SwiGLU-style gate, up, down (3 matrices); false: up, down (2). */
  readonly gatedMlp: boolean;
  /** true when the output head shares the input embedding's weights. */
  readonly tiedEmbeddings: boolean;
  /** Rows of a learned position-embedding table; 0 for rotary or other unlearned positions. */
  readonly positions: number;
}

/** A named model: dimensions plus where they come from. Never results. */
export interface ModelPreset extends ModelDims {
  readonly id: string;
  readonly label: string;
  readonly sources: readonly { readonly title: string; readonly url: string }[];
}

export interface PeftInput {
  /** A preset id, or `custom`. */
  readonly modelId: string;
  readonly model: ModelDims;
  readonly rank: number;
  readonly targets: readonly Target[];
  readonly bits: QuantBits;
  readonly seqLen: number;
  readonly batch: number;
  readonly checkpointing: boolean;
}

/** Bytes of GPU memory one training method holds, by what holds them. */
export interface MemoryBreakdown {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly quantConstants: number;
  readonly activations: number;
  readonly total: number;
}

export type Method = 'full' | 'lora' | 'qlora';

export interface PeftResult {
  readonly trainableParams: number;
  /** Parameters of the base model (adapters not included). */
  readonly totalParams: number;
  /** trainableParams / totalParams. */
  readonly fraction: number;
  /** The adapter file in fp16: 2 bytes per adapter parameter. */
  readonly adapterBytes: number;
  /** The same in fp32: 4 bytes per adapter parameter. */
  readonly adapterBytesFp32: number;
  /** Multiply-adds per token in the blocks' weight matrices, adapter merged into W or kept beside it. */
  readonly flopsPerToken: { readonly merged: number; readonly unmerged: number };
  readonly memory: Readonly<Record<Method, MemoryBreakdown>>;
  /** For each method, the GPU sizes (GiB) whose memory holds its total. */
  readonly fits: Readonly<Record<Method, readonly GpuSize[]>>;
}

export const DEFAULTS = {
  model: 'llama2-7b',
  rank: 8,
  /** W_q and W_v, the LoRA paper's choice for GPT-3 (§4.2, §7.1). */
  targets: ['q', 'v'] as readonly Target[],
  bits: 4 as QuantBits,
  seqLen: 512,
  batch: 1,
  checkpointing: false,
} as const;

/** What the numbers assume, one line each, for the element to show. */
export const ASSUMPTIONS: readonly string[] = [
  'Parameters: embeddings (plus learned positions, untied output head) and the blocks’ weight matrices; biases and norms (< 0.1%) left out.',
  'Full fine-tuning: mixed-precision Adam, 16 bytes per parameter: fp16 weights and gradients 2 + 2, fp32 master copy, m and v 4 + 4 + 4 (ZeRO, Rajbhandari et al. 2020, §3.1).',
  'LoRA: frozen fp16 base, 2 bytes per parameter; adapter parameters 16 bytes each, as in full fine-tuning (Hu et al. 2021).',
  'QLoRA: block weights at the chosen bits; 4-bit is NF4, blocks of 64, double-quantised constants 0.127 bits per parameter (0.5 without); 8-bit has one fp32 scale per row; embeddings stay 16-bit (Dettmers et al. 2023, §3).',
  'QLoRA adapters: bf16 weights and gradients, paged 32-bit Adam m and v: 12 bytes per parameter, all on the GPU.',
  'Activations, 16-bit, per layer: s·b·h·(34 + 5·a·s/h) bytes; fully checkpointed, 2·s·b·h plus one layer recomputed (Korthikanti et al. 2022, §4). No FlashAttention; logits not counted.',
  'Multiply-adds per token: the blocks’ weight matrices only; unmerged, each adapted matrix adds r·(d_in + d_out).',
  'Fits: total ≤ the card’s 24, 48 or 80 GiB, nothing kept for the CUDA context or fragmentation.',
  'Adapter file: fp16, 2 bytes per parameter (fp32: 4).',
];

// ---------------------------------------------------------------------------------------------
// The model

/** Shape of one weight matrix, W ∈ ℝ^{dOut×dIn}. */
export interface Shape {
  readonly dOut: number;
  readonly dIn: number;
}

/** The adaptable matrices a block of this model has (no `gate` when the MLP is not gated). */
export function availableTargets(model: ModelDims): Target[] {
  return TARGETS.filter((t) => t !== 'gate' || model.gatedMlp);
}

/**
 * Shape of each weight matrix in one block. Under grouped-query attention W_k and W_v map
 * d_model to kvDim < d_model; W_q and W_o stay d_model × d_model.
 */
export function matrixShape(model: ModelDims, target: Target): Shape {
  const { dModel: h, dFf: f, kvDim } = model;
  switch (target) {
    case 'q':
    case 'o':
      return { dOut: h, dIn: h };
    case 'k':
    case 'v':
      return { dOut: kvDim, dIn: h };
    case 'gate':
    case 'up':
      return { dOut: f, dIn: h };
    case 'down':
      return { dOut: h, dIn: f };
  }
}

/** Weights in the blocks' matrices (attention and MLP), all layers. */
export function blockParams(model: ModelDims): number {
  let perLayer = 0;
  for (const t of availableTargets(model)) {
    const { dOut, dIn } = matrixShape(model, t);
    perLayer += dOut * dIn;
  }
  return model.layers * perLayer;
}

/** Input embedding, learned positions and (when untied) the output head. */
function embeddingParams(model: ModelDims): number {
  const tables = model.tiedEmbeddings ? 1 : 2;
  return tables * model.vocab * model.dModel + model.positions * model.dModel;
}

/** Parameters of the base model: embeddings plus blocks (biases and norms left out). */
export function totalParams(model: ModelDims): number {
  return embeddingParams(model) + blockParams(model);
}

/** |Θ| = L · Σ_targets r·(d_in + d_out): what LoRA trains. */
export function loraParams(model: ModelDims, rank: number, targets: readonly Target[]): number {
  const shapes = [...new Set(targets)].map((t) => {
    const { dOut, dIn } = matrixShape(model, t);
    return { name: t, d: dOut, k: dIn };
  });
  const perLayer = loraParamCounts(
    shapes,
    shapes.map((s) => s.name),
    rank,
    false,
  ).trainable;
  return model.layers * perLayer;
}

/**
 * Bytes of quantisation constants for the blocks' weights stored at `bits`.
 * 4-bit NF4 (QLoRA §3): one absmax per block of 64. Plain, it is fp32: 32/64 = 0.5 bits per
 * parameter. Double-quantised, it is fp8 with one fp32 constant per 256 of them:
 * 8/64 + 32/(64·256) ≈ 0.127 bits per parameter.
 * 8-bit (LLM.int8(), vector-wise): one fp32 scale per output row of each matrix.
 */
export function quantConstantBytes(model: ModelDims, bits: QuantBits, doubleQuant = true): number {
  if (bits === 16) return 0;
  if (bits === 8) {
    let rows = 0;
    for (const t of availableTargets(model)) rows += matrixShape(model, t).dOut;
    return 4 * rows * model.layers;
  }
  return (blockParams(model) * nf4ConstantBitsPerParam(doubleQuant)) / 8;
}

/** Bits of NF4 quantisation constants per weight: 0.5 plain, ≈ 0.127 double-quantised. */
export function nf4ConstantBitsPerParam(doubleQuant = true): number {
  return doubleQuant ? 8 / NF4_BLOCK + 32 / (NF4_BLOCK * DQ_BLOCK) : 32 / NF4_BLOCK;
}

/**
 * Activation memory in bytes, 16-bit, no tensor or sequence parallelism
 * (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
 * arXiv:2205.05198, §4.1, eq. 1): s·b·h·(34 + 5·a·s/h) per layer, the 5·a·s² term being the
 * attention scores, softmax and dropout mask. With full recomputation (§4.2) only each layer's
 * input is kept, 2·s·b·h per layer, and one layer's full activations exist while it is
 * recomputed in the backward pass.
 */
export function activationBytes(model: ModelDims, seqLen: number, batch: number, checkpointing: boolean): number {
  const s = seqLen;
  const b = batch;
  const h = model.dModel;
  const oneLayer = s * b * h * 34 + 5 * model.heads * s * s * b;
  return checkpointing ? model.layers * 2 * s * b * h + oneLayer : model.layers * oneLayer;
}

function breakdown(parts: Omit<MemoryBreakdown, 'total'>): MemoryBreakdown {
  const total = parts.weights + parts.gradients + parts.optimizer + parts.quantConstants + parts.activations;
  return { ...parts, total };
}

const GIB = 2 ** 30;

function fitsOn(total: number): GpuSize[] {
  return GPU_SIZES_GB.filter((gb) => total <= gb * GIB);
}

/** Every figure the calculator shows, for one input. */
export function computePeftCost(input: PeftInput): PeftResult {
  const { model, rank, targets, bits } = input;
  const base = totalParams(model);
  const block = blockParams(model);
  const embed = base - block;
  const trainable = loraParams(model, rank, targets);
  const activations = activationBytes(model, input.seqLen, input.batch, input.checkpointing);
  const merged = block; // one multiply-add per weight per token
  const memory: Record<Method, MemoryBreakdown> = {
    full: breakdown({
      weights: 2 * base,
      gradients: 2 * base,
      optimizer: 12 * base,
      quantConstants: 0,
      activations,
    }),
    lora: breakdown({
      weights: 2 * base + 2 * trainable,
      gradients: 2 * trainable,
      optimizer: 12 * trainable,
      quantConstants: 0,
      activations,
    }),
    qlora: breakdown({
      weights: (block * bits) / 8 + 2 * embed + 2 * trainable,
      gradients: 2 * trainable,
      optimizer: 8 * trainable,
      quantConstants: quantConstantBytes(model, bits),
      activations,
    }),
  };
  return {
    trainableParams: trainable,
    totalParams: base,
    fraction: trainable / base,
    adapterBytes: 2 * trainable,
    adapterBytesFp32: 4 * trainable,
    flopsPerToken: { merged, unmerged: merged + trainable },
    memory,
    fits: {
      full: fitsOn(memory.full.total),
      lora: fitsOn(memory.lora.total),
      qlora: fitsOn(memory.qlora.total),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing attributes

/** One problem with one attribute; `message` is ready to show and names the attribute. */
export interface PeftInputError {
  readonly attribute: string;
  readonly message: string;
}

/** The attributes `parsePeftInput` reads, by their HTML names. */
export const ATTRIBUTES = [
  'model',
  'rank',
  'targets',
  'bits',
  'seq-len',
  'batch',
  'checkpointing',
  'd-model',
  'layers',
  'd-ff',
  'kv-dim',
  'vocab',
  'heads',
  'mlp',
] as const;
export type PeftAttribute = (typeof ATTRIBUTES)[number];

const LIMITS = {
  rank: 4096,
  seqLen: 1_048_576,
  batch: 4096,
  dim: 1_048_576,
  layers: 1024,
  vocab: 10_000_000,
};

const show = (raw: unknown): string => (typeof raw === 'string' ? JSON.stringify(raw) : String(raw));

const isAbsent = (raw: unknown): raw is null | undefined => raw === null || raw === undefined;

/** A whole number in [min, max], or undefined with an error pushed. Absent gives undefined, no error. */
function parseWhole(
  raw: unknown,
  attribute: string,
  min: number,
  max: number,
  fallback: string,
  errors: PeftInputError[],
): number | undefined {
  if (isAbsent(raw)) return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  errors.push({
    attribute,
    message: `${attribute} must be a whole number from ${min} to ${max}; got ${show(raw)}. ${fallback}`,
  });
  return undefined;
}

const CUSTOM_REQUIRED = ['d-model', 'layers', 'd-ff', 'vocab'] as const;

function parseModel(
  r: Record<string, unknown>,
  presets: readonly ModelPreset[],
  errors: PeftInputError[],
): { modelId: string; model: ModelDims } {
  const fallback = presets.find((p) => p.id === DEFAULTS.model) ?? presets[0];
  if (!fallback) throw new Error('parsePeftInput needs at least one preset');
  const id = r['model'];
  if (isAbsent(id)) return { modelId: fallback.id, model: fallback };
  const key = typeof id === 'string' ? id.trim().toLowerCase() : id;
  const preset = presets.find((p) => p.id === key);
  if (preset) return { modelId: preset.id, model: preset };
  if (key !== 'custom') {
    errors.push({
      attribute: 'model',
      message: `model ${show(id)} is not a known preset; use one of ${presets
        .map((p) => p.id)
        .join(', ')} or custom. Showing ${fallback.id}.`,
    });
    return { modelId: fallback.id, model: fallback };
  }
  const instead = `Showing ${fallback.id} until d-model, layers, d-ff and vocab are all valid.`;
  const dims: Partial<Record<(typeof CUSTOM_REQUIRED)[number], number>> = {};
  let complete = true;
  for (const attr of CUSTOM_REQUIRED) {
    const max = attr === 'layers' ? LIMITS.layers : attr === 'vocab' ? LIMITS.vocab : LIMITS.dim;
    if (isAbsent(r[attr])) {
      errors.push({ attribute: attr, message: `${attr} is required when model="custom". ${instead}` });
      complete = false;
      continue;
    }
    const n = parseWhole(r[attr], attr, 1, max, instead, errors);
    if (n === undefined) complete = false;
    else dims[attr] = n;
  }
  const dModel = dims['d-model'];
  const layers = dims['layers'];
  const dFf = dims['d-ff'];
  const vocab = dims['vocab'];
  if (!complete || !dModel || !layers || !dFf || !vocab) return { modelId: fallback.id, model: fallback };
  const kvDim =
    parseWhole(r['kv-dim'], 'kv-dim', 1, dModel, `Using d-model (${dModel}), multi-head attention.`, errors) ?? dModel;
  const defaultHeads = Math.max(1, Math.round(dModel / 128));
  const heads =
    parseWhole(r['heads'], 'heads', 1, dModel, `Using d-model / 128 = ${defaultHeads}.`, errors) ?? defaultHeads;
  let gatedMlp = true;
  const mlp = r['mlp'];
  if (!isAbsent(mlp)) {
    if (mlp === 'plain' || mlp === 'gated') gatedMlp = mlp === 'gated';
    else
      errors.push({
        attribute: 'mlp',
        message: `mlp must be "gated" (gate, up, down) or "plain" (up, down); got ${show(mlp)}. Using gated.`,
      });
  }
  return {
    modelId: 'custom',
    model: { dModel, layers, dFf, kvDim, vocab, heads, gatedMlp, tiedEmbeddings: false, positions: 0 },
  };
}

function parseTargets(raw: unknown, model: ModelDims, errors: PeftInputError[]): Target[] {
  const fallback = `Using ${DEFAULTS.targets.join(',')}.`;
  if (isAbsent(raw)) return [...DEFAULTS.targets];
  const names = Array.isArray(raw)
    ? raw.map((x) => String(x))
    : typeof raw === 'string'
      ? raw.split(/[\s,]+/)
      : [String(raw)];
  const have = availableTargets(model);
  const out = new Set<Target>();
  const unknown: string[] = [];
  const missing: string[] = [];
  for (const name of names.map((n) => n.trim().toLowerCase()).filter(Boolean)) {
    if (name === 'all') have.forEach((t) => out.add(t));
    else if (!(TARGETS as readonly string[]).includes(name)) unknown.push(name);
    else if (!have.includes(name as Target)) missing.push(name);
    else out.add(name as Target);
  }
  if (unknown.length)
    errors.push({
      attribute: 'targets',
      message: `targets: unknown ${unknown.map((u) => JSON.stringify(u)).join(', ')}; use a comma list of ${TARGETS.join(', ')} (or all).`,
    });
  if (missing.length)
    errors.push({
      attribute: 'targets',
      message: `targets: this model’s MLP is not gated, so it has no ${missing.join(', ')} matrix (only up and down).`,
    });
  if (out.size === 0) {
    errors.push({ attribute: 'targets', message: `targets must name at least one matrix. ${fallback}` });
    return [...DEFAULTS.targets];
  }
  // Canonical order, whatever order they were given in.
  return TARGETS.filter((t) => out.has(t));
}

/**
 * Reads the element's attributes (or any object keyed by their HTML names, values as strings,
 * numbers, booleans or a target array) into a safe input. Every invalid value gives one error
 * naming its attribute and falls back to its default; absent values take defaults silently.
 * Never throws (given at least one preset).
 */
export function parsePeftInput(
  raw: unknown,
  presets: readonly ModelPreset[],
): { value: PeftInput; errors: PeftInputError[] } {
  const errors: PeftInputError[] = [];
  const r: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (!isAbsent(raw) && r !== raw)
    errors.push({ attribute: 'input', message: 'The input must be an object of attributes; using every default.' });

  const { modelId, model } = parseModel(r, presets, errors);
  const targets = parseTargets(r['targets'], model, errors);

  // A rank above the smallest side of an adapted matrix adds parameters without adding rank.
  const maxRank = Math.min(
    LIMITS.rank,
    ...targets.map((t) => {
      const { dOut, dIn } = matrixShape(model, t);
      return Math.min(dOut, dIn);
    }),
  );
  const defaultRank = Math.min(DEFAULTS.rank, maxRank);
  const rank = parseWhole(r['rank'], 'rank', 1, maxRank, `Using ${defaultRank}.`, errors) ?? defaultRank;

  let bits: QuantBits = DEFAULTS.bits;
  const rawBits = r['bits'];
  if (!isAbsent(rawBits)) {
    const n = typeof rawBits === 'string' && rawBits.trim() !== '' ? Number(rawBits) : rawBits;
    const hit = BITS.find((b) => b === n);
    if (hit) bits = hit;
    else
      errors.push({
        attribute: 'bits',
        message: `bits must be 4, 8 or 16; got ${show(rawBits)}. Using ${DEFAULTS.bits}.`,
      });
  }

  const seqLen =
    parseWhole(r['seq-len'], 'seq-len', 1, LIMITS.seqLen, `Using ${DEFAULTS.seqLen}.`, errors) ?? DEFAULTS.seqLen;
  const batch = parseWhole(r['batch'], 'batch', 1, LIMITS.batch, `Using ${DEFAULTS.batch}.`, errors) ?? DEFAULTS.batch;

  let checkpointing: boolean = DEFAULTS.checkpointing;
  const ck = r['checkpointing'];
  if (typeof ck === 'boolean') checkpointing = ck;
  else if (ck === '' || ck === 'true' || ck === 'checkpointing') checkpointing = true;
  else if (!isAbsent(ck) && ck !== 'false')
    errors.push({
      attribute: 'checkpointing',
      message: `checkpointing is a boolean attribute: present (or "true") turns it on; got ${show(ck)}. Using off.`,
    });

  return { value: { modelId, model, rank, targets, bits, seqLen, batch, checkpointing }, errors };
}

// ---------------------------------------------------------------------------------------------
// Formatting

function scaled(n: number, base: number, units: readonly string[], sep: string): string {
  let i = 0;
  let v = Math.abs(n);
  while (i < units.length - 1 && v >= base * 0.9995) {
    v /= base;
    i++;
  }
  // One decimal below 100 (4.7M, 37.7M), none above (175B); a trailing .0 is dropped (35 MB).
  const digits = i === 0 || v >= 99.95 ? 0 : 1;
  const text = v.toFixed(digits).replace(/\.0$/, '');
  return `${n < 0 ? '-' : ''}${text}${sep}${units[i]}`;
}

/** 4718592 → "4.7M", 1.2e9 → "1.2B", 294912 → "295K". */
export function formatCount(n: number): string {
  return scaled(n, 1000, ['', 'K', 'M', 'B', 'T'], '');
}

/** Decimal units, as the papers write sizes: 35e6 → "35 MB", 37748736 → "37.7 MB". */
export function formatBytes(n: number): string {
  return scaled(n, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], ' ');
}

/** A share as a percentage with two significant digits below 1%: 0.000269 → "0.027%". */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0) return '0%';
  if (p < 0.0001) return '< 0.0001%';
  if (p >= 1) return `${p >= 99.95 ? p.toFixed(0) : p.toFixed(1).replace(/\.0$/, '')}%`;
  return `${Number(p.toPrecision(2))}%`;
}
