/**
 * The WGSL kernels' CPU twins (widgets/gpu/emulate.ts, index for index what each kernel's threads
 * compute) against the core functions they stand for, and the whole GPU step (plan.ts, run with
 * the twins) against the CPU session. The browser tests (tests/e2e/engine*.gpu.spec.ts) then run
 * the real kernels against the same core.
 */
import { describe, expect, it } from 'vitest';
import { ADAM_DEFAULTS, adamUpdate } from '../../../widgets/core/optim.ts';
import { mseLoss, softmaxCrossEntropy } from '../../../widgets/core/loss.ts';
import { matmul, matmulTA, matmulTB, zeros, type Matrix } from '../../../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import {
  adamTwin,
  emuBuffer,
  emulatedBackend,
  guardTwin,
  lossCeTwin,
  lossMseTwin,
  matmulTwin,
  nonFiniteBits,
} from '../../../widgets/gpu/emulate.ts';
import { GUARD } from '../../../widgets/gpu/kernels.ts';
import { buildPlan } from '../../../widgets/gpu/plan.ts';
import { planSpecFor } from '../../../widgets/gpu/state.ts';

const rng = createRng(42);
function rand(rows: number, cols: number): Matrix {
  const m = zeros(rows, cols);
  fillNormal(rng, m.data);
  return m;
}
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d / Math.max(n, 1e-300));
}

describe('kernel twins vs core', () => {
  it('matmul strides give A·B, Aᵀ·B and A·Bᵀ, with offsets, alpha and accumulation', () => {
    for (const [M, N, K] of [
      [1, 1, 1],
      [5, 7, 3],
      [32, 8, 64],
      [17, 33, 16],
    ]) {
      const pad = 5;
      const A = rand(M, K);
      const B = rand(K, N);
      const AT = rand(K, M);
      const BT = rand(N, K);
      const C0 = rand(M, N);
      const withPad = (m: Matrix) => {
        const out = new Float32Array(pad + m.data.length);
        out.set(m.data, pad);
        return out;
      };
      const run = (
        sA: [number, number],
        Abuf: Float32Array,
        sB: [number, number],
        Bbuf: Float32Array,
        alpha: number,
        beta: number,
      ) => {
        const C = withPad(C0);
        matmulTwin(
          { M, N, K, offA: pad, sAi: sA[0], sAp: sA[1], offB: pad, sBp: sB[0], sBj: sB[1], offC: pad, alpha, beta },
          Abuf,
          Bbuf,
          C,
        );
        return C.subarray(pad);
      };
      expect(relErr(run([K, 1], withPad(A), [N, 1], withPad(B), 1, 0), matmul(A, B).data)).toBeLessThan(1e-6);
      expect(
        relErr(run([1, M], withPad(AT), [N, 1], withPad(B), 0.5, 0), matmulTA(AT, B, undefined, { alpha: 0.5 }).data),
      ).toBeLessThan(1e-6);
      const acc = { rows: M, cols: N, data: C0.data.slice() };
      matmulTB(A, BT, acc, { alpha: 2, accumulate: true });
      expect(relErr(run([K, 1], withPad(A), [1, K], withPad(BT), 2, 1), acc.data)).toBeLessThan(1e-6);
    }
  });

  it('MSE and softmax cross-entropy: loss and gradient', () => {
    const pred = rand(32, 64);
    const tgt = rand(32, 64);
    const g = zeros(32, 64);
    const losses = new Float32Array(4);
    const ref = zeros(32, 64);
    lossMseTwin({ count: 2048, inv: 1 / 2048 }, 1, pred.data, tgt.data, g.data, losses);
    expect(Math.abs(losses[1] - mseLoss(pred, tgt, ref)) / mseLoss(pred, tgt)).toBeLessThan(1e-6);
    expect(relErr(g.data, ref.data)).toBeLessThan(1e-6);
    const logits = rand(32, 2);
    const onehot = zeros(32, 2);
    for (let i = 0; i < 32; i++) onehot.data[2 * i + (i % 2)] = 1;
    lossCeTwin({ n: 32, m: 2 }, 2, logits.data, onehot.data, g.data.subarray(0, 64), losses);
    const ce = zeros(32, 2);
    expect(Math.abs(losses[2] - softmaxCrossEntropy(logits, onehot, ce))).toBeLessThan(1e-6);
    expect(relErr(g.data.subarray(0, 64), ce.data)).toBeLessThan(1e-6);
  });

  it('Adam', () => {
    const p = rand(1, 100).data;
    const grad = rand(1, 100).data;
    const opt = new Float32Array(200);
    opt.set(rand(1, 100).data.map(Math.abs), 100);
    const ref = { p: p.slice(), m: opt.slice(0, 100), v: opt.slice(100) };
    const g = emuBuffer(16);
    g.f[GUARD.lr] = 1e-3;
    g.u[GUARD.accept] = 1;
    g.f[GUARD.bc1] = 1 - 0.9 ** 3;
    g.f[GUARD.bc2] = 1 - 0.999 ** 3;
    const { beta1, beta2, eps } = ADAM_DEFAULTS;
    adamTwin(
      { count: 100, sgd: 0, beta1, beta2, oneMinusBeta1: 1 - beta1, oneMinusBeta2: 1 - beta2, eps },
      g,
      p,
      grad,
      opt,
    );
    adamUpdate(ref.p, grad, ref.m, ref.v, 3, 1e-3);
    expect(relErr(p, ref.p)).toBeLessThan(1e-6);
    expect(relErr(opt.subarray(0, 100), ref.m)).toBeLessThan(1e-6);
    // Rolled-back step: nothing moves.
    g.u[GUARD.accept] = 0;
    const before = p.slice();
    adamTwin({ count: 100, sgd: 0, beta1, beta2, oneMinusBeta1: 0.1, oneMinusBeta2: 0.001, eps }, g, p, grad, opt);
    expect(p).toEqual(before);
  });

  it('non-finite flag: exponent bits all ones', () => {
    for (const x of [Number.NaN, Infinity, -Infinity, 1e39]) expect(nonFiniteBits(x)).toBe(true);
    for (const x of [0, -0, 1, 3.4e38, 1e-45, -2]) expect(nonFiniteBits(x)).toBe(false);
  });

  it('guard: spike, non-finite and accept, as the session decides', () => {
    const g = emuBuffer(16);
    g.f[GUARD.lr] = 0.5;
    const losses = new Float32Array(8);
    const P = {
      factor: 100,
      spikeFloor: 1e-3,
      goodFactor: 2,
      ema: 0.9,
      oneMinusEma: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      chunk: 4,
    };
    losses[0] = 2;
    guardTwin(P, 0, losses, g);
    expect([g.u[GUARD.accept], g.u[GUARD.keep], g.u[GUARD.t], losses[4]]).toEqual([1, 1, 1, 0]);
    losses[1] = 1000; // > 100 × best 2
    guardTwin(P, 1, losses, g);
    expect([g.u[GUARD.accept], g.u[GUARD.restore], g.f[GUARD.lr], g.u[GUARD.t], losses[5]]).toEqual([0, 1, 0.25, 0, 1]);
    losses[2] = Number.NaN;
    guardTwin(P, 2, losses, g);
    expect([g.u[GUARD.accept], g.f[GUARD.lr], losses[6]]).toEqual([0, 0.125, 2]);
  });
});

