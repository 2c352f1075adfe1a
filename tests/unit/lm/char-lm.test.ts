/**
 * The character model (widgets/core/char-lm*.ts) on tiny shapes: tokens, gradients against
 * central differences, merge vs unmerge, seeded sampling, the checkpoint and adapter files.
 */
import { describe, expect, it } from 'vitest';
import {
  applyAdapter,
  contextFeatures,
  corpusSegments,
  createCharLm,
  createLmAdapter,
  decode,
  encode,
  encodeCorpus,
  evalWorkspace,
  logitsAt,
  meanLoss,
  mergeAdapter,
  sample,
  unmergeAdapter,
  VocabularyError,
  type CharLm,
  type CharLmShape,
  type LmLayerName,
} from '../../../widgets/core/char-lm.ts';
import { AdapterTrainer, heldOutPositions, Pretrainer } from '../../../widgets/core/char-lm-train.ts';
import {
  exportLmAdapter,
  importLmAdapter,
  readCheckpoint,
  writeCheckpoint,
} from '../../../widgets/core/char-lm-format.ts';
import { copy, zeros, type Matrix } from '../../../widgets/core/matrix.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { relError } from '../core/helpers.ts';

const TINY: CharLmShape = { vocab: 'ab c\n', context: 3, embed: 2, hidden: 5 };
const TEXT = ['ab c ab', 'c ba\nab', 'aab cc', 'b a b c a'];

function tinyModel(seed = 1): { lm: CharLm; tokens: Uint8Array } {
  return { lm: createCharLm(TINY, seed), tokens: encodeCorpus(TINY, TEXT) };
}

