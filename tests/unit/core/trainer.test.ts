import { afterEach, describe, expect, it } from 'vitest';
import {
  merge as mergeLayer,
  unmerge as unmergeLayer,
  attachAdapter,
  initAdapter,
} from '../../../widgets/core/lora.ts';
import { copy, matmul, maxAbsDiff, type Matrix } from '../../../widgets/core/matrix.ts';
import { createMlp, createWorkspace, forward } from '../../../widgets/core/mlp.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { baseLayers, createScenario, type Scenario } from '../../../widgets/core/scenarios.ts';
import {
  adapterMaxAbsDiff,
  createSession,
  DEFAULTS,
  LoraConfigError,
  LoraStateError,
  resolveConfig,
  type TrainerConfig,
} from '../../../widgets/core/trainer.ts';
import { bitwiseEqual } from './helpers.ts';

/** Outputs of the bare frozen base (no adapters at all) on X. */
function baseOutputs(s: Scenario, X: Matrix): Matrix {
  const model = createMlp(baseLayers(s), 'lora');
  const ws = createWorkspace(model, X.rows, false);
  ws.acts[0].data.set(X.data);
  return copy(forward(model, ws));
}

function maxAbs(m: Matrix): number {
  return m.data.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
}

describe('initialisation: B = 0', () => {
  it.each(['low-rank-shift', 'classify-2d', 'overfit'] as const)(
    '%s: outputs equal the base exactly at step 0',
    (scenario) => {
      const s = createSession({ scenario, dropout: 0.2 });
      const probe = s.scenario.probe;
      expect(maxAbsDiff(s.predict(probe), baseOutputs(s.scenario, probe))).toBe(0);
      const w = s.adapterWeights();
      for (const t of w.targets) {
        expect(w.B[t].data.every((x) => x === 0)).toBe(true);
        // A ~ U(−1/√k, 1/√k), PEFT's Kaiming-uniform(a = √5)
        const bound = 1 / Math.sqrt(w.A[t].cols);
        expect(w.A[t].data.every((x) => Math.abs(x) <= bound)).toBe(true);
        expect(w.A[t].data.some((x) => x !== 0)).toBe(true);
      }
      expect(maxAbs(s.deltaW())).toBe(0);
    },
  );
});

describe('merge and unmerge', () => {
  it('outputs before and after merging agree to 1e-5 relative; unmerge restores W', () => {
    const s = createSession({ rank: 8, seed: 3 });
    s.train(150);
    const before = s.probeOutputs();
    const checksum = s.checksumW();
    const { maxAbsDiff: diff } = s.merge();
    expect(s.merged).toBe(true);
    expect(s.checksumW()).not.toBe(checksum); // W really changed
    expect(diff).toBeLessThanOrEqual(1e-5 * maxAbs(before));
    expect(maxAbsDiff(s.probeOutputs(), before)).toBe(diff);
    expect(() => s.train(1)).toThrow(LoraStateError);
    expect(() => s.merge()).toThrow(/already merged/);
    const { maxAbsDiff: drift } = s.unmerge();
    expect(drift).toBeLessThanOrEqual(1e-6);
    expect(s.checksumW()).toBe(checksum);
    expect(maxAbsDiff(s.probeOutputs(), before)).toBe(0);
    expect(() => s.unmerge()).toThrow(/not merged/);
    expect(s.train(5).losses).toHaveLength(5);
  });

  it('lora.merge / lora.unmerge: W ← W ± s·B·A, back to within 1e-6', () => {
    const sc = createScenario('low-rank-shift', { baseSeed: 2 });
    const layer = baseLayers(sc)[0];
    const ad = attachAdapter(layer, { r: 4, alpha: 8 });
    const rng = createRng(1);
    initAdapter(ad, rng);
    fillNormal(rng, ad.B.data, 0.2);
    const W0 = copy(layer.W);
    mergeLayer(layer);
    const dW = matmul(ad.B, ad.A, undefined, { alpha: ad.scaling });
    for (let i = 0; i < W0.data.length; i++) expect(layer.W.data[i]).toBeCloseTo(W0.data[i] + dW.data[i], 6);
    unmergeLayer(layer);
    expect(maxAbsDiff(layer.W, W0)).toBeLessThanOrEqual(1e-6);
  });
});

