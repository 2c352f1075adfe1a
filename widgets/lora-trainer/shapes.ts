/**
 * What the element needs of the scenarios and of the trainer's configuration before the engine
 * arrives: the core's own small modules (scenario-shapes.ts, trainer-config.ts; the engine client
 * validates with the same ones), plus the classify-2d grid its decision boundary is drawn on.
 * Import the core's names (DEFAULTS, LoraConfigError, SCENARIO_NAMES, …) from the core itself.
 * The training core (trainer.ts, scenarios.ts) stays in the engine.
 */
import { CLASSIFY_GRID, scenarioShape, type ScenarioName, type ScenarioShape } from '../core/scenario-shapes.ts';
import type { GridSpec } from '../core/scenarios.ts';
import { MAX_RANK, resolveConfig, type ResolvedConfig } from '../core/trainer-config.ts';

export interface Shape extends ScenarioShape {
  /** classify-2d: the input grid its decision boundary is drawn on, else null. */
  readonly boundaryGrid: GridSpec | null;
}

export function shapeOf(s: ScenarioName): Shape {
  return { ...scenarioShape(s), boundaryGrid: s === 'classify-2d' ? CLASSIFY_GRID : null };
}

/** Largest rank allowed for these targets of the scenario (≤ 64 and ≤ min(d, k)). */
export function rankCap(scenario: ScenarioName, targets: readonly string[]): number {
  const layers = shapeOf(scenario).layers.filter((l) => targets.includes(l.name));
  return Math.min(MAX_RANK, ...layers.map((l) => Math.min(l.d, l.k)));
}

/**
 * The core's `resolveConfig` in the element's only mode, LoRA with Adam: a `mode` or `optimizer`
 * in `c` is ignored. Throws the core's LoraConfigError naming the bad field.
 */
export function validateConfig(c: Record<string, unknown>): ResolvedConfig {
  const { mode: _mode, optimizer: _optimizer, ...rest } = c;
  return resolveConfig(rest);
}
