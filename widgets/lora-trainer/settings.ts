/**
 * `<lora-trainer>`'s settings: attributes in, a valid trainer configuration out (with one
 * message per rejected attribute, which falls back to its default), the URL encoding that lets
 * a link reopen an experiment, and the PEFT `LoraConfig` snippet matching the settings.
 * Pure: no DOM.
 */
import { DEFAULTS, LoraConfigError, type ResolvedConfig } from '../core/trainer-config.ts';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../core/scenario-shapes.ts';
import type { BackendChoice } from '../engine/types.ts';
import { attributeText } from '../shared/form-field.ts';
import { shapeOf, validateConfig } from './shapes.ts';

export const PITFALL_IDS = ['alpha-merge', 'fixed-alpha', 'low-lr', 'few-layers', 'sum-factors'] as const;
export type PitfallId = (typeof PITFALL_IDS)[number];
const isPitfallId = (x: unknown): x is PitfallId => (PITFALL_IDS as readonly unknown[]).includes(x);

type Controls = 'full' | 'minimal' | 'none';

/** Attribute name → TrainerConfig field. */
const CONFIG_ATTRIBUTES = {
  scenario: 'scenario',
  'true-rank': 'trueRank',
  rank: 'rank',
  alpha: 'alpha',
  lr: 'lr',
  batch: 'batch',
  dropout: 'dropout',
  'train-size': 'trainSize',
  seed: 'seed',
  'base-seed': 'baseSeed',
  target: 'targets',
  rslora: 'rsLora',
} as const;
export type ConfigAttribute = keyof typeof CONFIG_ATTRIBUTES;

/** Every attribute the element reads (the URL state encodes the same names). */
export const ATTRIBUTES = [
  ...(Object.keys(CONFIG_ATTRIBUTES) as ConfigAttribute[]),
  'backend',
  'controls',
  'pitfall',
] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

export interface SettingsError {
  readonly attribute: string;
  readonly message: string;
}

export interface Settings {
  /** The resolved configuration the trainer runs (LoRA mode). */
  readonly config: ResolvedConfig;
  /** Whether the batch was left to the scenario's default (so it follows scenario changes). */
  readonly backend: BackendChoice;
  readonly controls: Controls;
  readonly pitfalls: readonly PitfallId[];
}

type Raw = Partial<Record<AttributeName, string | null | undefined>>;

/** The element's setting properties (one per attribute, as Lit holds them: text, a number, a boolean, or unset). */
export type SettingProperties = Record<
  | 'scenario'
  | 'trueRank'
  | 'rank'
  | 'alpha'
  | 'lr'
  | 'batch'
  | 'dropout'
  | 'trainSize'
  | 'seed'
  | 'baseSeed'
  | 'target'
  | 'rslora'
  | 'backend'
  | 'controls'
  | 'pitfall',
  unknown
>;

/** The settings as attribute text (absent = null), from the element's properties. */
export function attributesOf(p: SettingProperties): Partial<Record<AttributeName, string | null>> {
  return {
    scenario: attributeText(p.scenario),
    'true-rank': attributeText(p.trueRank),
    rank: attributeText(p.rank),
    alpha: attributeText(p.alpha),
    lr: attributeText(p.lr),
    batch: attributeText(p.batch),
    dropout: attributeText(p.dropout),
    'train-size': attributeText(p.trainSize),
    seed: attributeText(p.seed),
    'base-seed': attributeText(p.baseSeed),
    target: attributeText(p.target),
    rslora: attributeText(p.rslora),
    backend: attributeText(p.backend),
    controls: attributeText(p.controls),
    pitfall: attributeText(p.pitfall),
  };
}

const NUMERIC: readonly ConfigAttribute[] = [
  'true-rank',
  'rank',
  'alpha',
  'lr',
  'batch',
  'dropout',
  'train-size',
  'seed',
  'base-seed',
];
const INTEGER: readonly ConfigAttribute[] = ['true-rank', 'rank', 'batch', 'train-size', 'seed', 'base-seed'];

