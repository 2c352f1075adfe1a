/** Full fine-tuning of the same model reaches the teacher too, training d·k numbers per layer. */
import { describe, expect, it } from 'vitest';
import { createSession, FULL_LR } from '../../../widgets/core/trainer.ts';
import { trainUntil } from './helpers.ts';

const STEPS = 2000;

describe.each([
  { seed: 1, baseSeed: 1 },
  { seed: 2, baseSeed: 7 },
])('full fine-tuning on low-rank-shift, seeds $seed/$baseSeed', (seeds) => {
  it(`reaches ≤ 1% of the initial loss within ${STEPS} steps at its default learning rate`, () => {
    const s = createSession({ mode: 'full', ...seeds });
    expect(s.lr).toBe(FULL_LR);
    expect(s.trainableParams).toBe(2 * 64 * 64);
    expect(s.frozenParams).toBe(2 * 64); // the biases
    const r = trainUntil(s, 0.01, STEPS);
    expect(r.val).toBeLessThanOrEqual(0.01 * r.val0);
    expect(r.recoveries).toBe(0);
  });
});

describe('full fine-tuning parameter counts', () => {
  it('is exactly d·k per trained layer', () => {
    expect(createSession({ mode: 'full', targets: 'fc1' }).trainableParams).toBe(64 * 64);
    const c = createSession({ mode: 'full', scenario: 'classify-2d' });
    expect(c.trainableParams).toBe(2 * 32 * 32);
    expect(c.frozenParams).toBe(32 * 2 + 2 * 32 + (32 + 32 + 32 + 2)); // fc1 W, head W, every bias
  });
});
