/**
 * The model every LoRA step benchmark trains, in one place so the browser bench
 * (tests/fixtures/widgets/engine-probe/bench.ts, built into the fixture site) and the native GPU
 * bench (bench/gpu-native-run.ts, run through Vite in Node) time the identical step:
 *   two layers d×d (frozen W, b; adapters A r×d, B d×r, s = α/r = 1), tanh between, batch N = 32,
 *   MSE against fixed targets, Adam (lr 1e-3), the same fixed batch every step, no dropout.
 * Seeds are fixed per d, so both benches (and TensorFlow.js in the browser bench) start from the
 * same numbers.
 */
import type { CpuKernels } from '../../widgets/core/cpu-kernels.ts';
import { attachAdapter, createLinear, initAdapter } from '../../widgets/core/lora.ts';
import { mseLoss } from '../../widgets/core/loss.ts';
import { zeros, type Matrix } from '../../widgets/core/matrix.ts';
import { backward, createMlp, createWorkspace, forward, trainableTensors } from '../../widgets/core/mlp.ts';
import { createOptimizer, optimizerStep } from '../../widgets/core/optim.ts';
import { createRng, fillNormal } from '../../widgets/core/rng.ts';
import { buildPlan } from '../../widgets/gpu/plan.ts';
import { packState } from '../../widgets/gpu/state.ts';
import { GpuStepper } from '../../widgets/gpu/stepper.ts';

/** Batch rows. */
export const N = 32;
/** Adapter rank r (α = r, so s = 1). */
export const R = 8;
/** Adam's learning rate. */
export const LR = 1e-3;
/** GPU steps per submit (one readback each), as the trainer runs them. */
export const CHUNK = 20;

/** The frozen weights and biases, the adapters' initial A, the batch X and its targets Y. */
export interface BenchModel {
  readonly W: readonly Matrix[];
  readonly b: readonly Float32Array[];
  readonly A0: readonly Float32Array[];
  readonly X: Matrix;
  readonly Y: Matrix;
}

/** The model at width d, from seed 77 + d: W ~ N(0, 1/d), b ~ N(0, 0.01), A ~ N(0, 1/d), X ~ N(0, 1), Y ~ N(0, 0.25). */
export function makeModel(d: number): BenchModel {
  const rng = createRng(77 + d);
  const rand = (rows: number, cols: number, std: number): Matrix => {
    const m = zeros(rows, cols);
    fillNormal(rng, m.data, std);
    return m;
  };
  const W = [rand(d, d, 1 / Math.sqrt(d)), rand(d, d, 1 / Math.sqrt(d))];
  const b = [rand(1, d, 0.1).data, rand(1, d, 0.1).data];
  const A0 = [rand(R, d, 1 / Math.sqrt(d)).data, rand(R, d, 1 / Math.sqrt(d)).data];
  return { W, b, A0, X: rand(N, d, 1), Y: rand(N, d, 0.5) };
}

/**
 * One training step of the core on `kernels` (what the CPU session runs per step, minus the batch
 * gather): forward, MSE, backward, Adam. Returns the step's loss.
 */
export function cpuStep(d: number, kernels: CpuKernels): () => number {
  const m = makeModel(d);
  const layers = m.W.map((W, i) => {
    const l = createLinear(`fc${i + 1}`, { rows: d, cols: d, data: W.data.slice() }, m.b[i].slice());
    const ad = attachAdapter(l, { r: R, alpha: R });
    initAdapter(ad, createRng(1));
    ad.A.data.set(m.A0[i]);
    return l;
  });
  const model = createMlp(layers, 'lora');
  const ws = createWorkspace(model, N);
  const { params, grads } = trainableTensors(model, ws);
  const opt = createOptimizer('adam', params, grads);
  const G = ws.dActs[2]!;
  return () => {
    ws.acts[0].data.set(m.X.data);
    const loss = mseLoss(forward(model, ws, 'off', null, kernels), m.Y, G);
    backward(model, ws, kernels);
    optimizerStep(opt, LR);
    return loss;
  };
}

/** The WebGPU trainer on the same model, state uploaded and one step run (compiles every pipeline). */
export interface GpuBenchTrainer {
  /** Runs `steps` (≤ CHUNK) steps in one submit; their losses (a view on the readback). */
  chunk(steps: number): Promise<Float32Array>;
  destroy(): void;
}

/** The GPU trainer (GpuStepper) at width d with the tiled or the naive matmul. */
export async function gpuTrainer(device: GPUDevice, d: number, matmul: 'tiled' | 'naive'): Promise<GpuBenchTrainer> {
  const m = makeModel(d);
  const plan = buildPlan({
    layers: [0, 1].map((i) => ({
      name: `fc${i + 1}`,
      d,
      k: d,
      hasBias: true,
      adapter: { r: R, scaling: 1, dropout: false, aOff: i * 2 * R * d, bOff: i * 2 * R * d + R * d },
    })),
    batch: N,
    loss: 'mse',
    poolRows: N,
    optimizer: 'adam',
    divergenceFactor: 1e30,
    chunk: CHUNK,
    matmul,
  });
  const gpu = await GpuStepper.create(device, plan, {
    W: m.W.map((w) => w.data),
    bias: m.b,
    poolX: m.X.data,
    poolY: m.Y.data,
  });
  for (let s = 0; s < CHUNK; s++) for (let b = 0; b < N; b++) gpu.inboxU[s * N + b] = b;
  const params = [m.A0[0], new Float32Array(d * R), m.A0[1], new Float32Array(d * R)];
  const z = params.map((p) => new Float32Array(p.length));
  const so = plan.inbox.state;
  const state = { step: 0, lr: LR, loss: 0, bestLoss: Infinity, firstLoss: 0, meanLoss: 0, t: 0, goodT: 0 };
  packState(
    plan,
    { ...state, params, m: z, v: z, good: params, goodM: z, goodV: z },
    gpu.inboxF.subarray(so),
    gpu.inboxU.subarray(so),
  );
  await gpu.runChunk(1, plan.inbox.words, true);
  return {
    chunk: async (steps) => (await gpu.runChunk(steps, so, false)).f.subarray(0, steps),
    destroy: () => gpu.destroy(),
  };
}
