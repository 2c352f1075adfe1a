/**
 * The runs that answer predictions (widgets/lora-trainer/predict-runs.ts) over the real engine,
 * in-process (as lab.test.ts): each measure trains on the lab's `aux` trainer or through its rank
 * sweep, and `evaluate` reads the answer from what it measured — compared here with the same
 * runs on the core session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { evaluate, parsePredictions, type Prediction } from '../../../widgets/core/predictions.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import { createRemoteSession } from '../../../widgets/engine/client.ts';
import { LoraLab } from '../../../widgets/lora-trainer/lab.ts';
import type { LabHooks } from '../../../widgets/lora-trainer/lab-common.ts';
import { runPrediction, type RunOps } from '../../../widgets/lora-trainer/predict-runs.ts';
import { parseSettings } from '../../../widgets/lora-trainer/settings.ts';

const labs: LoraLab[] = [];
afterEach(() => {
  for (const l of labs.splice(0)) l.dispose();
});

function setup(attrs: Record<string, string> = {}) {
  const hooks: LabHooks = { progress: () => {}, backend: () => {}, recover: () => {}, changed: () => {} };
  const { settings } = parseSettings(attrs);
  const lab = new LoraLab(createRemoteSession, settings.config, 'auto', hooks);
  labs.push(lab);
  const said: string[] = [];
  const ops: RunOps = {
    experiment: (fn) => lab.experiment((aux, c) => fn(aux, c)),
    rankSweep: (o) => lab.rankSweep(o.ranks, o.steps),
    status: (t) => void said.push(t),
  };
  return { lab, ops, said };
}

const predict = (spec: object): Prediction => parsePredictions(spec).predictions[0]!;

describe('runPrediction over the in-process engine', () => {
  it('rank-reaches-full: the visible sweep and full fine-tuning; r = 4 reaches it on a rank-4 teacher', async () => {
    const { lab, ops, said } = setup({ rank: '4' });
    const p = predict({ measure: 'rank-reaches-full', choices: [1, 2, 4, 8] });
    const run = await runPrediction(p, ops);
    if (run.measure !== 'rank-reaches-full') throw new Error(run.measure);
    expect(run.runs.map((r) => [r.rank, r.losses.length])).toEqual([
      [1, 300],
      [2, 300],
      [4, 300],
      [8, 300],
    ]);
    expect(run.full).toHaveLength(300);
    // The sweep the Sweep tab draws is the one that answered.
    expect(lab.view.sweep.map((r) => r.rank)).toEqual([1, 2, 4, 8]);
    // The same runs on the core session.
    const core = createSession({ rank: 2 }).train(300).losses;
    expect(run.runs[1]!.losses.at(-1)).toBeCloseTo(core.at(-1)!, 5);
    const full = createSession({ mode: 'full', rank: 1 }).train(300).losses;
    expect(run.full.at(-1)).toBeCloseTo(full.at(-1)!, 5);
    const e = evaluate(p, run);
    expect(e.actual).toBe(4);
    expect(e.figures['r2']!).toBeGreaterThan(e.figures['full']!);
    expect(e.figures['r4']!).toBeLessThanOrEqual(e.figures['full']!);
    expect(said).toEqual([
      'Training a fresh adapter at r = 1, 2, 4, 8 (300 steps each)…',
      'Full fine-tuning on the same data and seed (300 steps)…',
    ]);
  });

  it('merge-output-change: float rounding only, as merging the core session gives', async () => {
    const { ops } = setup({ rank: '4' });
    const p = predict({ measure: 'merge-output-change', steps: 100 });
    const run = await runPrediction(p, ops);
    if (run.measure !== 'merge-output-change') throw new Error(run.measure);
    const s = createSession({ rank: 4 });
    s.train(100);
    expect(run.maxAbsDiff).toBeCloseTo(s.merge().maxAbsDiff, 9);
    expect(evaluate(p, run).actual).toBe('rounding');
  });

  it('high-rank-lower-val: r = 32 on 40 noisy examples ends with the higher validation loss', async () => {
    const { ops } = setup();
    const p = predict({ measure: 'high-rank-lower-val', steps: 300 });
    const run = await runPrediction(p, ops);
    if (run.measure !== 'high-rank-lower-val') throw new Error(run.measure);
    const core = createSession({ scenario: 'overfit', trainSize: 40, rank: 32 });
    core.train(300);
    expect(run.valHigh).toBeCloseTo(core.valLoss(), 5);
    expect(run.valHigh).toBeGreaterThan(run.valLow);
    expect(evaluate(p, run).actual).toBe('no');
  });

  it('final-loss and trainable-params: the rank the prediction names, not the trainer’s', async () => {
    const { ops } = setup({ rank: '8' });
    const loss = predict({ measure: 'final-loss', rank: 1, steps: 120 });
    const run = await runPrediction(loss, ops);
    if (run.measure !== 'final-loss') throw new Error(run.measure);
    expect(run.losses).toHaveLength(120);
    expect(evaluate(loss, run).actual).toBeCloseTo(createSession({ rank: 1 }).train(120).losses.at(-1)!, 5);
    const params = predict({ measure: 'trainable-params', rank: 4 });
    const counted = await runPrediction(params, ops);
    expect(evaluate(params, counted).actual).toBe(2 * 4 * (64 + 64));
    const own = await runPrediction(predict({ measure: 'trainable-params' }), ops);
    expect(own).toEqual({ measure: 'trainable-params', trainable: 2 * 8 * (64 + 64) });
  });

  it('a sweep that does not finish every rank fails the run with a sentence', async () => {
    const { ops } = setup();
    const p = predict({ measure: 'rank-reaches-full', choices: [1, 2], steps: 50 });
    const stopped: RunOps = { ...ops, rankSweep: async () => [{ rank: 1, losses: [0.1], done: false }] };
    await expect(runPrediction(p, stopped)).rejects.toThrow(/did not finish every rank/);
  });
});
