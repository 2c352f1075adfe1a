/**
 * The element validates attributes without loading the core (shapes.ts); here every constant and
 * the validator are checked against the core itself, so the two cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  MAX_RANK,
  MAX_TRAIN_SIZE,
  SCENARIOS,
  shapeOf,
  validateConfig,
} from '../../../widgets/lora-trainer/shapes.ts';
import * as core from '../../../widgets/core/trainer.ts';
import {
  createScenario,
  scenarioShape,
  SCENARIO_NAMES,
  MAX_TRAIN_SIZE as CORE_MAX_TRAIN,
} from '../../../widgets/core/scenarios.ts';

describe('shapes.ts agrees with the core', () => {
  it('scenarios, layer shapes, default targets and batch, grid', () => {
    expect([...SCENARIOS]).toEqual([...SCENARIO_NAMES]);
    for (const s of SCENARIOS) {
      const mine = shapeOf(s);
      const theirs = scenarioShape(s);
      expect(mine.layers.map((l) => ({ ...l }))).toEqual(theirs.layers.map((l) => ({ ...l })));
      expect([...mine.defaultTargets]).toEqual([...theirs.defaultTargets]);
      expect(mine.defaultBatch).toBe(theirs.defaultBatch);
      expect(mine.usesTrueRank).toBe(theirs.usesTrueRank);
      expect(mine.usesTrainSize).toBe(theirs.usesTrainSize);
    }
    expect(shapeOf('classify-2d').grid).toEqual(createScenario('classify-2d', { baseSeed: 1 }).grid);
  });

  it('defaults and limits', () => {
    for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) expect(DEFAULTS[k], k).toBe(core.DEFAULTS[k]);
    expect(MAX_RANK).toBe(core.MAX_RANK);
    expect(MAX_TRAIN_SIZE).toBe(CORE_MAX_TRAIN);
  });

  const inputs: Record<string, unknown>[] = [
    {},
    { scenario: 'overfit', trainSize: 16, batch: 64 },
    { scenario: 'classify-2d', rank: 32 },
    { scenario: 'classify-2d', rank: 33 },
    { scenario: 'classify-2d', targets: 'fc1', rank: 3 },
    { scenario: 'classify-2d', targets: 'head,fc1', rank: 2 },
    { scenario: 'classify-2d', trueRank: 0, trainSize: -4 },
    { rank: 64 },
    { rank: 65 },
    { rank: 0 },
    { rank: 2.5 },
    { rank: '4' },
    { alpha: 0 },
    { alpha: 16, rsLora: true },
    { rsLora: 'yes' },
    { lr: Number.NaN },
    { lr: 1e-2 },
    { dropout: 1 },
    { dropout: 0.5 },
    { trueRank: 65 },
    { trueRank: 1 },
    { scenario: 'overfit', trainSize: 1 },
    { scenario: 'overfit', trainSize: 4097 },
    { batch: 0 },
    { batch: 4097 },
    { seed: -1, baseSeed: 2 ** 32 + 5 },
    { seed: 1.5 },
    { targets: 'fc2,fc1' },
    { targets: 'fc1,fc1' },
    { targets: 'q' },
    { targets: '' },
    { targets: ['fc2'] },
    { targets: 7 },
    { scenario: 'nope' },
  ];
  for (const input of inputs) {
    it(`validateConfig(${JSON.stringify(input)}) = resolveConfig(…) for LoRA mode`, () => {
      let expected: unknown;
      let field: string | null = null;
      try {
        expected = core.resolveConfig({ ...input, mode: 'lora' } as core.TrainerConfig);
      } catch (e) {
        field = (e as core.LoraConfigError).field;
      }
      if (field) {
        let got: string | null = null;
        try {
          validateConfig(input);
        } catch (e) {
          got = (e as { field: string }).field;
        }
        expect(got).toBe(field);
      } else {
        expect(validateConfig(input)).toEqual(expected);
      }
    });
  }
});
