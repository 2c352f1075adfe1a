/**
 * `npm run pretrain-lm`'s parts: the corpora builder (scripts/lib/lm-corpus.mjs) and the
 * pretraining (scripts/lib/lm-pretrain.mjs), whose bytes must not depend on the run or the kernels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleKernels } from '../../../scripts/build-wasm.mjs';
import { codeBlocks, corpusText, lessonProse, mathText, normalise } from '../../../scripts/lib/lm-corpus.mjs';
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

describe('cards', () => {
  it('writes TeX as plain text: no braces or backslashes left', () => {
    expect(mathText('\\Delta W = BA')).toBe('Delta W = BA');
    expect(mathText('5 \\times 10^{-5}')).toBe('5 x 10^-5');
    expect(mathText('\\frac{\\alpha}{\\sqrt{r}}')).toBe('alpha/(sqrt(r))');
    expect(mathText('\\dfrac{a+b}{2}')).toBe('(a+b)/2');
    expect(mathText('P\\Lambda Q')).toBe('P Lambda Q');
    expect(mathText('\\lVert W \\rVert_F \\le \\sigma_1')).toBe('|| W ||_F <= sigma_1');
    expect(mathText('A = \\begin{bmatrix} 3 & 0 \\\\ 4 & 5 \\end{bmatrix}')).toBe('A = 3 0 4 5');
  });

  it('the committed cards corpus has no cloze markup or TeX left', () => {
    const cards = readFileSync(new URL('../../../widgets/lora-lm/assets/cards.txt', import.meta.url), 'utf8');
    expect(cards).not.toMatch(/\{\{c\d|[{}\\]/);
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

  it('rebuilds the committed checkpoint from the committed base.txt, byte for byte', async () => {
    // What `npm run pretrain-lm -- --from-assets` does: the full 5,000-step run (about 50 s).
    const assets = new URL('../../../widgets/lora-lm/assets/', import.meta.url);
    const wasm = wasmKernels(await WebAssembly.compile(new Uint8Array(await assembleKernels())));
    const base = corpusSegments(readFileSync(new URL('base.txt', assets), 'utf8'));
    expect(corpusSegments(corpusText(base))).toEqual(base);
    const { bytes } = pretrainBase(base, LM_BASE_CONFIG, wasm);
    const committed = new Uint8Array(readFileSync(new URL('base.safetensors', assets)));
    expect(bytes.length).toBe(committed.length);
    expect(Buffer.from(bytes).equals(Buffer.from(committed))).toBe(true);
  }, 300_000);

  it('lowers the loss', () => {
    const losses: number[] = [];
    pretrainBase(TEXT, { ...TINY, steps: 200 }, JS_KERNELS, (_, loss) => losses.push(loss));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 0.5);
  });
});
