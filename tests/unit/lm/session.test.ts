/**
 * `<lora-lm>`'s model host (widgets/lora-lm/host.ts) on the committed base and corpora, in Node
 * on the WebAssembly kernels: the quality bars of the element, measured where they are decided.
 *  - style: code-adapter samples carry far more `{}();=` than cards-adapter samples (fixed seeds);
 *  - loss: each adapter lowers the held-out loss of its own corpus and raises the other one's;
 *  - merge: the same samples and logits within 1e-4;
 *  - bad input changes nothing.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleKernels } from '../../../scripts/build-wasm.mjs';
import { readSafetensors } from '../../../widgets/core/safetensors.ts';
import { baseParamCount, LM_VOCAB } from '../../../widgets/core/char-lm.ts';
import { LM_MODEL_ID } from '../../../widgets/core/char-lm-format.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import { wasmKernels } from '../../../widgets/wasm/cpu-kernels.ts';
import { LmSession } from '../../../widgets/lora-lm/host.ts';
import { LM_BASE_CONFIG } from '../../../scripts/lib/lm-pretrain.mjs';

const ASSETS = new URL('../../../widgets/lora-lm/assets/', import.meta.url);
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const STEPS = 300;

let session: LmSession;
const punctuation = (s: string): number => (s.match(/[{}();=]/g) ?? []).length / Math.max(1, s.length);

async function newSession(): Promise<LmSession> {
  const kernels = wasmKernels(await WebAssembly.compile(new Uint8Array(await assembleKernels())));
  const s = new LmSession({
    loadKernels: async () => ({ kernels, note: 'WebAssembly SIMD kernels' }),
    fetchBytes: async (url) => new Uint8Array(readFileSync(new URL(url, ASSETS))),
    now: () => performance.now(),
    yieldNow: async () => {},
    sliceMs: 50,
  });
  await s.load({ checkpoint: 'base.safetensors', corpora: { code: 'code.txt', cards: 'cards.txt' } });
  return s;
}

const samples = (adapter: string | null): string[] =>
  SEEDS.map((seed) => session.sample({ adapter, prompt: '', seed, length: 120, temperature: 0.8 }).text);

beforeAll(async () => {
  session = await newSession();
});

describe('the committed checkpoint', () => {
  it('matches the pretraining configuration and stays under 1 MB', () => {
    const bytes = new Uint8Array(readFileSync(new URL('base.safetensors', ASSETS)));
    expect(bytes.length).toBeLessThanOrEqual(1024 * 1024);
    const file = readSafetensors(bytes);
    const { context, embed, hidden, steps, seed } = LM_BASE_CONFIG;
    const V = LM_VOCAB.length + 1;
    expect(file.metadata).toMatchObject({
      model: LM_MODEL_ID,
      vocab: JSON.stringify(LM_VOCAB),
      context: String(context),
      embed: String(embed),
      hidden: String(hidden),
      steps: String(steps),
      seed: String(seed),
    });
    expect([...file.tensors].map(([name, t]) => [name, t.shape])).toEqual([
      ['embed', [V, embed]],
      ['ctx.weight', [hidden, context * embed]],
      ['hidden.weight', [hidden, hidden]],
      ['head.weight', [V, hidden]],
    ]);
    const params = baseParamCount({ vocab: LM_VOCAB, context, embed, hidden });
    expect(bytes.length).toBeGreaterThan(params * 4);
  });
});

describe('adapters on the frozen base', () => {
  let base: { code: number; cards: number };
  let baseSamples: string[];

  beforeAll(async () => {
    base = { code: session.loss(null, 'code'), cards: session.loss(null, 'cards') };
    baseSamples = samples(null);
    await session.train({ adapter: 'code', steps: STEPS, rank: 8, seed: 1 }, () => {});
    await session.train({ adapter: 'cards', steps: STEPS, rank: 8, seed: 1 }, () => {});
  }, 120_000);

  it('an untrained adapter is the base exactly (B = 0)', async () => {
    const fresh = await newSession();
    expect(
      SEEDS.map((seed) => fresh.sample({ adapter: 'code', prompt: '', seed, length: 80, temperature: 0.8 }).text),
    ).toEqual(
      SEEDS.map((seed) => fresh.sample({ adapter: null, prompt: '', seed, length: 80, temperature: 0.8 }).text),
    );
  });

  it('the code adapter writes code punctuation; the cards adapter does not', () => {
    const code = punctuation(samples('code').join(''));
    const cards = punctuation(samples('cards').join(''));
    // Measured: 4.9% of the code adapter's characters are {}();=, 0.3% of the cards adapter's, none of the base's.
    expect(code).toBeGreaterThan(0.02);
    expect(code).toBeGreaterThan(4 * cards);
    const changed = samples('code').filter((s, i) => s !== baseSamples[i]).length;
    expect(changed).toBe(SEEDS.length);
  });

  it('each adapter lowers its own corpus’s loss and raises the other’s', () => {
    // Measured on the committed files (nats/char, held-out; r = 8, 300 steps, seed 1): code
    // 2.87 → 2.56 under the code adapter, → 3.15 under the cards adapter; cards 1.65 → 1.56
    // under the cards adapter, → 2.27 under the code adapter. Seeds 2 and 3 below.
    const fall = (adapter: string, corpus: 'code' | 'cards') => base[corpus] - session.loss(adapter, corpus);
    expect(fall('code', 'code')).toBeGreaterThan(0.2);
    expect(fall('cards', 'cards')).toBeGreaterThan(0.05);
    expect(fall('cards', 'code')).toBeLessThan(-0.1);
    expect(fall('code', 'cards')).toBeLessThan(-0.1);
  });

  it('holds for other seeds: every own fall positive, every cross fall negative', async () => {
    for (const seed of [2, 3]) {
      const s = await newSession();
      await s.train({ adapter: 'code', steps: STEPS, rank: 8, seed }, () => {});
      await s.train({ adapter: 'cards', steps: STEPS, rank: 8, seed }, () => {});
      const fall = (adapter: string, corpus: 'code' | 'cards') => base[corpus] - s.loss(adapter, corpus);
      expect([fall('code', 'code'), fall('cards', 'cards')].every((f) => f > 0.05)).toBe(true);
      expect([fall('cards', 'code'), fall('code', 'cards')].every((f) => f < -0.1)).toBe(true);
    }
  }, 60_000);

  it('merged and unmerged give the same samples, logits within 1e-4', () => {
    session.use('code');
    const before = samples('code');
    const { maxLogitDiff } = session.merge();
    expect(maxLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(samples('code')).toEqual(before);
    expect(session.sample({ adapter: 'code', prompt: '', seed: 1, length: 10, temperature: 1 }).merged).toBe(true);
    // Another model while merged: W₀ for it, the merge redone after.
    expect(samples(null)).toEqual(baseSamples);
    expect(samples('code')).toEqual(before);
    expect(session.unmerge().drift).toBeLessThan(1e-5);
    expect(samples('code')).toEqual(before);
    session.use(null);
  });

  it('bad input: a clear message, and nothing changes', async () => {
    const before = samples('cards');
    const info = session.adapterInfo('cards');
    await expect(session.train({ adapter: 'cards', steps: 0, rank: 8, seed: 1 }, () => {})).rejects.toThrow(
      /steps must be/,
    );
    await expect(session.train({ adapter: 'nope', steps: 5, rank: 8, seed: 1 }, () => {})).rejects.toThrow(
      /unknown adapter/,
    );
    expect(() =>
      session.sample({ adapter: 'cards', prompt: 'naïve → ok', seed: 1, length: 10, temperature: 1 }),
    ).toThrow(/outside the model's vocabulary: "ï", "→"/);
    const foreign = createSession({ rank: 4 }).exportAdapter();
    expect(() => session.importAdapter('cards', foreign)).toThrow(/not for this model/);
    expect(() => session.importAdapter('cards', new Uint8Array([1, 2, 3]))).toThrow();
    expect(session.adapterInfo('cards')).toEqual(info);
    expect(samples('cards')).toEqual(before);
  });

  it('an exported adapter imports under a new name and samples the same', () => {
    const { bytes, info } = session.exportAdapter('code');
    const imported = session.importAdapter('code copy', bytes);
    expect(imported).toMatchObject({ rank: info.rank, trainableParams: info.trainableParams, steps: 0 });
    expect(samples('code copy')).toEqual(samples('code'));
  });
});