/** Central difference of `f` at each entry of `x`, with step h. */
function numericGrad(x: Float32Array, f: () => number, h = 1e-2): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + h;
    const up = f();
    x[i] = v - h;
    const down = f();
    x[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

describe('tokens', () => {
  it('encodes and decodes, ⟂ between segments, context stops at ⟂', () => {
    const t = encode(TINY, 'ab c');
    expect(Array.from(t)).toEqual([1, 2, 3, 4]);
    expect(decode(TINY, [0, ...t, 0])).toBe('ab c');
    const corpus = encodeCorpus(TINY, ['ab', 'c']);
    expect(Array.from(corpus)).toEqual([0, 1, 2, 0, 4, 0]);
    const lm = createCharLm(TINY, 3);
    const X = zeros(1, TINY.context * TINY.embed);
    contextFeatures(lm, corpus, 4, X, 0); // target 'c' after ⟂: context ⟂ ⟂ ⟂
    const e0 = Array.from(lm.E.data.subarray(0, 2));
    expect(Array.from(X.data)).toEqual([...e0, ...e0, ...e0]);
    contextFeatures(lm, corpus, 2, X, 0); // target 'b': context ⟂ ⟂ a
    expect(Array.from(X.data.subarray(4))).toEqual(Array.from(lm.E.data.subarray(2, 4)));
  });

  it('names every character outside the vocabulary', () => {
    expect(() => encode(TINY, 'abzé')).toThrow(VocabularyError);
    expect(() => encode(TINY, 'abzé')).toThrow(/"z", "é"/);
  });

  it('reads corpus files back into segments', () => {
    expect(corpusSegments('one line\n\ntwo\nlines\n')).toEqual(['one line', 'two\nlines']);
  });
});

describe('gradients against central differences', () => {
  const rows = new Uint32Array([1, 3, 5, 9, 12, 20, 25, 30]);

  it('pretraining: ∂L/∂E and ∂L/∂W of every layer', () => {
    const { lm, tokens } = tinyModel(5);
    const pre = new Pretrainer(lm, { steps: 1, batch: rows.length, lr: 0, seed: 1 });
    pre.gradients(tokens, rows);
    const analytic = pre.grads.map((g) => Float64Array.from(g));
    const params = [lm.E.data, ...lm.layers.map((l) => l.W.data)];
    const probe = new Pretrainer(lm, { steps: 1, batch: rows.length, lr: 0, seed: 1 });
    params.forEach((p, i) => {
      const numeric = numericGrad(p, () => probe.gradients(tokens, rows));
      expect(relError(analytic[i], numeric)).toBeLessThan(2e-3);
    });
  });

  it('an adapter: ∂L/∂A and ∂L/∂B of every layer, the base frozen', () => {
    const { lm, tokens } = tinyModel(6);
    const ad = createLmAdapter(lm, 2, 4, 9);
    // B = 0 makes ∂L/∂A zero: give B values so both gradients are exercised.
    for (const n of ['ctx', 'hidden', 'head'] as LmLayerName[])
      fillNormal(createRng(n.length), ad.layers[n].B.data, 0.3);
    applyAdapter(lm, ad);
    const tr = new AdapterTrainer(lm, ad, 0, rows.length, 1);
    tr.gradients(tokens, rows);
    const analytic = tr.grads.map((g) => Float64Array.from(g));
    const params = (['ctx', 'hidden', 'head'] as LmLayerName[]).flatMap((n) => [
      ad.layers[n].A.data,
      ad.layers[n].B.data,
    ]);
    expect(tr.trainableParams).toBe(params.reduce((a, p) => a + p.length, 0));
    params.forEach((p, i) => {
      const numeric = numericGrad(p, () => tr.gradients(tokens, rows));
      expect(relError(analytic[i], numeric)).toBeLessThan(2e-3);
    });
  });
});

describe('merge, unmerge and sampling', () => {
  function trainedAdapter(): { lm: CharLm; pristine: Record<LmLayerName, Matrix>; tokens: Uint8Array } {
    const { lm, tokens } = tinyModel(7);
    const pristine = {} as Record<LmLayerName, Matrix>;
    for (const l of lm.layers) pristine[l.name as LmLayerName] = copy(l.W);
    const ad = createLmAdapter(lm, 2, 4, 3);
    applyAdapter(lm, ad);
    const tr = new AdapterTrainer(lm, ad, 0.05, 8, 4);
    for (let i = 0; i < 30; i++) tr.trainStep(tokens);
    return { lm, pristine, tokens };
  }

  it('merged logits equal unmerged within 1e-4, the same samples, and W₀ comes back exactly', () => {
    const { lm, pristine, tokens } = trainedAdapter();
    const positions = new Uint32Array(Array.from({ length: 20 }, (_, i) => i + 1));
    const before = copy(logitsAt(lm, tokens, positions, evalWorkspace(lm, 20)));
    const opts = { prompt: 'ab', seed: 11, length: 40, temperature: 1 };
    const unmerged = sample(lm, opts);
    mergeAdapter(lm);
    const after = logitsAt(lm, tokens, positions, evalWorkspace(lm, 20));
    let diff = 0;
    for (let i = 0; i < after.data.length; i++) diff = Math.max(diff, Math.abs(after.data[i] - before.data[i]));
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(diff).toBeGreaterThan(0); // the merged path really is another computation
    expect(sample(lm, opts)).toBe(unmerged);
    expect(() => applyAdapter(lm, null)).toThrow(/unmerge/);
    expect(unmergeAdapter(lm, pristine)).toBeLessThan(1e-5);
    lm.layers.forEach((l) => expect(Array.from(l.W.data)).toEqual(Array.from(pristine[l.name as LmLayerName].data)));
    expect(sample(lm, opts)).toBe(unmerged);
  });

  it('samples are a function of seed and temperature', () => {
    const { lm } = trainedAdapter();
    const s = (seed: number, temperature: number) => sample(lm, { prompt: '', seed, length: 60, temperature });
    expect(s(1, 1)).toBe(s(1, 1));
    const bySeed = new Set([1, 2, 3, 4, 5].map((seed) => s(seed, 1.2)));
    expect(bySeed.size).toBeGreaterThan(1);
    expect(s(1, 0)).toBe(s(2, 0)); // τ = 0: the most likely character, whatever the seed
    expect(s(1, 0.8)).not.toBe(s(1, 1.5));
    expect(() => sample(lm, { prompt: 'x', seed: 1, length: 5, temperature: 1 })).toThrow(VocabularyError);
    expect(() => sample(lm, { prompt: '', seed: 1, length: 5, temperature: -1 })).toThrow(/temperature/);
  });
});

describe('files', () => {
  it('a checkpoint round-trips bit for bit', () => {
    const { lm, tokens } = tinyModel(8);
    const bytes = writeCheckpoint(lm, { steps: '0' });
    const back = readCheckpoint(bytes);
    expect(back.lm.shape).toEqual(TINY);
    expect(Array.from(back.lm.E.data)).toEqual(Array.from(lm.E.data));
    expect(writeCheckpoint(back.lm, { steps: '0' })).toEqual(bytes);
    const pos = heldOutPositions(tokens, 10);
    expect(meanLoss(back.lm, tokens, pos)).toBe(meanLoss(lm, tokens, pos));
  });

  it('an adapter round-trips through the PEFT zip; another model’s adapter is refused', () => {
    const { lm } = tinyModel(9);
    const ad = createLmAdapter(lm, 2, 8, 1);
    fillNormal(createRng(2), ad.layers.head.B.data);
    const back = importLmAdapter(lm, exportLmAdapter(ad));
    expect(back.r).toBe(2);
    expect(back.alpha).toBe(8);
    expect(Array.from(back.layers.head.B.data)).toEqual(Array.from(ad.layers.head.B.data));
    const trainerZip = createSession({ rank: 2 }).exportAdapter();
    expect(() => importLmAdapter(lm, trainerZip)).toThrow(/trained for .*not for this model/);
    const other = createCharLm({ ...TINY, hidden: 6 }, 1);
    expect(() => importLmAdapter(lm, exportLmAdapter(createLmAdapter(other, 2, 8, 1)))).toThrow(/this model needs/);
  });
});
