/**
 * `<lora-lm>`'s attributes, parsed: each one either a valid value or its default plus a message
 * saying what was wrong (shown inside the element; nothing throws into the page).
 */

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface LmSettings {
  readonly prompt: string;
  readonly seed: number;
  readonly temperature: number;
  readonly rank: number;
  readonly steps: number;
  readonly backend: BackendChoice;
}

const DEFAULTS: LmSettings = Object.freeze({
  prompt: '',
  seed: 1,
  temperature: 0.8,
  rank: 8,
  steps: 300,
  backend: 'auto',
});

/** Bounds the element accepts. */
export const LIMITS = Object.freeze({
  rank: [1, 64],
  steps: [1, 5000],
  temperature: [0, 2],
  promptLength: 200,
});

type Raw = string | number | null | undefined;

/** The raw attribute values (properties may hold numbers). */
export interface RawSettings {
  readonly prompt: Raw;
  readonly seed: Raw;
  readonly temperature: Raw;
  readonly rank: Raw;
  readonly steps: Raw;
  readonly backend: Raw;
}

function int(raw: Raw, name: string, lo: number, hi: number, errors: string[], fallback: number): number {
  if (raw === null || raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (Number.isInteger(v) && v >= lo && v <= hi) return v;
  errors.push(`${name}="${raw}" must be a whole number in ${lo}…${hi}; using ${fallback}`);
  return fallback;
}

/** Parses every attribute; `errors` lists what fell back to its default. */
export function parseSettings(raw: RawSettings): { settings: LmSettings; errors: string[] } {
  const errors: string[] = [];
  const seed = int(raw.seed, 'seed', 0, 2 ** 31 - 1, errors, DEFAULTS.seed);
  const rank = int(raw.rank, 'rank', LIMITS.rank[0], LIMITS.rank[1], errors, DEFAULTS.rank);
  const steps = int(raw.steps, 'steps', LIMITS.steps[0], LIMITS.steps[1], errors, DEFAULTS.steps);
  let temperature = DEFAULTS.temperature;
  if (raw.temperature !== null && raw.temperature !== undefined && raw.temperature !== '') {
    const t = Number(raw.temperature);
    if (Number.isFinite(t) && t >= LIMITS.temperature[0] && t <= LIMITS.temperature[1]) temperature = t;
    else errors.push(`temperature="${raw.temperature}" must be a number in 0…2; using ${DEFAULTS.temperature}`);
  }
  let backend: BackendChoice = DEFAULTS.backend;
  if (raw.backend !== null && raw.backend !== undefined && raw.backend !== '') {
    if (raw.backend === 'auto' || raw.backend === 'webgpu' || raw.backend === 'cpu') backend = raw.backend;
    else errors.push(`backend="${raw.backend}" must be auto, webgpu or cpu; using auto`);
  }
  let prompt = DEFAULTS.prompt;
  if (typeof raw.prompt === 'string') {
    if (raw.prompt.length <= LIMITS.promptLength) prompt = raw.prompt;
    else errors.push(`prompt is ${raw.prompt.length} characters; at most ${LIMITS.promptLength} are used`);
    if (raw.prompt.length > LIMITS.promptLength) prompt = raw.prompt.slice(0, LIMITS.promptLength);
  }
  return { settings: { prompt, seed, temperature, rank, steps, backend }, errors };
}
