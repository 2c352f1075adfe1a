/**
 * The scenarios' shapes and the trainer's defaults and limits, as small constants, so that the
 * element can validate its attributes and count parameters before (and without) loading the
 * training core: the core (widgets/core/trainer.ts and scenarios.ts) arrives with the engine,
 * near the viewport. tests/unit/lora-trainer/shapes.test.ts checks every value here against the
 * core, and `validateConfig` against the core's `resolveConfig`.
 */
import type { LayerSpec, ScenarioName } from '../core/scenarios.ts';
import type { ResolvedConfig } from '../core/trainer.ts';
import { seed32 } from '../core/rng.ts';

export const SCENARIOS = ['low-rank-shift', 'classify-2d', 'overfit'] as const satisfies readonly ScenarioName[];
export const isScenario = (x: unknown): x is ScenarioName => (SCENARIOS as readonly unknown[]).includes(x);

export interface Shape {
  readonly layers: readonly LayerSpec[];
  readonly defaultTargets: readonly string[];
  readonly defaultBatch: number;
  readonly usesTrueRank: boolean;
  readonly usesTrainSize: boolean;
  /** classify-2d's input grid (decision boundary), else null. */
  readonly grid: { xMin: number; xMax: number; yMin: number; yMax: number; nx: number; ny: number } | null;
}

const MLP64 = [
  { name: 'fc1', d: 64, k: 64 },
  { name: 'fc2', d: 64, k: 64 },
] as const;
const CLASSIFY = [
  { name: 'fc1', d: 32, k: 2 },
  { name: 'fc2', d: 32, k: 32 },
  { name: 'fc3', d: 32, k: 32 },
  { name: 'head', d: 2, k: 32 },
] as const;

export function shapeOf(s: ScenarioName): Shape {
  if (s === 'classify-2d')
    return {
      layers: CLASSIFY,
      defaultTargets: ['fc2', 'fc3'],
      defaultBatch: 32,
      usesTrueRank: false,
      usesTrainSize: false,
      grid: { xMin: -2.5, xMax: 2.5, yMin: -2.5, yMax: 2.5, nx: 64, ny: 64 },
    };
  return {
    layers: MLP64,
    defaultTargets: ['fc1', 'fc2'],
    defaultBatch: 32,
    usesTrueRank: true,
    usesTrainSize: s === 'overfit',
    grid: null,
  };
}

/** The core's DEFAULTS (trainer.ts) and limits, for LoRA mode. */
export const DEFAULTS = {
  scenario: 'low-rank-shift' as ScenarioName,
  trueRank: 4,
  trainSize: 128,
  rank: 8,
  alpha: 8,
  rsLora: false,
  lr: 3e-3,
  dropout: 0,
  seed: 1,
  baseSeed: 1,
  divergenceFactor: 100,
} as const;
export const MAX_RANK = 64;
export const MAX_TRAIN_SIZE = 4096;

/** A configuration value is invalid; `field` names the TrainerConfig field. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'LoraConfigError';
  }
}

/** Largest rank allowed for these targets of the scenario (≤ 64 and ≤ min(d, k)). */
export function rankCap(scenario: ScenarioName, targets: readonly string[]): number {
  const layers = shapeOf(scenario).layers.filter((l) => targets.includes(l.name));
  return Math.min(MAX_RANK, ...layers.map((l) => Math.min(l.d, l.k)));
}

/**
 * The core's `resolveConfig` for LoRA mode with Adam (the element's only mode), without loading
 * the core: the same result, or a ConfigError naming the same field.
 */
