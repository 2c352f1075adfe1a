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
 * Mixture of experts (Mixtral, Jiang et al. 2024, arXiv:2401.04088, §2.1): E experts, each a
 * whole MLP, and a router W_g ∈ ℝ^{E×h} that sends each token to the top K of them. Memory holds
 * all E (and LoRA on an MLP target trains E pairs A, B); a token's compute and activations pass
 * through K. E = K = 1 is a dense model.
 *
 * Units: parameter counts; bytes (1 GB = 10⁹ B, as the papers write sizes; GPU capacity is in
 * GiB, as the cards report it); multiply-accumulates (1 MAC = 2 FLOPs).
 */
import { loraParamCounts } from './pitfalls.ts';

/** The matrices LoRA can adapt in a block: attention q, k, v, o and the MLP's gate, up, down. */
export const TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type Target = (typeof TARGETS)[number];

/** Precision of the frozen base under QLoRA. */
export const BITS = [4, 8, 16] as const;
export type QuantBits = (typeof BITS)[number];

/** GPU memory sizes the calculator checks, in GiB (24: RTX 4090, 48: RTX A6000, 80: A100/H100). */
const GPU_SIZES_GB = [24, 48, 80] as const;
type GpuSize = (typeof GPU_SIZES_GB)[number];

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
  /** E, MLP experts per layer (mixture of experts); absent or 1: a dense MLP. */
  readonly experts?: number;
  /** K, experts each token is routed to (top-K); absent: 1. */
  readonly activeExperts?: number;
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
  /** Parameters one token passes through: all E experts' MLPs counted in totalParams, K of them here. Equals totalParams for a dense model. */
  readonly activeParams: number;
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
  'Mixture of experts (E experts, top-K routing): memory holds all E MLPs plus an h × E router per layer, and LoRA on gate, up or down trains E adapters (one A, B per expert); multiply-adds and the MLP’s activations count the K a token passes through.',
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

/** E and K of a model, 1 and 1 when it is dense. */
export function expertCounts(model: ModelDims): { experts: number; active: number } {
  return { experts: model.experts ?? 1, active: model.activeExperts ?? 1 };
}

const isMlp = (t: Target): boolean => t === 'gate' || t === 'up' || t === 'down';

/** Copies of a target's matrix in one layer: E for the MLP's (one per expert), 1 for attention's. */
function copies(model: ModelDims, target: Target, perToken: boolean): number {
  const { experts, active } = expertCounts(model);
  return isMlp(target) ? (perToken ? active : experts) : 1;
}

/**
 * Weights in the blocks' matrices, all layers: attention, E expert MLPs and the router W_g
 * (h × E, only when E > 1). `perToken`: the weights one token multiplies, K experts instead of E.
 */
export function blockParams(model: ModelDims, perToken = false): number {
  const { experts } = expertCounts(model);
  let perLayer = experts > 1 ? model.dModel * experts : 0;
  for (const t of availableTargets(model)) {
    const { dOut, dIn } = matrixShape(model, t);
    perLayer += copies(model, t, perToken) * dOut * dIn;
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

/**
 * |Θ| = L · Σ_targets r·(d_in + d_out): what LoRA trains, an MLP target counted once per expert
 * (E adapters; `perToken`: the K a token passes through).
 */
export function loraParams(model: ModelDims, rank: number, targets: readonly Target[], perToken = false): number {
  let perLayer = 0;
  for (const t of new Set(targets)) {
    const { dOut, dIn } = matrixShape(model, t);
    const one = loraParamCounts([{ name: t, d: dOut, k: dIn }], [t], rank, false).trainable;
    perLayer += copies(model, t, perToken) * one;
  }
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
    const { experts } = expertCounts(model);
    let rows = experts > 1 ? experts : 0;
    for (const t of availableTargets(model)) rows += copies(model, t, false) * matrixShape(model, t).dOut;
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
 * recomputed in the backward pass. Of the 34, 19 are the MLP's (§4.1); under top-K routing a token
 * passes through K expert MLPs, so they count K times: 34 + 19·(K − 1).
 */
export function activationBytes(model: ModelDims, seqLen: number, batch: number, checkpointing: boolean): number {
  const s = seqLen;
  const b = batch;
  const h = model.dModel;
  const mlpCopies = expertCounts(model).active;
  const oneLayer = s * b * h * (34 + 19 * (mlpCopies - 1)) + 5 * model.heads * s * s * b;
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
  const merged = blockParams(model, true); // one multiply-add per weight a token passes through
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
    activeParams: embed + merged,
    fraction: trainable / base,
    adapterBytes: 2 * trainable,
    adapterBytesFp32: 4 * trainable,
    flopsPerToken: { merged, unmerged: merged + loraParams(model, rank, targets, true) },
    memory,
    fits: {
      full: fitsOn(memory.full.total),
      lora: fitsOn(memory.lora.total),
      qlora: fitsOn(memory.qlora.total),
    },
  };
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