describe('the frozen base', () => {
  it('never changes with seed, task, rank, targets or training (checksum of W)', () => {
    const ref = createSession({ baseSeed: 5 }).checksumW();
    const variants: TrainerConfig[] = [
      { baseSeed: 5, seed: 9 },
      { baseSeed: 5, trueRank: 1 },
      { baseSeed: 5, scenario: 'overfit', trainSize: 50 },
      { baseSeed: 5, rank: 2, targets: 'fc2', dropout: 0.3 },
    ];
    for (const v of variants) expect(createSession(v).checksumW(), JSON.stringify(v)).toBe(ref);
    const trained = createSession({ baseSeed: 5 });
    trained.train(50);
    expect(trained.checksumW()).toBe(ref);
    expect(createSession({ baseSeed: 6 }).checksumW()).not.toBe(ref);
    const cls = createSession({ scenario: 'classify-2d', baseSeed: 5 });
    expect(createSession({ scenario: 'classify-2d', baseSeed: 5, seed: 4, rank: 2 }).checksumW()).toBe(cls.checksumW());
  });

  it('full fine-tuning changes W (and deltaW = W − W₀); reset restores it', () => {
    const s = createSession({ mode: 'full' });
    const c0 = s.checksumW();
    s.train(20);
    expect(s.checksumW()).not.toBe(c0);
    expect(maxAbs(s.deltaW('fc1'))).toBeGreaterThan(0);
    expect(() => s.merge()).toThrow(LoraStateError);
    expect(() => s.saveAdapter('x')).toThrow(LoraStateError);
    s.reset();
    expect(s.checksumW()).toBe(c0);
  });
});

describe('determinism', () => {
  it('same seeds and settings give a bitwise-identical float32 loss curve', () => {
    for (const cfg of [{ seed: 4 }, { scenario: 'overfit', dropout: 0.3, rank: 16 }, { mode: 'full' }]) {
      const a = createSession(cfg).train(60).losses;
      const b = createSession(cfg).train(60).losses;
      expect(bitwiseEqual(a, b), JSON.stringify(cfg)).toBe(true);
    }
    const c = createSession({ seed: 5 }).train(60).losses;
    expect(bitwiseEqual(createSession({ seed: 4 }).train(60).losses, c)).toBe(false);
  });

  it('reset() replays the same curve; splitting train() calls does not change it', () => {
    const s = createSession({ dropout: 0.1 });
    const first = s.train(40).losses;
    s.reset();
    expect(s.step).toBe(0);
    const again = new Float32Array(40);
    again.set(s.train(15).losses);
    again.set(s.train(25).losses, 15);
    expect(bitwiseEqual(first, again)).toBe(true);
    expect(s.step).toBe(40);
  });
});

describe('no allocation inside a training step', () => {
  const saved = { F32: globalThis.Float32Array, F64: globalThis.Float64Array, U32: globalThis.Uint32Array };
  afterEach(() => {
    globalThis.Float32Array = saved.F32;
    globalThis.Float64Array = saved.F64;
    globalThis.Uint32Array = saved.U32;
  });

  function countAllocations(run: () => void): number {
    let n = 0;
    const spy = <T extends object>(ctor: T): T =>
      new Proxy(ctor, {
        construct(target, args, newTarget) {
          n++;
          return Reflect.construct(target as unknown as new (...a: unknown[]) => object, args, newTarget);
        },
      });
    globalThis.Float32Array = spy(saved.F32);
    globalThis.Float64Array = spy(saved.F64);
    globalThis.Uint32Array = spy(saved.U32);
    try {
      run();
    } finally {
      globalThis.Float32Array = saved.F32;
      globalThis.Float64Array = saved.F64;
      globalThis.Uint32Array = saved.U32;
    }
    return n;
  }

  it.each([
    { rank: 8 },
    { scenario: 'overfit', dropout: 0.2 },
    { scenario: 'classify-2d' },
    { mode: 'full' },
  ] as TrainerConfig[])('train(n) allocates only its result array: %o', (cfg) => {
    const s = createSession(cfg);
    s.train(3); // warm
    const one = countAllocations(() => s.train(1));
    const many = countAllocations(() => s.train(200)); // crosses several reshuffles
    expect(one).toBe(1); // the `losses` array
    expect(many).toBe(1);
  });

  it('the spy does see allocations', () => {
    expect(countAllocations(() => createSession({}))).toBeGreaterThan(10);
  });
});

describe('divergence guard', () => {
  it('a huge learning rate triggers rollback and halving; training continues with finite loss', () => {
    const s = createSession({ lr: 50, seed: 2 });
    const r = s.train(300);
    expect(r.recoveries.length).toBeGreaterThan(0);
    const lrs = r.recoveries.map((x) => x.lr);
    lrs.forEach((lr, i) => expect(lr).toBe(50 / 2 ** (i + 1)));
    expect(s.lr).toBe(lrs[lrs.length - 1]);
    expect(r.recoveries[0].reason).toMatch(/loss spike|non-finite loss/);
    const tail = r.losses.subarray(250);
    expect(tail.every(Number.isFinite)).toBe(true);
    expect(Math.max(...tail)).toBeLessThan(r.losses[0]);
    expect(Number.isFinite(s.valLoss())).toBe(true);
  });

  it('a non-finite loss (SGD blowing up) is rolled back too', () => {
    const s = createSession({ optimizer: 'sgd', lr: 1e6 });
    const r = s.train(60);
    expect(r.recoveries.some((x) => x.reason === 'non-finite loss' || x.reason === 'loss spike')).toBe(true);
    expect(Number.isFinite(r.losses[59])).toBe(true);
    expect(s.adapterWeights().A['fc1'].data.every(Number.isFinite)).toBe(true);
  });

  it('the default settings never trigger it on low-rank-shift', () => {
    expect(createSession({}).train(300).recoveries).toHaveLength(0);
  });
});

