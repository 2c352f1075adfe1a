/**
 * The runs that answer predictions (widgets/core/predictions.ts has the measures): each trains on
 * the lab's `aux` trainer, or through the visible rank sweep, with the trainer's settings and the
 * prediction's overrides, and returns the numbers `evaluate` reads. Loaded with the first commit.
 */
import type { Prediction, RunResult } from '../core/predictions.ts';
import type { ResolvedConfig, TrainerConfig } from '../core/trainer.ts';
import type { RemoteSession } from '../engine/types.ts';
import { CHUNK, toTrainerConfig, type SweepRun } from './lab-common.ts';
import { shapeOf } from './shapes.ts';

/** What a run may do with the element: an experiment on `aux`, and the rank sweep the Sweep tab shows. */
export interface RunOps {
  experiment<T>(fn: (aux: RemoteSession, c: ResolvedConfig) => Promise<T>): Promise<T>;
  rankSweep(options: { ranks: readonly number[]; steps: number }): Promise<SweepRun[]>;
  /** Says what the run is doing now (shown while it runs). */
  status(text: string): void;
}

/** Configures `aux` and trains it `steps` steps; one loss per step. */
async function trainLosses(aux: RemoteSession, config: TrainerConfig, steps: number): Promise<number[]> {
  await aux.configure(config);
  const losses: number[] = [];
  while (losses.length < steps) {
    const out = await aux.train(Math.min(CHUNK * 4, steps - losses.length));
    losses.push(...Array.from(out.losses));
    if (out.paused || out.losses.length === 0) break;
  }
  if (losses.length < steps) throw new Error(`the run stopped after ${losses.length} of ${steps} steps`);
  return losses;
}

const withRank = (p: Prediction): Partial<TrainerConfig> => (p.rank === null ? {} : { rank: p.rank });

/** Runs what `p`'s measure needs and returns its numbers. */
export async function runPrediction(p: Prediction, ops: RunOps): Promise<RunResult> {
  switch (p.measure) {
    case 'rank-reaches-full': {
      const ranks = p.choices.map((c) => c.value).filter((v): v is number => typeof v === 'number');
      ops.status(`Training a fresh adapter at r = ${ranks.join(', ')} (${p.steps} steps each)…`);
      const runs = await ops.rankSweep({ ranks, steps: p.steps });
      if (runs.length !== ranks.length || runs.some((r) => !r.done))
        throw new Error('the rank sweep did not finish every rank (a setting changed, or a rank is above the cap)');
      ops.status(`Full fine-tuning on the same data and seed (${p.steps} steps)…`);
      const full = await ops.experiment((aux, c) =>
        trainLosses(aux, toTrainerConfig(c, { mode: 'full', lr: undefined, rank: 1 }), p.steps),
      );
      return { measure: p.measure, runs: runs.map((r) => ({ rank: r.rank, losses: [...r.losses] })), full };
    }
    case 'merge-output-change':
      ops.status(`Training ${p.steps} steps, then merging B·A into W…`);
      return ops.experiment(async (aux, c) => {
        await trainLosses(aux, toTrainerConfig(c, withRank(p)), p.steps);
        const { maxAbsDiff } = await aux.merge();
        await aux.unmerge();
        return { measure: 'merge-output-change', maxAbsDiff } as const;
      });
    case 'high-rank-lower-val': {
      const [low, high] = p.ranks as [number, number];
      ops.status(`Training r = ${low} and r = ${high} on ${p.trainSize} noisy examples (${p.steps} steps each)…`);
      return ops.experiment(async (aux, c) => {
        const task: Partial<TrainerConfig> = { scenario: 'overfit', trainSize: p.trainSize };
        // The overfit task has its own layers: keep the adapted ones only when they are its.
        const targets = c.scenario === 'classify-2d' ? [...shapeOf('overfit').defaultTargets] : [...c.targets];
        const val = async (rank: number) => {
          await trainLosses(aux, toTrainerConfig(c, { ...task, targets, rank }), p.steps);
          return (await aux.valLoss()) ?? Number.NaN;
        };
        const valLow = await val(low);
        const valHigh = await val(high);
        return { measure: 'high-rank-lower-val', valLow, valHigh } as const;
      });
    }
    case 'final-loss':
      ops.status(`Training a fresh adapter for ${p.steps} steps…`);
      return ops.experiment(async (aux, c) => ({
        measure: 'final-loss' as const,
        losses: await trainLosses(aux, toTrainerConfig(c, withRank(p)), p.steps),
      }));
    case 'trainable-params':
      ops.status('Configuring the adapter…');
      return ops.experiment(async (aux, c) => ({
        measure: 'trainable-params' as const,
        trainable: (await aux.configure(toTrainerConfig(c, withRank(p)))).trainableParams,
      }));
  }
}
