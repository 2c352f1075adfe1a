/**
 * The element's logic (widgets/lora-trainer/lab.ts) over the real engine: in Node no worker can
 * start, so `createRemoteSession` runs the engine host (widgets/engine/host.ts) in-process, as
 * on a page whose CSP refuses the worker — the real core trainer, through the real protocol.
 * Curves, reference curve, pause, merge, hot swap, sweep, pitfalls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoraLab } from '../../../widgets/lora-trainer/lab.ts';
import { paramCounts, type LabHooks } from '../../../widgets/lora-trainer/lab-common.ts';
import { parseSettings } from '../../../widgets/lora-trainer/settings.ts';
import { createRemoteSession, engineThread } from '../../../widgets/engine/client.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import { crossTermErrorAll } from '../../../widgets/core/pitfalls.ts';

const labs: LoraLab[] = [];
afterEach(() => {
  for (const l of labs.splice(0)) l.dispose();
});

function lab(attrs: Record<string, string> = {}) {
  const events = { progress: 0, changed: 0, backend: [] as string[], recover: 0 };
  let progressed: () => void = () => {};
  /** Resolves at the first training progress report. */
  const firstProgress = new Promise<void>((resolve) => (progressed = resolve));
  const hooks: LabHooks = {
    progress: () => {
      events.progress++;
      progressed();
    },
    backend: (r) => void events.backend.push(r.reason),
    recover: () => void events.recover++,
    changed: () => void events.changed++,
  };
  const { settings } = parseSettings(attrs);
  const l = new LoraLab(createRemoteSession, settings.config, 'auto', hooks);
  labs.push(l);
  return { lab: l, view: l.view, events, firstProgress };
}

describe('LoraLab over the in-process engine', () => {
  it('starts: base outputs, B = 0 gives exactly the base outputs, checksum of W', async () => {
    const { lab: l, view: v, events } = lab();
    expect(paramCounts(v.config)).toMatchObject({ trainable: 2048, frozen: 8320 });
    expect(v.started).toBe(false);
    await l.start();
    expect(v.started).toBe(true);
    expect(await engineThread()).toBe('main-thread');
    expect(events.backend).toHaveLength(1);
    expect(events.backend[0]).toMatch(/no worker could start.*main thread/);
    expect(v.report).toMatchObject({ backend: 'cpu', host: 'main-thread' });
    expect(v.bZeroDiff).toBe(0);
    expect(v.baseChecksumW).toMatch(/^[0-9a-f]{8}$/);
    expect(v.snapshot?.layers.map((x) => x.name)).toEqual(['fc1', 'fc2']);
    expect(v.state).toMatchObject({ step: 0, trainableParams: 2048, frozenParams: 8320 });
  });

  it('trains: the same curve as the core session, the reference curve alongside', async () => {
    const { lab: l, events } = lab({ seed: '3' });
    const out = await l.train(120);
    expect(out.losses).toHaveLength(120);
    expect(out.paused).toBe(false);
    const direct = createSession({ seed: 3 }).train(120).losses;
    expect(out.losses).toEqual(Array.from(direct));
    expect(l.view.curve.losses).toEqual(out.losses);
    expect(l.view.refCurve.losses).toHaveLength(120);
    expect(Array.from(createSession({ seed: 3, mode: 'full' }).train(120).losses)).toEqual(l.view.refCurve.losses);
    expect(events.progress).toBeGreaterThan(0);
    expect(l.view.nowDiff).toBeGreaterThan(0);
    expect(l.view.state?.step).toBe(120);
    // Further calls continue the curve.
    await l.train(30);
    expect(l.view.curve.losses).toHaveLength(150);
    expect(l.view.curve.losses).toEqual(Array.from(createSession({ seed: 3 }).train(150).losses));
  });

  it('pause resolves the running call early with what it did', async () => {
    const { lab: l, view: v, firstProgress } = lab();
    await l.start();
    const p = l.train(5000);
    await firstProgress;
    expect(v.training).toBe(true);
    l.pause();
    const out = await p;
    expect(out.paused).toBe(true);
    expect(out.losses.length).toBeGreaterThan(0);
    expect(out.losses.length).toBeLessThan(5000);
    expect(l.view.training).toBe(false);
  });

  it('merge, unmerge: outputs agree, W comes back bit for bit, training refused while merged', async () => {
    const { lab: l } = lab();
    await l.train(100);
    const cs = l.view.state!.checksumW;
    const m = await l.merge();
    expect(m.maxAbsDiff).toBeLessThan(1e-4);
    expect(l.view.state!.merged).toBe(true);
    expect(l.view.state!.checksumW).not.toBe(cs);
    await expect(l.train(10)).rejects.toThrow(/merged/);
    await l.unmerge();
    expect(l.view.state!.checksumW).toBe(cs);
    expect(l.view.state!.checksumW).toBe(l.view.baseChecksumW);
  });

  it('saves, trains another task on the same base, hot-swaps: W never changes', async () => {
    const { lab: l } = lab();
    await l.train(100);
    await l.saveAdapter('rank4-task');
    const { settings } = parseSettings({ 'true-rank': '2' });
    await l.setConfig(settings.config);
    expect(l.view.curve.losses).toHaveLength(0);
    await l.train(100);
    await l.saveAdapter('rank2-task');
    expect(l.view.state!.adapters).toEqual(['rank4-task', 'rank2-task']);
    const cs = l.view.state!.checksumW;
    const a = await l.useAdapter('rank4-task');
    expect(a.state.checksumW).toBe(cs);
    expect(l.view.state!.step).toBe(0);
    expect(l.view.bZeroDiff).toBe(0); // measured with the fresh adapter, not the swapped-in one
    expect(l.view.nowDiff).toBeGreaterThan(0);
    const bytes = await l.exportAdapter('rank2-task');
    expect(bytes[0]).toBe(0x50); // PK
    await l.importAdapter('again', bytes);
    expect(l.view.state!.adapters).toContain('again');
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
