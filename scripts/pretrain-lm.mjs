// @ts-check
/**
 * `npm run pretrain-lm`: builds `<lora-lm>`'s corpora from the repository's own text and
 * pretrains its frozen base, writing into widgets/lora-lm/assets/:
 *
 *   prose.txt, code.txt, cards.txt   the corpora (scripts/lib/lm-corpus.mjs says what each holds)
 *   base.safetensors                 the base model (widgets/core/char-lm-format.ts's layout)
 *
 * Seeded, CPU only (the WebAssembly kernels, bit-identical to the JS ones), one thread: the same
 * repository text gives the same bytes on every run. PRETRAIN_STEPS overrides the step count for
 * a quick trial. Prints the loss every 500 steps and the held-out loss at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleKernels } from './build-wasm.mjs';
import { buildCorpora, corpusText } from './lib/lm-corpus.mjs';
import { pretrainBase, LM_BASE_CONFIG } from './lib/lm-pretrain.mjs';
import { wasmKernels } from '../widgets/wasm/cpu-kernels.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = join(root, 'widgets/lora-lm/assets');
mkdirSync(out, { recursive: true });

const corpora = buildCorpora(root);
for (const name of /** @type {const} */ (['prose', 'code', 'cards'])) {
  writeFileSync(join(out, `${name}.txt`), corpusText(corpora[name]));
}
const kernels = wasmKernels(await WebAssembly.compile(await assembleKernels()));
const steps = Number(process.env.PRETRAIN_STEPS ?? LM_BASE_CONFIG.steps);
const t0 = performance.now();
const { bytes, heldOut } = pretrainBase(corpora.prose, { ...LM_BASE_CONFIG, steps }, kernels, (step, loss) => {
  if (step % 500 === 0)
    console.log(`step ${step}: loss ${loss.toFixed(3)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
});
writeFileSync(join(out, 'base.safetensors'), bytes);
console.log(
  `pretrained ${steps} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s; held-out loss ${heldOut.toFixed(3)} nats/char; ` +
    `checkpoint ${bytes.length} bytes; corpora: prose ${corpora.prose.length}, code ${corpora.code.length}, cards ${corpora.cards.length} segments`,
);
