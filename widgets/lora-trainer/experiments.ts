/**
 * The pitfall switches' experiments, each a real computation on the lab's `aux` trainer with the
 * current settings (loaded on first use, with the PEFT writer the α-merge experiment needs).
 */
import type { Matrix } from '../core/matrix.ts';
import type { AdapterSet, ResolvedConfig, TrainerConfig } from '../core/trainer.ts';
import { writePeftZip } from '../core/peft-format.ts';
import {
  alphaForUnitScale,
  crossTermErrorAll,
  effectiveScale,
  outputMaxDiff,
  stackedFrobenius,
} from '../core/pitfalls.ts';
import type { RemoteSession } from '../engine/types.ts';
import { CHUNK, FIXED_ALPHA_STEPS, PITFALL_STEPS, toTrainerConfig, type PitfallResult } from './lab-common.ts';
import type { PitfallId } from './settings.ts';
import { rankCap, shapeOf } from './shapes.ts';

async function trainFor(
  aux: RemoteSession,
  config: TrainerConfig,
  steps: number,
): Promise<{ loss: number; val: number }> {
  await aux.configure(config);
  let last = Number.NaN;
  let left = steps;
  while (left > 0) {
    const out = await aux.train(Math.min(CHUNK * 4, left));
    if (out.losses.length) last = out.losses[out.losses.length - 1];
    left -= out.losses.length;
    if (out.paused || out.losses.length === 0) break;
  }
  const val = (await aux.valLoss()) ?? Number.NaN;
  return { loss: last, val };
}

async function deltaNorm(aux: RemoteSession, targets: readonly string[]): Promise<number> {
  const ms: Matrix[] = [];
  for (const t of targets) ms.push(await aux.deltaW(t));
  return stackedFrobenius(ms);
}

/** The adapters saved on `main` that the sum-factors pitfall combines: the two most recent with the live shape. */
async function savedPair(main: RemoteSession | null): Promise<[string, AdapterSet, string, AdapterSet] | null> {
  if (!main) return null;
  const names = (await main.state()).adapters;
  const sets: [string, AdapterSet][] = [];
  for (const n of names.slice().reverse()) {
    const a = await main.adapterWeights(n);
    if (sets.length === 0 || (a.rank === sets[0][1].rank && a.targets.join() === sets[0][1].targets.join()))
      sets.push([n, a]);
    if (sets.length === 2) return [sets[1][0], sets[1][1], sets[0][0], sets[0][1]];
  }
  return null;
}

/** An experiment on `aux`; `main` is the reader's trainer, only read (for its saved adapters). */
type Experiment = (aux: RemoteSession, c: ResolvedConfig, main: RemoteSession | null) => Promise<PitfallResult>;

