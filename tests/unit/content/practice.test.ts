import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loraParams, totalParams, type ModelDims } from '../../../widgets/core/peft-cost.ts';
import { PRESETS } from '../../../widgets/peft-calculator/presets.ts';

/**
 * Issue 15: the practical half of the track. Figures read from the sources are pinned here, and
 * every number the lessons derive by arithmetic is recomputed, so a later edit cannot drift.
 */
const read = (slug: string) => readFileSync(`content/lessons/${slug}.mdx`, 'utf8');
const practice = read('lora-in-practice');
const variants = read('lora-variants');
const deck = parseYaml(readFileSync('content/decks/lora-in-practice.yaml', 'utf8')) as {
  lesson: string;
  cards: { id: string; back: string }[];
};

describe('lora-in-practice', () => {
  it('states PEFT v0.15 LoraConfig defaults as the source has them', () => {
    for (const row of [
      '| `r` | 8 |',
      '| `lora_alpha` | 8 |',
      '| `lora_dropout` | 0.0 |',
      '| `target_modules` | `None` |',
      '| `bias` | `"none"` |',
      '| `init_lora_weights` | `True` |',
    ]) {
      expect(practice).toContain(row);
    }
    expect(practice).toContain('PEFT v0.15');
  });

  it('names every add_weighted_adapter combination type, svd as the default', () => {
    for (const t of ['svd', 'linear', 'cat', 'ties', 'ties_svd', 'dare_ties', 'dare_linear', 'dare_ties_svd', 'dare_linear_svd', 'magnitude_prune', 'magnitude_prune_svd']) {
      expect(practice).toContain(`\`${t}\``);
    }
    expect(practice).toContain('`svd` (the default)');
  });

  it('compute per token: 6N against 4N, a 1.5 bound, 1.33 with checkpointing and in Hu et al.', () => {
    expect(practice).toContain('$6N / 4N = 1.5$');
    expect(6 / 4).toBe(1.5);
    expect(practice).toContain('$8N/6N \\approx 1.33$');
    expect(8 / 6).toBeCloseTo(1.33, 2);
    expect(43.1 / 32.5).toBeCloseTo(1.33, 2);
    expect(practice).toContain('<Cite id="kaplan2020" at="§2.1" />');
  });

  it('Mixtral: 46.70B total and 12.88B active from Mistral 7B shapes, the paper’s 47B and 13B', () => {
    const h = 4096;
    const attn = 2 * h * h + 2 * h * 1024;
    const expert = 3 * h * 14336;
    const router = h * 8;
    const embed = 2 * 32000 * h;
    expect(attn).toBe(41_943_040);
    expect(expert).toBe(176_160_768);
    expect(8 * expert).toBe(1_409_286_144);
    const total = 32 * (attn + 8 * expert + router) + embed;
    // The router runs for every token, so it counts as active too (the key equation says so).
    const active = 32 * (attn + 2 * expert + router) + embed;
    expect((total / 1e9).toFixed(2)).toBe('46.70');
    expect((active / 1e9).toFixed(2)).toBe('12.88');
    expect(practice).toContain('46.70B in total');
    expect(practice).toContain('12.88B active');
  });

  it('Llama 3 8B figures agree with the preset the calculator uses', () => {
    const m = PRESETS.find((p) => p.id === 'llama3-8b') as ModelDims;
    expect(totalParams(m)).toBe(8_029_995_008);
    expect(practice).toContain('8,029,995,008');
    expect(m.vocab * m.dModel).toBe(525_336_576);
    expect(practice).toContain('$128{,}256 \\times 4{,}096 = 525{,}336{,}576$');
    // Both full matrices in bf16, and the q,v adapter at r = 16 in fp16.
    expect((2 * 2 * m.vocab * m.dModel) / 1e9).toBeCloseTo(2.1, 1);
    expect((2 * 32 * 16 * (4096 + 4096 + 4096 + 1024)) / 1e6).toBeCloseTo(13.6, 1);
    expect((6 * 8.03e9) / 1e10).toBeCloseTo(4.8, 1);
    expect((4 * 8.03e9) / 1e10).toBeCloseTo(3.2, 1);
  });

  it('places the calculator with a new preset and the default targets q,v', () => {
    expect(practice).toMatch(/<PeftCalculator model="llama3-8b" rank="16" targets="q,v" \/>/);
  });

  it('places the calculator on Mixtral in the MoE worked example, with the figures the preset gives', () => {
    const moe = practice.slice(practice.indexOf('**Mixture of experts.**'), practice.indexOf('### Distributed PEFT'));
    expect(moe).toMatch(/<PeftCalculator model="mixtral-8x7b" rank="16" targets="q,v" \/>/);
    const m = PRESETS.find((p) => p.id === 'mixtral-8x7b') as ModelDims;
    expect(totalParams(m)).toBe(46_702_526_464);
    expect(loraParams(m, 16, ['q', 'v'])).toBe(6_815_744);
    expect(moe).toContain('$32 \\times 16 \\times (8192 + 5120) = 6{,}815{,}744$');
    expect(loraParams(m, 16, ['up'])).toBe(8 * 32 * 16 * (4096 + 14_336));
    expect(practice).toContain('P_{\\text{active}} = P_{\\text{attn}} + k\\,P_{\\text{expert}} + d_{model}E');
  });

  it('has its own deck of at least 12 cards, linked to the lesson', () => {
    expect(deck.lesson).toBe('lora-in-practice');
    expect(deck.cards.length).toBeGreaterThanOrEqual(12);
    expect(deck.cards.find((c) => c.id === 'flops-6n-4n')?.back).toContain('1.5');
  });

  it('DPO with LoRA: the reference is the adapter-disabled model, cited to TRL', () => {
    expect(practice).toContain('<Cite id="trl-src" at="trainer/dpo_trainer.py, null_ref_context" />');
    expect(practice).toContain('`ref_adapter_name`');
  });
});

