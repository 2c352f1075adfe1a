// @ts-check
/**
 * Pretraining `<lora-lm>`'s base (widgets/core/char-lm*.ts), shared by scripts/pretrain-lm.mjs and
 * the unit test that retrains a tiny configuration twice and compares the bytes.
 */
import { createCharLm, encodeCorpus, LM_VOCAB, meanLoss } from '../../widgets/core/char-lm.ts';
import { heldOutPositions, Pretrainer } from '../../widgets/core/char-lm-train.ts';
import { writeCheckpoint } from '../../widgets/core/char-lm-format.ts';

/**
 * @typedef {{ context: number; embed: number; hidden: number; seed: number; steps: number; batch: number; lr: number }} PretrainConfig
 */

/** The committed base: shape, seed and schedule. @type {Readonly<PretrainConfig>} */
export const LM_BASE_CONFIG = Object.freeze({
  context: 12,
  embed: 24,
  hidden: 256,
  seed: 20261203,
  steps: 5000,
  batch: 64,
  lr: 0.003,
});

/**
 * Pretrains on `segments`; returns the checkpoint bytes and the held-out loss (nats/char).
 * @param {string[]} segments
 * @param {PretrainConfig} config
 * @param {import('../../widgets/core/cpu-kernels.ts').CpuKernels} kernels
 * @param {(step: number, loss: number) => void} [onStep]
 */
export function pretrainBase(segments, config, kernels, onStep) {
  const shape = { vocab: LM_VOCAB, context: config.context, embed: config.embed, hidden: config.hidden };
  const lm = createCharLm(shape, config.seed);
  const tokens = encodeCorpus(shape, segments);
  const trainer = new Pretrainer(
    lm,
    { steps: config.steps, batch: config.batch, lr: config.lr, seed: config.seed + 1 },
    kernels,
  );
  for (let s = 1; s <= config.steps; s++) {
    const loss = trainer.trainStep(tokens);
    onStep?.(s, loss);
  }
  const heldOut = meanLoss(lm, tokens, heldOutPositions(tokens, 4096), kernels);
  const bytes = writeCheckpoint(lm, {
    corpus: 'base',
    steps: String(config.steps),
    batch: String(config.batch),
    seed: String(config.seed),
    heldOutLoss: heldOut.toFixed(4),
  });
  return { bytes, heldOut };
}