export const PITFALLS: Record<PitfallId, Experiment> = {
  /** Train, then compare outputs of the correct merge (W + s·BA) with a merge that forgets s (W + BA). */
  async 'alpha-merge'(aux, c) {
    const s0 = effectiveScale(c.alpha, c.rank, c.rsLora);
    // With s = 1 forgetting it changes nothing: use α = 2r (s = 2) for the experiment, and say so.
    const alpha = Math.abs(s0 - 1) < 1e-9 ? 2 * alphaForUnitScale(c.rank, c.rsLora) : c.alpha;
    const s = effectiveScale(alpha, c.rank, c.rsLora);
    await trainFor(aux, toTrainerConfig(c, { alpha }), PITFALL_STEPS);
    const trained = await aux.adapterWeights();
    const unmerged = await aux.probeOutputs();
    const correct = (await aux.merge()).maxAbsDiff;
    await aux.unmerge();
    // The same A and B stored with α' such that s' = 1: its outputs are those of W + B·A.
    const bytes = writePeftZip({
      config: {
        peft_type: 'LORA',
        r: trained.rank,
        lora_alpha: alphaForUnitScale(trained.rank, trained.rsLora),
        lora_dropout: trained.dropout,
        use_rslora: trained.rsLora,
        target_modules: [...trained.targets],
        bias: 'none',
        task_type: null,
        base_model_name_or_path: null,
      },
      A: trained.A,
      B: trained.B,
    });
    await aux.importAdapter('merged-without-scale', bytes);
    await aux.useAdapter('merged-without-scale');
    await aux.merge();
    const wrongOut = await aux.probeOutputs();
    const wrong = outputMaxDiff(unmerged, wrongOut);
    return {
      id: 'alpha-merge',
      value: wrong,
      figures: { correct, wrong, scale: s, alpha, rank: c.rank, adjustedAlpha: alpha !== c.alpha ? 1 : 0 },
    };
  },

  /** α fixed while r grows: the scale α/r falls by r₀/r₁; measure ‖ΔW‖_F after a few steps at each rank. */
  async 'fixed-alpha'(aux, c) {
    const cap = rankCap(c.scenario, c.targets);
    const big = Math.min(64, cap);
    const small = c.rank < big ? c.rank : Math.max(1, Math.floor(big / 8));
    const run = async (rank: number) => {
      const r = await trainFor(aux, toTrainerConfig(c, { rank }), FIXED_ALPHA_STEPS);
      return { ...r, norm: await deltaNorm(aux, c.targets) };
    };
    const a = await run(small);
    const b = await run(big);
    const sSmall = effectiveScale(c.alpha, small, c.rsLora);
    const sBig = effectiveScale(c.alpha, big, c.rsLora);
    return {
      id: 'fixed-alpha',
      value: sBig / sSmall,
      figures: {
        small,
        big,
        sSmall,
        sBig,
        normSmall: a.norm,
        normBig: b.norm,
        normRatio: b.norm / a.norm,
        lossSmall: a.val,
        lossBig: b.val,
        steps: FIXED_ALPHA_STEPS,
      },
    };
  },

  /** The same run at lr and lr/10: validation loss after PITFALL_STEPS steps. */
  async 'low-lr'(aux, c) {
    const good = await trainFor(aux, toTrainerConfig(c), PITFALL_STEPS);
    const goodNorm = await deltaNorm(aux, c.targets);
    const low = await trainFor(aux, toTrainerConfig(c, { lr: c.lr / 10 }), PITFALL_STEPS);
    const lowNorm = await deltaNorm(aux, c.targets);
    return {
      id: 'low-lr',
      value: low.val / good.val,
      figures: {
        lr: c.lr,
        lowLr: c.lr / 10,
        val: good.val,
        lowVal: low.val,
        norm: goodNorm,
        lowNorm,
        steps: PITFALL_STEPS,
      },
    };
  },

  /** Every target vs only the last one: validation loss after PITFALL_STEPS steps (×2). */
  async 'few-layers'(aux, c) {
    const all = shapeOf(c.scenario).defaultTargets;
    const one = [all[all.length - 1]];
    const steps = PITFALL_STEPS * 2;
    const many = await trainFor(aux, toTrainerConfig(c, { targets: [...all] }), steps);
    const few = await trainFor(aux, toTrainerConfig(c, { targets: one }), steps);
    return {
      id: 'few-layers',
      value: few.val / many.val,
      figures: { all: all.join(', '), one: one.join(', '), val: many.val, fewVal: few.val, steps },
    };
  },

  /** ‖(B₁+B₂)(A₁+A₂) − B₁A₁ − B₂A₂‖_F for the two latest saved adapters (or two trained here). */
  async 'sum-factors'(aux, c, main) {
    let pair = await savedPair(main);
    if (!pair) {
      await trainFor(aux, toTrainerConfig(c), PITFALL_STEPS);
      const a = await aux.adapterWeights();
      await trainFor(aux, toTrainerConfig(c, { seed: (c.seed + 1) >>> 0 }), PITFALL_STEPS);
      const b = await aux.adapterWeights();
      pair = [`seed ${c.seed}`, a, `seed ${(c.seed + 1) >>> 0}`, b];
    }
    const [n1, a1, n2, a2] = pair;
    const r = crossTermErrorAll(a1, a2, a1.targets);
    return {
      id: 'sum-factors',
      value: r.error,
      figures: { first: n1, second: n2, error: r.error, exact: r.exact, relative: r.error / r.exact },
    };
  },
};
