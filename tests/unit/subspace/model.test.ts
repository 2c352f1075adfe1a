/** What the view draws (widgets/subspace-view/model.ts): pictures from the example and from any ΔW. */
import { describe, expect, it } from 'vitest';
import { examplePicture, projectedPicture } from '../../../widgets/subspace-view/model.ts';
import { demoUpdate } from '../../../widgets/subspace-view/demo.ts';
import { svd } from '../../../widgets/core/svd.ts';

const cross = (a: number[], b: number[]) =>
  Math.hypot(a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!);
const arrows = (p: ReturnType<typeof examplePicture>) =>
  Array.from({ length: p.n }, (_, i) => [0, 1, 2].map((k) => p.moved[3 * i + k]! - p.base[3 * i + k]!));

describe('examplePicture', () => {
  it.each([1, 2, 3])('rank %i: col(B) has that dimension and every displacement lies in it', (r) => {
    const p = examplePicture(demoUpdate(r, 3).deltaW);
    expect(p.colBDim).toBe(r);
    expect(p.rank).toBe(r);
    expect(p.singular.length).toBe(3 * r);
    for (const d of arrows(p)) {
      // residual of d after projecting onto the orthonormal basis colB
      const res = [...d];
      for (let k = 0; k < r; k++) {
        const b = [0, 1, 2].map((i) => p.colB[3 * k + i]!);
        const dot = b.reduce((s, x, i) => s + x * d[i]!, 0);
        for (let i = 0; i < 3; i++) res[i] = res[i]! - dot * b[i]!;
      }
      expect(Math.hypot(...res)).toBeLessThan(1e-12);
    }
  });

  it('rank 1: all displacements are parallel (to 1e-12)', () => {
    const a = arrows(examplePicture(demoUpdate(1, 9).deltaW));
    const ref = a[0]!.map((x) => x / Math.hypot(...a[0]!));
    for (const d of a) expect(cross(d, ref) / Math.hypot(...d)).toBeLessThan(1e-12);
  });
});

describe('projectedPicture', () => {
  it('draws any ΔW in its top three singular directions: displacement of c is scale·diag(σ)·c', () => {
    const data = Float64Array.from({ length: 20 * 9 }, (_, i) => Math.sin(i * 1.7) + (i % 3));
    const M = { rows: 20, cols: 9, data };
    const p = projectedPicture(M);
    const S = svd(M).S;
    expect(Array.from(p.sigma)).toEqual(Array.from(S.subarray(0, 3)));
    expect(p.projected).toBe(true);
    expect(p.scale).toBeCloseTo(0.9 / S[0]!, 14);
    for (let i = 0; i < p.n; i++)
      for (let k = 0; k < 3; k++)
        expect(p.moved[3 * i + k]! - p.base[3 * i + k]!).toBeCloseTo(p.scale * S[k]! * p.inputs[3 * i + k]!, 12);
  });

  it('the zero matrix: nothing moves, σ = 0, energy 0, no col(B)', () => {
    const p = projectedPicture({ rows: 4, cols: 4, data: new Float64Array(16) });
    expect(Array.from(p.sigma)).toEqual([0, 0, 0]);
    expect(p.energy).toBe(0);
    expect(p.colBDim).toBe(0);
    expect(Array.from(p.moved)).toEqual(Array.from(p.base));
  });
});
