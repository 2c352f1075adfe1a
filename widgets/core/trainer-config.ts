/**
 * The trainer's configuration: defaults, limits, validation (`resolveConfig`) and its errors.
 * Kept apart from the training code (trainer.ts re-exports all of it) so that the page's side of
 * the engine (engine/client.ts) validates a configuration without loading the trainer.
 */
import type { TrainMode } from './mlp.ts';
import type { OptimizerKind } from './optim.ts';
import {
  DEFAULT_TRAIN_SIZE,
  DEFAULT_TRUE_RANK,
  MAX_TRAIN_SIZE,
  SCENARIO_NAMES,
  isScenarioName,
  scenarioShape,
  type ScenarioName,
} from './scenario-shapes.ts';
import { seed32 } from './rng.ts';

/**
 * Defaults. Learning rate (Adam): 3e-3 for LoRA, 1e-3 for full fine-tuning (`FULL_LR`, used when
 * mode is 'full' and no lr is given). Measured on low-rank-shift (trueRank 4, five seed pairs):
 * LoRA with r = 4…64 ends 2,000 steps below 1e-5 of its first loss and full fine-tuning below
 * 2e-4, smoothly and without a rollback. At 1e-2 Adam's steps stay too large near the optimum:
 * LoRA curves with r ≥ 8 turn bumpy (10⁻⁵…5·10⁻³ of the first loss) and full fine-tuning hovers
 * at 1…5·10⁻² of it. Full fine-tuning moves all d·k weights at once and wants the smaller step,
 * as in practice.
 * α = 8 (PEFT's default lora_alpha), so s = α/r = 1 at the default r = 8.
 */
export const DEFAULTS = Object.freeze({
  scenario: 'low-rank-shift' as ScenarioName,
  trueRank: DEFAULT_TRUE_RANK,
  trainSize: DEFAULT_TRAIN_SIZE,
  rank: 8,
  alpha: 8,
  rsLora: false,
  lr: 3e-3,
  optimizer: 'adam' as OptimizerKind,
  dropout: 0,
  seed: 1,
  baseSeed: 1,
  mode: 'lora' as TrainMode,
  divergenceFactor: 100,
});

/** Default learning rate of full fine-tuning (see DEFAULTS). */
export const FULL_LR = 1e-3;

/** Largest rank the trainer accepts (and never more than min(d, k) of every target). */
export const MAX_RANK = 64;

/** A configuration value is invalid; `field` names it. */
export class LoraConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'LoraConfigError';
    this.field = field;
  }
}

/** An operation does not fit the session's current state (e.g. training while merged). */
export class LoraStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoraStateError';
  }
}

export interface TrainerConfig {
  readonly scenario?: string;
  readonly trueRank?: number;
  readonly trainSize?: number;
  readonly rank?: number;
  readonly alpha?: number;
  readonly rsLora?: boolean;
  readonly lr?: number;
  readonly optimizer?: string;
  /** Batch size; defaults to the scenario's, and is capped at the training set's size. */
  readonly batch?: number;
  readonly dropout?: number;
  readonly seed?: number;
  readonly baseSeed?: number;
  /** Layer names, as a list or a comma-separated string; defaults to the scenario's. */
  readonly targets?: readonly string[] | string;
  readonly mode?: string;
  readonly divergenceFactor?: number;
}

export interface ResolvedConfig {
  readonly scenario: ScenarioName;
  readonly trueRank: number;
  readonly trainSize: number;
  readonly rank: number;
  readonly alpha: number;
  readonly rsLora: boolean;
  readonly lr: number;
  readonly optimizer: OptimizerKind;
  readonly batch: number;
  readonly dropout: number;
  readonly seed: number;
  readonly baseSeed: number;
  readonly targets: readonly string[];
  readonly mode: TrainMode;
  readonly divergenceFactor: number;
}

