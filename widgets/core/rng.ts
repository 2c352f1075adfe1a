/**
 * Seeded pseudo-random numbers for the training core.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018; https://prng.di.unimi.it/xoshiro128starstar.c). 128 bits of state, period
 * 2¹²⁸ − 1, 32-bit outputs. The state is seeded from a 32-bit seed by four rounds of SplitMix32
 * (golden-ratio increment 0x9E3779B9 followed by the MurmurHash3 fmix32 finaliser).
 *
 * Determinism: all integer arithmetic is done with `Math.imul`, shifts and `>>> 0`, so the
 * stream of 32-bit outputs, uniforms, integers and shuffles is bit-identical on every platform
 * and engine. Normals go through `Math.log`, `Math.sqrt`, `Math.cos`, `Math.sin`; ECMAScript lets
 * engines approximate `log`/`cos`/`sin`, but V8 and SpiderMonkey both use fdlibm, so in practice
 * they agree too. Random weights are made once on the CPU and shared with any other backend.
 *
 * Seeds are 32-bit integers; any integer is taken modulo 2³² (so −1 ≡ 4294967295).
 * The state lives in the `Rng` object the caller holds: no module-level state.
 */

/** Generator state: four 32-bit words (never all zero). */
export interface Rng {
  readonly s: Uint32Array;
}

const GOLDEN = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix of a 32-bit word. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Normalises a seed to an unsigned 32-bit integer; throws for non-integers. */
export function seed32(seed: number): number {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  // `% 2^32` is exact for every integer-valued double; `>>> 0` maps negatives into range.
  return (seed % TWO_POW_32) >>> 0;
}

/**
 * An independent 32-bit seed for sub-stream `stream` of `seed` (e.g. adapter initialisation vs
 * data order), so that drawing more numbers for one purpose never shifts another.
 */
export function deriveSeed(seed: number, stream: number): number {
  const a = fmix32((seed32(seed) + Math.imul(stream + 1, GOLDEN)) >>> 0);
  return fmix32((a ^ Math.imul(stream ^ 0x5bd1e995, 0x27d4eb2d)) >>> 0);
}

/** A new generator seeded with `seed`. */
export function createRng(seed: number): Rng {
  const rng: Rng = { s: new Uint32Array(4) };
  reseed(rng, seed);
  return rng;
}

/** Re-seeds `rng` in place (no allocation): afterwards it yields what `createRng(seed)` yields. */
export function reseed(rng: Rng, seed: number): void {
  let x = seed32(seed);
  const s = rng.s;
  for (let i = 0; i < 4; i++) {
    x = (x + GOLDEN) >>> 0;
    s[i] = fmix32(x);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the one forbidden state
}

/** Next 32-bit output of xoshiro128**, as an unsigned integer in [0, 2³²). */
export function nextU32(rng: Rng): number {
  const s = rng.s;
  const s0 = s[0];
  const s1 = s[1];
  const s2 = s[2];
  const s3 = s[3];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s[1] = s1 ^ n2;
  s[0] = s0 ^ n3;
  s[2] = n2 ^ t;
  s[3] = rotl(n3, 11);
  return result;
}

/** Uniform in [0, 1): nextU32 / 2³² (a float64 with 32 random bits). */
export function uniform(rng: Rng): number {
  return nextU32(rng) / TWO_POW_32;
}

/** Uniform integer in [0, n), unbiased (rejection sampling), for 1 ≤ n ≤ 2³². */
export function randInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`randInt: bad n ${n}`);
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  let x = nextU32(rng);
  while (x >= limit) x = nextU32(rng);
  return x % n;
}

/**
 * One standard normal N(0, 1) by Box–Muller: with u₁ = 1 − uniform() ∈ (0, 1] and
 * u₂ = uniform(), z = √(−2 ln u₁)·cos(2π u₂). Uses two uniforms; the sine partner is discarded
 * (use `fillNormal` for arrays, which keeps both).
 */
export function normal(rng: Rng): number {
  const u1 = 1 - uniform(rng);
  const u2 = uniform(rng);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * dst[i] ← mean + std·zᵢ with zᵢ ~ N(0, 1), in index order, two per Box–Muller pair:
 * z₂ⱼ = ρ·cos(2π u₂), z₂ⱼ₊₁ = ρ·sin(2π u₂), ρ = √(−2 ln u₁); an odd last entry uses cos only.
 */
export function fillNormal(rng: Rng, dst: Float32Array | Float64Array, std = 1, mean = 0): void {
  const n = dst.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const u1 = 1 - uniform(rng);
    const u2 = uniform(rng);
    const rho = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    dst[i] = mean + std * rho * Math.cos(th);
    dst[i + 1] = mean + std * rho * Math.sin(th);
  }
  if (i < n) dst[i] = mean + std * normal(rng);
}

/** dst[i] ← lo + (hi − lo)·uniform(), in index order. */
export function fillUniform(rng: Rng, dst: Float32Array | Float64Array, lo: number, hi: number): void {
  const w = hi - lo;
  for (let i = 0; i < dst.length; i++) dst[i] = lo + w * uniform(rng);
}

/** Fisher–Yates shuffle in place: for i = n−1 … 1, swap a[i] with a[randInt(i + 1)]. */
export function shuffle<T>(rng: Rng, a: { length: number; [i: number]: T }): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** dst ← a uniformly random permutation of 0 … dst.length − 1 (identity, then `shuffle`). */
export function permutation(rng: Rng, dst: Uint32Array): Uint32Array {
  for (let i = 0; i < dst.length; i++) dst[i] = i;
  shuffle(rng, dst);
  return dst;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
