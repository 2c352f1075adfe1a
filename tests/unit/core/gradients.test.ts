/**
 * Gradients of every trainable tensor against central finite differences, running the very same
 * implementation in Float64Array: ∂L/∂θᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h.
 */
import { describe, expect, it } from 'vitest';
import { attachAdapter, createLinear, fillDropoutMask, type LoraLinear } from '../../../widgets/core/lora.ts';
import { lossFn, type LossKind } from '../../../widgets/core/loss.ts';
import { zeros, type Matrix } from '../../../widgets/core/matrix.ts';
import {
  backward,
  createMlp,
  createWorkspace,
  forward,
  trainableTensors,
  type Mlp,
} from '../../../widgets/core/mlp.ts';
import { createRng, fillNormal, randInt } from '../../../widgets/core/rng.ts';
import { relError } from './helpers.ts';

type F64 = Float64Array;
const SIZES = [5, 6, 4, 3]; // k₀ = 5 → 6 → 4 → 3 outputs
const N = 4;
const H = 1e-6;

interface Setup {
  layers: LoraLinear<F64>[];
  X: Matrix<F64>;
  Y: Matrix<F64>;
}

function setup(seed: number, loss: LossKind, bias = true): Setup {
  const rng = createRng(seed);
  const layers: LoraLinear<F64>[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    const W = zeros(SIZES[i + 1], SIZES[i], 'f64');
    fillNormal(rng, W.data, 1 / Math.sqrt(SIZES[i]));
    let b: F64 | null = null;
    if (bias) {
      b = new Float64Array(SIZES[i + 1]);
      fillNormal(rng, b, 0.3);
    }
    layers.push(createLinear(`l${i + 1}`, W, b));
  }
  const X = zeros(N, SIZES[0], 'f64');
  fillNormal(rng, X.data);
  const Y = zeros(N, SIZES[SIZES.length - 1], 'f64');
  if (loss === 'mse') fillNormal(rng, Y.data);
  else for (let i = 0; i < N; i++) Y.data[i * Y.cols + randInt(rng, Y.cols)] = 1;
  return { layers, X, Y };
}

/** Random A and B (B ≠ 0, or ∂L/∂A would be 0 and prove nothing). */
function randomiseAdapters(layers: LoraLinear<F64>[], seed: number): void {
  const rng = createRng(seed);
  for (const l of layers) {
    if (!l.adapter) continue;
    fillNormal(rng, l.adapter.A.data, 0.5);
    fillNormal(rng, l.adapter.B.data, 0.5);
  }
}

/**
 * Analytic gradients (one forward + backward) and finite differences for every trainable
 * tensor; the forward pass of each difference reuses the dropout masks of the first pass.
 */
function check(model: Mlp<F64>, s: Setup, loss: LossKind, dropout: 'off' | 'sample'): { name: string; err: number }[] {
  const ws = createWorkspace(model, N);
  ws.acts[0].data.set(s.X.data);
  const L = model.layers.length;
  const evalLoss = (mode: 'off' | 'sample' | 'reuse') =>
    lossFn(loss, forward(model, ws, mode, createRng(99)), s.Y, null);
  lossFn(loss, forward(model, ws, dropout, createRng(99)), s.Y, ws.dActs[L]);
  backward(model, ws);
  const { params, grads, names } = trainableTensors(model, ws);
  const analytic = grads.map((g) => Float64Array.from(g));
  const reuse = dropout === 'off' ? 'off' : 'reuse';
  return params.map((p, t) => {
    const fd = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const v = p[i];
      p[i] = v + H;
      const lp = evalLoss(reuse);
      p[i] = v - H;
      const lm = evalLoss(reuse);
      p[i] = v;
      fd[i] = (lp - lm) / (2 * H);
    }
    const norm = Math.hypot(...analytic[t]);
    expect(norm, `${names[t]} gradient is not zero`).toBeGreaterThan(1e-3);
    return { name: names[t], err: relError(analytic[t], fd) };
  });
}

describe.each(['mse', 'ce'] as const)('finite differences, %s loss (float64)', (loss) => {
  it('LoRA: A and B of every adapted layer', () => {
    const s = setup(1, loss);
    for (const l of s.layers) attachAdapter(l, { r: 2, alpha: 3 });
    randomiseAdapters(s.layers, 2);
    const res = check(createMlp(s.layers, 'lora'), s, loss, 'off');
    expect(res.map((r) => r.name)).toEqual(['l1.A', 'l1.B', 'l2.A', 'l2.B', 'l3.A', 'l3.B']);
    for (const r of res) expect(r.err, r.name).toBeLessThanOrEqual(1e-6);
  });

  it('LoRA with rsLoRA scaling on a subset of layers (a frozen layer in front)', () => {
    const s = setup(3, loss, false);
    attachAdapter(s.layers[1], { r: 3, alpha: 4, rsLora: true });
    attachAdapter(s.layers[2], { r: 1, alpha: 0.5 });
    randomiseAdapters(s.layers, 4);
    const res = check(createMlp(s.layers, 'lora'), s, loss, 'off');
    expect(res.map((r) => r.name)).toEqual(['l2.A', 'l2.B', 'l3.A', 'l3.B']);
    for (const r of res) expect(r.err, r.name).toBeLessThanOrEqual(1e-6);
  });

  it('LoRA with dropout on the adapter input (fixed mask)', () => {
    const s = setup(5, loss);
    for (const l of s.layers) attachAdapter(l, { r: 2, alpha: 2, dropout: 0.4 });
    randomiseAdapters(s.layers, 6);
    const model = createMlp(s.layers, 'lora');
    const res = check(model, s, loss, 'sample');
    for (const r of res) expect(r.err, r.name).toBeLessThanOrEqual(1e-6);
  });

  it('full fine-tuning: W of the trained layers, through a frozen middle layer', () => {
    const s = setup(7, loss);
    const model = createMlp(s.layers, 'full', [true, false, true]);
    const res = check(model, s, loss, 'off');
    expect(res.map((r) => r.name)).toEqual(['l1.W', 'l3.W']);
    for (const r of res) expect(r.err, r.name).toBeLessThanOrEqual(1e-6);
  });
});

describe('dropout mask', () => {
  it('has entries 0 or 1/(1 − p), about a share p of zeros', () => {
    const m = zeros(100, 100);
    fillDropoutMask(m, 0.25, createRng(1));
    const zerosShare = m.data.filter((x) => x === 0).length / m.data.length;
    expect(m.data.every((x) => x === 0 || x === Math.fround(1 / 0.75))).toBe(true);
    expect(Math.abs(zerosShare - 0.25)).toBeLessThan(0.02);
  });

  it('applies to the adapter path only: with B = 0 dropout cannot change the output', () => {
    const s = setup(9, 'mse');
    for (const l of s.layers) attachAdapter(l, { r: 2, alpha: 2, dropout: 0.5 });
    const model = createMlp(s.layers, 'lora');
    const ws = createWorkspace(model, N, false);
    ws.acts[0].data.set(s.X.data);
    const off = Float64Array.from(forward(model, ws, 'off').data);
    const on = Float64Array.from(forward(model, ws, 'sample', createRng(3)).data);
    expect(ws.layerWs[0].mask!.data.some((x) => x === 0)).toBe(true);
    expect(Array.from(on)).toEqual(Array.from(off));
  });
});