/** Validates and completes a configuration; throws `LoraConfigError` naming the bad field. */
export function resolveConfig(config: TrainerConfig = {}): ResolvedConfig {
  const c = config as Record<string, unknown>;
  const scenarioRaw = c['scenario'] ?? DEFAULTS.scenario;
  if (!isScenarioName(scenarioRaw)) {
    throw new LoraConfigError(
      'scenario',
      `scenario: unknown ${JSON.stringify(scenarioRaw)}; expected one of ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  const scenario = scenarioRaw;
  const shape = scenarioShape(scenario);
  const mode = oneOf(c, 'mode', ['lora', 'full'] as const, DEFAULTS.mode);
  const optimizer = oneOf(c, 'optimizer', ['adam', 'sgd'] as const, DEFAULTS.optimizer);
  const rsLora = bool(c, 'rsLora', DEFAULTS.rsLora);

  const maxTrue = Math.min(...shape.layers.map((l) => Math.min(l.d, l.k)));
  const trueRank = shape.usesTrueRank
    ? int(c, 'trueRank', DEFAULTS.trueRank, 1, maxTrue)
    : intOrDefault(c, 'trueRank', DEFAULTS.trueRank);
  const trainSize = shape.usesTrainSize
    ? int(c, 'trainSize', DEFAULTS.trainSize, 2, MAX_TRAIN_SIZE)
    : intOrDefault(c, 'trainSize', DEFAULTS.trainSize);

  const targets = parseTargets(
    c['targets'],
    shape.layers.map((l) => l.name),
    shape.defaultTargets,
  );
  const targetLayers = shape.layers.filter((l) => targets.includes(l.name));
  const rankCap = Math.min(MAX_RANK, ...targetLayers.map((l) => Math.min(l.d, l.k)));
  const rankRaw = c['rank'] ?? DEFAULTS.rank;
  if (typeof rankRaw !== 'number' || !Number.isInteger(rankRaw) || rankRaw < 1) {
    throw new LoraConfigError('rank', `rank: must be an integer ≥ 1, got ${String(rankRaw)}`);
  }
  if (mode === 'lora' && rankRaw > rankCap) {
    const tight = targetLayers.find((l) => rankRaw > Math.min(l.d, l.k));
    throw new LoraConfigError(
      'rank',
      tight
        ? `rank: ${rankRaw} exceeds min(d, k) = ${Math.min(tight.d, tight.k)} of target ${tight.name} (${tight.d}×${tight.k})`
        : `rank: ${rankRaw} exceeds the maximum ${MAX_RANK}`,
    );
  }
  const alpha = positive(c, 'alpha', DEFAULTS.alpha);
  const lr = positive(c, 'lr', mode === 'full' ? FULL_LR : DEFAULTS.lr);
  const dropoutRaw = c['dropout'] ?? DEFAULTS.dropout;
  if (typeof dropoutRaw !== 'number' || !(dropoutRaw >= 0 && dropoutRaw < 1)) {
    throw new LoraConfigError('dropout', `dropout: must be a number in [0, 1), got ${String(dropoutRaw)}`);
  }
  const trainRows = shape.usesTrainSize ? trainSize : Number.POSITIVE_INFINITY;
  const batchRaw = int(c, 'batch', shape.defaultBatch, 1, MAX_TRAIN_SIZE);
  const batch = Math.min(batchRaw, trainRows);
  const seed = seedField(c, 'seed', DEFAULTS.seed);
  const baseSeed = seedField(c, 'baseSeed', DEFAULTS.baseSeed);
  const divergenceFactorRaw = c['divergenceFactor'] ?? DEFAULTS.divergenceFactor;
  if (typeof divergenceFactorRaw !== 'number' || !Number.isFinite(divergenceFactorRaw) || divergenceFactorRaw <= 1) {
    throw new LoraConfigError(
      'divergenceFactor',
      `divergenceFactor: must be a finite number > 1, got ${String(divergenceFactorRaw)}`,
    );
  }
  return {
    scenario,
    trueRank,
    trainSize,
    rank: rankRaw,
    alpha,
    rsLora,
    lr,
    optimizer,
    batch,
    dropout: dropoutRaw,
    seed,
    baseSeed,
    targets,
    mode,
    divergenceFactor: divergenceFactorRaw,
  };
}

export function parseTargets(raw: unknown, names: readonly string[], defaults: readonly string[]): string[] {
  if (raw === undefined) return [...defaults];
  let list: unknown[];
  if (typeof raw === 'string')
    list = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  else if (Array.isArray(raw)) list = raw;
  else throw new LoraConfigError('targets', 'targets: must be a list of layer names or a comma-separated string');
  if (list.length === 0) throw new LoraConfigError('targets', `targets: empty; choose from ${names.join(', ')}`);
  const out: string[] = [];
  for (const t of list) {
    if (typeof t !== 'string' || !names.includes(t)) {
      throw new LoraConfigError(
        'targets',
        `targets: unknown layer ${JSON.stringify(t)}; this scenario has ${names.join(', ')}`,
      );
    }
    if (out.includes(t)) throw new LoraConfigError('targets', `targets: ${t} is listed twice`);
    out.push(t);
  }
  // Keep the network's layer order, whatever order they were given in.
  return names.filter((n) => out.includes(n));
}

function oneOf<const V extends string>(c: Record<string, unknown>, field: string, values: readonly V[], def: V): V {
  const v = c[field] ?? def;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new LoraConfigError(field, `${field}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as V;
}

function bool(c: Record<string, unknown>, field: string, def: boolean): boolean {
  const v = c[field] ?? def;
  if (typeof v !== 'boolean') throw new LoraConfigError(field, `${field}: must be true or false, got ${String(v)}`);
  return v;
}

function int(c: Record<string, unknown>, field: string, def: number, lo: number, hi: number): number {
  const v = c[field] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new LoraConfigError(field, `${field}: must be an integer in ${lo}…${hi}, got ${String(v)}`);
  }
  return v;
}

function intOrDefault(c: Record<string, unknown>, field: string, def: number): number {
  const v = c[field];
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : def;
}

function positive(c: Record<string, unknown>, field: string, def: number): number {
  const v = c[field] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new LoraConfigError(field, `${field}: must be a finite number > 0, got ${String(v)}`);
  }
  return v;
}

function seedField(c: Record<string, unknown>, field: string, def: number): number {
  const v = c[field] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new LoraConfigError(field, `${field}: must be an integer (taken modulo 2³²), got ${String(v)}`);
  }
  return seed32(v);
}
