import { describe, expect, it } from 'vitest';
import {
  createRng,
  deriveSeed,
  fillNormal,
  fillUniform,
  nextU32,
  normal,
  permutation,
  randInt,
  reseed,
  seed32,
  shuffle,
  uniform,
} from '../../../widgets/core/rng.ts';

describe('xoshiro128**', () => {
  it('matches the reference implementation from state {1, 2, 3, 4}', () => {
    const rng = createRng(0);
    rng.s.set([1, 2, 3, 4]);
    const got = Array.from({ length: 8 }, () => nextU32(rng));
    // Output of the reference C code (prng.di.unimi.it/xoshiro128starstar.c).
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('is deterministic per seed, and seeds differ', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 16 }, () => nextU32(a));
    const xb = Array.from({ length: 16 }, () => nextU32(b));
    const xc = Array.from({ length: 16 }, () => nextU32(c));
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    reseed(a, 42);
    expect(nextU32(a)).toBe(xa[0]);
  });

  it('takes seeds modulo 2³² and rejects non-integers', () => {
    expect(seed32(-1)).toBe(4294967295);
    expect(seed32(2 ** 32 + 5)).toBe(5);
    expect(nextU32(createRng(-1))).toBe(nextU32(createRng(4294967295)));
    expect(() => createRng(1.5)).toThrow(/integer/);
  });

  it('derives distinct sub-stream seeds', () => {
    const seeds = new Set([1, 2, 3, 11, 12, 13].map((s) => deriveSeed(7, s)));
    expect(seeds.size).toBe(6);
    expect(deriveSeed(7, 1)).not.toBe(deriveSeed(8, 1));
  });
});

describe('distributions', () => {
  it('uniform is in [0, 1) with mean ½', () => {
    const rng = createRng(1);
    let s = 0;
    let inRange = true;
    for (let i = 0; i < 20000; i++) {
      const u = uniform(rng);
      inRange &&= u >= 0 && u < 1;
      s += u;
    }
    expect(inRange).toBe(true);
    expect(s / 20000).toBeCloseTo(0.5, 2);
  });

  it('normal (Box–Muller) has mean 0 and variance 1', () => {
    const rng = createRng(2);
    const x = new Float64Array(40001);
    fillNormal(rng, x);
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let v2 = 0;
    for (const v of x) v2 += (v - m) ** 2;
    v2 /= x.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(v2 - 1)).toBeLessThan(0.03);
    expect(Number.isFinite(normal(rng))).toBe(true);
  });

  it('fillNormal scales by std and shifts by mean; fillUniform stays in range', () => {
    const x = new Float32Array(10000);
    fillNormal(createRng(3), x, 0.5, 10);
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    expect(m).toBeCloseTo(10, 1);
    fillUniform(createRng(4), x, -2, -1);
    expect(x.every((v) => v >= -2 && v <= -1)).toBe(true);
  });

  it('randInt covers [0, n) evenly', () => {
    const rng = createRng(5);
    const counts = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 7000; i++) counts[randInt(rng, 7)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(() => randInt(rng, 0)).toThrow();
  });

  it('shuffle and permutation produce permutations, deterministically', () => {
    const p1 = permutation(createRng(6), new Uint32Array(50));
    const p2 = permutation(createRng(6), new Uint32Array(50));
    expect(Array.from(p1)).toEqual(Array.from(p2));
    expect([...p1].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p1)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const arr = ['a', 'b', 'c', 'd'];
    shuffle(createRng(7), arr);
    expect([...arr].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
