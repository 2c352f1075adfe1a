/**
 * Issue 15: a mixture-of-experts model (Mixtral 8x7B: 8 SwiGLU experts per layer, top-2 routing)
 * priced through the same core functions `<peft-calculator>` calls. The paper (Jiang et al. 2024,
 * arXiv:2401.04088) gives "47B" parameters with "13B active"; every other figure here is worked by
 * hand from the dimensions (d_model 4096, 32 layers, d_ff 14336, k/v width 1024, vocab 32000).
 */
import { describe, expect, it } from 'vitest';
import {
  activationBytes,
  blockParams,
  computePeftCost,
  expertCounts,
  loraParams,
  quantConstantBytes,
  totalParams,
  type ModelDims,
} from '../../../widgets/core/peft-cost.ts';
import { parsePeftInput } from '../../../widgets/core/peft-input.ts';
import { PRESETS } from '../../../widgets/peft-calculator/presets.ts';

const preset = (id: string): ModelDims => {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`no preset ${id}`);
  return p;
};

const mixtral = preset('mixtral-8x7b');
const mistral = preset('mistral-7b');

// One layer, by hand.
const ATTENTION = 2 * 4096 * 4096 + 2 * 1024 * 4096; // W_q, W_o; W_k, W_v under GQA: 41,943,040
const EXPERT = 3 * 4096 * 14336; // gate, up, down: 176,160,768
const ROUTER = 4096 * 8; // W_g: 32,768
const EMBEDDINGS = 2 * 32000 * 4096; // untied input and output tables

describe('Mixtral 8x7B preset', () => {
  it('is Mistral 7B’s shape with 8 experts, top-2, and a source for every number', () => {
    const { experts, activeExperts, sources, id, label, ...rest } = PRESETS.find((p) => p.id === 'mixtral-8x7b')!;
    const { sources: _s, id: _i, label: _l, ...mistralDims } = PRESETS.find((p) => p.id === 'mistral-7b')!;
    expect(rest).toEqual(mistralDims);
    expect([experts, activeExperts]).toEqual([8, 2]);
    expect([id, label]).toEqual(['mixtral-8x7b', 'Mixtral 8x7B']);
    expect(sources.map((s) => s.url)).toEqual([
      'https://arxiv.org/abs/2401.04088',
      'https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json',
    ]);
  });

  it('has 46.7B parameters, 12.9B of them active per token (paper: 47B and 13B)', () => {
    const total = totalParams(mixtral);
    expect(total).toBe(32 * (ATTENTION + 8 * EXPERT + ROUTER) + EMBEDDINGS);
    expect(total).toBe(46_702_526_464);
    // Hugging Face counts the RMSNorm weights too, (2L + 1)·d_model: 46,702,792,704.
    expect(total + (2 * 32 + 1) * 4096).toBe(46_702_792_704);
    const r = computePeftCost({ ...parsePeftInput({ model: 'mixtral-8x7b' }, PRESETS).value });
    expect(r.totalParams).toBe(total);
    expect(r.activeParams).toBe(32 * (ATTENTION + 2 * EXPERT + ROUTER) + EMBEDDINGS);
    expect(r.activeParams).toBe(12_879_659_008);
    expect(Math.abs(total - 47e9) / 47e9).toBeLessThan(0.01);
    expect(Math.abs(r.activeParams - 13e9) / 13e9).toBeLessThan(0.01);
  });

  it('LoRA on attention trains what it trains on Mistral 7B; on the MLP, one A and B per expert', () => {
    // q, v at r = 16: 16·(4096 + 4096) + 16·(4096 + 1024) per layer = 6,815,744 in all.
    expect(loraParams(mixtral, 16, ['q', 'v'])).toBe(32 * (16 * 8192 + 16 * 5120));
    expect(loraParams(mixtral, 16, ['q', 'v'])).toBe(6_815_744);
    expect(loraParams(mixtral, 16, ['q', 'v'])).toBe(loraParams(mistral, 16, ['q', 'v']));
    for (const t of ['gate', 'up', 'down'] as const) {
      expect(loraParams(mixtral, 8, [t])).toBe(8 * loraParams(mistral, 8, [t]));
      expect(loraParams(mixtral, 8, [t], true)).toBe(2 * loraParams(mistral, 8, [t]));
    }
    // All seven at r = 8: 212,992 attention + 8 × 442,368 per layer.
    expect(loraParams(mixtral, 8, ['q', 'k', 'v', 'o', 'gate', 'up', 'down'])).toBe(32 * (212_992 + 8 * 442_368));
  });

  it('multiply-adds per token count the 2 routed experts and the router, not all 8', () => {
    const r = computePeftCost({ ...parsePeftInput({ model: 'mixtral-8x7b', targets: 'q,v,up' }, PRESETS).value });
    const merged = 32 * (ATTENTION + 2 * EXPERT + ROUTER);
    expect(r.flopsPerToken.merged).toBe(merged);
    expect(blockParams(mixtral, true)).toBe(merged);
    // r = 8 (default): q and v once, up for the 2 experts a token passes through.
    const perToken = 32 * (8 * 8192 + 8 * 5120 + 2 * 8 * (14336 + 4096));
    expect(r.flopsPerToken.unmerged - merged).toBe(perToken);
    expect(r.trainableParams).toBe(32 * (8 * 8192 + 8 * 5120 + 8 * 8 * (14336 + 4096)));
  });

  it('memory holds all 8 experts; activations count the MLP’s 19·s·b·h twice (top-2)', () => {
    const r = computePeftCost({ ...parsePeftInput({ model: 'mixtral-8x7b' }, PRESETS).value });
    expect(r.memory.full.weights).toBe(2 * totalParams(mixtral));
    expect(r.memory.lora.weights).toBe(2 * totalParams(mixtral) + 2 * r.trainableParams);
    const [s, b, h] = [512, 1, 4096];
    expect(activationBytes(mixtral, s, b, false) - activationBytes(mistral, s, b, false)).toBe(32 * 19 * s * b * h);
    // 8-bit: one fp32 scale per output row, 8 copies of each expert matrix, plus the router's 8 rows.
    const rows = 4096 + 1024 + 1024 + 4096 + 8 * (14336 + 14336 + 4096) + 8;
    expect(quantConstantBytes(mixtral, 8)).toBe(4 * rows * 32);
  });

  it('a dense model is E = K = 1, written or not: every figure unchanged', () => {
    for (const p of PRESETS.filter((x) => x.experts === undefined)) {
      expect(expertCounts(p)).toEqual({ experts: 1, active: 1 });
      const input = parsePeftInput({ model: p.id, targets: 'all' }, PRESETS).value;
      const plain = computePeftCost(input);
      expect(plain.activeParams).toBe(plain.totalParams);
      expect(plain.flopsPerToken.merged).toBe(blockParams(p));
      expect(computePeftCost({ ...input, model: { ...p, experts: 1, activeExperts: 1 } })).toEqual(plain);
    }
  });
});

