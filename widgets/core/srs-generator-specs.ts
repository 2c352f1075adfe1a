/**
 * The generators numeric cards name (srs-generators.ts draws and checks; this file is what each
 * one asks and how it solves it). Each computes with the functions `<peft-calculator>` uses
 * (peft-cost.ts, pitfalls.ts) and writes its worked solution as plain text with Unicode math.
 * Units as in peft-cost.ts: bytes in GB = 10⁹ B and MB = 10⁶ B; GPU sizes in GiB.
 */
import {
  loraParams,
  totalParams,
  activationBytes,
  nf4ConstantBitsPerParam,
  type ModelDims,
  type Target,
} from './peft-cost.ts';
import { effectiveScale, multiplyAdds } from './pitfalls.ts';

export type Values = Record<string, number>;

interface ParamSpec {
  readonly label: string;
  readonly choices: readonly number[];
}

interface Solution {
  answer: number;
  steps: string[];
}

interface GeneratorSpec {
  /** What is asked, as one line ("LoRA parameters of one matrix"). */
  readonly title: string;
  readonly unit: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  solve(v: Values): Solution;
}

const GB = 1e9;
const MB = 1e6;
const GIB = 2 ** 30;

/** 1234567 → "1,234,567"; fractions to 4 significant digits. */
export function formatNumber(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}
const f = formatNumber;

const dims = (h: number, kvDim = h, layers = 1, dFf = 4 * h, vocab = 0): ModelDims => ({
  dModel: h,
  layers,
  dFf,
  kvDim,
  vocab,
  heads: 1,
  gatedMlp: false,
  tiedEmbeddings: true,
  positions: 0,
});

/** r·(d_in + d_out): the extra multiply-adds of an unmerged adapter equal its parameter count. */
const loraMatrix = (d: number, k: number, r: number): number =>
  multiplyAdds([{ name: 'w', d, k }], ['w'], r).unmerged - d * k;

const p = (label: string, ...choices: number[]): ParamSpec => ({ label, choices });
const WIDTHS = [768, 1024, 2048, 4096, 5120, 8192];
const RANKS = [1, 2, 4, 8, 16, 32, 64];
const BILLIONS = [1, 3, 7, 13, 33, 65, 70];

