/**
 * `npm run pretrain-lm`'s parts: the corpora builder (scripts/lib/lm-corpus.mjs) and the
 * pretraining (scripts/lib/lm-pretrain.mjs), whose bytes must not depend on the run or the kernels.
 */
import { describe, expect, it } from 'vitest';
import { assembleKernels } from '../../../scripts/build-wasm.mjs';
import { codeBlocks, corpusText, lessonProse, normalise } from '../../../scripts/lib/lm-corpus.mjs';
import { LM_BASE_CONFIG, pretrainBase } from '../../../scripts/lib/lm-pretrain.mjs';
import { JS_KERNELS } from '../../../widgets/core/cpu-kernels.ts';
import { corpusSegments, LM_VOCAB } from '../../../widgets/core/char-lm.ts';
import { readCheckpoint } from '../../../widgets/core/char-lm-format.ts';
import { wasmKernels } from '../../../widgets/wasm/cpu-kernels.ts';

const TINY = { ...LM_BASE_CONFIG, context: 4, embed: 3, hidden: 8, steps: 40, batch: 8 };
const TEXT = [
  'A frozen base and a small adapter beside it.',
  'The adapter trains; the base does not move.',
  'Merge it, and the sum is one matrix again.',
];

describe('corpora', () => {
  it('normalises to the model alphabet', () => {
    const s = normalise('“Naïve” — résumé…\tx × y → z ∈ ℝ');
    expect(s).toBe('"Naive"  -  resume...  x x y -> z  R'); // ℝ is R under NFKD; ∈ has no ASCII form
    for (const ch of s) expect(LM_VOCAB.includes(ch)).toBe(true);
  });

  it('keeps a lesson’s prose, drops frontmatter, JSX, code, math and link targets', () => {
    const mdx = [
      '---\ntitle: "x"\n---',
      'import Foo from "./foo";',
      'A **bold** claim with $W_0$ and a [link](https://example.com) that runs on for a while.',
      '<LoraTrainer id="t" />',
      '```python\nprint(1)\n```',
      '$$\nW = BA\n$$',
      '## Heading',
      '- a list item that is long enough to be kept as a paragraph of prose',
    ].join('\n\n');
    expect(lessonProse(mdx)).toEqual([
      'A bold claim with it and a link that runs on for a while.',
      'a list item that is long enough to be kept as a paragraph of prose',
    ]);
  });

  it('splits code into blocks without comment lines or bare imports', () => {
    const src = "import { a } from './a.ts';\n\n// note\nconst x = f(a);\nexport { x };\n";
    expect(codeBlocks(src)).toEqual(['const x = f(a);\nexport { x };']);
    expect(corpusSegments(corpusText(['one', 'two\nlines']))).toEqual(['one', 'two\nlines']);
  });
});

describe('pretraining', () => {
  it('is byte-identical when rerun, and on either kernel set', async () => {
    const wasm = wasmKernels(await WebAssembly.compile(new Uint8Array(await assembleKernels())));
    const a = pretrainBase(TEXT, TINY, JS_KERNELS);
    const b = pretrainBase(TEXT, TINY, JS_KERNELS);
    const c = pretrainBase(TEXT, TINY, wasm);
    expect(b.bytes).toEqual(a.bytes);
    expect(c.bytes).toEqual(a.bytes);
    const base = readCheckpoint(a.bytes);
    expect(base.lm.shape).toEqual({ vocab: LM_VOCAB, context: 4, embed: 3, hidden: 8 });
    expect(base.metadata['steps']).toBe('40');
  });

  it('lowers the loss', () => {
    const losses: number[] = [];
    pretrainBase(TEXT, { ...TINY, steps: 200 }, JS_KERNELS, (_, loss) => losses.push(loss));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 0.5);
  });
});
