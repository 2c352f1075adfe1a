/** Which φ table the similarity section shows (widgets/subspace-view/similarity.ts). */
import { describe, expect, it } from 'vitest';
import { similarityMatrix } from '../../../widgets/core/subspace.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { demoAdapters } from '../../../widgets/subspace-view/demo.ts';
import { similarityFor, type AdapterPair } from '../../../widgets/subspace-view/similarity.ts';

const randn = (rows: number, cols: number, seed: number) => {
  const data = new Float64Array(rows * cols);
  fillNormal(createRng(seed), data);
  return { rows, cols, data };
};

describe('similarityFor', () => {
  it('without adapters: the example pair of the seed, all of φ (8×64), named by rank', () => {
    const t = similarityFor(undefined, 3);
    const { A1, A2 } = demoAdapters(3);
    expect(t.phi).toEqual(similarityMatrix(A1, A2));
    expect([t.phi.rows, t.phi.cols]).toEqual([8, 64]);
    expect(t.names).toEqual(['A₁, r = 8', 'A₂, r = 64']);
    expect(t.from).toBe(3);
  });

  it('reuses the table while its input is the same, and recomputes when it changes', () => {
    const t = similarityFor(undefined, 3);
    expect(similarityFor(t, 3)).toBe(t);
    const u = similarityFor(t, 4);
    expect(u).not.toBe(t);
    expect(u.phi.data).not.toEqual(t.phi.data);
  });

  it('two saved adapters: φ for i ≤ 8 and j ≤ 64, axes named by adapter and rank; the seed is ignored', () => {
    const pair: AdapterPair = { names: ['r4', 'r16'], A: [randn(4, 32, 1), randn(16, 32, 2)] };
    const t = similarityFor(similarityFor(undefined, 1), 1, pair);
    expect(t.phi).toEqual(similarityMatrix(pair.A[0], pair.A[1], 8, 64));
    expect([t.phi.rows, t.phi.cols]).toEqual([4, 16]);
    expect(t.names).toEqual(['“r4” (r = 4)', '“r16” (r = 16)']);
    expect(similarityFor(t, 2, pair)).toBe(t);
    // Back to the example when the adapters are gone.
    expect(similarityFor(t, 2).from).toBe(2);
  });
});
