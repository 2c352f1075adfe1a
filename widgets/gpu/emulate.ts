/**
 * CPU twins of the WGSL kernels, index for index (what each thread of kernels/*.wgsl computes,
 * looped), and a runner that executes a plan (plan.ts) with them. Node tests compare each twin
 * with the core function it mirrors (widgets/core) and the emulated plan with the CPU session,
 * so every offset, stride and binding of the GPU step is checked without a GPU; the browser tests
 * then compare the real kernels with the core.
 *
 * Float arithmetic: products accumulate in float64 here (like the core) and are stored as
 * float32; the GPU accumulates in float32. Tests allow for the difference.
 */
import type { TrainerSession, TrainResult } from '../core/session.ts';
import { GUARD, GUARD_WORDS, KERNELS, STATUS } from './kernels.ts';
import { buildPlan, type BufferBinding, type Dispatch, type Plan } from './plan.ts';
import { finishChunk, planSpecFor, prepareChunk, readbackLayout } from './state.ts';

/** A buffer seen as f32 and u32 at once (like a WGSL binding of either type). */
export interface EmuBuffer {
  readonly f: Float32Array;
  readonly u: Uint32Array;
}

export function emuBuffer(words: number): EmuBuffer {
  const ab = new ArrayBuffer(words * 4);
  return { f: new Float32Array(ab), u: new Uint32Array(ab) };
}

/** Buffers for every name of the plan. */
function emuBuffers(plan: Plan): Record<string, EmuBuffer> {
  const out: Record<string, EmuBuffer> = {};
  for (const [name, words] of Object.entries(plan.buffers)) out[name] = emuBuffer(words);
  return out;
}

type P = Readonly<Record<string, number>>;

/** matmul.wgsl / matmul-naive.wgsl: C[offC + i·N + j] = alpha·Σ_p op(A)[i,p]·op(B)[p,j] + beta·C. */
export function matmulTwin(p: P, A: Float32Array, B: Float32Array, C: Float32Array): void {
  for (let i = 0; i < p.M; i++) {
    for (let j = 0; j < p.N; j++) {
      let acc = 0;
      for (let q = 0; q < p.K; q++) acc += A[p.offA + i * p.sAi + q * p.sAp] * B[p.offB + q * p.sBp + j * p.sBj];
      const at = p.offC + i * p.N + j;
      let c = p.alpha * acc;
      if (p.beta !== 0) c += p.beta * C[at];
      C[at] = c;
    }
  }
}

/** gather.wgsl. */
function gatherTwin(
  p: P,
  step: number,
  rows: Uint32Array,
  poolX: Float32Array,
  poolY: Float32Array,
  X: Float32Array,
  Y: Float32Array,
): void {
  for (let b = 0; b < p.n; b++) {
    const r = rows[step * p.n + b];
    for (let j = 0; j < p.kIn; j++) X[b * p.kIn + j] = poolX[r * p.kIn + j];
    for (let j = 0; j < p.m; j++) Y[b * p.m + j] = poolY[r * p.m + j];
  }
}

/** bias.wgsl. */
function biasTwin(p: P, b: Float32Array, Z: Float32Array): void {
  for (let t = 0; t < p.count; t++) Z[t] += b[t % p.d];
}

/** tanh.wgsl. */
function tanhTwin(p: P, Z: Float32Array): void {
  for (let t = 0; t < p.count; t++) Z[t] = Math.tanh(Math.min(15, Math.max(-15, Z[t])));
}

/** tanh-grad.wgsl. */
function tanhGradTwin(p: P, a: Float32Array, G: Float32Array): void {
  for (let t = 0; t < p.count; t++) G[t] = G[t] * (1 - a[t] * a[t]);
}

/** dropout.wgsl. */
function dropoutTwin(p: P, step: number, masks: Float32Array, X: Float32Array, XD: Float32Array): void {
  const o = step * p.perStep + p.layerOff;
  for (let t = 0; t < p.count; t++) XD[t] = X[t] * masks[o + t];
}

