/**
 * Seeded tasks for the LoRA trainer. Everything here is a pure function of its options.
 *
 * Seeds: the frozen base depends ONLY on `baseSeed` (and the scenario's architecture); the task
 * (teacher update, data) on `baseSeed` and the task options; adapter initialisation and data
 * order depend on the trainer's `seed` (see trainer.ts). So changing `seed`, `trueRank` or
 * `trainSize` never changes W, and 'low-rank-shift' and 'overfit' share one base.
 *
 * Sub-streams (rng.ts `deriveSeed(baseSeed, stream)`): 1 base weights, 2 teacher update,
 * 3 training inputs, 4 validation inputs, 5 probe inputs, 6 training-target noise, 7 classify-2d
 * base training set, 8 validation-target noise. Every array is filled row-major, in the order
 * listed below; normals come from `fillNormal` (Box–Muller pairs).
 *
 * Scenarios:
 *
 * 1. 'low-rank-shift' (default). Base: x ∈ ℝ⁶⁴ → fc1 (64×64) → tanh → fc2 (64×64) → ŷ ∈ ℝ⁶⁴,
 *    W_ℓ entries ~ N(0, 1/k), b_ℓ entries ~ N(0, BIAS_STD²), drawn W₁, b₁, W₂, b₂ in that order
 *    from stream 1. Teacher: the same network with W_ℓ + Δ_ℓ, where Δ_ℓ = (γ/√(t·k))·P_ℓ·Q_ℓ,
 *    P_ℓ (d×t), Q_ℓ (t×k) entries ~ N(0, 1), t = trueRank, γ = TEACHER_GAIN, drawn P₁, Q₁, P₂, Q₂
 *    from stream 2 (so ‖Δ_ℓ‖_F ≈ γ·‖W_ℓ‖_F). Inputs x ~ N(0, I₆₄); targets y = teacher(x); MSE.
 *    Training pool of POOL_SIZE examples (inputs from stream 3), validation set of VAL_SIZE
 *    (stream 4), probe batch of PROBE_SIZE (stream 5). Targets fc1, fc2; batch 32.
 * 2. 'classify-2d'. Base: x ∈ ℝ² → fc1 (32×2) → tanh → fc2 (32×32) → tanh → fc3 (32×32) → tanh
 *    → head (2×32) → logits; softmax cross-entropy over one-hot targets. Initialisation from
 *    stream 1 (W, b per layer in order): fc1 W ~ N(0, 2²), b ~ N(0, 1) (features that cover the
 *    plane), other W ~ N(0, 1/k), b ~ N(0, BIAS_STD²). The base is then trained here: full-batch
 *    Adam (W of every layer, biases frozen), CLASSIFY_BASE_STEPS steps at CLASSIFY_BASE_LR on
 *    CLASSIFY_BASE_POINTS points of `moons(·, 0)` (stream 7). The new task is `moons(·, ROTATION)`:
 *    a pool of CLASSIFY_POOL points (stream 3), VAL_SIZE for validation (stream 4), PROBE_SIZE
 *    probe inputs (stream 5). Targets fc2, fc3 (d = k = 32); batch 32.
 * 3. 'overfit'. The low-rank-shift base and teacher, but a finite training set of `trainSize`
 *    examples (inputs from stream 3) whose targets carry N(0, NOISE_STD²) noise (stream 6), and a
 *    VAL_SIZE validation set (stream 4) with noise of the same law (stream 8). A rank well above
 *    trueRank fits the noise: lower training loss, higher validation loss.
 */
import {
  CLASSIFY,
  CLASSIFY_GRID,
  DEFAULT_TRAIN_SIZE,
  DEFAULT_TRUE_RANK,
  MLP64,
  type LayerSpec,
  type ScenarioName,
} from './scenario-shapes.ts';

export * from './scenario-shapes.ts';
import { createLinear, type LoraLinear } from './lora.ts';
import { accuracy, lossFn, type LossKind } from './loss.ts';
import { addScaled, matmul, zeros, type Matrix } from './matrix.ts';
import { backward, createMlp, createWorkspace, forward, trainableTensors } from './mlp.ts';
import { createOptimizer, optimizerStep } from './optim.ts';
import { createRng, deriveSeed, fillNormal, uniform, type Rng } from './rng.ts';

