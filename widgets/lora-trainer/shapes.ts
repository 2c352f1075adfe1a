/**
 * What the element needs of the scenarios and of the trainer's configuration before the engine
 * arrives: the core's own small modules (scenario-shapes.ts, trainer-config.ts; the engine client
 * validates with the same ones), plus the classify-2d grid its decision boundary is drawn on.
 * The training core (trainer.ts, scenarios.ts) stays in the engine.
 */
import { CLASSIFY_GRID, SCENARIO_NAMES, isScenarioName, scenarioShape, type ScenarioName, type ScenarioShape } from '../core/scenario-shapes.ts';
import { DEFAULTS, LoraConfigError, MAX_RANK, resolveConfig, type ResolvedConfig } from '../core/trainer-config.ts';

export { DEFAULTS, MAX_RANK };
export { MAX_TRAIN_SIZE } from '../core/scenario-shapes.ts';
export const SCENARIOS = SCENARIO_NAMES;
export const isScenario = isScenarioName;
/** A configuration value is invalid; `field` names the TrainerConfig field. */
export const ConfigError = LoraConfigError;

export interface Shape extends ScenarioShape {
  /** classify-2d's input grid (decision boundary), else null. */
  readonly grid: { xMin: number; xMax: number; yMin: number; yMax: number; nx: number; ny: number } | null;
}

export function shapeOf(s: ScenarioName): Shape {
  return { ...scenarioShape(s), grid: s === 'classify-2d' ? CLASSIFY_GRID : null };
}

/** Largest rank allowed for these targets of the scenario (≤ 64 and ≤ min(d, k)). */
export function rankCap(scenario: ScenarioName, targets: readonly string[]): number {
  const layers = shapeOf(scenario).layers.filter((l) => targets.includes(l.name));
  return Math.min(MAX_RANK, ...layers.map((l) => Math.min(l.d, l.k)));
}

/**
 * The core's `resolveConfig` in the element's only mode, LoRA with Adam: a `mode` or `optimizer`
 * in `c` is ignored. Throws a ConfigError naming the bad field.
 */
export function validateConfig(c: Record<string, unknown>): ResolvedConfig {
  const { mode: _mode, optimizer: _optimizer, ...rest } = c;
  return resolveConfig(rest);
}
