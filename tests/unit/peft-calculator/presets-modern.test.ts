/**
 * Issue 15: the modern presets (Llama 3 8B and 70B, grouped-query attention) priced through the
 * same core functions `<peft-calculator>` calls, checked against the published parameter counts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS, computePeftCost, loraParams, matrixShape, totalParams } from '../../../widgets/core/peft-cost.ts';
import { parsePeftInput } from '../../../widgets/core/peft-input.ts';
import { PRESETS } from '../../../widgets/peft-calculator/presets.ts';

const preset = (id: string) => {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`no preset ${id}`);
  return p;
};

describe('Llama 3 presets', () => {
  // Totals leave out the RMSNorm weights, (2L + 1)·d_model of them, as every LLaMA-family preset does.
  it.each([
    // id, ours (exact), Hugging Face count (norms included), nominal size in the model's name
    ['llama3-8b', 8_029_995_008, 8_030_261_248, 8.03e9],
    ['llama3-70b', 70_552_387_584, 70_553_706_496, 70.6e9],
  ])('%s has %i parameters, the published count less its norm weights', (id, exact, hf, nominal) => {
    const m = preset(id);
    const n = totalParams(m);
    expect(n).toBe(exact);
    expect(n + (2 * m.layers + 1) * m.dModel).toBe(hf);
    expect(Math.abs(n - nominal) / nominal).toBeLessThan(0.001);
  });

  it('narrow k and v to 8 KV heads × 128 under grouped-query attention', () => {
    for (const id of ['llama3-8b', 'llama3-70b']) {
      const m = preset(id);
      expect(m.kvDim).toBe(8 * 128);
      expect(m.dModel / m.heads).toBe(128);
      expect(matrixShape(m, 'k')).toEqual({ dOut: 1024, dIn: m.dModel });
      expect(matrixShape(m, 'q')).toEqual({ dOut: m.dModel, dIn: m.dModel });
    }
  });

  it('price the lesson’s worked example: r = 16 on q and v of Llama 3 8B', () => {
    const m = preset('llama3-8b');
    // q: 16·(4096 + 4096) = 131,072; v: 16·(4096 + 1024) = 81,920; per layer 212,992; × 32.
    expect(loraParams(m, 16, ['q', 'v'])).toBe(6_815_744);
    // All seven projections at r = 16: attention 16·(2·8192 + 2·5120), MLP 3·16·(4096 + 14336).
    expect(loraParams(m, 16, ['q', 'k', 'v', 'o', 'gate', 'up', 'down'])).toBe(41_943_040);
  });

  it('go through the element’s parser with the default targets q,v', () => {
    const { value, errors } = parsePeftInput({ model: 'llama3-70b', rank: '8' }, PRESETS);
    expect(errors).toEqual([]);
    expect(value.targets).toEqual(DEFAULTS.targets);
    const result = computePeftCost(value);
    expect(result.totalParams).toBe(70_552_387_584);
    // q: 8·16384, v: 8·9216, over 80 layers.
    expect(result.trainableParams).toBe(80 * 8 * (16384 + 9216));
    expect(result.adapterBytes).toBe(2 * result.trainableParams);
  });

  it('keep the calculator’s default model and targets', () => {
    expect(DEFAULTS.model).toBe('llama2-7b');
    expect(DEFAULTS.targets).toEqual(['q', 'v']);
  });
});
