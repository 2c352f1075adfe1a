/**
 * The scenarios' names and shapes (layers, default targets and batch) without their data: what
 * validating a configuration needs (trainer-config.ts), small enough for the page's side of the
 * engine. scenarios.ts builds the tasks and re-exports all of this.
 */
import type { LossKind } from './loss.ts';

export const SCENARIO_NAMES = ['low-rank-shift', 'classify-2d', 'overfit'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const DEFAULT_TRUE_RANK = 4;
export const DEFAULT_TRAIN_SIZE = 128;
export const MAX_TRAIN_SIZE = 4096;

/** One linear layer of a scenario: W is d×k (maps ℝ^k to ℝ^d). */
export interface LayerSpec {
  readonly name: string;
  readonly d: number;
  readonly k: number;
}

export const MLP64: readonly LayerSpec[] = Object.freeze([
  Object.freeze({ name: 'fc1', d: 64, k: 64 }),
  Object.freeze({ name: 'fc2', d: 64, k: 64 }),
]);

export const CLASSIFY: readonly LayerSpec[] = Object.freeze([
  Object.freeze({ name: 'fc1', d: 32, k: 2 }),
  Object.freeze({ name: 'fc2', d: 32, k: 32 }),
  Object.freeze({ name: 'fc3', d: 32, k: 32 }),
  Object.freeze({ name: 'head', d: 2, k: 32 }),
]);

/** What a scenario looks like without building it (cheap: for validating a configuration). */
export interface ScenarioShape {
  readonly loss: LossKind;
  readonly layers: readonly LayerSpec[];
  readonly defaultTargets: readonly string[];
  readonly d: number;
  readonly k: number;
  readonly defaultBatch: number;
  /** Whether `trueRank` / `trainSize` mean anything here. */
  readonly usesTrueRank: boolean;
  readonly usesTrainSize: boolean;
}

export function scenarioShape(name: ScenarioName): ScenarioShape {
  switch (name) {
    case 'low-rank-shift':
    case 'overfit':
      return {
        loss: 'mse',
        layers: MLP64,
        defaultTargets: ['fc1', 'fc2'],
        d: 64,
        k: 64,
        defaultBatch: 32,
        usesTrueRank: true,
        usesTrainSize: name === 'overfit',
      };
    case 'classify-2d':
      return {
        loss: 'ce',
        layers: CLASSIFY,
        defaultTargets: ['fc2', 'fc3'],
        d: 32,
        k: 32,
        defaultBatch: 32,
        usesTrueRank: false,
        usesTrainSize: false,
      };
  }
}

export function isScenarioName(x: unknown): x is ScenarioName {
  return typeof x === 'string' && (SCENARIO_NAMES as readonly string[]).includes(x);
}

/** Where classify-2d's decision boundary is drawn: its input plane, sampled on a 64 × 64 grid. */
export const CLASSIFY_GRID = Object.freeze({ xMin: -2.5, xMax: 2.5, yMin: -2.5, yMax: 2.5, nx: 64, ny: 64 });