describe('configuration errors name the field', () => {
  const bad: [TrainerConfig | Record<string, unknown>, string, RegExp][] = [
    [{ rank: 0 }, 'rank', /≥ 1/],
    [{ rank: 2.5 }, 'rank', /integer/],
    [{ rank: 65 }, 'rank', /exceeds/],
    [{ scenario: 'classify-2d', rank: 3, targets: 'fc1,fc2' }, 'rank', /min\(d, k\) = 2 of target fc1/],
    [{ lr: 0 }, 'lr', /> 0/],
    [{ lr: -0.1 }, 'lr', /> 0/],
    [{ lr: Number.NaN }, 'lr', /finite/],
    [{ lr: Number.POSITIVE_INFINITY }, 'lr', /finite/],
    [{ alpha: 0 }, 'alpha', /> 0/],
    [{ scenario: 'spiral' }, 'scenario', /unknown "spiral"/],
    [{ targets: ['fc9'] }, 'targets', /unknown layer "fc9"/],
    [{ targets: [] }, 'targets', /empty/],
    [{ targets: 'fc1,fc1' }, 'targets', /twice/],
    [{ targets: 42 }, 'targets', /list/],
    [{ dropout: 1 }, 'dropout', /\[0, 1\)/],
    [{ dropout: -0.1 }, 'dropout', /\[0, 1\)/],
    [{ batch: 0 }, 'batch', /integer/],
    [{ seed: 1.5 }, 'seed', /integer/],
    [{ baseSeed: 'x' }, 'baseSeed', /integer/],
    [{ trueRank: 0 }, 'trueRank', /integer/],
    [{ trueRank: 65 }, 'trueRank', /integer/],
    [{ scenario: 'overfit', trainSize: 1 }, 'trainSize', /integer/],
    [{ mode: 'qlora' }, 'mode', /lora, full/],
    [{ optimizer: 'rmsprop' }, 'optimizer', /adam, sgd/],
    [{ rsLora: 'yes' }, 'rsLora', /true or false/],
    [{ divergenceFactor: 1 }, 'divergenceFactor', /> 1/],
  ];
  it.each(bad)('%o → %s', (cfg, field, message) => {
    let err: unknown;
    try {
      resolveConfig(cfg as TrainerConfig);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoraConfigError);
    expect((err as LoraConfigError).field).toBe(field);
    expect((err as Error).message).toMatch(new RegExp(`^${field}: `));
    expect((err as Error).message).toMatch(message);
    expect(() => createSession(cfg as TrainerConfig)).toThrow(LoraConfigError);
  });

  it('fills defaults, orders targets, caps the batch at the training set', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({
      scenario: 'low-rank-shift',
      rank: DEFAULTS.rank,
      alpha: 8,
      lr: 3e-3,
      batch: 32,
      targets: ['fc1', 'fc2'],
    });
    expect(resolveConfig({ targets: ' fc2 , fc1 ' }).targets).toEqual(['fc1', 'fc2']);
    expect(resolveConfig({ scenario: 'overfit', trainSize: 20, batch: 64 }).batch).toBe(20);
    expect(resolveConfig({ mode: 'full' }).lr).toBe(1e-3);
    expect(resolveConfig({ seed: -1 }).seed).toBe(4294967295);
  });
});

