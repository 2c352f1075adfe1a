/**
 * The GPU training step as data: which buffers exist (sizes in 4-byte words) and which kernel
 * runs on which buffers with which uniform values, in order. Pure: stepper.ts turns a plan into
 * buffers, pipelines and bind groups (once) and encodes it (every step); emulate.ts runs the
 * same plan with the kernels' CPU twins, so Node tests check every offset and stride.
 *
 * Buffers (all f32 unless noted; row-major as in widgets/core/matrix.ts):
 *   poolX, poolY   the training set (uploaded once, at creation)
 *   inbox          the chunk's upload (one writeBuffer per submit): batch rows (u32, chunk·n),
 *                  then dropout masks (chunk·maskPerStep), then — when the CPU session changed —
 *                  the state block: guard, params, m|v, good|goodM|goodV
 *   W<i>, b<i>     layer i's frozen weight (d×k) and bias
 *   act<i>         activations: act0 = the batch X (n×k₀), act<i+1> = layer i's output (n×d)
 *   dact<i>        ∂L/∂act<i>;  ybatch the batch targets
 *   u<i>, du<i>    U = X̃·Aᵀ and ∂L/∂U (n×r);  xd<i> X̃ = X ⊙ M, tmp<i> (∂L/∂U)·A (n×k, dropout)
 *   params, grads  every trainable tensor, flat, in the optimiser's order (A then B per layer)
 *   opt            Adam's m then v;  good: last good params, m, v
 *   guard          the Guard struct (kernels.ts GUARD);  losses: chunk losses then chunk statuses
 */
import type { LossKind } from '../core/loss.ts';
import type { OptimizerKind } from '../core/optim.ts';
import { GOOD_FACTOR, LOSS_EMA, SPIKE_FLOOR } from '../core/divergence-guard.ts';
import { ADAM_DEFAULTS } from '../core/optim.ts';
import { GUARD_WORDS, KERNELS, TILE, WG1, type KernelName } from './kernels.ts';

export interface PlanLayer {
  readonly name: string;
  readonly d: number;
  readonly k: number;
  readonly hasBias: boolean;
  /** null: frozen layer without adapter. */
  readonly adapter: {
    readonly r: number;
    readonly scaling: number;
    readonly dropout: boolean;
    /** Word offsets of A (r×k) and B (d×r) in params/grads. */
    readonly aOff: number;
    readonly bOff: number;
  } | null;
}

export interface PlanSpec {
  readonly layers: readonly PlanLayer[];
  readonly batch: number;
  readonly loss: LossKind;
  readonly poolRows: number;
  readonly optimizer: OptimizerKind;
  readonly divergenceFactor: number;
  /** Steps per submit. */
  readonly chunk: number;
  /** 'naive' swaps in matmul-naive.wgsl (benchmark baseline). */
  readonly matmul?: 'tiled' | 'naive';
}

export interface BufferBinding {
  readonly buffer: string;
  /** In words; default 0 and the whole buffer. */
  readonly offset?: number;
  readonly size?: number;
}

export interface Dispatch {
  readonly kernel: KernelName;
  /** Uniform values by field name (kernels.ts). */
  readonly params: Readonly<Record<string, number>>;
  /** Storage bindings 1, 2, … in order. */
  readonly bindings: readonly BufferBinding[];
  readonly groups: readonly [number, number, number];
  /** A label for errors and tests. */
  readonly label: string;
}

export interface Plan {
  readonly spec: PlanSpec;
  /** Buffer sizes in words. */
  readonly buffers: Readonly<Record<string, number>>;
  /** Dispatches of one training step. */
  readonly step: readonly Dispatch[];
  /** Trainable floats (params, grads). */
  readonly paramCount: number;
  readonly maskPerStep: number;
  /** Layout of the inbox, in words. */
  readonly inbox: {
    readonly rows: number;
    readonly masks: number;
    readonly state: number;
    readonly stateWords: number;
    readonly words: number;
  };
  /** Where per-layer masks start within one step's masks. */
  readonly maskOffsets: readonly number[];
}