const FIELD_TO_ATTRIBUTE: Record<string, ConfigAttribute> = Object.fromEntries(
  Object.entries(CONFIG_ATTRIBUTES).map(([a, f]) => [f, a as ConfigAttribute]),
);

function describeDefault(attr: ConfigAttribute, scenario: ScenarioName): string {
  const shape = shapeOf(scenario);
  switch (attr) {
    case 'scenario':
      return DEFAULTS.scenario;
    case 'true-rank':
      return String(DEFAULTS.trueRank);
    case 'rank':
      return String(DEFAULTS.rank);
    case 'alpha':
      return String(DEFAULTS.alpha);
    case 'lr':
      return String(DEFAULTS.lr);
    case 'batch':
      return String(shape.defaultBatch);
    case 'dropout':
      return String(DEFAULTS.dropout);
    case 'train-size':
      return String(DEFAULTS.trainSize);
    case 'seed':
      return String(DEFAULTS.seed);
    case 'base-seed':
      return String(DEFAULTS.baseSeed);
    case 'target':
      return shape.defaultTargets.join(',');
    case 'rslora':
      return 'off';
  }
}

/**
 * Reads the attributes (strings, or null when absent) into settings. Each invalid attribute
 * yields one message naming it, and its default is used instead; never throws.
 */
export function parseSettings(raw: Raw): { settings: Settings; errors: SettingsError[] } {
  const errors: SettingsError[] = [];
  const config: Record<string, unknown> = { mode: 'lora' };
  const seen = (v: string | null | undefined): v is string => v !== null && v !== undefined;

  const scenarioRaw = raw.scenario;
  let scenario: ScenarioName = DEFAULTS.scenario;
  if (seen(scenarioRaw)) {
    const s = scenarioRaw.trim();
    if (isScenarioName(s)) scenario = s;
    else
      errors.push({
        attribute: 'scenario',
        message: `scenario="${scenarioRaw}" is not a scenario (${SCENARIO_NAMES.join(', ')}); using ${DEFAULTS.scenario}.`,
      });
  }
  config['scenario'] = scenario;

  for (const attr of NUMERIC) {
    const v = raw[attr];
    if (!seen(v)) continue;
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(n) || (INTEGER.includes(attr) && !Number.isInteger(n))) {
      errors.push({
        attribute: attr,
        message: `${attr}="${v}" is not ${INTEGER.includes(attr) ? 'a whole number' : 'a number'}; using ${describeDefault(attr, scenario)}.`,
      });
      continue;
    }
    config[CONFIG_ATTRIBUTES[attr]] = n;
  }
  if (seen(raw.target)) config['targets'] = raw.target;
  if (seen(raw.rslora)) {
    const v = raw.rslora.trim().toLowerCase();
    if (v === '' || v === 'true' || v === 'rslora' || v === 'on') config['rsLora'] = true;
    else if (v === 'false' || v === 'off') config['rsLora'] = false;
    else
      errors.push({
        attribute: 'rslora',
        message: `rslora="${raw.rslora}" must be present or absent (or true/false); using off.`,
      });
  }

  // Let the core validate ranges and combinations; drop each field it names and try again.
  let resolved: ResolvedConfig | null = null;
  for (let tries = 0; tries < 16 && !resolved; tries++) {
    try {
      resolved = validateConfig(config);
    } catch (e) {
      const field = e instanceof LoraConfigError ? e.field : '';
      const attr = FIELD_TO_ATTRIBUTE[field];
      if (!attr || !(field in config)) break;
      const shown = attr === 'target' ? String(raw.target) : String(raw[attr] ?? config[field]);
      errors.push({
        attribute: attr,
        message: `${attr}="${shown}": ${friendly(e as Error, attr)}; using ${describeDefault(attr, scenario)}.`,
      });
      Reflect.deleteProperty(config, field);
    }
  }
  resolved ??= validateConfig({ scenario });

  let backend: BackendChoice = 'auto';
  if (seen(raw.backend)) {
    const b = raw.backend.trim();
    if (b === 'auto' || b === 'webgpu' || b === 'cpu') backend = b;
    else
      errors.push({
        attribute: 'backend',
        message: `backend="${raw.backend}" must be auto, webgpu or cpu; using auto.`,
      });
  }
  let controls: Controls = 'full';
  if (seen(raw.controls)) {
    const c = raw.controls.trim();
    if (c === 'full' || c === 'minimal' || c === 'none') controls = c;
    else
      errors.push({
        attribute: 'controls',
        message: `controls="${raw.controls}" must be full, minimal or none; using full.`,
      });
  }
  const pitfalls: PitfallId[] = [];
  if (seen(raw.pitfall) && raw.pitfall.trim() !== '') {
    for (const p of raw.pitfall
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (isPitfallId(p)) {
        if (!pitfalls.includes(p)) pitfalls.push(p);
      } else
        errors.push({
          attribute: 'pitfall',
          message: `pitfall="${p}" is not one of ${PITFALL_IDS.join(', ')}; ignored.`,
        });
    }
  }
  return { settings: { config: resolved, backend, controls, pitfalls }, errors };
}

