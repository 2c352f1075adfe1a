/**
 * `<lora-lm>`'s WebGPU training (widgets/gpu/lm.ts) without a GPU: the trainer's GPU plan built
 * for the language model, run with the kernels' CPU twins (emulate.ts `emulatedStepper`), against
 * the CPU AdapterTrainer step for step; and a failed chunk leaves the trainer as it was. The
 * browser test (tests/e2e/lora-lm.gpu.spec.ts) runs the real kernels.
 */
import { describe, expect, it } from 'vitest';
import {
  applyAdapter,
  createCharLm,
  createLmAdapter,
  encodeCorpus,
  type CharLm,
  type CharLmShape,
} from '../../../widgets/core/char-lm.ts';
import { AdapterTrainer } from '../../../widgets/core/char-lm-train.ts';
import { emulatedStepper } from '../../../widgets/gpu/emulate.ts';
import { LmGpuTrainer, lmPlanSpec, type ChunkRunner } from '../../../widgets/gpu/lm.ts';
import { buildPlan } from '../../../widgets/gpu/plan.ts';

const SHAPE: CharLmShape = { vocab: 'abcf \n{}();=', context: 4, embed: 3, hidden: 9 };
const TEXT = ['ab c ab {a=b;}', 'c ba\nab (c);', 'aab cc = a', 'b a b c a {}', 'f(a); b = c; {a}'];
const BATCH = 6;

function trainerOn(lm: CharLm): AdapterTrainer {
  const ad = createLmAdapter(lm, 2, 4, 5);
  applyAdapter(lm, ad);
  return new AdapterTrainer(lm, ad, 0.02, BATCH, 9);
}

/** A CPU trainer and a twin on an identical model with its emulated-GPU mirror. */
function pair(chunk: number, runner?: (r: ChunkRunner) => ChunkRunner) {
  const tokens = encodeCorpus(SHAPE, TEXT);
  const cpu = trainerOn(createCharLm(SHAPE, 2));
  const lm = createCharLm(SHAPE, 2);
  const twin = trainerOn(lm);
  const plan = buildPlan(lmPlanSpec(lm, BATCH, chunk));
  const base = emulatedStepper(
    plan,
    lm.layers.map((l) => l.W.data),
  );
  const gpu = new LmGpuTrainer(twin, plan, runner ? runner(base) : base);
  return { tokens, cpu, twin, gpu };
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-30);
}

describe('lora-lm on the GPU plan (emulated)', () => {
  it('the plan is the LM: three adapted layers, softmax CE, Adam, a pool of one chunk', () => {
    const lm = createCharLm(SHAPE, 1);
    trainerOn(lm);
    const spec = lmPlanSpec(lm, BATCH, 7);
    expect(spec.layers.map((l) => [l.name, l.d, l.k, l.hasBias])).toEqual([
      ['ctx', 9, 12, false],
      ['hidden', 9, 9, false],
      ['head', SHAPE.vocab.length + 1, 9, false],
    ]);
    expect(spec).toMatchObject({ loss: 'ce', optimizer: 'adam', poolRows: 7 * BATCH, batch: BATCH });
    expect(buildPlan(spec).step.map((d) => d.kernel)).toContain('lossCe');
    applyAdapter(lm, null);
    expect(() => lmPlanSpec(lm, BATCH, 7)).toThrow(/apply the adapter/);
  });

  it('50 steps in chunks of 7 match the CPU trainer: losses, A, B, Adam state (1e-4)', async () => {
    const { tokens, cpu, twin, gpu } = pair(7);
    const c: number[] = [];
    for (let i = 0; i < 50; i++) c.push(cpu.trainStep(tokens));
    const g: number[] = [];
    while (g.length < 50) g.push(...(await gpu.trainChunk(tokens, Math.min(7, 50 - g.length))));
    expect(g).toHaveLength(50);
    expect(maxRel(g, c)).toBeLessThanOrEqual(1e-4);
    expect(g[49]).toBeLessThan(g[0]);
    expect(twin.step).toBe(50);
    expect(twin.optimizer.t).toBe(50);
    cpu.optimizer.params.forEach((p, i) =>
      expect(maxRel(twin.optimizer.params[i], p), `param ${i}`).toBeLessThan(1e-4),
    );
    cpu.optimizer.m.forEach((m, i) => expect(maxRel(twin.optimizer.m[i], m), `m ${i}`).toBeLessThan(1e-3));
    // the batch order advanced exactly as the CPU's
    expect(Array.from(twin.orderState)).toEqual(Array.from(cpu.orderState));
  });

  it('a failed chunk changes nothing: the CPU continues as if the GPU had never run it', async () => {
    let fail = false;
    const { tokens, cpu, twin, gpu } = pair(5, (r) => ({
      ...r,
      inboxF: r.inboxF,
      inboxU: r.inboxU,
      runChunk: (s, w, d) => (fail ? Promise.reject(new Error('device lost')) : r.runChunk(s, w, d)),
    }));
    for (let i = 0; i < 10; i++) cpu.trainStep(tokens);
    await gpu.trainChunk(tokens, 5);
    await gpu.trainChunk(tokens, 5);
    const params = twin.optimizer.params.map((p) => p.slice());
    fail = true;
    await expect(gpu.trainChunk(tokens, 5)).rejects.toThrow(/device lost/);
    expect(twin.step).toBe(10);
    twin.optimizer.params.forEach((p, i) => expect(Array.from(p)).toEqual(Array.from(params[i])));
    expect(Array.from(twin.orderState)).toEqual(Array.from(cpu.orderState));
    const c = cpu.trainStep(tokens);
    const t = twin.trainStep(tokens);
    expect(Math.abs(t - c) / c).toBeLessThan(1e-4);
    await expect(gpu.trainChunk(tokens, 6)).rejects.toThrow(RangeError);
  });
});