/** dropout-grad.wgsl. */
function dropoutGradTwin(p: P, step: number, masks: Float32Array, T: Float32Array, dX: Float32Array): void {
  const o = step * p.perStep + p.layerOff;
  for (let t = 0; t < p.count; t++) dX[t] += masks[o + t] * T[t];
}

/** loss-mse.wgsl. */
export function lossMseTwin(
  p: P,
  step: number,
  pred: Float32Array,
  tgt: Float32Array,
  G: Float32Array,
  losses: Float32Array,
): void {
  let sum = 0;
  for (let t = 0; t < p.count; t++) {
    const e = pred[t] - tgt[t];
    sum += e * e;
    G[t] = 2 * e * p.inv;
  }
  losses[step] = sum * p.inv;
}

/** loss-ce.wgsl. */
export function lossCeTwin(
  p: P,
  step: number,
  pred: Float32Array,
  tgt: Float32Array,
  G: Float32Array,
  losses: Float32Array,
): void {
  let total = 0;
  for (let i = 0; i < p.n; i++) {
    const o = i * p.m;
    let mu = pred[o];
    for (let c = 1; c < p.m; c++) mu = Math.max(mu, pred[o + c]);
    let se = 0;
    for (let c = 0; c < p.m; c++) se += Math.exp(pred[o + c] - mu);
    const lse = mu + Math.log(se);
    let ysum = 0;
    for (let c = 0; c < p.m; c++) {
      const y = tgt[o + c];
      ysum += y;
      if (y !== 0) total -= y * (pred[o + c] - lse);
    }
    for (let c = 0; c < p.m; c++) G[o + c] = (Math.exp(pred[o + c] - lse) * ysum - tgt[o + c]) / p.n;
  }
  losses[step] = total / p.n;
}

/** The bit test of guard.wgsl: exponent bits all ones (Inf or NaN). */
export function nonFiniteBits(x: number): boolean {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0];
  return (u & 0x7f800000) === 0x7f800000;
}

/** guard.wgsl. */
export function guardTwin(p: P, step: number, losses: Float32Array, g: EmuBuffer): void {
  const f = g.f;
  const u = g.u;
  const loss = losses[step];
  const bad = nonFiniteBits(loss);
  const started = f[GUARD.first] !== 0;
  const ref = Math.max(f[GUARD.best], p.spikeFloor * f[GUARD.first]);
  if (bad || (started && loss > p.factor * ref)) {
    u[GUARD.restore] = 1;
    u[GUARD.keep] = 0;
    u[GUARD.accept] = 0;
    f[GUARD.lr] = f[GUARD.lr] * 0.5;
    u[GUARD.t] = u[GUARD.goodT];
    losses[p.chunk + step] = bad ? STATUS.nonFinite : STATUS.spike;
    return;
  }
  if (!started) {
    f[GUARD.first] = loss;
    f[GUARD.mean] = loss;
    f[GUARD.best] = loss;
  } else {
    f[GUARD.mean] = p.ema * f[GUARD.mean] + p.oneMinusEma * loss;
    if (f[GUARD.mean] < f[GUARD.best]) f[GUARD.best] = f[GUARD.mean];
  }
  u[GUARD.restore] = 0;
  u[GUARD.keep] = loss <= p.goodFactor * Math.max(f[GUARD.best], p.spikeFloor * f[GUARD.first]) ? 1 : 0;
  if (u[GUARD.keep] === 1) u[GUARD.goodT] = u[GUARD.t];
  u[GUARD.accept] = 1;
  u[GUARD.t] = u[GUARD.t] + 1;
  f[GUARD.bc1] = 1 - Math.pow(p.beta1, u[GUARD.t]);
  f[GUARD.bc2] = 1 - Math.pow(p.beta2, u[GUARD.t]);
  losses[p.chunk + step] = STATUS.accepted;
}

