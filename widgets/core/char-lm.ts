/**
 * A tiny character-level language model whose projection matrices carry LoRA adapters: the
 * model of `<lora-lm>` (Bengio et al., "A Neural Probabilistic Language Model", JMLR 2003, §2:
 * an MLP over a fixed window of the previous characters).
 *
 * Tokens: index 0 is the boundary token ⟂ (start and end of a segment); indices 1…V−1 are the
 * characters of `vocab`, in its order. A segment is one paragraph, card or code block.
 *
 * Forward pass for the character at position t, context c = (c_{t−K}, …, c_{t−1}) (positions
 * before the segment's start are ⟂):
 *   x = [E[c_{t−K}]; …; E[c_{t−1}]] ∈ ℝ^{K·e}      E (V×e) the frozen embedding table
 *   h₁ = tanh(ctx(x))      ctx: W (H×K·e)
 *   h₂ = tanh(hidden(h₁))  hidden: W (H×H)
 *   z  = head(h₂)          head: W (V×H), z the next-character logits
 * Each of ctx, hidden, head is a lora.ts layer: h = W·x + s·B·A·x with s = α/r while an adapter is
 * applied (no biases: the frozen base has none, so an adapter's update is all of ΔW = s·B·A).
 * With E frozen, x is a fixed feature of the context, so training an adapter is training the
 * LoRA MLP of mlp.ts over those features: the same forward/backward and kernels as the trainer.
 *
 * Row-major matrices (matrix.ts). Pure: seeds and data are arguments.
 */
import { JS_KERNELS, type CpuKernels } from './cpu-kernels.ts';
import { createLinear, merge, unmerge, type Adapter, type LoraLinear } from './lora.ts';
import { zeros, type Matrix } from './matrix.ts';
import { createMlp, createWorkspace, forward, type Mlp, type MlpWorkspace } from './mlp.ts';
import { createRng, fillNormal, uniform, type Rng } from './rng.ts';

/** The boundary token ⟂ (start and end of a segment). */
export const BOUNDARY = 0;

/**
 * The alphabet: newline and printable ASCII (space … '~'), the characters the corpora are
 * normalised to (scripts/lib/lm-corpus.mjs), so every corpus and checkpoint agree on it.
 */
export const LM_VOCAB = '\n' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

/** The segments of a corpus file: separated by one blank line (segments hold none). */
export function corpusSegments(text: string): string[] {
  return text
    .replace(/\n$/, '')
    .split('\n\n')
    .filter((s) => s.length > 0);
}

/** The adapted layers, in forward order. */
export const LM_LAYERS = ['ctx', 'hidden', 'head'] as const;
export type LmLayerName = (typeof LM_LAYERS)[number];

/** The model's shape. */
export interface CharLmShape {
  /** The characters, token i + 1 = vocab[i]; no repeats, no ⟂. */
  readonly vocab: string;
  /** K: context window in characters. */
  readonly context: number;
  /** e: embedding width. */
  readonly embed: number;
  /** H: hidden width. */
  readonly hidden: number;
}

/** A model: the frozen embedding E and the three layers (whose W may be merged with an adapter). */
export interface CharLm {
  readonly shape: CharLmShape;
  /** V = vocab.length + 1 tokens. */
  readonly V: number;
  /** E (V×e). */
  readonly E: Matrix;
  /** ctx, hidden, head (lora.ts layers without bias). */
  readonly layers: readonly LoraLinear[];
  readonly mlp: Mlp;
}

/** The text holds characters the model has no token for. */
export class VocabularyError extends Error {
  readonly chars: readonly string[];
  constructor(chars: readonly string[]) {
    super(
      `characters outside the model's vocabulary: ${chars.map((c) => JSON.stringify(c)).join(', ')} ` +
        '(it knows ASCII letters, digits, punctuation, space and newline)',
    );
    this.name = 'VocabularyError';
    this.chars = chars;
  }
}

/** Layer shapes (d×k) of a model shape. */
export function layerShapes(s: CharLmShape): Record<LmLayerName, { d: number; k: number }> {
  const V = s.vocab.length + 1;
  return {
    ctx: { d: s.hidden, k: s.context * s.embed },
    hidden: { d: s.hidden, k: s.hidden },
    head: { d: V, k: s.hidden },
  };
}