describe('custom experts and active-experts attributes', () => {
  const custom = {
    model: 'custom',
    'd-model': 4096,
    layers: 32,
    'd-ff': 14336,
    'kv-dim': 1024,
    vocab: 32000,
    heads: 32,
  };

  it('rebuild Mixtral from its dimensions', () => {
    const { value, errors } = parsePeftInput({ ...custom, experts: '8', 'active-experts': '2' }, PRESETS);
    expect(errors).toEqual([]);
    expect(value.model.experts).toBe(8);
    expect(value.model.activeExperts).toBe(2);
    expect(totalParams(value.model)).toBe(totalParams(mixtral));
    expect(computePeftCost(value).activeParams).toBe(computePeftCost({ ...value, model: mixtral }).activeParams);
  });

  it('default to a dense MLP, and to top-2 (or all, when fewer) once there are experts', () => {
    const dense = parsePeftInput(custom, PRESETS).value.model;
    expect(dense.experts).toBeUndefined();
    expect(totalParams(dense)).toBe(totalParams(mistral));
    expect(parsePeftInput({ ...custom, experts: 16 }, PRESETS).value.model).toMatchObject({
      experts: 16,
      activeExperts: 2,
    });
    expect(parsePeftInput({ ...custom, experts: 1, 'active-experts': 1 }, PRESETS).value.model.experts).toBeUndefined();
  });

  it('reject what is not a whole number in range, naming the attribute and the fallback', () => {
    const bad = parsePeftInput({ ...custom, experts: '0' }, PRESETS);
    expect(bad.errors.map((e) => e.attribute)).toEqual(['experts']);
    expect(bad.errors[0].message).toMatch(/^experts must be a whole number from 1 to 1024; got "0"\. Using 1/);
    expect(bad.value.model.experts).toBeUndefined();

    const tooMany = parsePeftInput({ ...custom, experts: 8, 'active-experts': 9 }, PRESETS);
    expect(tooMany.errors.map((e) => e.attribute)).toEqual(['active-experts']);
    expect(tooMany.errors[0].message).toMatch(/from 1 to 8; got 9\. At most experts \(8\) are active\. Using 2\./);
    expect(tooMany.value.model.activeExperts).toBe(2);

    for (const v of ['two', '1.5', '', -2]) {
      const r = parsePeftInput({ ...custom, experts: 4, 'active-experts': v }, PRESETS);
      expect(r.errors.map((e) => e.attribute)).toEqual(['active-experts']);
    }
  });
});