function friendly(e: Error, attr: ConfigAttribute): string {
  // The core's messages start with the field name ("rank: …"); say it with the attribute name.
  const m = e.message.replace(/^[a-zA-Z]+:\s*/, '');
  return attr === 'rank' ? m.replace(/^must be/, 'rank must be') : m;
}

// -----------------------------------------------------------------------------------------------
// URL state

/** Default prefix of the URL parameters: `?lt.rank=4&lt.seed=2`. */
export const URL_PREFIX = 'lt';

/**
 * Attribute values found in a page URL's query: `<prefix>.<attribute>=value` for every attribute,
 * plus the lesson's short `?pitfall=<id>` links. Unknown keys are ignored; values are validated
 * later like any attribute.
 */
export function readUrlState(search: string, prefix = URL_PREFIX): Raw {
  const q = new URLSearchParams(search);
  const out: Raw = {};
  for (const name of ATTRIBUTES) {
    const v = q.get(`${prefix}.${name}`);
    if (v !== null) out[name] = v;
  }
  const short = q.get('pitfall');
  if (short !== null && out.pitfall === undefined) out.pitfall = short;
  return out;
}

/**
 * The query string with this trainer's attributes written as `<prefix>.<name>` (absent ones
 * removed), keeping every other parameter; the short `pitfall` parameter is replaced.
 */
export function writeUrlState(search: string, attrs: Raw, prefix = URL_PREFIX): string {
  const q = new URLSearchParams(search);
  q.delete('pitfall');
  for (const name of ATTRIBUTES) {
    const v = attrs[name];
    if (v === null || v === undefined) q.delete(`${prefix}.${name}`);
    else q.set(`${prefix}.${name}`, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// -----------------------------------------------------------------------------------------------
// PEFT config snippet

/** Python for Hugging Face PEFT's LoraConfig matching the configuration (targets as the scenario names its layers). */
export function peftSnippet(c: ResolvedConfig): string {
  const targets = c.targets.map((t) => JSON.stringify(t)).join(', ');
  return [
    'from peft import LoraConfig, get_peft_model',
    '',
    'config = LoraConfig(',
    `    r=${c.rank},`,
    `    lora_alpha=${pyNumber(c.alpha)},`,
    `    lora_dropout=${pyFloat(c.dropout)},`,
    `    use_rslora=${c.rsLora ? 'True' : 'False'},`,
    `    target_modules=[${targets}],`,
    '    bias="none",',
    ')',
    'model = get_peft_model(base_model, config)',
    'model.print_trainable_parameters()',
  ].join('\n');
}

function pyNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(x);
}

function pyFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}