/** Seed sub-streams of `baseSeed` (see the file comment). */
const BASE_STREAM = Object.freeze({
  weights: 1,
  teacher: 2,
  trainInputs: 3,
  valInputs: 4,
  probeInputs: 5,
  noise: 6,
  baseTrainSet: 7,
  valNoise: 8,
} as const);

/** γ: ‖Δ_ℓ‖_F / ‖W_ℓ‖_F of the teacher's update (low-rank-shift, overfit). */
const TEACHER_GAIN = 0.5;
/** Standard deviation of the base biases. */
const BIAS_STD = 0.1;
/** Standard deviation of the target noise in 'overfit'. */
export const NOISE_STD = 0.3;
/** Rotation of the classify-2d task relative to the base's training data (radians). */
const ROTATION = Math.PI / 3;

const POOL_SIZE = 4096;
const VAL_SIZE = 512;
const PROBE_SIZE = 64;

/** Frozen base parameters of one layer. Never mutated: models copy them. */
export interface BaseLayer {
  readonly W: Matrix;
  readonly bias: Float32Array | null;
}

export interface Dataset {
  /** Inputs, one example per row. */
  readonly X: Matrix;
  /** Targets (regression values or one-hot class rows), one per row. */
  readonly Y: Matrix;
}

/** A rectangle sampled on an nx × ny grid (classify-2d decision boundary). */
export interface GridSpec {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
  readonly nx: number;
  readonly ny: number;
}

export interface ScenarioOptions {
  readonly baseSeed: number;
  /** Rank t of the teacher's update (low-rank-shift, overfit). */
  readonly trueRank?: number;
  /** Size of the finite training set (overfit). */
  readonly trainSize?: number;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly loss: LossKind;
  readonly layers: readonly LayerSpec[];
  readonly base: readonly BaseLayer[];
  /** Names the frozen base (PEFT's `base_model_name_or_path`); equal iff the base is equal. */
  readonly baseModelId: string;
  readonly defaultTargets: readonly string[];
  /** Shape of the default target layers: d (output) and k (input). */
  readonly d: number;
  readonly k: number;
  readonly defaultBatch: number;
  /** The training data: a pool (low-rank-shift, classify-2d) or the finite noisy set (overfit). */
  readonly train: Dataset;
  readonly val: Dataset;
  /** A fixed batch for merge checks. */
  readonly probe: Matrix;
  /** The teacher's true update Δ_ℓ per layer (low-rank-shift, overfit). */
  readonly trueDelta: Readonly<Record<string, Matrix>> | null;
  /** Where to draw a decision boundary (classify-2d). */
  readonly grid: GridSpec | null;
  /** Accuracy of the base on the new task's validation set (classify-2d), else null. */
  readonly baseValAccuracy: number | null;
}

export function createScenario(name: ScenarioName, opts: ScenarioOptions): Scenario {
  switch (name) {
    case 'low-rank-shift':
      return lowRankShift(opts, false);
    case 'overfit':
      return lowRankShift(opts, true);
    case 'classify-2d':
      return classify2d(opts);
  }
}

/** Layers of a scenario, as `LoraLinear`s holding COPIES of the base weights (no adapters). */
export function baseLayers(s: Scenario): LoraLinear[] {
  return s.layers.map((spec, i) => {
    const b = s.base[i];
    const W = zeros(spec.d, spec.k);
    W.data.set(b.W.data);
    return createLinear(spec.name, W, b.bias ? Float32Array.from(b.bias) : null);
  });
}

// ---------------------------------------------------------------------------------------------
// low-rank-shift and overfit

/** W_ℓ ~ N(0, 1/k) and b_ℓ ~ N(0, BIAS_STD²), in layer order W, b, from one stream. */
function gaussianBase(
  layers: readonly LayerSpec[],
  rng: Rng,
  wStd?: readonly number[],
  bStd?: readonly number[],
): BaseLayer[] {
  return layers.map((l, i) => {
    const W = zeros(l.d, l.k);
    fillNormal(rng, W.data, wStd?.[i] ?? 1 / Math.sqrt(l.k));
    const bias = new Float32Array(l.d);
    fillNormal(rng, bias, bStd?.[i] ?? BIAS_STD);
    return { W, bias };
  });
}