/** Words per 256 bytes (storage-buffer binding offsets must be multiples of 256 bytes). */
const ALIGN_WORDS = 64;
const align = (w: number): number => Math.ceil(w / ALIGN_WORDS) * ALIGN_WORDS;
const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

export function buildPlan(spec: PlanSpec): Plan {
  const L = spec.layers;
  const n = spec.batch;
  const S = spec.chunk;
  if (!(S >= 1) || !(n >= 1) || L.length === 0) throw new RangeError('buildPlan: empty model, batch or chunk');
  for (let i = 1; i < L.length; i++) {
    if (L[i].k !== L[i - 1].d) throw new RangeError(`buildPlan: ${L[i - 1].name} → ${L[i].name} shapes do not chain`);
  }
  const first = L.findIndex((l) => l.adapter !== null);
  if (first < 0) throw new RangeError('buildPlan: no layer has an adapter');
  const mm: KernelName = spec.matmul === 'naive' ? 'matmulNaive' : 'matmul';
  const kIn = L[0].k;
  const m = L[L.length - 1].d;

  let paramCount = 0;
  for (const l of L)
    if (l.adapter)
      paramCount = Math.max(paramCount, l.adapter.aOff + l.adapter.r * l.k, l.adapter.bOff + l.d * l.adapter.r);
  const maskOffsets: number[] = [];
  let maskPerStep = 0;
  for (const l of L) {
    maskOffsets.push(maskPerStep);
    if (l.adapter?.dropout) maskPerStep += n * l.k;
  }

  const rowsWords = S * n;
  const masksOff = align(rowsWords);
  const stateOff = align(masksOff + Math.max(1, S * maskPerStep));
  const stateWords = GUARD_WORDS + 6 * paramCount;
  const buffers: Record<string, number> = {
    poolX: spec.poolRows * kIn,
    poolY: spec.poolRows * m,
    inbox: stateOff + stateWords,
    ybatch: n * m,
    params: paramCount,
    grads: paramCount,
    opt: 2 * paramCount,
    good: 3 * paramCount,
    guard: GUARD_WORDS,
    losses: 2 * S,
  };
  L.forEach((l, i) => {
    buffers[`W${i}`] = l.d * l.k;
    if (l.hasBias) buffers[`b${i}`] = l.d;
    if (l.adapter) {
      buffers[`u${i}`] = n * l.adapter.r;
      buffers[`du${i}`] = n * l.adapter.r;
      if (l.adapter.dropout) {
        buffers[`xd${i}`] = n * l.k;
        buffers[`tmp${i}`] = n * l.k;
      }
    }
  });
  for (let i = 0; i <= L.length; i++) {
    buffers[`act${i}`] = n * (i === 0 ? kIn : L[i - 1].d);
    if (i > first) buffers[`dact${i}`] = buffers[`act${i}`];
  }

  const rows: BufferBinding = { buffer: 'inbox', offset: 0, size: rowsWords };
  const masks: BufferBinding = { buffer: 'inbox', offset: masksOff, size: Math.max(1, S * maskPerStep) };
  const b = (buffer: string): BufferBinding => ({ buffer });
  const step: Dispatch[] = [];
  const elementwise = (n1: number): [number, number, number] => [ceilDiv(n1, WG1), 1, 1];

  /** C = alpha·op(A)·op(B) + beta·C over the named buffers (see matmul.wgsl). */
  const matmul = (
    label: string,
    M: number,
    N: number,
    K: number,
    A: string,
    a: { off?: number; sAi: number; sAp: number },
    B: string,
    bb: { off?: number; sBp: number; sBj: number },
    C: string,
    c: { off?: number; alpha?: number; beta?: number } = {},
  ): void => {
    step.push({
      kernel: mm,
      label,
      params: {
        M,
        N,
        K,
        offA: a.off ?? 0,
        sAi: a.sAi,
        sAp: a.sAp,
        offB: bb.off ?? 0,
        sBp: bb.sBp,
        sBj: bb.sBj,
        offC: c.off ?? 0,
        alpha: c.alpha ?? 1,
        beta: c.beta ?? 0,
      },
      bindings: [b(A), b(B), b(C)],
      groups: [ceilDiv(N, TILE), ceilDiv(M, TILE), 1],
    });
  };

  step.push({
    kernel: 'gather',
    label: 'gather batch',
    params: { n, kIn, m, pad: 0 },
    bindings: [rows, b('poolX'), b('poolY'), b('act0'), b('ybatch')],
    groups: elementwise(n * (kIn + m)),
  });

  // Forward: Z = X·Wᵀ + 1·bᵀ + s·(X̃·Aᵀ)·Bᵀ, then tanh between layers (widgets/core/lora.ts).
  L.forEach((l, i) => {
    const X = `act${i}`;
    const Z = `act${i + 1}`;
    matmul(`${l.name} X·Wᵀ`, n, l.d, l.k, X, { sAi: l.k, sAp: 1 }, `W${i}`, { sBp: 1, sBj: l.k }, Z);
    if (l.hasBias)
      step.push({
        kernel: 'bias',
        label: `${l.name} bias`,
        params: { count: n * l.d, d: l.d, pad0: 0, pad1: 0 },
        bindings: [b(`b${i}`), b(Z)],
        groups: elementwise(n * l.d),
      });
    const ad = l.adapter;
    if (ad) {
      let xt = X;
      if (ad.dropout) {
        xt = `xd${i}`;
        step.push({
          kernel: 'dropout',
          label: `${l.name} dropout`,
          params: { count: n * l.k, perStep: maskPerStep, layerOff: maskOffsets[i], pad: 0 },
          bindings: [masks, b(X), b(xt)],
          groups: elementwise(n * l.k),
        });
      }
      matmul(
        `${l.name} U = X̃·Aᵀ`,
        n,
        ad.r,
        l.k,
        xt,
        { sAi: l.k, sAp: 1 },
        'params',
        { off: ad.aOff, sBp: 1, sBj: l.k },
        `u${i}`,
      );
      matmul(
        `${l.name} Z += s·U·Bᵀ`,
        n,
        l.d,
        ad.r,
        `u${i}`,
        { sAi: ad.r, sAp: 1 },
        'params',
        { off: ad.bOff, sBp: 1, sBj: ad.r },
        Z,
        {
          alpha: ad.scaling,
          beta: 1,
        },
      );
    }
    if (i < L.length - 1)
      step.push({
        kernel: 'tanh',
        label: `${l.name} tanh`,
        params: { count: n * l.d, pad0: 0, pad1: 0, pad2: 0 },
        bindings: [b(Z)],
        groups: elementwise(n * l.d),
      });
  });

  const out = `act${L.length}`;
  const G = `dact${L.length}`;
  step.push(
    spec.loss === 'mse'
      ? {
          kernel: 'lossMse',
          label: 'loss (MSE)',
          params: { count: n * m, inv: 1 / (n * m), pad0: 0, pad1: 0 },
          bindings: [b(out), b('ybatch'), b(G), b('losses')],
          groups: [1, 1, 1],
        }
      : {
          kernel: 'lossCe',
          label: 'loss (softmax CE)',
          params: { n, m, pad0: 0, pad1: 0 },
          bindings: [b(out), b('ybatch'), b(G), b('losses')],
          groups: [1, 1, 1],
        },
  );
  step.push({
    kernel: 'guard',
    label: 'divergence guard',
    params: {
      factor: spec.divergenceFactor,
      spikeFloor: SPIKE_FLOOR,
      goodFactor: GOOD_FACTOR,
      ema: LOSS_EMA,
      oneMinusEma: 1 - LOSS_EMA,
      beta1: ADAM_DEFAULTS.beta1,
      beta2: ADAM_DEFAULTS.beta2,
      chunk: S,
    },
    bindings: [b('losses'), b('guard')],
    groups: [1, 1, 1],
  });
  step.push({
    kernel: 'sync',
    label: 'keep / restore last good',
    params: { count: paramCount, pad0: 0, pad1: 0, pad2: 0 },
    bindings: [b('guard'), b('params'), b('opt'), b('good')],
    groups: elementwise(paramCount),
  });

  // Backward (widgets/core/mlp.ts backward, lora.ts linearBackward), last layer first.
  for (let i = L.length - 1; i >= first; i--) {
    const l = L[i];
    const Gi = `dact${i + 1}`;
    if (i < L.length - 1)
      step.push({
        kernel: 'tanhGrad',
        label: `${l.name} tanh′`,
        params: { count: n * l.d, pad0: 0, pad1: 0, pad2: 0 },
        bindings: [b(`act${i + 1}`), b(Gi)],
        groups: elementwise(n * l.d),
      });
    const hasDX = i > first;
    const dX = `dact${i}`;
    if (hasDX) matmul(`${l.name} dX = G·W`, n, l.k, l.d, Gi, { sAi: l.d, sAp: 1 }, `W${i}`, { sBp: l.k, sBj: 1 }, dX);
    const ad = l.adapter;
    if (!ad) continue;
    const xt = ad.dropout ? `xd${i}` : `act${i}`;
    matmul(
      `${l.name} dU = s·G·B`,
      n,
      ad.r,
      l.d,
      Gi,
      { sAi: l.d, sAp: 1 },
      'params',
      { off: ad.bOff, sBp: ad.r, sBj: 1 },
      `du${i}`,
      {
        alpha: ad.scaling,
      },
    );
    matmul(`${l.name} dB = s·Gᵀ·U`, l.d, ad.r, n, Gi, { sAi: 1, sAp: l.d }, `u${i}`, { sBp: ad.r, sBj: 1 }, 'grads', {
      off: ad.bOff,
      alpha: ad.scaling,
    });
    matmul(`${l.name} dA = dUᵀ·X̃`, ad.r, l.k, n, `du${i}`, { sAi: 1, sAp: ad.r }, xt, { sBp: l.k, sBj: 1 }, 'grads', {
      off: ad.aOff,
    });
    if (!hasDX) continue;
    if (ad.dropout) {
      matmul(
        `${l.name} T = dU·A`,
        n,
        l.k,
        ad.r,
        `du${i}`,
        { sAi: ad.r, sAp: 1 },
        'params',
        { off: ad.aOff, sBp: l.k, sBj: 1 },
        `tmp${i}`,
      );
      step.push({
        kernel: 'dropoutGrad',
        label: `${l.name} dX += M ⊙ T`,
        params: { count: n * l.k, perStep: maskPerStep, layerOff: maskOffsets[i], pad: 0 },
        bindings: [masks, b(`tmp${i}`), b(dX)],
        groups: elementwise(n * l.k),
      });
    } else {
      matmul(
        `${l.name} dX += dU·A`,
        n,
        l.k,
        ad.r,
        `du${i}`,
        { sAi: ad.r, sAp: 1 },
        'params',
        { off: ad.aOff, sBp: l.k, sBj: 1 },
        dX,
        {
          beta: 1,
        },
      );
    }
  }

  step.push({
    kernel: 'adam',
    label: spec.optimizer === 'sgd' ? 'SGD step' : 'Adam step',
    params: {
      count: paramCount,
      sgd: spec.optimizer === 'sgd' ? 1 : 0,
      beta1: ADAM_DEFAULTS.beta1,
      beta2: ADAM_DEFAULTS.beta2,
      oneMinusBeta1: 1 - ADAM_DEFAULTS.beta1,
      oneMinusBeta2: 1 - ADAM_DEFAULTS.beta2,
      eps: ADAM_DEFAULTS.eps,
      pad: 0,
    },
    bindings: [b('guard'), b('params'), b('grads'), b('opt')],
    groups: elementwise(paramCount),
  });

  for (const d of step) {
    const k = KERNELS[d.kernel];
    if (d.bindings.length !== k.storage.length)
      throw new Error(`buildPlan: ${d.label} binds ${d.bindings.length}, ${d.kernel} has ${k.storage.length}`);
    for (const [f] of k.fields) if (!(f in d.params)) throw new Error(`buildPlan: ${d.label} lacks ${f}`);
  }
  return {
    spec,
    buffers,
    step,
    paramCount,
    maskPerStep,
    inbox: { rows: 0, masks: masksOff, state: stateOff, stateWords, words: stateOff + stateWords },
    maskOffsets,
  };
}