describe('section labels checked against the papers', () => {
  // Each was read in the source: Kaplan §2.1 "Parameter and Compute Scaling of Transformers" (C ≈ 6N);
  // ZeRO §5 "Deep Dive into ZeRO-DP" (P_os, P_g, P_p); rsLoRA §3 "rsLoRA: Rank-Stabilized Adapters"
  // (Theorem 3.2); DoRA §3 "Pattern Analysis of LoRA and FT", §4 "Method" with Eq. (5); AdaLoRA §3
  // "AdaLoRA Method" (SVD-based adaptation, importance-aware rank allocation); Llama 3 Table 3
  // (8B/70B: 32/80 layers, 4096/8192 wide, FFN 14,336/28,672, 32/64 heads, 8 KV heads).
  it.each([
    ['kaplan2020', '§2.1', practice],
    ['rajbhandari2019', '§5', practice],
    ['llama3', 'Table 3', practice],
    ['kalajdzievski2023', '§3', variants],
    ['liu2024', '§3', variants],
    ['liu2024', '§4, Eq. 5', variants],
    ['zhang2023', '§3', variants],
  ])('<Cite id="%s" at="%s" />', (id, at, text) => {
    expect(text).toContain(`<Cite id="${id}" at="${at}" />`);
  });

  it('Llama 3 70B preset: Table 3 dimensions, 8 KV heads of 128, the config’s 128,256 vocabulary', () => {
    const m = PRESETS.find((p) => p.id === 'llama3-70b') as ModelDims;
    expect([m.dModel, m.layers, m.dFf, m.heads, m.kvDim, m.vocab]).toEqual([8192, 80, 28672, 64, 8 * 128, 128256]);
  });
});

describe('lora-variants mechanisms', () => {
  it('explains why rsLoRA, DoRA and AdaLoRA work and what each costs unmerged', () => {
    expect(variants).toContain('### Why they work: the arguments behind rsLoRA, DoRA and AdaLoRA');
    expect(variants).toContain('### What each costs at serving time');
    expect(variants).toMatch(/order \$1\/\\sqrt r\$/);
  });
});
