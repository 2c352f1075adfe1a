import { describe, expect, it } from 'vitest';
import { accuracy, mseLoss, softmaxCrossEntropy, softmaxRows } from '../../../widgets/core/loss.ts';
import { matrix, zeros } from '../../../widgets/core/matrix.ts';
import {
  adamUpdate,
  copyOptimizerState,
  createOptimizer,
  optimizerStep,
  resetOptimizer,
} from '../../../widgets/core/optim.ts';

describe('losses', () => {
  it('MSE is the mean over all entries, with gradient 2(ŷ − y)/(n·m)', () => {
    const p = matrix(2, 2, Float64Array.from([1, 2, 3, 4]));
    const y = matrix(2, 2, Float64Array.from([0, 2, 5, 4]));
    const g = zeros(2, 2, 'f64');
    expect(mseLoss(p, y, g)).toBe((1 + 0 + 4 + 0) / 4);
    expect(Array.from(g.data)).toEqual([0.5, 0, -1, 0]);
    expect(mseLoss(p, y)).toBe(1.25);
  });

  it('softmax cross-entropy matches the definition and its gradient is (p − y)/n', () => {
    const z = matrix(2, 3, Float64Array.from([1, 2, 3, 0, 0, 0]));
    const y = matrix(2, 3, Float64Array.from([0, 0, 1, 1, 0, 0]));
    const g = zeros(2, 3, 'f64');
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const want = (-(3 - lse) + Math.log(3)) / 2;
    expect(softmaxCrossEntropy(z, y, g)).toBeCloseTo(want, 12);
    const p0 = [1, 2, 3].map((v) => Math.exp(v - lse));
    expect(g.data[0]).toBeCloseTo(p0[0] / 2, 12);
    expect(g.data[2]).toBeCloseTo((p0[2] - 1) / 2, 12);
    expect(g.data[3]).toBeCloseTo((1 / 3 - 1) / 2, 12);
  });

  it('cross-entropy is stable for huge logits', () => {
    const z = matrix(1, 2, Float32Array.from([1e4, -1e4]));
    const yRight = matrix(1, 2, Float32Array.from([1, 0]));
    const yWrong = matrix(1, 2, Float32Array.from([0, 1]));
    const g = zeros(1, 2);
    expect(softmaxCrossEntropy(z, yRight, g)).toBe(0);
    expect(softmaxCrossEntropy(z, yWrong, g)).toBe(2e4);
    expect(Array.from(g.data)).toEqual([1, -1]);
  });

  it('softmaxRows sums to one; accuracy compares arg-maxes', () => {
    const z = matrix(2, 2, Float32Array.from([3, 1, -1, 2]));
    const p = softmaxRows(z, zeros(2, 2));
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 6);
    expect(accuracy(z, matrix(2, 2, Float32Array.from([1, 0, 1, 0])))).toBe(0.5);
  });
});

describe('optimisers', () => {
  it('Adam follows Kingma & Ba with bias correction', () => {
    const p = Float64Array.from([1, -1]);
    const g = Float64Array.from([0.5, -2]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    adamUpdate(p, g, m, v, 1, 0.1);
    // Step 1: m̂ = g, v̂ = g², so θ moves by lr·g/(|g| + ε) ≈ lr·sign(g).
    expect(p[0]).toBeCloseTo(1 - 0.1, 6);
    expect(p[1]).toBeCloseTo(-1 + 0.1, 6);
    expect(m[0]).toBeCloseTo(0.05, 12);
    expect(v[1]).toBeCloseTo(0.004, 12);
    // Step 2 with the same gradient: still ≈ lr·sign(g).
    adamUpdate(p, g, m, v, 2, 0.1);
    expect(p[0]).toBeCloseTo(0.8, 6);
  });

  it('an optimizer steps every tensor, counts t, resets and copies its state', () => {
    const params = [Float32Array.from([1, 2]), Float32Array.from([3])];
    const grads = [Float32Array.from([1, 1]), Float32Array.from([-1])];
    const opt = createOptimizer('adam', params, grads);
    optimizerStep(opt, 0.01);
    expect(opt.t).toBe(1);
    expect(params[0][0]).toBeCloseTo(0.99, 6);
    expect(params[1][0]).toBeCloseTo(3.01, 6);
    const shadow = createOptimizer('adam', params, grads);
    copyOptimizerState(opt, shadow);
    expect(shadow.t).toBe(1);
    expect(Array.from(shadow.m[0])).toEqual(Array.from(opt.m[0]));
    resetOptimizer(opt);
    expect(opt.t).toBe(0);
    expect(opt.m[0].every((x) => x === 0)).toBe(true);
    const sgd = createOptimizer('sgd', params, grads);
    optimizerStep(sgd, 0.5);
    expect(params[0][0]).toBeCloseTo(0.49, 6);
  });
});