describe('the GPU step (plan) run with the twins vs the CPU session', () => {
  it.each([
    ['low-rank-shift, dropout', { seed: 4, dropout: 0.2 }],
    ['classify-2d (CE, frozen first and last layers)', { seed: 2, scenario: 'classify-2d' }],
    ['overfit, SGD', { seed: 3, scenario: 'overfit', optimizer: 'sgd', lr: 0.05 }],
    ['divergence: rollbacks on the GPU guard', { seed: 1, lr: 40 }],
  ])('%s: same losses and tensors, chunked, with resets in between', (_name, config) => {
    const cpu = createSession(config);
    const gpuSession = createSession(config);
    const emu = emulatedBackend(gpuSession, 10);
    const a = cpu.train(25);
    const losses: number[] = [];
    const recoveries = [];
    for (const k of [10, 10, 5]) {
      const r = emu.train(k);
      losses.push(...r.losses);
      recoveries.push(...r.recoveries);
    }
    expect(relErr(losses, a.losses)).toBeLessThan(1e-4);
    expect(recoveries.map((r) => [r.step, r.reason, r.lr])).toEqual(a.recoveries.map((r) => [r.step, r.reason, r.lr]));
    expect(gpuSession.step).toBe(25);
    expect(gpuSession.lr).toBe(cpu.lr);
    const ps = gpuSession.trainingState().params;
    cpu.trainingState().params.forEach((p, i) => expect(relErr(ps[i], p)).toBeLessThan(1e-4));
    // The session changes outside training (reset): the next chunk re-uploads the state.
    cpu.reset();
    gpuSession.reset();
    emu.invalidate();
    expect(relErr(emu.train(10).losses, cpu.train(10).losses)).toBeLessThan(1e-4);
  });

  it('plan: one dispatch list per step, every binding a known buffer, masks 256-byte aligned', () => {
    const plan = buildPlan(planSpecFor(createSession({ dropout: 0.1 }), 20));
    for (const d of plan.step) for (const b of d.bindings) expect(plan.buffers[b.buffer]).toBeGreaterThan(0);
    expect(plan.inbox.masks % 64).toBe(0);
    expect(plan.step.filter((d) => d.kernel === 'matmul').length).toBe(2 * 3 + 4 + 3 + 1); // fwd 3/layer; bwd fc2 4 + T, fc1 3
    expect(plan.paramCount).toBe(2 * 8 * 128);
  });
});
