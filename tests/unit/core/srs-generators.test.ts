import { describe, it, expect } from 'vitest';
import {
  GENERATOR_IDS,
  generateQuestion,
  generatorProblems,
  questionSeed,
  solveWith,
} from '../../../widgets/core/srs-generators.ts';

/** Each generator against a figure a paper prints (or, where none does, a hand calculation). */
describe('numeric card generators match published figures', () => {
  it('LoRA on W_q, W_v: GPT-3 175B 18.9M at r=4 and 37.7M at r=8; RoBERTa 0.3M and 0.8M (LoRA Tables 2, 4, 5)', () => {
    expect(solveWith('lora-qv-params', { L: 96, h: 12288, r: 4 })).toBe(18_874_368);
    expect(solveWith('lora-qv-params', { L: 96, h: 12288, r: 8 })).toBe(37_748_736);
    expect(solveWith('lora-qv-params', { L: 12, h: 768, r: 8 })).toBe(294_912);
    expect(solveWith('lora-qv-params', { L: 24, h: 1024, r: 8 })).toBe(786_432);
  });
  it('one matrix: r·(d_in + d_out) (4096×4096 at r = 16 is 131,072)', () => {
    expect(solveWith('lora-matrix-params', { d: 4096, k: 4096, r: 16 })).toBe(131_072);
  });
  it('GQA: LLaMA-2 70B (kv 1024) q,k,v,o at r = 16 over 80 layers', () => {
    expect(solveWith('lora-gqa-params', { L: 80, h: 8192, kv: 1024, r: 16 })).toBe(
      80 * (2 * 16 * 16384 + 2 * 16 * 9216),
    );
  });
  it('GPT-3 LoRA trains about 10,000 times fewer parameters (LoRA §1): share ≈ 0.011%', () => {
    const pct = solveWith('trainable-fraction', { L: 96, h: 12288, V: 50257, r: 4 });
    expect(100 / pct).toBeGreaterThan(8000);
    expect(100 / pct).toBeLessThan(12000);
  });
  it('GPT-3 r = 4 adapter file ≈ 35 MB (LoRA §4.2: 350 GB → 35 MB)', () => {
    expect(solveWith('adapter-file-size', { L: 96, h: 12288, r: 4 })).toBeCloseTo(37.75, 1);
  });
  it('full fine-tuning of 7.5B parameters holds 120 GB of model state (ZeRO §3.1)', () => {
    expect(solveWith('full-ft-memory', { P: 7.5 })).toBe(120);
  });
  it('LoRA state: 7B fp16 base + 20M adapter parameters = 14.32 GB', () => {
    expect(solveWith('lora-state-memory', { P: 7, T: 20 })).toBeCloseTo(14.32, 6);
  });
  it('QLoRA: a 65B base in NF4 fits under 48 GB; double quantisation saves ≈ 3 GB (QLoRA abstract, §3)', () => {
    const base = solveWith('qlora-base-memory', { P: 65 });
    expect(base).toBeGreaterThan(32.5);
    expect(base).toBeLessThan(48);
    expect(solveWith('double-quant-saving', { P: 65 })).toBeCloseTo(3.03, 1);
    expect(solveWith('quantized-weights', { P: 65, b: 16 })).toBe(130);
  });
  it('DoRA on LLaMA-7B, r = 32 on q, k, v, up, down: 0.84% of 6.74B (DoRA Table 1)', () => {
    const per = (d: number, k: number) => solveWith('dora-params', { d, k, r: 32 });
    const layer = 3 * per(4096, 4096) + per(11008, 4096) + per(4096, 11008);
    const pct = (100 * 32 * layer) / 6.74e9; // printed as 0.84 (two decimals, truncated)
    expect(pct).toBeGreaterThanOrEqual(0.84);
    expect(pct).toBeLessThan(0.85);
  });
  it('VeRA on RoBERTa: 43K (base, r = 1024) and 61K (large, r = 256) (VeRA Table 2)', () => {
    expect(solveWith('vera-params', { L: 12, h: 768, r: 1024 })).toBe(43_008);
    expect(solveWith('vera-params', { L: 24, h: 1024, r: 256 })).toBe(61_440);
  });
  it('rsLoRA γ = α/√r and keeping α/r when the rank changes', () => {
    expect(solveWith('rslora-scale', { alpha: 16, r: 256 })).toBe(1);
    expect(solveWith('alpha-for-new-rank', { r1: 8, alpha: 16, r2: 64 })).toBe(128);
  });
  it('prefix tuning on GPT-2 Medium, prefix 10: about 0.1% of 345M (Li & Liang §7)', () => {
    const n = solveWith('prefix-params', { L: 24, n: 10, h: 1024 });
    expect(n).toBe(491_520);
    expect(n / 345e6).toBeLessThan(0.002);
  });
  it('merge cost, unmerged overhead, compression, activations, adapters in memory, GPUs: hand calculations', () => {
    expect(solveWith('merge-macs', { d: 4096, k: 4096, r: 8 })).toBe(134_217_728);
    expect(solveWith('unmerged-overhead', { d: 4096, k: 4096, r: 8 })).toBeCloseTo(0.390625, 9);
    expect(solveWith('lowrank-compression', { d: 4096, k: 4096, r: 8 })).toBe(256);
    // GPT-3 layer at s = 2048 (Korthikanti eq. 1): 34·s·h + 5·a·s² bytes.
    expect(solveWith('activation-memory', { s: 2048, b: 1, h: 12288, a: 96 })).toBeCloseTo(
      (34 * 2048 * 12288 + 5 * 96 * 2048 ** 2) / 1e9,
      9,
    );
    expect(solveWith('adapters-in-memory', { free: 8, L: 32, h: 4096, r: 8 })).toBe(
      Math.floor((8 * 2 ** 30) / (2 * 32 * 2 * 8 * 8192)),
    );
    expect(solveWith('gpus-for-full-ft', { P: 70 })).toBe(14);
    expect(solveWith('ia3-params', { L: 24, h: 1024, ff: 4096 })).toBe(24 * 6144);
    expect(solveWith('bottleneck-adapter-params', { L: 12, h: 768, m: 64 })).toBe(12 * 2 * (2 * 768 * 64 + 768 + 64));
    expect(solveWith('absmax-int8', { x: 0.31, c: 2 })).toBe(20);
    expect(solveWith('svd-energy', { s1: 10, s2: 5, s3: 2, s4: 1 })).toBeCloseTo((100 * 125) / 130, 9);
    expect(solveWith('eckart-young-error', { s1: 12, s2: 3, s3: 4 })).toBe(5);
  });
});