describe('adapters: save, use (hot swap), restore, import/export', () => {
  it('hot-swaps adapters on the same frozen base', () => {
    const s = createSession({ seed: 1 });
    const w0 = s.checksumW();
    s.train(100);
    s.saveAdapter('first');
    const outFirst = s.probeOutputs();
    s.train(100);
    s.saveAdapter('second');
    const outSecond = s.probeOutputs();
    expect(s.adapters).toEqual(['first', 'second']);
    expect(maxAbsDiff(outFirst, outSecond)).toBeGreaterThan(0);
    s.useAdapter('first');
    expect(maxAbsDiff(s.probeOutputs(), outFirst)).toBe(0);
    expect(adapterMaxAbsDiff(s.adapterWeights(), s.adapterWeights('first'))).toBe(0);
    s.useAdapter('second');
    expect(maxAbsDiff(s.probeOutputs(), outSecond)).toBe(0);
    expect(s.checksumW()).toBe(w0);
    s.reset();
    expect(s.adapters).toEqual(['first', 'second']);
    expect(() => s.useAdapter('third')).toThrow(/no adapter named "third"/);
    expect(s.deleteAdapter('first')).toBe(true);
    expect(s.adapters).toEqual(['second']);
  });

  it('a saved adapter is a copy; adapterWeights()/restoreAdapter round-trips A and B', () => {
    const s = createSession({ rank: 2 });
    s.train(30);
    const live = s.adapterWeights();
    s.saveAdapter('a');
    const saved = s.adapterWeights('a');
    saved.A['fc1'].data[0] += 1; // mutating a returned copy changes nothing inside
    expect(adapterMaxAbsDiff(s.adapterWeights('a'), live)).toBe(0);
    s.train(30);
    expect(adapterMaxAbsDiff(s.adapterWeights(), live)).toBeGreaterThan(0);
    s.restoreAdapter(live);
    expect(adapterMaxAbsDiff(s.adapterWeights(), live)).toBe(0);
    const other = createSession({ rank: 4 });
    expect(() => other.restoreAdapter(live)).toThrow(/rank 2/);
  });

  it('deltaW = s·B·A of the named layer, with rank ≤ r', () => {
    const s = createSession({ rank: 2, alpha: 6 });
    s.train(50);
    const w = s.adapterWeights();
    const want = matmul(w.B['fc2'], w.A['fc2'], undefined, { alpha: 3 });
    expect(maxAbsDiff(s.deltaW('fc2'), want)).toBe(0);
    expect(s.deltaW().rows).toBe(64);
    expect(() => s.deltaW('fc7')).toThrow(LoraConfigError);
    // rsLoRA: s = α/√r
    const rs = createSession({ rank: 4, alpha: 6, rsLora: true });
    rs.train(20);
    const v = rs.adapterWeights();
    expect(maxAbsDiff(rs.deltaW('fc1'), matmul(v.B['fc1'], v.A['fc1'], undefined, { alpha: 3 }))).toBe(0);
  });

  it('a different rank can be swapped in (buffers rebuilt)', () => {
    const s = createSession({ rank: 8 });
    const small = createSession({ rank: 2, targets: 'fc2' });
    small.train(50);
    s.importAdapter('small', small.adapterWeights());
    s.useAdapter('small');
    expect(s.config.rank).toBe(2);
    expect(s.config.targets).toEqual(['fc2']);
    expect(s.trainableParams).toBe(2 * 128);
    expect(maxAbsDiff(s.probeOutputs(), small.probeOutputs())).toBe(0);
    expect(s.train(10).losses.every(Number.isFinite)).toBe(true);
  });

  it('exports a PEFT zip that another session on the same base imports exactly', () => {
    const a = createSession({ seed: 3, rank: 4, alpha: 16, dropout: 0.1 });
    a.train(80);
    const zip = a.exportAdapter();
    const b = createSession({ seed: 8 });
    const set = b.importAdapter('from-a', zip);
    expect(set).toMatchObject({ rank: 4, alpha: 16, dropout: 0.1, rsLora: false, targets: ['fc1', 'fc2'] });
    b.useAdapter('from-a');
    expect(maxAbsDiff(b.probeOutputs(), a.probeOutputs())).toBe(0);
    const otherBase = createSession({ baseSeed: 99 });
    expect(() => otherBase.importAdapter('x', zip)).toThrow(/trained on marginalia\/mlp-64-64@base-seed=1/);
    const cls = createSession({ scenario: 'classify-2d', baseSeed: 1 });
    expect(() => cls.importAdapter('x', { ...set })).toThrow(LoraConfigError);
  });
});

describe('classify-2d', () => {
  it('LoRA on fc2, fc3 turns a base that fails the rotated task into one that passes it', () => {
    const s = createSession({ scenario: 'classify-2d', rank: 4 });
    expect(s.scenario.baseValAccuracy!).toBeLessThan(0.5);
    expect(s.valAccuracy()).toBe(s.scenario.baseValAccuracy);
    s.train(300);
    expect(s.valAccuracy()!).toBeGreaterThan(0.9);
    const g = s.gridProbabilities();
    expect([g.rows, g.cols]).toEqual([64 * 64, 2]);
    for (let i = 0; i < g.rows; i += 97) expect(g.data[2 * i] + g.data[2 * i + 1]).toBeCloseTo(1, 5);
    const small = s.gridProbabilities({ xMin: -1, xMax: 1, yMin: -1, yMax: 1, nx: 3, ny: 2 });
    expect(small.rows).toBe(6);
    expect(createSession({}).valAccuracy()).toBeNull();
    expect(() => createSession({}).gridProbabilities()).toThrow(LoraStateError);
  });
});
