/**
 * `<peft-calculator>`'s attributes read into a safe `PeftInput`: every invalid value gives one
 * message naming its attribute and falls back to its default (STYLE §5, parse at the boundary).
 * The costs themselves are `peft-cost.ts`.
 */
import {
  BITS,
  DEFAULTS,
  TARGETS,
  availableTargets,
  matrixShape,
  type ModelDims,
  type ModelPreset,
  type PeftInput,
  type QuantBits,
  type Target,
} from './peft-cost.ts';

/** One problem with one attribute; `message` is ready to show and names the attribute. */
export interface PeftInputError {
  readonly attribute: string;
  readonly message: string;
}

const LIMITS = {
  rank: 4096,
  seqLen: 1_048_576,
  batch: 4096,
  dim: 1_048_576,
  layers: 1024,
  vocab: 10_000_000,
  experts: 1024,
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
  const dense = { dModel, layers, dFf, kvDim, vocab, heads, gatedMlp, tiedEmbeddings: false, positions: 0 };
  return { modelId: 'custom', model: { ...dense, ...parseExperts(r, errors) } };
}

/** `experts` (E, default 1: dense) and `active-experts` (K, top-K routing, default min(2, E), as Mixtral). */
function parseExperts(r: Record<string, unknown>, errors: PeftInputError[]): Partial<ModelDims> {
  const experts = parseWhole(r['experts'], 'experts', 1, LIMITS.experts, 'Using 1, a dense MLP.', errors) ?? 1;
  const fallback = Math.min(2, experts);
  const active =
    parseWhole(
      r['active-experts'],
      'active-experts',
      1,
      experts,
      `At most experts (${experts}) are active. Using ${fallback}.`,
      errors,
    ) ?? fallback;
  return experts > 1 ? { experts, activeExperts: active } : {};
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
