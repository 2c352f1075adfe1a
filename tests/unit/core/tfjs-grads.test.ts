/**
 * Gradients against an independent autodiff: TensorFlow.js (CPU backend, float32) builds the same
 * forward pass from the lesson's formula, h = W·x + b + s·B·A·x̃, with tf.variable and tf.grads.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachAdapter, initAdapter, type LoraLinear } from '../../../widgets/core/lora.ts';
import { lossFn, type LossKind } from '../../../widgets/core/loss.ts';
import { type Matrix } from '../../../widgets/core/matrix.ts';
import { backward, createMlp, createWorkspace, forward, trainableTensors } from '../../../widgets/core/mlp.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { baseLayers, createScenario, type Scenario } from '../../../widgets/core/scenarios.ts';
import { relError } from './helpers.ts';

const TOL = 1e-4;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function t2(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(m.data, [m.rows, m.cols], 'float32');
}

/** tf version of the model: every layer z = x·Wᵀ + b + s·((x ⊙ M)·Aᵀ)·Bᵀ, tanh between layers. */
function tfForward(
  layers: LoraLinear[],
  X: tf.Tensor2D,
  vars: Map<string, tf.Tensor2D>,
  masks: (Matrix | null)[],
): tf.Tensor2D {
  let a: tf.Tensor = X;
  layers.forEach((l, i) => {
    const W = vars.get(`${l.name}.W`) ?? t2(l.W);
    let z: tf.Tensor = tf.matMul(a, W, false, true);
    if (l.bias) z = tf.add(z, tf.tensor1d(l.bias, 'float32'));
    if (l.adapter) {
      const A = vars.get(`${l.name}.A`) ?? t2(l.adapter.A);
      const B = vars.get(`${l.name}.B`) ?? t2(l.adapter.B);
      const m = masks[i];
      const xt = m ? tf.mul(a, t2(m)) : a;
      z = tf.add(z, tf.mul(tf.matMul(tf.matMul(xt, A, false, true), B, false, true), l.adapter.scaling));
    }
    a = i < layers.length - 1 ? tf.tanh(z) : z;
  });
  return a as tf.Tensor2D;
}

function tfLoss(kind: LossKind, out: tf.Tensor2D, Y: Matrix): tf.Scalar {
  const y = t2(Y);
  if (kind === 'mse') return tf.mean(tf.square(tf.sub(out, y)));
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(out)), 1)));
}

function compare(s: Scenario, mode: 'lora' | 'full', dropout: number): { name: string; err: number }[] {
  const layers = baseLayers(s);
  const rng = createRng(5);
  if (mode === 'lora') {
    for (const name of s.defaultTargets) {
      const l = layers.find((x) => x.name === name)!;
      const ad = attachAdapter(l, { r: 4, alpha: 8, dropout });
      initAdapter(ad, rng);
      fillNormal(rng, ad.B.data, 0.1); // B ≠ 0 so that ∂L/∂A ≠ 0
    }
  }
  const model = createMlp(
    layers,
    mode,
    layers.map((l) => s.defaultTargets.includes(l.name)),
  );
  const n = 32;
  const ws = createWorkspace(model, n);
  const X: Matrix = { rows: n, cols: s.train.X.cols, data: s.train.X.data.slice(0, n * s.train.X.cols) };
  const Y: Matrix = { rows: n, cols: s.train.Y.cols, data: s.train.Y.data.slice(0, n * s.train.Y.cols) };
  ws.acts[0].data.set(X.data);
  const L = layers.length;
  const ours = lossFn(s.loss, forward(model, ws, dropout > 0 ? 'sample' : 'off', createRng(11)), Y, ws.dActs[L]);
  backward(model, ws);
  const { grads, names } = trainableTensors(model, ws);
  const masks = ws.layerWs.map((w) => (dropout > 0 ? w.mask : null));

  return tf.tidy(() => {
    const vars = new Map<string, tf.Tensor2D>();
    for (const name of names) {
      const [lname, which] = name.split('.');
      const l = layers.find((x) => x.name === lname)!;
      const m = which === 'W' ? l.W : which === 'A' ? l.adapter!.A : l.adapter!.B;
      vars.set(name, tf.variable(t2(m), true, `v_${name}_${mode}_${dropout}`) as unknown as tf.Tensor2D);
    }
    const keys = [...vars.keys()];
    const f = (...ts: tf.Tensor[]): tf.Scalar => {
      const local = new Map(keys.map((k, i) => [k, ts[i] as tf.Tensor2D]));
      return tfLoss(s.loss, tfForward(layers, t2(X), local, masks), Y);
    };
    const { value, grads: tg } = tf.valueAndGrads(f)(keys.map((k) => vars.get(k)!));
    const tfLossValue = value.dataSync()[0];
    expect(Math.abs(tfLossValue - ours) / Math.abs(ours)).toBeLessThan(TOL);
    for (const v of vars.values()) (v as unknown as tf.Variable).dispose();
    return keys.map((k, i) => ({ name: k, err: relError(grads[names.indexOf(k)], tg[i].dataSync()) }));
  });
}

describe('gradients agree with TensorFlow.js (cpu, float32)', () => {
  const lrs = createScenario('low-rank-shift', { baseSeed: 3 });
  const cls = createScenario('classify-2d', { baseSeed: 3 });

  it('low-rank-shift (MSE), LoRA on fc1 and fc2', () => {
    const res = compare(lrs, 'lora', 0);
    expect(res.map((r) => r.name)).toEqual(['fc1.A', 'fc1.B', 'fc2.A', 'fc2.B']);
    for (const r of res) expect(r.err, r.name).toBeLessThan(TOL);
  });

  it('low-rank-shift (MSE), LoRA with dropout 0.3 (same mask)', () => {
    for (const r of compare(lrs, 'lora', 0.3)) expect(r.err, r.name).toBeLessThan(TOL);
  });

  it('low-rank-shift (MSE), full fine-tuning', () => {
    const res = compare(lrs, 'full', 0);
    expect(res.map((r) => r.name)).toEqual(['fc1.W', 'fc2.W']);
    for (const r of res) expect(r.err, r.name).toBeLessThan(TOL);
  });

  it('classify-2d (softmax cross-entropy), LoRA on fc2 and fc3', () => {
    const res = compare(cls, 'lora', 0);
    expect(res.map((r) => r.name)).toEqual(['fc2.A', 'fc2.B', 'fc3.A', 'fc3.B']);
    for (const r of res) expect(r.err, r.name).toBeLessThan(TOL);
  });

  it('classify-2d (softmax cross-entropy), full fine-tuning', () => {
    for (const r of compare(cls, 'full', 0)) expect(r.err, r.name).toBeLessThan(TOL);
  });
});
