// @ts-check
/**
 * `npm run pretrain-lm`: builds `<lora-lm>`'s corpora from the repository's own text and
 * pretrains its frozen base, writing into widgets/lora-lm/assets/:
 *
 *   base.txt, code.txt, cards.txt    the corpora (scripts/lib/lm-corpus.mjs says what each holds)
 *   base.safetensors                 the base model (widgets/core/char-lm-format.ts's layout)
 *
 * `npm run pretrain-lm -- --from-assets` leaves the committed corpora as they are and pretrains on
 * the committed base.txt: the corpora are a snapshot of the repository's text, and this rebuilds
 * the committed checkpoint from them byte for byte (tests/unit/lm/pretrain.test.ts checks it).
 *
 * Seeded, CPU only (the WebAssembly kernels, bit-identical to the JS ones), one thread: the same
 * text gives the same bytes on every run. PRETRAIN_STEPS overrides the step count for a quick
 * trial. Prints the loss every 500 steps and the held-out loss at the end.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleKernels } from './build-wasm.mjs';
import { buildCorpora, corpusText } from './lib/lm-corpus.mjs';
import { pretrainBase, LM_BASE_CONFIG } from './lib/lm-pretrain.mjs';
import { corpusSegments } from '../widgets/core/char-lm.ts';
import { wasmKernels } from '../widgets/wasm/cpu-kernels.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = join(root, 'widgets/lora-lm/assets');
mkdirSync(out, { recursive: true });

/** @type {string[]} */
let base;
if (process.argv.includes('--from-assets')) {
  base = corpusSegments(readFileSync(join(out, 'base.txt'), 'utf8'));
  console.log(`pretraining on the committed base.txt (${base.length} segments)`);
} else {
  const corpora = buildCorpora(root);
  for (const name of /** @type {const} */ (['base', 'code', 'cards'])) {
    writeFileSync(join(out, `${name}.txt`), corpusText(corpora[name]));
  }
  base = corpora.base;
  console.log(
    `corpora: base ${corpora.base.length} segments (prose ${corpora.prose.length}), ` +
      `code ${corpora.code.length}, cards ${corpora.cards.length}`,
  );
}
const kernels = wasmKernels(await WebAssembly.compile(await assembleKernels()));
const steps = Number(process.env.PRETRAIN_STEPS ?? LM_BASE_CONFIG.steps);
const t0 = performance.now();
const { bytes, heldOut } = pretrainBase(base, { ...LM_BASE_CONFIG, steps }, kernels, (step, loss) => {
  if (step % 500 === 0)
    console.log(`step ${step}: loss ${loss.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
});
writeFileSync(join(out, 'base.safetensors'), bytes);
console.log(
  `pretrained ${steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; held-out loss ${heldOut.toFixed(3)} nats/char; ` +
    `checkpoint ${bytes.length} bytes`,
);