export function validateConfig(c: Record<string, unknown>): ResolvedConfig {
  const scenario = c['scenario'] ?? DEFAULTS.scenario;
  if (!isScenario(scenario))
    throw new ConfigError(
      'scenario',
      `scenario: unknown ${JSON.stringify(scenario)}; expected one of ${SCENARIOS.join(', ')}`,
    );
  const shape = shapeOf(scenario);
  const rsLora = c['rsLora'] ?? DEFAULTS.rsLora;
  if (typeof rsLora !== 'boolean')
    throw new ConfigError('rsLora', `rsLora: must be true or false, got ${String(rsLora)}`);
  const maxTrue = Math.min(...shape.layers.map((l) => Math.min(l.d, l.k)));
  const trueRank = shape.usesTrueRank
    ? int(c, 'trueRank', DEFAULTS.trueRank, 1, maxTrue)
    : intOr(c, 'trueRank', DEFAULTS.trueRank);
  const trainSize = shape.usesTrainSize
    ? int(c, 'trainSize', DEFAULTS.trainSize, 2, MAX_TRAIN_SIZE)
    : intOr(c, 'trainSize', DEFAULTS.trainSize);
  const names = shape.layers.map((l) => l.name);
  const targets = parseTargets(c['targets'], names, shape.defaultTargets);
  const cap = rankCap(scenario, targets);
  const rank = c['rank'] ?? DEFAULTS.rank;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1)
    throw new ConfigError('rank', `rank: must be an integer ≥ 1, got ${String(rank)}`);
  if (rank > cap) {
    const tight = shape.layers.find((l) => targets.includes(l.name) && rank > Math.min(l.d, l.k));
    throw new ConfigError(
      'rank',
      tight
        ? `rank: ${rank} exceeds min(d, k) = ${Math.min(tight.d, tight.k)} of target ${tight.name} (${tight.d}×${tight.k})`
        : `rank: ${rank} exceeds the maximum ${MAX_RANK}`,
    );
  }
  const alpha = positive(c, 'alpha', DEFAULTS.alpha);
  const lr = positive(c, 'lr', DEFAULTS.lr);
  const dropout = c['dropout'] ?? DEFAULTS.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    throw new ConfigError('dropout', `dropout: must be a number in [0, 1), got ${String(dropout)}`);
  const batchRaw = int(c, 'batch', shape.defaultBatch, 1, MAX_TRAIN_SIZE);
  const batch = Math.min(batchRaw, shape.usesTrainSize ? trainSize : Number.POSITIVE_INFINITY);
  const seed = seedOf(c, 'seed', DEFAULTS.seed);
  const baseSeed = seedOf(c, 'baseSeed', DEFAULTS.baseSeed);
  return {
    scenario,
    trueRank,
    trainSize,
    rank,
    alpha,
    rsLora,
    lr,
    optimizer: 'adam',
    batch,
    dropout,
    seed,
    baseSeed,
    targets,
    mode: 'lora',
    divergenceFactor: DEFAULTS.divergenceFactor,
  };
}

function parseTargets(raw: unknown, names: readonly string[], defaults: readonly string[]): string[] {
  if (raw === undefined) return [...defaults];
  let list: unknown[];
  if (typeof raw === 'string')
    list = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  else if (Array.isArray(raw)) list = raw;
  else throw new ConfigError('targets', 'targets: must be a list of layer names or a comma-separated string');
  if (list.length === 0) throw new ConfigError('targets', `targets: empty; choose from ${names.join(', ')}`);
  const out: string[] = [];
  for (const t of list) {
    if (typeof t !== 'string' || !names.includes(t))
      throw new ConfigError(
        'targets',
        `targets: unknown layer ${JSON.stringify(t)}; this scenario has ${names.join(', ')}`,
      );
    if (out.includes(t)) throw new ConfigError('targets', `targets: ${t} is listed twice`);
    out.push(t);
  }
  return names.filter((n) => out.includes(n));
}

function int(c: Record<string, unknown>, field: string, def: number, lo: number, hi: number): number {
  const v = c[field] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new ConfigError(field, `${field}: must be an integer in ${lo}…${hi}, got ${String(v)}`);
  return v;
}

function intOr(c: Record<string, unknown>, field: string, def: number): number {
  const v = c[field];
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : def;
}

function positive(c: Record<string, unknown>, field: string, def: number): number {
  const v = c[field] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new ConfigError(field, `${field}: must be a finite number > 0, got ${String(v)}`);
  return v;
}

function seedOf(c: Record<string, unknown>, field: string, def: number): number {
  const v = c[field] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ConfigError(field, `${field}: must be an integer (taken modulo 2³²), got ${String(v)}`);
  return seed32(v);
}