/** Number of base parameters: V·e + Σ d·k. */
export function baseParamCount(s: CharLmShape): number {
  const V = s.vocab.length + 1;
  return V * s.embed + Object.values(layerShapes(s)).reduce((n, l) => n + l.d * l.k, 0);
}

/** Checks a shape (throws RangeError naming the field). */
function checkShape(s: CharLmShape): void {
  if (s.vocab.length < 2 || s.vocab.length > 254)
    throw new RangeError(`char-lm: vocab has ${s.vocab.length} characters`);
  if (new Set(s.vocab).size !== s.vocab.length) throw new RangeError('char-lm: vocab repeats a character');
  for (const f of ['context', 'embed', 'hidden'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1 || s[f] > 1024) throw new RangeError(`char-lm: bad ${f} ${s[f]}`);
  }
}

/** A model over existing tensors (not copied): E (V×e) and W per layer. */
export function charLmFrom(shape: CharLmShape, E: Matrix, W: Readonly<Record<LmLayerName, Matrix>>): CharLm {
  checkShape(shape);
  const V = shape.vocab.length + 1;
  if (E.rows !== V || E.cols !== shape.embed)
    throw new RangeError(`char-lm: E is ${E.rows}×${E.cols}, expected ${V}×${shape.embed}`);
  const shapes = layerShapes(shape);
  const layers = LM_LAYERS.map((name) => {
    const w = W[name];
    const { d, k } = shapes[name];
    if (!w || w.rows !== d || w.cols !== k) throw new RangeError(`char-lm: ${name} must be ${d}×${k}`);
    return createLinear(name, w, null);
  });
  return { shape, V, E, layers, mlp: createMlp(layers, 'lora') };
}

/**
 * A freshly initialised model (pretraining starts here): E ~ N(0, 1), W ~ N(0, 1/k) per layer,
 * drawn E, ctx, hidden, head in that order from `createRng(seed)`.
 */
export function createCharLm(shape: CharLmShape, seed: number): CharLm {
  checkShape(shape);
  const rng = createRng(seed);
  const V = shape.vocab.length + 1;
  const E = zeros(V, shape.embed);
  fillNormal(rng, E.data);
  const shapes = layerShapes(shape);
  const W = {} as Record<LmLayerName, Matrix>;
  for (const name of LM_LAYERS) {
    const { d, k } = shapes[name];
    W[name] = zeros(d, k);
    fillNormal(rng, W[name].data, 1 / Math.sqrt(k));
  }
  return charLmFrom(shape, E, W);
}

/** Tokens of `text` (1…V−1), or a VocabularyError listing every unknown character. */
export function encode(shape: CharLmShape, text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  const bad = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const t = shape.vocab.indexOf(text[i]);
    if (t < 0) bad.add(text[i]);
    out[i] = t + 1;
  }
  if (bad.size > 0) throw new VocabularyError([...bad]);
  return out;
}

/** Text of tokens (⟂ becomes nothing). */
export function decode(shape: CharLmShape, tokens: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) if (tokens[i] !== BOUNDARY) s += shape.vocab[tokens[i] - 1];
  return s;
}

/**
 * A corpus as one token stream: ⟂, segment₁, ⟂, segment₂, …, ⟂. Segments with characters
 * outside the vocabulary throw (VocabularyError).
 */
export function encodeCorpus(shape: CharLmShape, segments: readonly string[]): Uint8Array {
  const n = segments.reduce((a, s) => a + s.length + 1, 1);
  const out = new Uint8Array(n);
  let p = 1;
  for (const s of segments) {
    out.set(encode(shape, s), p);
    p += s.length + 1;
  }
  return out;
}

/**
 * x for the target at `pos` of `tokens` into row `row` of X (n×K·e): E rows of the K previous
 * tokens, oldest first, ⟂ from the segment's start backwards (a ⟂ in the stream ends the context).
 */
