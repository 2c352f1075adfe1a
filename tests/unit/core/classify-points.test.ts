/**
 * `classifyPoints(baseSeed)`: classify-2d's training pool without building the scenario, which
 * `<lora-trainer>` draws over its decision boundary. It must be the very pool the engine trains on.
 */
import { describe, expect, it } from 'vitest';
import { CLASSIFY_POOL, classifyPoints, createScenario } from '../../../widgets/core/scenarios.ts';

describe('classifyPoints', () => {
  it.each([0, 1, 42, 2024, 0xffffffff])('equals createScenario’s training pool for base seed %i', (baseSeed) => {
    const points = classifyPoints(baseSeed);
    const { train } = createScenario('classify-2d', { baseSeed });
    expect([points.X.rows, points.X.cols, points.Y.rows, points.Y.cols]).toEqual([CLASSIFY_POOL, 2, CLASSIFY_POOL, 2]);
    expect(points.X.data).toEqual(train.X.data);
    expect(points.Y.data).toEqual(train.Y.data);
  });

  it('differs between base seeds and is a fresh copy each call', () => {
    const a = classifyPoints(1);
    const b = classifyPoints(2);
    expect(a.X.data).not.toEqual(b.X.data);
    const again = classifyPoints(1);
    expect(again.X.data).not.toBe(a.X.data);
    expect(again.X.data).toEqual(a.X.data);
  });
});
