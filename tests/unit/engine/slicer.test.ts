import { describe, expect, it } from 'vitest';
import { SliceSizer, yieldToEventLoop, yieldToPage } from '../../../widgets/engine/slicer.ts';

describe('main-thread slicer', () => {
  it('measures with one step, then fits the budget', () => {
    const s = new SliceSizer(8);
    expect(s.next(1000)).toBe(1);
    s.record(1, 2); // 2 ms per step
    expect(s.next(1000)).toBe(4);
    s.record(4, 4); // 1 ms per step → estimate 1.5
    expect(s.next(1000)).toBe(5);
  });

  it('never exceeds what remains or the cap, never returns 0 while work remains', () => {
    const s = new SliceSizer(8, 100);
    s.record(10, 0.001);
    expect(s.next(50)).toBe(50);
    expect(s.next(5000)).toBe(100);
    expect(s.next(0)).toBe(0);
    const slow = new SliceSizer(8);
    slow.record(1, 500); // one step is longer than the budget: still one step per slice
    expect(slow.next(10)).toBe(1);
  });

  it('ignores nonsense measurements and rejects a bad budget', () => {
    const s = new SliceSizer(8);
    s.record(0, 5);
    s.record(3, Number.NaN);
    expect(Number.isNaN(s.estimate)).toBe(true);
    expect(() => new SliceSizer(0)).toThrow(RangeError);
  });

  it('a simulated main-thread run keeps every slice near the budget', async () => {
    // Steps cost 0.7 ms on a fake clock; slices must stay ≤ budget + one step.
    let clock = 0;
    const s = new SliceSizer(8);
    let remaining = 2000;
    let longest = 0;
    while (remaining > 0) {
      const k = s.next(remaining);
      const t0 = clock;
      clock += 0.7 * k;
      s.record(k, clock - t0);
      longest = Math.max(longest, clock - t0);
      remaining -= k;
      await yieldToEventLoop();
    }
    expect(longest).toBeLessThanOrEqual(8 + 0.7);
  });
});

describe('yieldToPage', () => {
  it('resolves after the current task (timeout fallback in Node)', async () => {
    const order: string[] = [];
    const p = yieldToPage().then(() => order.push('yielded'));
    order.push('sync');
    await p;
    expect(order).toEqual(['sync', 'yielded']);
  });
});