export function contextFeatures(lm: CharLm, tokens: ArrayLike<number>, pos: number, X: Matrix, row: number): void {
  const K = lm.shape.context;
  const e = lm.shape.embed;
  const Ed = lm.E.data;
  const out = X.data;
  const base = row * K * e;
  let stopped = false;
  for (let j = 1; j <= K; j++) {
    const p = pos - j;
    let t = BOUNDARY;
    if (!stopped && p >= 0) {
      t = tokens[p];
      if (t === BOUNDARY) stopped = true;
    }
    const o = base + (K - j) * e;
    const src = t * e;
    for (let c = 0; c < e; c++) out[o + c] = Ed[src + c];
  }
}

/** An adapter on the three layers (lora.ts Adapter objects; B = 0 until trained). */
export interface LmAdapter {
  readonly r: number;
  readonly alpha: number;
  readonly layers: Readonly<Record<LmLayerName, Adapter>>;
}

/**
 * A new adapter of rank r and scaling α/r: A ~ U(−1/√k, 1/√k) row-major (ctx, hidden, head in
 * order from `createRng(seed)`, PEFT's default, as lora.ts `initAdapter`), B = 0, so ΔW = 0.
 */
export function createLmAdapter(lm: CharLm, r: number, alpha: number, seed: number): LmAdapter {
  const rng = createRng(seed);
  const layers = {} as Record<LmLayerName, Adapter>;
  lm.layers.forEach((layer) => {
    if (!Number.isInteger(r) || r < 1 || r > Math.min(layer.d, layer.k))
      throw new RangeError(`rank ${r} must be an integer in 1…${Math.min(layer.d, layer.k)}`);
    const A = zeros(r, layer.k);
    const bound = 1 / Math.sqrt(layer.k);
    for (let i = 0; i < A.data.length; i++) A.data[i] = -bound + 2 * bound * uniform(rng);
    layers[layer.name as LmLayerName] = {
      r,
      alpha,
      rsLora: false,
      scaling: alpha / r,
      dropout: 0,
      A,
      B: zeros(layer.d, r),
    };
  });
  return { r, alpha, layers };
}

/** Puts `adapter` (or none) on the model's layers. Throws while merged. */
export function applyAdapter(lm: CharLm, adapter: LmAdapter | null): void {
  if (isMerged(lm)) throw new Error('char-lm: unmerge before changing the adapter');
  for (const layer of lm.layers) layer.adapter = adapter ? adapter.layers[layer.name as LmLayerName] : null;
}

/** The adapter on the layers, if any. */
function isMerged(lm: CharLm): boolean {
  return lm.layers.some((l) => l.merged);
}

/** W ← W + s·B·A on every layer (lora.ts `merge`); the adapter path is then skipped. */
export function mergeAdapter(lm: CharLm): void {
  if (!lm.layers[0].adapter) throw new Error('char-lm: no adapter to merge');
  for (const layer of lm.layers) merge(layer);
}

/**
 * W ← W − s·B·A, then W ← W₀ from `pristine` (the base's weights as loaded), so the frozen base
 * stays bit-identical however often it is merged. Returns max |W − W₀| that the arithmetic left.
 */
export function unmergeAdapter(lm: CharLm, pristine: Readonly<Record<LmLayerName, Matrix>>): number {
  let drift = 0;
  for (const layer of lm.layers) {
    unmerge(layer);
    const w0 = pristine[layer.name as LmLayerName].data;
    const w = layer.W.data;
    for (let i = 0; i < w.length; i++) drift = Math.max(drift, Math.abs(w[i] - w0[i]));
    w.set(w0);
  }
  return drift;
}

/** Logits (n×V) for the targets at `positions` of `tokens`, in an evaluation workspace `ws`. */
export function logitsAt(
  lm: CharLm,
  tokens: ArrayLike<number>,
  positions: ArrayLike<number>,
  ws: MlpWorkspace,
  k: CpuKernels = JS_KERNELS,
): Matrix {
  if (positions.length !== ws.n) throw new RangeError(`logitsAt: ${positions.length} positions, workspace of ${ws.n}`);
  for (let i = 0; i < positions.length; i++) contextFeatures(lm, tokens, positions[i], ws.acts[0], i);
  return forward(lm.mlp, ws, 'off', null, k);
}

/** An evaluation workspace for n rows. */
export function evalWorkspace(lm: CharLm, n: number): MlpWorkspace {
  return createWorkspace(lm.mlp, n, false);
}

