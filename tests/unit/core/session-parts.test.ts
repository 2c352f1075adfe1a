import { describe, expect, it } from 'vitest';
import {
  AdapterLibrary,
  adapterFromPeftZip,
  checkAdapter,
  cloneAdapter,
  toPeftAdapter,
  type AdapterSet,
} from '../../../widgets/core/adapter-library.ts';
import { BatchOrder, gatherRows } from '../../../widgets/core/batch-order.ts';
import { DivergenceGuard, GOOD_FACTOR, SPIKE_FLOOR } from '../../../widgets/core/divergence-guard.ts';
import { matrix } from '../../../widgets/core/matrix.ts';
import { writePeftZip } from '../../../widgets/core/peft-format.ts';
import { createRng, permutation } from '../../../widgets/core/rng.ts';
import { LoraConfigError, LoraStateError } from '../../../widgets/core/trainer-config.ts';

describe('divergence guard', () => {
  it('rejects non-finite losses and spikes over factor·max(best, SPIKE_FLOOR·ℓ_first)', () => {
    const g = new DivergenceGuard();
    expect(g.reject(Number.NaN, 4)).toBe('non-finite loss');
    expect(g.reject(Number.POSITIVE_INFINITY, 4)).toBe('non-finite loss');
    expect(g.reject(1e30, 4)).toBeNull(); // nothing accepted yet: best = ∞
    expect(g.accept(1)).toBe(true);
    expect(g.numbers()).toEqual({ bestLoss: 1, firstLoss: 1, meanLoss: 1 });
    expect(g.reject(4, 4)).toBeNull();
    expect(g.reject(4.01, 4)).toBe('loss spike');
  });

  it('keeps a running mean; best is its minimum; only losses within GOOD_FACTOR of it are rollback points', () => {
    const g = new DivergenceGuard();
    g.accept(1);
    expect(g.accept(0.5)).toBe(true);
    expect(g.numbers().meanLoss).toBeCloseTo(0.95, 12);
    expect(g.numbers().bestLoss).toBeCloseTo(0.95, 12);
    expect(g.accept(GOOD_FACTOR * 2)).toBe(false); // the mean rises: best stays, 4 > 2·best
    expect(g.numbers().bestLoss).toBeCloseTo(0.95, 12);
  });

  it('near float32 noise the floor SPIKE_FLOOR·ℓ_first decides, not a tiny best', () => {
    const g = new DivergenceGuard();
    g.load({ bestLoss: 1e-12, firstLoss: 1, meanLoss: 1e-12 });
    expect(g.reject(SPIKE_FLOOR * 3.9, 4)).toBeNull();
    expect(g.reject(SPIKE_FLOOR * 4.1, 4)).toBe('loss spike');
    g.reset();
    expect(g.numbers()).toEqual({ bestLoss: Number.POSITIVE_INFINITY, firstLoss: 0, meanLoss: 0 });
  });
});

describe('batch order', () => {
  it('takes runs of n rows of a seeded permutation and draws a new one when fewer than n remain', () => {
    const o = new BatchOrder(10, 5);
    const first = permutation(createRng(5), new Uint32Array(10));
    expect(Array.from(o.perm)).toEqual(Array.from(first));
    expect([o.next(4), o.next(4)]).toEqual([0, 4]);
    expect(o.next(4)).toBe(0); // 8 + 4 > 10: a new permutation
    expect(Array.from(o.perm)).not.toEqual(Array.from(first));
    expect([...o.perm].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('position()/setPosition() put the order back exactly; restart(seed) starts over', () => {
    const o = new BatchOrder(7, 1);
    o.next(3);
    const at = o.position();
    const ahead = [o.next(3), o.next(3), ...o.perm];
    o.setPosition(at);
    expect([o.next(3), o.next(3), ...o.perm]).toEqual(ahead);
    o.restart(1);
    expect(o.position()).toEqual(new BatchOrder(7, 1).position());
  });

  it('gatherRows copies rows idx[start …] into dst', () => {
    const src = matrix(3, 2, Float32Array.from([0, 1, 10, 11, 20, 21]));
    const dst = matrix(2, 2, new Float32Array(4));
    gatherRows(src, Uint32Array.from([2, 0, 1]), 1, dst);
    expect(Array.from(dst.data)).toEqual([0, 1, 10, 11]);
  });
});

describe('adapter library', () => {
  const layers = [
    { name: 'fc1', d: 3, k: 2 },
    { name: 'fc2', d: 2, k: 3 },
  ];
  const set = (rank = 1, targets = ['fc2', 'fc1']): AdapterSet => ({
    rank,
    alpha: 2,
    rsLora: false,
    dropout: 0,
    targets,
    A: Object.fromEntries(layers.map((l) => [l.name, matrix(rank, l.k, new Float32Array(rank * l.k).fill(0.5))])),
    B: Object.fromEntries(layers.map((l) => [l.name, matrix(l.d, rank, new Float32Array(l.d * rank).fill(-1))])),
  });

  it('stores by name in saving order; re-saving moves a name to the end; a missing name is a LoraStateError', () => {
    const lib = new AdapterLibrary();
    lib.store('a', set());
    lib.store('b', set());
    lib.store('a', set());
    expect(lib.names()).toEqual(['b', 'a']);
    expect(lib.delete('b')).toBe(true);
    expect(lib.delete('b')).toBe(false);
    expect(() => lib.get('useAdapter', 'b')).toThrow(LoraStateError);
    expect(() => lib.get('useAdapter', 'b')).toThrow(/useAdapter: no adapter named "b" \(saved: a\)/);
    expect(() => lib.store(' ', set())).toThrow(LoraConfigError);
  });

  it('checkAdapter orders targets as the network, copies the tensors and names the bad field', () => {
    const input = set();
    const checked = checkAdapter(input, layers);
    expect(checked.targets).toEqual(['fc1', 'fc2']);
    expect(checked.A['fc1'].data).not.toBe(input.A['fc1'].data);
    expect(checked.A['fc1'].data).toEqual(input.A['fc1'].data);
    const field = (s: AdapterSet): string | undefined => {
      try {
        checkAdapter(s, layers);
      } catch (e) {
        return (e as LoraConfigError).field;
      }
      return undefined;
    };
    expect(field({ ...set(), alpha: 0 })).toBe('alpha');
    expect(field({ ...set(), dropout: 1 })).toBe('dropout');
    expect(field(set(3))).toBe('rank'); // 3 > min(d, k) = 2
    expect(field({ ...set(), targets: ['fc3'] })).toBe('targets');
    expect(field({ ...set(), A: { ...set().A, fc1: matrix(1, 3, new Float32Array(3)) } })).toBe('A');
    const nan = set();
    nan.B['fc2'].data[0] = Number.NaN;
    expect(field(nan)).toBe('weights');
  });

  it('PEFT round trip: toPeftAdapter → zip → adapterFromPeftZip gives the set back; another base is refused', () => {
    const s = checkAdapter(set(), layers);
    const zip = writePeftZip(toPeftAdapter(s, 'base-1'));
    const back = checkAdapter(adapterFromPeftZip(zip, 'base-1'), layers);
    expect(back).toEqual(cloneAdapter(s));
    expect(() => adapterFromPeftZip(zip, 'base-2')).toThrow(/trained on base-1/);
  });
});