/** sync.wgsl. */
function syncTwin(p: P, g: EmuBuffer, params: Float32Array, opt: Float32Array, good: Float32Array): void {
  const n = p.count;
  if (g.u[GUARD.restore] === 1) {
    for (let t = 0; t < n; t++) {
      params[t] = good[t];
      opt[t] = good[n + t];
      opt[n + t] = good[2 * n + t];
    }
  } else if (g.u[GUARD.keep] === 1) {
    for (let t = 0; t < n; t++) {
      good[t] = params[t];
      good[n + t] = opt[t];
      good[2 * n + t] = opt[n + t];
    }
  }
}

/** adam.wgsl. */
export function adamTwin(p: P, g: EmuBuffer, params: Float32Array, grads: Float32Array, opt: Float32Array): void {
  if (g.u[GUARD.accept] === 0) return;
  const lr = g.f[GUARD.lr];
  for (let t = 0; t < p.count; t++) {
    const gr = grads[t];
    if (p.sgd === 1) {
      params[t] -= lr * gr;
      continue;
    }
    const m = p.beta1 * opt[t] + p.oneMinusBeta1 * gr;
    const v = p.beta2 * opt[p.count + t] + p.oneMinusBeta2 * gr * gr;
    opt[t] = m;
    opt[p.count + t] = v;
    params[t] -= (lr * (m / g.f[GUARD.bc1])) / (Math.sqrt(v / g.f[GUARD.bc2]) + p.eps);
  }
}

/** The uniform values as the GPU sees them: f32 fields rounded to float32, u32 fields as is. */
function uniformParams(d: Dispatch): P {
  const out: Record<string, number> = {};
  for (const [name, type] of KERNELS[d.kernel].fields)
    out[name] = type === 'f32' ? Math.fround(d.params[name]) : d.params[name];
  return out;
}

function view(bufs: Record<string, EmuBuffer>, b: BufferBinding): EmuBuffer {
  const buf = bufs[b.buffer];
  if (!buf) throw new Error(`emulate: no buffer ${b.buffer}`);
  if (b.offset === undefined && b.size === undefined) return buf;
  const o = b.offset ?? 0;
  const end = b.size === undefined ? buf.f.length : o + b.size;
  return { f: buf.f.subarray(o, end), u: buf.u.subarray(o, end) };
}

/** Runs one dispatch with its twin. */
function runDispatch(d: Dispatch, bufs: Record<string, EmuBuffer>, step: number): void {
  const p = uniformParams(d);
  const v = d.bindings.map((b) => view(bufs, b));
  switch (d.kernel) {
    case 'matmul':
    case 'matmulNaive':
      return matmulTwin(p, v[0].f, v[1].f, v[2].f);
    case 'gather':
      return gatherTwin(p, step, v[0].u, v[1].f, v[2].f, v[3].f, v[4].f);
    case 'bias':
      return biasTwin(p, v[0].f, v[1].f);
    case 'tanh':
      return tanhTwin(p, v[0].f);
    case 'tanhGrad':
      return tanhGradTwin(p, v[0].f, v[1].f);
    case 'dropout':
      return dropoutTwin(p, step, v[0].f, v[1].f, v[2].f);
    case 'dropoutGrad':
      return dropoutGradTwin(p, step, v[0].f, v[1].f, v[2].f);
    case 'lossMse':
      return lossMseTwin(p, step, v[0].f, v[1].f, v[2].f, v[3].f);
    case 'lossCe':
      return lossCeTwin(p, step, v[0].f, v[1].f, v[2].f, v[3].f);
    case 'guard':
      return guardTwin(p, step, v[0].f, v[1]);
    case 'sync':
      return syncTwin(p, v[0], v[1].f, v[2].f, v[3].f);
    case 'adam':
      return adamTwin(p, v[0], v[1].f, v[2].f, v[3].f);
  }
}

/** Runs one training step of the plan (the step-th of the chunk). */
function runStep(plan: Plan, bufs: Record<string, EmuBuffer>, step: number): void {
  for (const d of plan.step) runDispatch(d, bufs, step);
}

/**
 * The GPU backend's chunk loop with the kernels' CPU twins instead of a device: uploads the
 * frozen weights and the pool once, then per chunk does what stepper.ts encodes (state copies
 * when dirty, `steps` × the plan, readback). For Node tests of plan.ts and state.ts.
 */