/**
 * Mean per-character cross-entropy (nats) over the targets at `positions`, computed in batches
 * of `ws.n` (the last batch may repeat nothing: a shorter tail is evaluated in its own workspace).
 */
export function meanLoss(
  lm: CharLm,
  tokens: ArrayLike<number>,
  positions: Uint32Array,
  k: CpuKernels = JS_KERNELS,
  batch = 256,
): number {
  let total = 0;
  const wsFull = evalWorkspace(lm, Math.min(batch, positions.length));
  for (let s = 0; s < positions.length; s += batch) {
    const idx = positions.subarray(s, Math.min(s + batch, positions.length));
    const ws = idx.length === wsFull.n ? wsFull : evalWorkspace(lm, idx.length);
    const z = logitsAt(lm, tokens, idx, ws, k);
    for (let i = 0; i < idx.length; i++) total += -logSoftmaxAt(z, i, tokens[idx[i]]);
  }
  return total / positions.length;
}

/** log softmax(z_i)[c], with the row maximum subtracted (loss.ts's form). */
function logSoftmaxAt(z: Matrix, i: number, c: number): number {
  const m = z.cols;
  const o = i * m;
  let mu = -Infinity;
  for (let j = 0; j < m; j++) if (z.data[o + j] > mu) mu = z.data[o + j];
  let se = 0;
  for (let j = 0; j < m; j++) se += Math.exp(z.data[o + j] - mu);
  return z.data[o + c] - mu - Math.log(se);
}

/** Options of `sample`. */
export interface SampleOptions {
  /** Text the sample continues ('' starts from ⟂). */
  readonly prompt: string;
  /** Seed of the draws. */
  readonly seed: number;
  /** Characters to draw at most (stops early at ⟂). */
  readonly length: number;
  /** τ > 0 divides the logits; τ = 0 takes the most likely character. */
  readonly temperature: number;
}

/**
 * Draws a continuation of `prompt`: at each step p = softmax(z/τ) and the next token is the first
 * c with Σ_{c′≤c} p_c′ > u, u = uniform() from `createRng(seed)` (one draw per character), until
 * ⟂ or `length` characters. Returns the continuation only. The same model, prompt, seed and τ
 * give the same text. `onLogits` sees each step's logits (merge checks compare them).
 */
export function sample(
  lm: CharLm,
  opts: SampleOptions,
  k: CpuKernels = JS_KERNELS,
  onLogits?: (z: Float32Array) => void,
): string {
  const { seed, length, temperature } = opts;
  if (!(temperature >= 0) || !Number.isFinite(temperature))
    throw new RangeError(`temperature must be ≥ 0, got ${temperature}`);
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be an integer ≥ 0, got ${length}`);
  const prompt = encode(lm.shape, opts.prompt);
  const tokens = new Uint8Array(1 + prompt.length + length);
  tokens.set(prompt, 1);
  let n = 1 + prompt.length;
  const rng: Rng = createRng(seed);
  const ws = evalWorkspace(lm, 1);
  const probs = new Float64Array(lm.V);
  const at = new Uint32Array(1);
  for (let step = 0; step < length; step++) {
    at[0] = n;
    const z = logitsAt(lm, tokens, at, ws, k);
    onLogits?.(z.data);
    const next = temperature === 0 ? argmax(z.data) : draw(z.data, temperature, probs, uniform(rng));
    if (next === BOUNDARY) break;
    tokens[n++] = next;
  }
  return decode(lm.shape, tokens.subarray(1 + prompt.length, n));
}

function argmax(z: Float32Array): number {
  let best = 0;
  for (let j = 1; j < z.length; j++) if (z[j] > z[best]) best = j;
  return best;
}

function draw(z: Float32Array, tau: number, p: Float64Array, u: number): number {
  let mu = -Infinity;
  for (let j = 0; j < z.length; j++) if (z[j] > mu) mu = z[j];
  let se = 0;
  for (let j = 0; j < z.length; j++) {
    p[j] = Math.exp((z[j] - mu) / tau);
    se += p[j];
  }
  let acc = 0;
  const target = u * se;
  for (let j = 0; j < z.length; j++) {
    acc += p[j];
    if (acc > target) return j;
  }
  return z.length - 1;
}
