/**
 * The core additions another backend relies on: drawing a chunk's batches and dropout masks
 * without training, and moving the whole training state in and out of a session.
 */
import { describe, expect, it } from 'vitest';
import { createSession } from '../../../widgets/core/trainer.ts';

describe('session bridge for other backends', () => {
  it('drawBatches + loadTrainingState reproduce train() exactly, dropout and rollbacks included', () => {
    for (const config of [
      { seed: 4, dropout: 0.25 },
      { seed: 9, scenario: 'overfit', trainSize: 40, batch: 16, dropout: 0.1 },
      { seed: 1, lr: 40 }, // diverges: rollbacks on the way
      { seed: 2, scenario: 'classify-2d' },
    ]) {
      const a = createSession(config);
      const b = createSession(config);
      const n = b.modelView().batch;
      const per = b.maskFloatsPerStep;
      const r1 = a.train(37);
      // b: draw the same 37 steps' data (as a GPU would, to upload), then take a's state.
      b.drawBatches(37, new Uint32Array(37 * n), per > 0 ? new Float32Array(37 * per) : null);
      b.loadTrainingState(a.trainingState());
      expect(b.step).toBe(37);
      expect(b.lr).toBe(a.lr);
      const r2a = a.train(25);
      const r2b = b.train(25);
      expect(Array.from(r2b.losses)).toEqual(Array.from(r2a.losses));
      expect(r2b.recoveries).toEqual(r2a.recoveries);
      if (config.lr === 40) expect(r1.recoveries.length + r2a.recoveries.length).toBeGreaterThan(0);
    }
  });

  it('rows come from the order stream, masks are 0 or 1/(1−p) from the dropout stream', () => {
    const s = createSession({ seed: 3, dropout: 0.2 });
    const n = s.modelView().batch;
    const per = s.maskFloatsPerStep;
    expect(per).toBe(n * (64 + 64));
    const rows = new Uint32Array(10 * n);
    const masks = new Float32Array(10 * per);
    s.drawBatches(10, rows, masks);
    // 10 batches of 32 from a 4096-row pool: one permutation, no repeats.
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.every((r) => r < 4096)).toBe(true);
    const keep = Math.fround(1 / 0.8);
    expect(masks.every((m) => m === 0 || m === keep)).toBe(true);
    const dropped = masks.filter((m) => m === 0).length / masks.length;
    expect(dropped).toBeGreaterThan(0.17);
    expect(dropped).toBeLessThan(0.23);
    // Deterministic per seed.
    const t = createSession({ seed: 3, dropout: 0.2 });
    const rows2 = new Uint32Array(10 * n);
    const masks2 = new Float32Array(10 * per);
    t.drawBatches(10, rows2, masks2);
    expect(rows2).toEqual(rows);
    expect(masks2).toEqual(masks);
    expect(createSession({ dropout: 0 }).maskFloatsPerStep).toBe(0);
  });

  it('refuses wrong shapes', () => {
    const s = createSession({ dropout: 0.1 });
    expect(() => s.drawBatches(2, new Uint32Array(10), null)).toThrow(RangeError);
    expect(() => s.drawBatches(1, new Uint32Array(32), null)).toThrow(RangeError);
    const other = createSession({ rank: 4 });
    expect(() => s.loadTrainingState(other.trainingState())).toThrow(/does not match/);
  });
});