export const SPECS: Record<string, GeneratorSpec> = {
  'lora-matrix-params': {
    title: 'LoRA parameters added to one weight matrix',
    unit: '',
    params: { d: p('d_out', ...WIDTHS), k: p('d_in', ...WIDTHS), r: p('r', ...RANKS) },
    solve: ({ d, k, r }) => {
      const n = loraMatrix(d!, k!, r!);
      return {
        answer: n,
        steps: [
          `B is d_out×r = ${f(d!)}×${r}, A is r×d_in = ${r}×${f(k!)}`,
          `r·(d_in + d_out) = ${r}·(${f(k!)} + ${f(d!)}) = ${f(n)}`,
        ],
      };
    },
  },
  'lora-qv-params': {
    title: 'LoRA parameters on W_q and W_v of every layer',
    unit: '',
    params: { L: p('layers', 12, 24, 32, 40, 80, 96), h: p('d_model', ...WIDTHS, 12288), r: p('r', ...RANKS) },
    solve: ({ L, h, r }) => {
      const n = loraParams(dims(h!, h!, L!), r!, ['q', 'v']);
      return {
        answer: n,
        steps: [
          `Each of W_q, W_v is ${f(h!)}×${f(h!)}: r·(d + d) = ${r}·${f(2 * h!)} = ${f(2 * r! * h!)} per matrix`,
          `× 2 matrices × ${L} layers = ${f(n)}`,
        ],
      };
    },
  },
  'lora-gqa-params': {
    title: 'LoRA parameters on W_q, W_k, W_v, W_o under grouped-query attention',
    unit: '',
    params: {
      L: p('layers', 32, 40, 80),
      h: p('d_model', 4096, 5120, 8192),
      kv: p('kv_dim', 512, 1024),
      r: p('r', 8, 16, 32),
    },
    solve: ({ L, h, kv, r }) => {
      const n = loraParams(dims(h!, kv!, L!), r!, ['q', 'k', 'v', 'o'] as Target[]);
      const sq = r! * 2 * h!;
      const narrow = r! * (h! + kv!);
      return {
        answer: n,
        steps: [
          `W_q, W_o are ${f(h!)}×${f(h!)}: r·2d = ${f(sq)} each`,
          `W_k, W_v map ${f(h!)} → ${f(kv!)}: r·(d + kv) = ${f(narrow)} each`,
          `Per layer 2·${f(sq)} + 2·${f(narrow)} = ${f(2 * sq + 2 * narrow)}; × ${L} layers = ${f(n)}`,
        ],
      };
    },
  },
  'trainable-fraction': {
    title: 'Share of a model trained by LoRA on W_q and W_v (percent)',
    unit: '%',
    params: {
      L: p('layers', 12, 24, 32),
      h: p('d_model', 768, 1024, 4096),
      V: p('vocab', 32000, 50257),
      r: p('r', 4, 8, 16),
    },
    solve: ({ L, h, V, r }) => {
      const model = dims(h!, h!, L!, 4 * h!, V!);
      const base = totalParams(model);
      const t = loraParams(model, r!, ['q', 'v']);
      return {
        answer: (100 * t) / base,
        steps: [
          `Base: embeddings V·d = ${f(V! * h!)}, plus 12·d² = ${f(12 * h! * h!)} per layer (4d² attention, 8d² MLP with d_ff = 4d) × ${L} = ${f(base)}`,
          `LoRA: 2 matrices · r·2d · L = ${f(t)}`,
          `${f(t)} / ${f(base)} = ${f((100 * t) / base)}%`,
        ],
      };
    },
  },
  'adapter-file-size': {
    title: 'Size of an fp16 LoRA adapter file on W_q and W_v (MB)',
    unit: 'MB',
    params: {
      L: p('layers', 24, 32, 40, 80, 96),
      h: p('d_model', 1024, 4096, 5120, 8192, 12288),
      r: p('r', 4, 8, 16, 64),
    },
    solve: ({ L, h, r }) => {
      const n = loraParams(dims(h!, h!, L!), r!, ['q', 'v']);
      return {
        answer: (2 * n) / MB,
        steps: [
          `Parameters: ${L} layers · 2 matrices · r·2d = ${f(n)}`,
          `fp16 is 2 bytes each: ${f(2 * n)} B = ${f((2 * n) / MB)} MB`,
        ],
      };
    },
  },
  'full-ft-memory': {
    title: 'Model state of full fine-tuning with mixed-precision Adam (GB)',
    unit: 'GB',
    params: { P: p('parameters (billions)', 0.35, 1.3, 7.5, 13, 70) },
    solve: ({ P }) => ({
      answer: 16 * P!,
      steps: [
        '16 bytes per parameter: fp16 weights 2 + fp16 gradients 2 + fp32 master, m, v 4 + 4 + 4',
        `${f(P!)}·10⁹ · 16 B = ${f(16 * P!)} GB`,
      ],
    }),
  },
  'lora-state-memory': {
    title: 'Model state of LoRA training: frozen fp16 base plus Adam on the adapter (GB)',
    unit: 'GB',
    params: { P: p('base parameters (billions)', 7, 13, 70), T: p('adapter parameters (millions)', 4, 20, 40, 160) },
    solve: ({ P, T }) => {
      const base = 2 * P! * GB;
      const adapter = 16 * T! * MB;
      return {
        answer: (base + adapter) / GB,
        steps: [
          `Frozen base in fp16: 2 B · ${f(P!)}·10⁹ = ${f(base / GB)} GB (no gradients, no optimizer state)`,
          `Adapter as in full fine-tuning, 16 B · ${f(T!)}·10⁶ = ${f(adapter / GB)} GB`,
          `Total ${f((base + adapter) / GB)} GB`,
        ],
      };
    },
  },
  'qlora-base-memory': {
    title: 'Memory of a base model stored in NF4 with double quantisation (GB)',
    unit: 'GB',
    params: { P: p('parameters (billions)', ...BILLIONS) },
    solve: ({ P }) => {
      const bits = 4 + nf4ConstantBitsPerParam(true);
      return {
        answer: (P! * GB * bits) / 8 / GB,
        steps: [
          'NF4: 4 bits per weight; constants 8/64 + 32/(64·256) ≈ 0.127 bits per weight (double-quantised)',
          `${f(P!)}·10⁹ · ${f(bits)} bits / 8 = ${f((P! * bits) / 8)} GB`,
        ],
      };
    },
  },
  'double-quant-saving': {
    title: 'Memory saved by double-quantising NF4 constants (GB)',
    unit: 'GB',
    params: { P: p('parameters (billions)', ...BILLIONS) },
    solve: ({ P }) => {
      const saved = nf4ConstantBitsPerParam(false) - nf4ConstantBitsPerParam(true);
      return {
        answer: (P! * saved) / 8,
        steps: [
          'Plain: one fp32 absmax per 64 weights = 32/64 = 0.5 bits per weight',
          'Double: fp8 absmax per 64 plus one fp32 per 256 of those = 8/64 + 32/(64·256) ≈ 0.127 bits',
          `Saved ≈ ${f(saved)} bits · ${f(P!)}·10⁹ / 8 = ${f((P! * saved) / 8)} GB`,
        ],
      };
    },
  },
  'quantized-weights': {
    title: 'Weights of a model stored at a given precision, constants ignored (GB)',
    unit: 'GB',
    params: { P: p('parameters (billions)', ...BILLIONS), b: p('bits per weight', 4, 8, 16, 32) },
    solve: ({ P, b }) => ({
      answer: (P! * b!) / 8,
      steps: [`${b} bits = ${f(b! / 8)} bytes per weight`, `${f(P!)}·10⁹ · ${f(b! / 8)} B = ${f((P! * b!) / 8)} GB`],
    }),
  },
  'merge-macs': {
    title: 'Multiply-adds to merge one adapter, W ← W + (α/r)·B·A',
    unit: '',
    params: { d: p('d_out', ...WIDTHS), k: p('d_in', ...WIDTHS), r: p('r', ...RANKS) },
    solve: ({ d, k, r }) => ({
      answer: d! * k! * r!,
      steps: [
        `B·A has d_out·d_in = ${f(d! * k!)} entries, each a sum of r = ${r} products`,
        `${f(d! * k!)} · ${r} = ${f(d! * k! * r!)} multiply-adds (the α/r scale and the addition are d_out·d_in more, left out)`,
      ],
    }),
  },
  'unmerged-overhead': {
    title: 'Extra cost per token of an unmerged adapter, as a percent of its matrix',
    unit: '%',
    params: { d: p('d_out', ...WIDTHS), k: p('d_in', ...WIDTHS), r: p('r', ...RANKS) },
    solve: ({ d, k, r }) => {
      const m = multiplyAdds([{ name: 'w', d: d!, k: k! }], ['w'], r!);
      const pct = (100 * (m.unmerged - m.merged)) / m.merged;
      return {
        answer: pct,
        steps: [
          `W·x costs d_out·d_in = ${f(m.merged)} multiply-adds`,
          `A·x costs r·d_in, B·(Ax) costs d_out·r: r·(d_in + d_out) = ${f(m.unmerged - m.merged)}`,
          `${f(m.unmerged - m.merged)} / ${f(m.merged)} = ${f(pct)}%`,
        ],
      };
    },
  },
  'dora-params': {
    title: 'Trainable parameters of DoRA on one matrix',
    unit: '',
    params: { d: p('d_out', ...WIDTHS), k: p('d_in', ...WIDTHS), r: p('r', ...RANKS) },
    solve: ({ d, k, r }) => {
      const lora = loraMatrix(d!, k!, r!);
      return {
        answer: lora + d!,
        steps: [
          `LoRA direction update: r·(d_in + d_out) = ${f(lora)}`,
          `Magnitude vector: one number per output, ${f(d!)}`,
          `${f(lora)} + ${f(d!)} = ${f(lora + d!)}`,
        ],
      };
    },
  },
  'vera-params': {
    title: 'Trainable parameters of VeRA on W_q and W_v',
    unit: '',
    params: { L: p('layers', 12, 24, 32), h: p('d_model', 768, 1024, 4096), r: p('r (shared random rank)', 256, 1024) },
    solve: ({ L, h, r }) => {
      const n = L! * 2 * (h! + r!);
      return {
        answer: n,
        steps: [
          'A and B are frozen random matrices shared by all layers; each adapted matrix trains b ∈ ℝ^d_out and d ∈ ℝ^r',
          `Per matrix d_out + r = ${f(h!)} + ${f(r!)} = ${f(h! + r!)}`,
          `× 2 matrices × ${L} layers = ${f(n)}`,
        ],
      };
    },
  },
  'rslora-scale': {
    title: 'rsLoRA scaling factor γ = α/√r',
    unit: '',
    params: { alpha: p('α', 8, 16, 32, 64), r: p('r', 4, 16, 64, 256) },
    solve: ({ alpha, r }) => {
      const s = effectiveScale(alpha!, r!, true);
      return {
        answer: s,
        steps: [
          `√r = √${r} = ${f(Math.sqrt(r!))}`,
          `γ = α/√r = ${alpha}/${f(Math.sqrt(r!))} = ${f(s)} (plain LoRA: α/r = ${f(alpha! / r!)})`,
        ],
      };
    },
  },
  'alpha-for-new-rank': {
    title: 'The α that keeps the update scale α/r when the rank changes',
    unit: '',
    params: { r1: p('old r', 4, 8, 16), alpha: p('old α', 8, 16, 32), r2: p('new r', 32, 64, 128) },
    solve: ({ r1, alpha, r2 }) => {
      const s = effectiveScale(alpha!, r1!);
      return {
        answer: s * r2!,
        steps: [
          `Scale now α/r = ${alpha}/${r1} = ${f(s)}`,
          `Same scale at r = ${r2}: α = ${f(s)}·${r2} = ${f(s * r2!)}`,
        ],
      };
    },
  },
  'activation-memory': {
    title: 'Activation memory of one transformer layer, 16-bit, no recomputation (GB)',
    unit: 'GB',
    params: {
      s: p('sequence length', 512, 1024, 2048),
      b: p('batch', 1, 4, 8),
      h: p('d_model', 4096, 5120),
      a: p('heads', 32, 40),
    },
    solve: ({ s, b, h, a }) => {
      const model = { ...dims(h!), heads: a! };
      const bytes = activationBytes(model, s!, b!, false);
      return {
        answer: bytes / GB,
        steps: [
          's·b·h·(34 + 5·a·s/h) bytes per layer (Korthikanti et al. 2022, eq. 1)',
          `34·s·b·h = ${f(34 * s! * b! * h!)}; 5·a·s²·b = ${f(5 * a! * s! * s! * b!)}`,
          `Sum ${f(bytes)} B = ${f(bytes / GB)} GB`,
        ],
      };
    },
  },
  'lowrank-compression': {
    title: 'How many times fewer numbers a rank-r factorisation stores than the full matrix',
    unit: '',
    params: { d: p('d_out', ...WIDTHS), k: p('d_in', ...WIDTHS), r: p('r', ...RANKS) },
    solve: ({ d, k, r }) => {
      const ratio = (d! * k!) / (r! * (d! + k!));
      return {
        answer: ratio,
        steps: [`Full: d·k = ${f(d! * k!)}`, `Factors: r·(d + k) = ${f(r! * (d! + k!))}`, `Ratio ${f(ratio)}`],
      };
    },
  },
  'prefix-params': {
    title: 'Trainable parameters of prefix tuning (keys and values in every layer)',
    unit: '',
    params: { L: p('layers', 12, 24, 32), n: p('prefix length', 10, 20, 50, 100), h: p('d_model', 768, 1024, 4096) },
    solve: ({ L, n, h }) => ({
      answer: 2 * L! * n! * h!,
      steps: [
        `Each layer gets n key and n value vectors of width d: 2·n·d = ${f(2 * n! * h!)}`,
        `× ${L} layers = ${f(2 * L! * n! * h!)} (the reparametrisation MLP is dropped after training)`,
      ],
    }),
  },
  'ia3-params': {
    title: 'Trainable parameters of (IA)³',
    unit: '',
    params: {
      L: p('layers', 12, 24, 32),
      h: p('d_model (= key and value width)', 768, 1024, 4096),
      ff: p('d_ff', 3072, 4096, 11008, 16384),
    },
    solve: ({ L, h, ff }) => ({
      answer: L! * (2 * h! + ff!),
      steps: [
        'One learned vector rescales keys (d), one values (d), one the MLP hidden activation (d_ff)',
        `Per layer 2·${f(h!)} + ${f(ff!)} = ${f(2 * h! + ff!)}; × ${L} layers = ${f(L! * (2 * h! + ff!))}`,
      ],
    }),
  },
  'bottleneck-adapter-params': {
    title: 'Parameters of Houlsby bottleneck adapters (two per layer, with biases)',
    unit: '',
    params: { L: p('layers', 12, 24), h: p('d_model', 768, 1024), m: p('bottleneck m', 8, 16, 64, 256) },
    solve: ({ L, h, m }) => {
      const one = 2 * h! * m! + h! + m!;
      return {
        answer: L! * 2 * one,
        steps: [
          `One adapter: down d×m + m bias, up m×d + d bias = 2dm + d + m = ${f(one)}`,
          `× 2 per layer × ${L} layers = ${f(L! * 2 * one)}`,
        ],
      };
    },
  },
  'absmax-int8': {
    title: 'The int8 code of a weight under absmax quantisation',
    unit: '',
    params: { x: p('weight x', -1.7, -0.42, 0.05, 0.31, 0.9, 1.25), c: p('absmax of its block', 2, 2.5, 3.2, 4) },
    solve: ({ x, c }) => {
      const q = Math.round((127 * x!) / c!);
      return {
        answer: q,
        steps: [
          `Scale 127/absmax = 127/${f(c!)} = ${f(127 / c!)}`,
          `round(${f(x!)} · ${f(127 / c!)}) = round(${f((127 * x!) / c!)}) = ${q}`,
        ],
      };
    },
  },
  'svd-energy': {
    title: 'Share of ‖M‖²_F kept by the best rank-2 approximation (percent)',
    unit: '%',
    params: { s1: p('σ₁', 10, 8, 6), s2: p('σ₂', 5, 4, 3), s3: p('σ₃', 2, 1.5), s4: p('σ₄', 1, 0.5) },
    solve: ({ s1, s2, s3, s4 }) => {
      const sq = [s1!, s2!, s3!, s4!].map((s) => s * s);
      const all = sq.reduce((a, b) => a + b, 0);
      const kept = (100 * (sq[0]! + sq[1]!)) / all;
      return {
        answer: kept,
        steps: [
          `σ² = ${sq.map(f).join(', ')}; ‖M‖²_F = Σσ² = ${f(all)}`,
          `Top two: ${f(sq[0]! + sq[1]!)} / ${f(all)} = ${f(kept)}% (Eckart–Young)`,
        ],
      };
    },
  },
  'eckart-young-error': {
    title: 'Frobenius error of the best rank-1 approximation',
    unit: '',
    params: { s1: p('σ₁', 12, 9, 7), s2: p('σ₂', 4, 3, 2), s3: p('σ₃', 2, 1, 0.5) },
    solve: ({ s1, s2, s3 }) => {
      const e = Math.hypot(s2!, s3!);
      return {
        answer: e,
        steps: [
          `σ₁ = ${f(s1!)} is kept; the error is the rest: √(σ₂² + σ₃²)`,
          `√(${f(s2! * s2!)} + ${f(s3! * s3!)}) = ${f(e)}`,
        ],
      };
    },
  },
  'adapters-in-memory': {
    title: 'How many fp16 adapters fit in the GPU memory left for them',
    unit: '',
    params: {
      free: p('free memory (GiB)', 2, 4, 8, 16),
      L: p('layers', 32, 40),
      h: p('d_model', 4096, 5120),
      r: p('r', 8, 16, 64),
    },
    solve: ({ free, L, h, r }) => {
      const bytes = 2 * loraParams(dims(h!, h!, L!), r!, ['q', 'v']);
      const n = Math.floor((free! * GIB) / bytes);
      return {
        answer: n,
        steps: [
          `One adapter on W_q, W_v: 2 B · ${L}·2·r·2d = ${f(bytes)} B`,
          `⌊${free} GiB = ${f(free! * GIB)} B / ${f(bytes)}⌋ = ${n}`,
        ],
      };
    },
  },
  'gpus-for-full-ft': {
    title: 'How many 80 GiB GPUs full fine-tuning needs just for model state (ZeRO-3 sharding)',
    unit: '',
    params: { P: p('parameters (billions)', 7, 13, 33, 65, 70) },
    solve: ({ P }) => {
      const bytes = 16 * P! * GB;
      const n = Math.ceil(bytes / (80 * GIB));
      return {
        answer: n,
        steps: [
          `16 B · ${f(P!)}·10⁹ = ${f(bytes / GB)} GB`,
          `80 GiB = ${f((80 * GIB) / GB)} GB; ⌈${f(bytes / GB)} / ${f((80 * GIB) / GB)}⌉ = ${n}`,
        ],
      };
    },
  },
};
