import { describe, expect, it } from 'vitest';
import {
  alphaForUnitScale,
  crossTermError,
  crossTermErrorAll,
  effectiveScale,
  loraParamCounts,
  multiplyAdds,
  outputMaxDiff,
} from '../../../widgets/core/pitfalls.ts';
import { addScaled, frobenius, matmul, zeros, type Matrix } from '../../../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { scenarioShape } from '../../../widgets/core/scenarios.ts';
import { createSession } from '../../../widgets/core/trainer.ts';

/** (B₁+B₂)(A₁+A₂), the wrong "sum" of two adapters. */
function summedFactors(a: { A: Matrix; B: Matrix }, b: { A: Matrix; B: Matrix }): Matrix {
  return matmul(addScaled(a.B, b.B, 1), addScaled(a.A, b.A, 1));
}

const rand = (rows: number, cols: number, seed: number): Matrix => {
  const m = zeros(rows, cols);
  fillNormal(createRng(seed), m.data);
  return m;
};

describe('crossTermError', () => {
  it('equals ‖(B₁+B₂)(A₁+A₂) − B₁A₁ − B₂A₂‖_F computed the long way, and ‖B₁A₂ + B₂A₁‖_F', () => {
    const a = { A: rand(3, 7, 1), B: rand(5, 3, 2) };
    const b = { A: rand(3, 7, 3), B: rand(5, 3, 4) };
    const wrong = summedFactors(a, b);
    const right = addScaled(matmul(a.B, a.A), matmul(b.B, b.A), 1);
    const direct = frobenius(addScaled(wrong, right, -1));
    const cross = frobenius(addScaled(matmul(a.B, b.A), matmul(b.B, a.A), 1));
    const r = crossTermError(a, b);
    expect(r.error).toBeCloseTo(direct, 4);
    expect(r.error).toBeCloseTo(cross, 4);
    expect(r.exact).toBeCloseTo(frobenius(right), 4);
  });

  it('is 0 when one adapter is zero (B = 0) and rejects mismatched shapes', () => {
    const a = { A: rand(2, 4, 5), B: rand(3, 2, 6) };
    const z = { A: rand(2, 4, 7), B: zeros(3, 2) };
    // (B₁ + 0)(A₁ + A₂) − B₁A₁ − 0 = B₁A₂ ≠ 0 in general; with A₂ = 0 as well it vanishes.
    expect(crossTermError(a, { A: zeros(2, 4), B: zeros(3, 2) }).error).toBe(0);
    expect(crossTermError(a, z).error).toBeGreaterThan(0);
    expect(() => crossTermError(a, { A: rand(3, 4, 1), B: rand(3, 3, 1) })).toThrow(RangeError);
  });

  it('stacks layers as √Σ per-layer²', () => {
    const a = { A: { x: rand(2, 3, 1), y: rand(2, 3, 2) }, B: { x: rand(4, 2, 3), y: rand(4, 2, 4) } };
    const b = { A: { x: rand(2, 3, 5), y: rand(2, 3, 6) }, B: { x: rand(4, 2, 7), y: rand(4, 2, 8) } };
    const ex = crossTermError({ A: a.A.x, B: a.B.x }, { A: b.A.x, B: b.B.x }).error;
    const ey = crossTermError({ A: a.A.y, B: a.B.y }, { A: b.A.y, B: b.B.y }).error;
    expect(crossTermErrorAll(a, b, ['x', 'y']).error).toBeCloseTo(Math.hypot(ex, ey), 6);
  });
});

describe('scales, counts and work', () => {
  it('s = α/r (or α/√r), and the α that makes s = 1', () => {
    expect(effectiveScale(8, 64)).toBe(0.125);
    expect(effectiveScale(8, 64, true)).toBe(1);
    expect(effectiveScale(alphaForUnitScale(16), 16)).toBe(1);
    expect(effectiveScale(alphaForUnitScale(16, true), 16, true)).toBe(1);
  });

  it('parameter counts match the trainer session', () => {
    for (const [scenario, rank, targets] of [
      ['low-rank-shift', 8, undefined],
      ['low-rank-shift', 3, 'fc2'],
      ['classify-2d', 4, undefined],
    ] as const) {
      const s = createSession({ scenario, rank, ...(targets ? { targets } : {}) });
      const c = loraParamCounts(scenarioShape(scenario).layers, s.config.targets, rank);
      expect(c.trainable).toBe(s.trainableParams);
      expect(c.frozen).toBe(s.frozenParams);
      expect(c.fraction).toBeCloseTo(s.trainableParams / (s.trainableParams + s.frozenParams), 12);
    }
  });

  it('multiply-adds per input: merged is the base’s Σ d·k, unmerged adds r(d + k) per target', () => {
    const layers = scenarioShape('low-rank-shift').layers;
    expect(multiplyAdds(layers, ['fc1', 'fc2'], 8)).toEqual({ merged: 8192, unmerged: 8192 + 2 * 8 * 128 });
    expect(multiplyAdds(layers, ['fc2'], 1)).toEqual({ merged: 8192, unmerged: 8192 + 128 });
  });

  it('outputMaxDiff is exact and propagates NaN', () => {
    const a = rand(3, 3, 1);
    const b = { rows: 3, cols: 3, data: a.data.slice() };
    expect(outputMaxDiff(a, b)).toBe(0);
    b.data[4] += 0.5;
    expect(outputMaxDiff(a, b)).toBeCloseTo(0.5, 6);
    b.data[0] = Number.NaN;
    expect(outputMaxDiff(a, b)).toBeNaN();
  });
});