describe('drawing questions', () => {
  it('every generator draws finite answers with a worked solution', () => {
    for (const id of GENERATOR_IDS) {
      for (let n = 0; n < 20; n++) {
        const q = generateQuestion(id, undefined, questionSeed(`deck:${id}`, n));
        expect(Number.isFinite(q.answer), `${id} #${n}`).toBe(true);
        expect(q.steps.length, id).toBeGreaterThan(0);
        expect(q.givens, id).toMatch(/=/);
      }
    }
  });
  it('the same card and review count draw the same question; the next review draws another', () => {
    const key = 'lora-peft:params-one-matrix';
    const q0 = generateQuestion('lora-matrix-params', undefined, questionSeed(key, 0));
    expect(generateQuestion('lora-matrix-params', undefined, questionSeed(key, 0))).toEqual(q0);
    const next = [1, 2, 3, 4, 5].map(
      (n) => generateQuestion('lora-matrix-params', undefined, questionSeed(key, n)).givens,
    );
    expect(next.some((g) => g !== q0.givens)).toBe(true);
    expect(new Set([q0.givens, ...next]).size).toBeGreaterThanOrEqual(4);
  });
  it('params narrow the draw: a fixed value, or a list of choices', () => {
    for (let n = 0; n < 10; n++) {
      const q = generateQuestion('lora-matrix-params', { d: 4096, r: [8, 16] }, n);
      expect(q.values.d).toBe(4096);
      expect([8, 16]).toContain(q.values.r);
    }
  });
  it('names unknown generators and bad params', () => {
    expect(generatorProblems('nope', undefined)[0]).toMatch(/^unknown generator "nope" \(known: lora-matrix-params/);
    expect(generatorProblems('lora-matrix-params', { rank: 4 })[0]).toMatch(
      /has no parameter "rank" \(it takes: d, k, r\)/,
    );
    expect(generatorProblems('lora-matrix-params', { r: [] })[0]).toMatch(/must be a number or a non-empty list/);
    expect(generatorProblems('lora-matrix-params', { r: [4, 8] })).toEqual([]);
    expect(() => generateQuestion('nope', undefined, 1)).toThrow(RangeError);
  });
});
