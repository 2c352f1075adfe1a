/**
 * The element's view of the scenarios and of the configuration (shapes.ts): the core's small
 * modules in LoRA mode. What is the element's own is checked here: the mode it forces, the grid,
 * the rank cap its rank slider uses.
 */
import { describe, expect, it } from 'vitest';
import { rankCap, shapeOf, validateConfig } from '../../../widgets/lora-trainer/shapes.ts';
import { createScenario, gridInputs } from '../../../widgets/core/scenarios.ts';
import { FULL_LR, LoraConfigError } from '../../../widgets/core/trainer.ts';

describe('shapes.ts', () => {
  it('validates in LoRA mode with Adam whatever mode or optimizer is given, with LoRA defaults', () => {
    const r = validateConfig({ mode: 'full', optimizer: 'sgd', rank: 4 });
    expect(r).toMatchObject({ mode: 'lora', optimizer: 'adam', rank: 4, lr: 3e-3 });
    expect(r.lr).not.toBe(FULL_LR);
  });

  it('throws the core configuration error, naming the field', () => {
    for (const [input, field] of [
      [{ rank: 65 }, 'rank'],
      [{ scenario: 'classify-2d', targets: 'fc1', rank: 3 }, 'rank'],
      [{ targets: 'q' }, 'targets'],
      [{ dropout: 1 }, 'dropout'],
      [{ scenario: 'nope' }, 'scenario'],
    ] as const) {
      let caught: unknown;
      try {
        validateConfig(input);
      } catch (e) {
        caught = e;
      }
      expect(caught, JSON.stringify(input)).toBeInstanceOf(LoraConfigError);
      expect((caught as LoraConfigError).field).toBe(field);
    }
  });

  it('the rank cap is 64 and min(d, k) of the chosen targets', () => {
    expect(rankCap('low-rank-shift', ['fc1', 'fc2'])).toBe(64);
    expect(rankCap('classify-2d', ['fc2', 'fc3'])).toBe(32);
    expect(rankCap('classify-2d', ['fc1', 'fc2'])).toBe(2);
    expect(rankCap('classify-2d', ['head'])).toBe(2);
  });

  it('the decision-boundary grid is the one the engine evaluates on, and only classify-2d has one', () => {
    const grid = shapeOf('classify-2d').boundaryGrid!;
    expect(grid).toEqual(createScenario('classify-2d', { baseSeed: 1 }).grid);
    expect(gridInputs(grid).rows).toBe(grid.nx * grid.ny);
    expect(shapeOf('low-rank-shift').boundaryGrid).toBeNull();
    expect(shapeOf('overfit').boundaryGrid).toBeNull();
  });
});
