/**
 * The element's logic (widgets/lora-trainer/lab.ts) over a test engine that wraps the pure CPU
 * session (fake-engine.ts): curves, reference curve, pause, merge, hot swap, sweep, pitfalls.
 */
import { describe, expect, it } from 'vitest';
import { TrainerLab, type LabHooks } from '../../../widgets/lora-trainer/lab.ts';
import { parseSettings } from '../../../widgets/lora-trainer/settings.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import { crossTermErrorAll } from '../../../widgets/core/pitfalls.ts';
import { fakeEngine } from './fake-engine.ts';

function lab(attrs: Record<string, string> = {}) {
  const events = { progress: 0, changed: 0, backend: [] as string[], recover: 0 };
  const hooks: LabHooks = {
    progress: () => void events.progress++,
    backend: (r) => void events.backend.push(r.reason),
    recover: () => void events.recover++,
    changed: () => void events.changed++,
  };
  const engine = fakeEngine();
  const { settings } = parseSettings(attrs);
  return { lab: new TrainerLab(engine, settings.config, 'auto', hooks), events, engine };
}

describe('TrainerLab', () => {
  it('starts: base outputs, B = 0 gives exactly the base outputs, checksum of W', async () => {
    const { lab: l, events } = lab();
    expect(l.counts()).toMatchObject({ trainable: 2048, frozen: 8320 });
    await l.start();
    expect(events.backend).toEqual(['test engine']);
    expect(l.bZeroDiff).toBe(0);
    expect(l.checksum0).toMatch(/^[0-9a-f]{8}$/);
    expect(l.snapshot?.layers.map((x) => x.name)).toEqual(['fc1', 'fc2']);
    expect(l.state).toMatchObject({ step: 0, trainableParams: 2048, frozenParams: 8320 });
  });

  it('trains: the same curve as the core session, the reference curve alongside', async () => {
    const { lab: l, events } = lab({ seed: '3' });
    const out = await l.train(120);
    expect(out.losses).toHaveLength(120);
    expect(out.paused).toBe(false);
    const direct = createSession({ seed: 3 }).train(120).losses;
    expect(out.losses).toEqual(Array.from(direct));
    expect(l.curve.losses).toEqual(out.losses);
    expect(l.refCurve.losses).toHaveLength(120);
    expect(Array.from(createSession({ seed: 3, mode: 'full' }).train(120).losses)).toEqual(l.refCurve.losses);
    expect(events.progress).toBeGreaterThan(0);
    expect(l.nowDiff).toBeGreaterThan(0);
    expect(l.state?.step).toBe(120);
    // Further calls continue the curve.
    await l.train(30);
    expect(l.curve.losses).toHaveLength(150);
    expect(l.curve.losses).toEqual(Array.from(createSession({ seed: 3 }).train(150).losses));
  });

  it('pause resolves the running call early with what it did', async () => {
    const { lab: l } = lab();
    await l.start();
    const p = l.train(5000);
    await new Promise((r) => setTimeout(r, 30));
    l.pause();
    const out = await p;
    expect(out.paused).toBe(true);
    expect(out.losses.length).toBeGreaterThan(0);
    expect(out.losses.length).toBeLessThan(5000);
    expect(l.training).toBe(false);
  });

  it('merge, unmerge: outputs agree, W comes back bit for bit, training refused while merged', async () => {
    const { lab: l } = lab();
    await l.train(100);
    const cs = l.state!.checksumW;
    const m = await l.merge();
    expect(m.maxAbsDiff).toBeLessThan(1e-4);
    expect(l.state!.merged).toBe(true);
    expect(l.state!.checksumW).not.toBe(cs);
    await expect(l.train(10)).rejects.toThrow(/merged/);
    await l.unmerge();
    expect(l.state!.checksumW).toBe(cs);
    expect(l.state!.checksumW).toBe(l.checksum0);
  });

  it('saves, trains another task on the same base, hot-swaps: W never changes', async () => {
    const { lab: l } = lab();
    await l.train(100);
    await l.saveAdapter('rank4-task');
    const { settings } = parseSettings({ 'true-rank': '2' });
    await l.setConfig(settings.config);
    expect(l.curve.losses).toHaveLength(0);
    await l.train(100);
    await l.saveAdapter('rank2-task');
    expect(l.state!.adapters).toEqual(['rank4-task', 'rank2-task']);
    const cs = l.state!.checksumW;
    const a = await l.useAdapter('rank4-task');
    expect(a.state.checksumW).toBe(cs);
    expect(l.state!.step).toBe(0);
    expect(l.bZeroDiff).toBe(0); // measured with the fresh adapter, not the swapped-in one
    expect(l.nowDiff).toBeGreaterThan(0);
    const bytes = await l.exportAdapter('rank2-task');
    expect(bytes[0]).toBe(0x50); // PK
    await l.importAdapter('again', bytes);
    expect(l.state!.adapters).toContain('again');
    const w1 = await l.adapterWeights('again');
    const w2 = await l.adapterWeights('rank2-task');
    expect(Array.from(w1.B['fc1'].data)).toEqual(Array.from(w2.B['fc1'].data));
  });

  it('rank sweep: one curve per rank, and another seed changes every curve', async () => {
    const run = async (seed: string) => {
      const { lab: l } = lab({ seed });
      return l.rankSweep([1, 4, 16], 40);
    };
    const a = await run('1');
    const b = await run('2');
    expect(a.map((r) => r.rank)).toEqual([1, 4, 16]);
    for (const r of a) expect(r.losses).toHaveLength(40);
    for (let i = 0; i < a.length; i++) expect(a[i].losses).not.toEqual(b[i].losses);
  });

  it('each pitfall yields a real number', async () => {
    const { lab: l } = lab();
    await l.start();
    const am = await l.runPitfall('alpha-merge');
    expect(am.figures['correct']).toBeLessThan(1e-4);
    expect(am.value).toBeGreaterThan(1e-2);
    expect(am.figures['adjustedAlpha']).toBe(1); // α = r = 8 by default, so s = 1: the run uses α = 16
    const fa = await l.runPitfall('fixed-alpha');
    expect(fa.value).toBeCloseTo(8 / 64, 12);
    expect(fa.figures['normRatio']).toBeLessThan(1);
    const lr = await l.runPitfall('low-lr');
    expect(lr.value).toBeGreaterThan(5);
    const fl = await l.runPitfall('few-layers');
    expect(fl.value).toBeGreaterThan(2);
    // sum-factors uses the two latest saved adapters when there are two.
    await l.train(60);
    await l.saveAdapter('one');
    await l.reset();
    await l.train(80);
    await l.saveAdapter('two');
    const sf = await l.runPitfall('sum-factors');
    const w1 = await l.adapterWeights('one');
    const w2 = await l.adapterWeights('two');
    expect(sf.value).toBeCloseTo(crossTermErrorAll(w1, w2, w1.targets).error, 6);
    expect(sf.figures).toMatchObject({ first: 'one', second: 'two' });
    expect(l.pitfallStale('sum-factors')).toBe(false);
    await l.setConfig(parseSettings({ rank: '4' }).settings.config);
    expect(l.pitfallStale('sum-factors')).toBe(true);
  }, 120_000);
});
