import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

/** Issue 14: figures checked against their primary sources, pinned so a later edit cannot revert them. */
const read = (slug: string) => readFileSync(`content/lessons/${slug}.mdx`, 'utf8');
const deck = (slug: string) => readFileSync(`content/decks/${slug}.yaml`, 'utf8');

describe('issue 14 corrections', () => {
  it('no lesson or card says an unmerged adapter runs "in parallel with W0"', () => {
    for (const slug of ['lora-peft', 'peft-family', 'serving-adapters']) {
      expect(read(slug)).not.toMatch(/computed in parallel with \$W_0\$|computed in parallel;/);
    }
    expect(deck('lora-peft')).not.toContain('in parallel with');
  });

  it('LoRA Table 1: the Fine-Tune/LoRA row is the merged model, 19.8 ms at batch 1', () => {
    const text = read('lora-peft');
    expect(text).toContain('"Fine-Tune/LoRA" row');
    expect(text).toContain('19.8 ms');
    expect(deck('lora-peft')).toMatch(/Fine-Tune row \(merged, 19\.8 ms at batch 1\)/);
  });

  it('"Exactly one factor must start at zero" is gone; the requirement is stated', () => {
    expect(read('lora-peft')).not.toContain('Exactly one factor must start at zero');
    expect(read('lora-peft')).toContain('equals the base at step 0');
  });

  it('S-LoRA: 4 times vLLM-packed and 30 times PEFT, stated once with its table; lora-peft links there', () => {
    expect(read('serving-adapters')).toContain('up to 4 times that of vLLM-packed');
    expect(read('serving-adapters')).toContain('up to 30 times');
    expect(read('serving-adapters')).toContain('at="§7, Table 3"');
    expect(read('lora-peft')).not.toMatch(/4 times the throughput/);
    expect(read('lora-peft')).toContain('(../serving-adapters/#many-adapters-in-one-batch)');
  });

  it('Llama 13B on a T4: all of the docs\' conditions, gradient accumulation included', () => {
    expect(read('qlora')).toContain('sequence length 1024, batch size 1 and gradient accumulation over 4 steps');
    expect(deck('qlora')).toContain('gradient accumulation over 4 steps');
  });

  it('training speed: 43.1 vs 32.5 tokens/s is 1.33x throughput, 25% less time per token', () => {
    const text = read('lora-peft');
    expect(text).not.toContain('Training also ran 25% faster, 43.1');
    expect(text).toContain('43.1 / 32.5 \\approx 1.33');
    expect(43.1 / 32.5).toBeCloseTo(1.33, 2);
    expect(1 - 32.5 / 43.1).toBeCloseTo(0.25, 1);
  });

  it('QLoRA merge: into the dequantised base, not the original fp16 weights, citing the PEFT discussion', () => {
    const q = read('qlora');
    expect(q).not.toContain('merge into a 16-bit copy of the base');
    expect(q).not.toContain('reload the base in 16 bits, merge there');
    expect(q).toContain('W - \\mathrm{dequant}(Q)');
    expect(q).toContain('<Cite id="peft-merge-q"');
    expect(read('lora-peft')).toContain('<Cite id="peft-merge-q"');
    expect(read('lora-peft')).not.toContain('Reload the base in 16-bit, merge there');
  });
});
