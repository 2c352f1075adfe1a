/**
 * 'overfit': a finite noisy training set (trainSize 128) with a held-out validation set. A rank
 * far above the teacher's (32 vs 4) fits the noise: lower training loss, higher validation loss.
 * LoRA dropout on the large rank narrows the gap. Fixed seeds, so the outcome is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { createSession } from '../../../widgets/core/trainer.ts';
import { NOISE_STD } from '../../../widgets/core/scenarios.ts';

const STEPS = 600;

function run(rank: number, dropout: number, seeds: { seed: number; baseSeed: number }) {
  const s = createSession({ scenario: 'overfit', rank, dropout, ...seeds });
  expect(s.scenario.train.X.rows).toBe(128);
  s.train(STEPS);
  return { train: s.trainSetLoss(), val: s.valLoss() };
}

describe.each([
  { seed: 1, baseSeed: 1, dropout: false },
  { seed: 2, baseSeed: 7, dropout: true },
])('overfit scenario, seeds $seed/$baseSeed', ({ dropout, ...seeds }) => {
  it('rank 32 has lower training loss and higher validation loss than rank 4', () => {
    const small = run(4, 0, seeds);
    const large = run(32, 0, seeds);
    expect(large.train).toBeLessThan(small.train);
    expect(large.val).toBeGreaterThan(small.val);
    // The large rank fits the noise: training loss well under the noise variance σ².
    expect(large.train).toBeLessThan(0.5 * NOISE_STD ** 2);
    // The small rank generalises: validation loss near the noise floor σ².
    expect(small.val).toBeLessThan(1.5 * NOISE_STD ** 2);
    if (dropout) expect(run(32, 0.5, seeds).val).toBeLessThan(large.val);
  });
});
