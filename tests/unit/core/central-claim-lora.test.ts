/**
 * The lesson's central claim in miniature (LoRA paper §7: the update has a low "intrinsic
 * rank"): the teacher is the frozen base plus a rank-4 update in each adapted layer, so an
 * adapter of rank r ≥ 4 can match it and one of rank 1 cannot. Default learning rate and α.
 * Runs of r ≥ 4 stop as soon as they are below 1% (validation loss, checked every 100 steps);
 * r = 1 trains the full 2,000 steps, and its final loss must be ≥ 10× r = 4's loss at the point
 * r = 4 stopped, which is stronger than comparing final losses.
 */
import { describe, expect, it } from 'vitest';
import { createSession, DEFAULTS } from '../../../widgets/core/trainer.ts';
import { trainUntil } from './helpers.ts';

const STEPS = 2000;

describe.each([
  { seed: 1, baseSeed: 1 },
  { seed: 2, baseSeed: 7 },
])('low-rank-shift, trueRank 4, seeds $seed/$baseSeed', (seeds) => {
  it(`r ≥ 4 reaches ≤ 1% of the initial loss within ${STEPS} steps; r = 1 ends ≥ 10× above r = 4`, () => {
    const runs = [4, 8].map((rank) => {
      const s = createSession({ scenario: 'low-rank-shift', trueRank: 4, rank, ...seeds });
      const r = trainUntil(s, 0.01, STEPS);
      expect(r.val, `rank ${rank}`).toBeLessThanOrEqual(0.01 * r.val0);
      expect(r.recoveries).toBe(0);
      expect(s.lr).toBe(DEFAULTS.lr);
      return r;
    });
    const one = createSession({ scenario: 'low-rank-shift', trueRank: 4, rank: 1, ...seeds });
    const r1 = trainUntil(one, 0, STEPS, 500);
    expect(r1.steps).toBe(STEPS);
    expect(r1.val).toBeGreaterThanOrEqual(10 * runs[0].val);
    // r = 1 captures at most one of the four directions per layer: it stays far from the teacher.
    expect(r1.val).toBeGreaterThan(0.2 * r1.val0);
  });
});

describe('trainable parameters', () => {
  it('LoRA trains r·(d + k) per adapted layer; W and b stay frozen', () => {
    for (const rank of [1, 4, 8, 64]) {
      const s = createSession({ rank });
      expect(s.trainableParams).toBe(2 * rank * (64 + 64));
      expect(s.frozenParams).toBe(2 * (64 * 64 + 64));
    }
    expect(createSession({ rank: 4, targets: ['fc2'] }).trainableParams).toBe(4 * 128);
  });
});