export function emulatedBackend(session: TrainerSession, chunk: number) {
  const plan = buildPlan(planSpecFor(session, chunk));
  const bufs = emuBuffers(plan);
  const view = session.modelView();
  view.layers.forEach((l, i) => {
    bufs[`W${i}`].f.set(l.W.data);
    if (l.bias) bufs[`b${i}`].f.set(l.bias);
  });
  bufs.poolX.f.set(session.scenario.train.X.data);
  bufs.poolY.f.set(session.scenario.train.Y.data);
  let dirty = true;
  const lay = readbackLayout(plan);
  return {
    plan,
    buffers: bufs,
    kind: 'webgpu' as const,
    chunkSteps: chunk,
    invalidate: () => {
      dirty = true;
    },
    dispose: () => {},
    train(steps: number): TrainResult {
      const inbox = bufs.inbox;
      prepareChunk(plan, session, steps, inbox.f, inbox.u, dirty);
      if (dirty) {
        const so = plan.inbox.state;
        const P = plan.paramCount;
        bufs.guard.f.set(inbox.f.subarray(so, so + GUARD_WORDS));
        bufs.params.f.set(inbox.f.subarray(so + GUARD_WORDS, so + GUARD_WORDS + P));
        bufs.opt.f.set(inbox.f.subarray(so + GUARD_WORDS + P, so + GUARD_WORDS + 3 * P));
        bufs.good.f.set(inbox.f.subarray(so + GUARD_WORDS + 3 * P, so + GUARD_WORDS + 6 * P));
        dirty = false;
      }
      for (let j = 0; j < steps; j++) runStep(plan, bufs, j);
      const rb = emuBuffer(lay.words);
      rb.f.set(bufs.losses.f, lay.losses);
      rb.f.set(bufs.guard.f, lay.guard);
      rb.f.set(bufs.params.f, lay.params);
      rb.f.set(bufs.opt.f, lay.opt);
      rb.f.set(bufs.good.f, lay.good);
      return finishChunk(plan, session, steps, rb.f, rb.u);
    },
  };
}

/**
 * stepper.ts's GpuStepper with the kernels' CPU twins instead of a device: the same inbox, pool
 * writes, state copies and readback, for Node tests of plans built outside the trainer (lm.ts).
 */
export function emulatedStepper(plan: Plan, W: readonly Float32Array[]) {
  const bufs = emuBuffers(plan);
  W.forEach((w, i) => bufs[`W${i}`].f.set(w));
  const lay = readbackLayout(plan);
  const inbox = bufs.inbox;
  return {
    inboxF: inbox.f,
    inboxU: inbox.u,
    writePool(x: Float32Array, y: Float32Array): void {
      bufs.poolX.f.set(x);
      bufs.poolY.f.set(y);
    },
    runChunk(steps: number, _uploadWords: number, withState: boolean): Promise<{ f: Float32Array; u: Uint32Array }> {
      if (withState) {
        const so = plan.inbox.state;
        const P = plan.paramCount;
        bufs.guard.f.set(inbox.f.subarray(so, so + GUARD_WORDS));
        bufs.params.f.set(inbox.f.subarray(so + GUARD_WORDS, so + GUARD_WORDS + P));
        bufs.opt.f.set(inbox.f.subarray(so + GUARD_WORDS + P, so + GUARD_WORDS + 3 * P));
        bufs.good.f.set(inbox.f.subarray(so + GUARD_WORDS + 3 * P, so + GUARD_WORDS + 6 * P));
      }
      for (let j = 0; j < steps; j++) runStep(plan, bufs, j);
      const rb = emuBuffer(lay.words);
      rb.f.set(bufs.losses.f, lay.losses);
      rb.f.set(bufs.guard.f, lay.guard);
      rb.f.set(bufs.params.f, lay.params);
      rb.f.set(bufs.opt.f, lay.opt);
      rb.f.set(bufs.good.f, lay.good);
      return Promise.resolve(rb);
    },
    destroy(): void {},
  };
}