function lowRankShift(opts: ScenarioOptions, noisy: boolean): Scenario {
  const baseSeed = opts.baseSeed;
  const t = opts.trueRank ?? DEFAULT_TRUE_RANK;
  const base = gaussianBase(MLP64, createRng(deriveSeed(baseSeed, BASE_STREAM.weights)));

  const teacherRng = createRng(deriveSeed(baseSeed, BASE_STREAM.teacher));
  const trueDelta: Record<string, Matrix> = {};
  const teacher = MLP64.map((l, i) => {
    const P = zeros(l.d, t);
    const Q = zeros(t, l.k);
    fillNormal(teacherRng, P.data);
    fillNormal(teacherRng, Q.data);
    const delta = matmul(P, Q, undefined, { alpha: TEACHER_GAIN / Math.sqrt(t * l.k) });
    trueDelta[l.name] = delta;
    return createLinear(l.name, addScaled(base[i].W, delta, 1), base[i].bias);
  });

  const inputs = (stream: number, n: number): Matrix => {
    const X = zeros(n, 64);
    fillNormal(createRng(deriveSeed(baseSeed, stream)), X.data);
    return X;
  };
  const label = (X: Matrix, noiseStream: number): Matrix => {
    const Y = runModel(teacher, X);
    if (noisy) {
      const eps = new Float32Array(Y.data.length);
      fillNormal(createRng(deriveSeed(baseSeed, noiseStream)), eps, NOISE_STD);
      for (let i = 0; i < eps.length; i++) Y.data[i] += eps[i];
    }
    return Y;
  };

  const trainSize = noisy ? (opts.trainSize ?? DEFAULT_TRAIN_SIZE) : POOL_SIZE;
  const trainX = inputs(BASE_STREAM.trainInputs, trainSize);
  const train = { X: trainX, Y: label(trainX, BASE_STREAM.noise) };
  const valX = inputs(BASE_STREAM.valInputs, VAL_SIZE);
  const val = { X: valX, Y: label(valX, BASE_STREAM.valNoise) };

  return {
    name: noisy ? 'overfit' : 'low-rank-shift',
    loss: 'mse',
    layers: MLP64,
    base,
    baseModelId: `marginalia/mlp-64-64@base-seed=${baseSeed >>> 0}`,
    defaultTargets: ['fc1', 'fc2'],
    d: 64,
    k: 64,
    defaultBatch: 32,
    train,
    val,
    probe: inputs(BASE_STREAM.probeInputs, PROBE_SIZE),
    trueDelta,
    grid: null,
    baseValAccuracy: null,
  };
}

// ---------------------------------------------------------------------------------------------
// classify-2d

/** Base training: full-batch Adam, this many steps at this learning rate, on this many points. */
const CLASSIFY_BASE_STEPS = 150;
const CLASSIFY_BASE_LR = 0.02;
const CLASSIFY_BASE_POINTS = 256;
export const CLASSIFY_POOL = 512;
/** Input noise of the moons (standard deviation). */
const MOONS_NOISE = 0.1;

/**
 * Two interleaving half-moons, centred, n points, classes alternating 0, 1, 0, …:
 * class 0: (cos θ, sin θ), class 1: (1 − cos θ, ½ − sin θ), θ ~ U(0, π); then shifted by
 * (−½, −¼), plus N(0, MOONS_NOISE²) noise per coordinate, then rotated by `angle`.
 * Per point, draws θ, then the two noise values (fillNormal pairs).
 */
function moons(rng: Rng, n: number, angle: number): Dataset {
  const X = zeros(n, 2);
  const Y = zeros(n, 2);
  const noise = new Float64Array(2);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const th = Math.PI * uniform(rng);
    fillNormal(rng, noise, MOONS_NOISE);
    const px = (cls === 0 ? Math.cos(th) : 1 - Math.cos(th)) - 0.5 + noise[0];
    const py = (cls === 0 ? Math.sin(th) : 0.5 - Math.sin(th)) - 0.25 + noise[1];
    X.data[2 * i] = c * px - s * py;
    X.data[2 * i + 1] = s * px + c * py;
    Y.data[2 * i + cls] = 1;
  }
  return { X, Y };
}

/**
 * classify-2d's training pool, inputs and one-hot classes, for a base seed: the moons of stream
 * `trainInputs` that `createScenario('classify-2d', { baseSeed }).train` holds, without building or
 * training the base (150 Adam steps) to get them.
 */
export function classifyPoints(baseSeed: number): Dataset {
  return moons(createRng(deriveSeed(baseSeed, BASE_STREAM.trainInputs)), CLASSIFY_POOL, ROTATION);
}

function classify2d(opts: ScenarioOptions): Scenario {
  const baseSeed = opts.baseSeed;
  // Initialise: fc1 wide (std 2, bias std 1) so its 32 tanh features cover the plane; the rest N(0, 1/k).
  const init = gaussianBase(
    CLASSIFY,
    createRng(deriveSeed(baseSeed, BASE_STREAM.weights)),
    [2, 1 / Math.sqrt(32), 1 / Math.sqrt(32), 1 / Math.sqrt(32)],
    [1, BIAS_STD, BIAS_STD, BIAS_STD],
  );
  // Train the base on unrotated moons (full fine-tuning of every layer, biases frozen).
  const layers = CLASSIFY.map((l, i) => createLinear(l.name, init[i].W, init[i].bias));
  const model = createMlp(layers, 'full');
  const baseSet = moons(createRng(deriveSeed(baseSeed, BASE_STREAM.baseTrainSet)), CLASSIFY_BASE_POINTS, 0);
  const ws = createWorkspace(model, CLASSIFY_BASE_POINTS);
  ws.acts[0].data.set(baseSet.X.data);
  const { params, grads } = trainableTensors(model, ws);
  const opt = createOptimizer('adam', params, grads);
  const out = ws.dActs[CLASSIFY.length]!;
  for (let step = 0; step < CLASSIFY_BASE_STEPS; step++) {
    lossFn('ce', forward(model, ws), baseSet.Y, out);
    backward(model, ws);
    optimizerStep(opt, CLASSIFY_BASE_LR);
  }
  const base: BaseLayer[] = layers.map((l) => ({ W: l.W, bias: l.bias }));

  const task = (stream: number, n: number): Dataset => moons(createRng(deriveSeed(baseSeed, stream)), n, ROTATION);
  const val = task(BASE_STREAM.valInputs, VAL_SIZE);
  const valOut = runModel(layers, val.X);
  return {
    name: 'classify-2d',
    loss: 'ce',
    layers: CLASSIFY,
    base,
    baseModelId: `marginalia/moons-2-32-32-32-2@base-seed=${baseSeed >>> 0}`,
    defaultTargets: ['fc2', 'fc3'],
    d: 32,
    k: 32,
    defaultBatch: 32,
    train: task(BASE_STREAM.trainInputs, CLASSIFY_POOL),
    val,
    probe: task(BASE_STREAM.probeInputs, PROBE_SIZE).X,
    trueDelta: null,
    grid: CLASSIFY_GRID,
    baseValAccuracy: accuracy(valOut, val.Y),
  };
}

/** The inputs of an nx·ny grid, row-major over (y, x): row j·nx + i is (x_i, y_j), cell centres. */
export function gridInputs(g: GridSpec, dst?: Matrix): Matrix {
  const X = dst ?? zeros(g.nx * g.ny, 2);
  if (X.rows !== g.nx * g.ny || X.cols !== 2) throw new RangeError('gridInputs: dst has the wrong shape');
  for (let j = 0; j < g.ny; j++) {
    const y = g.yMin + ((j + 0.5) * (g.yMax - g.yMin)) / g.ny;
    for (let i = 0; i < g.nx; i++) {
      const r = 2 * (j * g.nx + i);
      X.data[r] = g.xMin + ((i + 0.5) * (g.xMax - g.xMin)) / g.nx;
      X.data[r + 1] = y;
    }
  }
  return X;
}

/** Evaluation of frozen layers on X (allocates; for generators, not training steps). */
function runModel(layers: readonly LoraLinear[], X: Matrix): Matrix {
  const model = createMlp(layers, 'lora');
  const ws = createWorkspace(model, X.rows, false);
  ws.acts[0].data.set(X.data);
  return forward(model, ws);
}
