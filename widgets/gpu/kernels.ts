/**
 * The WGSL kernels (kernels/*.wgsl, each with its layout comment) and the host-side facts that
 * must match them: the uniform struct's fields in order, the storage bindings (binding 1, 2, …;
 * read-only or read-write), whether it reads the step uniform (@group(1)), and its workgroup size.
 * Every uniform field is 4 bytes, so field i sits at byte 4·i.
 */
import matmulSrc from './kernels/matmul.wgsl?raw';
import matmulNaiveSrc from './kernels/matmul-naive.wgsl?raw';
import gatherSrc from './kernels/gather.wgsl?raw';
import biasSrc from './kernels/bias.wgsl?raw';
import tanhSrc from './kernels/tanh.wgsl?raw';
import tanhGradSrc from './kernels/tanh-grad.wgsl?raw';
import dropoutSrc from './kernels/dropout.wgsl?raw';
import dropoutGradSrc from './kernels/dropout-grad.wgsl?raw';
import lossMseSrc from './kernels/loss-mse.wgsl?raw';
import lossCeSrc from './kernels/loss-ce.wgsl?raw';
import guardSrc from './kernels/guard.wgsl?raw';
import syncSrc from './kernels/sync.wgsl?raw';
import adamSrc from './kernels/adam.wgsl?raw';

export type FieldType = 'u32' | 'f32';
export type Access = 'read' | 'rw';

export interface KernelSpec {
  readonly source: string;
  /** The uniform struct P, field by field, in WGSL order. */
  readonly fields: readonly (readonly [string, FieldType])[];
  /** Storage bindings 1, 2, … of @group(0). */
  readonly storage: readonly Access[];
  /** Reads the step within the chunk from @group(1) @binding(0) (dynamic offset). */
  readonly perStep: boolean;
  /** @workgroup_size (x, y). */
  readonly workgroup: readonly [number, number];
}

/** matmul.wgsl's TILE. */
export const TILE = 16;
/** Threads per workgroup of the 1-D element-wise kernels. */
export const WG1 = 64;
/** Threads of the one workgroup of the loss kernels (their WG). */
const LOSS_WG = 256;

const MATMUL_FIELDS = [
  ['M', 'u32'],
  ['N', 'u32'],
  ['K', 'u32'],
  ['offA', 'u32'],
  ['sAi', 'u32'],
  ['sAp', 'u32'],
  ['offB', 'u32'],
  ['sBp', 'u32'],
  ['sBj', 'u32'],
  ['offC', 'u32'],
  ['alpha', 'f32'],
  ['beta', 'f32'],
] as const;

/** The uniform of the kernels that need only an element count (padded to 16 bytes, as WGSL pads uniforms). */
const COUNT_FIELDS = [
  ['count', 'u32'],
  ['pad0', 'u32'],
  ['pad1', 'u32'],
  ['pad2', 'u32'],
] as const;

/** dropout.wgsl's and dropout-grad.wgsl's P: both find this step's mask of this layer the same way. */
const DROPOUT_FIELDS = [
  ['count', 'u32'],
  ['perStep', 'u32'],
  ['layerOff', 'u32'],
  ['pad', 'u32'],
] as const;

export const KERNELS = {
  matmul: {
    source: matmulSrc,
    fields: MATMUL_FIELDS,
    storage: ['read', 'read', 'rw'],
    perStep: false,
    workgroup: [TILE, TILE],
  },
  matmulNaive: {
    source: matmulNaiveSrc,
    fields: MATMUL_FIELDS,
    storage: ['read', 'read', 'rw'],
    perStep: false,
    workgroup: [TILE, TILE],
  },
  gather: {
    source: gatherSrc,
    fields: [
      ['n', 'u32'],
      ['kIn', 'u32'],
      ['m', 'u32'],
      ['pad', 'u32'],
    ],
    storage: ['read', 'read', 'read', 'rw', 'rw'],
    perStep: true,
    workgroup: [WG1, 1],
  },
  bias: {
    source: biasSrc,
    fields: [
      ['count', 'u32'],
      ['d', 'u32'],
      ['pad0', 'u32'],
      ['pad1', 'u32'],
    ],
    storage: ['read', 'rw'],
    perStep: false,
    workgroup: [WG1, 1],
  },
  tanh: { source: tanhSrc, fields: COUNT_FIELDS, storage: ['rw'], perStep: false, workgroup: [WG1, 1] },
  tanhGrad: { source: tanhGradSrc, fields: COUNT_FIELDS, storage: ['read', 'rw'], perStep: false, workgroup: [WG1, 1] },
  dropout: {
    source: dropoutSrc,
    fields: DROPOUT_FIELDS,
    storage: ['read', 'read', 'rw'],
    perStep: true,
    workgroup: [WG1, 1],
  },
  dropoutGrad: {
    source: dropoutGradSrc,
    fields: DROPOUT_FIELDS,
    storage: ['read', 'read', 'rw'],
    perStep: true,
    workgroup: [WG1, 1],
  },
  lossMse: {
    source: lossMseSrc,
    fields: [
      ['count', 'u32'],
      ['inv', 'f32'],
      ['pad0', 'u32'],
      ['pad1', 'u32'],
    ],
    storage: ['read', 'read', 'rw', 'rw'],
    perStep: true,
    workgroup: [LOSS_WG, 1],
  },
  lossCe: {
    source: lossCeSrc,
    fields: [
      ['n', 'u32'],
      ['m', 'u32'],
      ['pad0', 'u32'],
      ['pad1', 'u32'],
    ],
    storage: ['read', 'read', 'rw', 'rw'],
    perStep: true,
    workgroup: [LOSS_WG, 1],
  },
  guard: {
    source: guardSrc,
    fields: [
      ['factor', 'f32'],
      ['spikeFloor', 'f32'],
      ['goodFactor', 'f32'],
      ['ema', 'f32'],
      ['oneMinusEma', 'f32'],
      ['beta1', 'f32'],
      ['beta2', 'f32'],
      ['chunk', 'u32'],
    ],
    storage: ['rw', 'rw'],
    perStep: true,
    workgroup: [1, 1],
  },
  sync: {
    source: syncSrc,
    fields: COUNT_FIELDS,
    storage: ['read', 'rw', 'rw', 'rw'],
    perStep: false,
    workgroup: [WG1, 1],
  },
  adam: {
    source: adamSrc,
    fields: [
      ['count', 'u32'],
      ['sgd', 'u32'],
      ['beta1', 'f32'],
      ['beta2', 'f32'],
      ['oneMinusBeta1', 'f32'],
      ['oneMinusBeta2', 'f32'],
      ['eps', 'f32'],
      ['pad', 'u32'],
    ],
    storage: ['read', 'rw', 'read', 'rw'],
    perStep: false,
    workgroup: [WG1, 1],
  },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNELS;

/**
 * The Guard struct shared by guard.wgsl, sync.wgsl and adam.wgsl: 16 words, field → word index
 * (f32 or u32 as in WGSL).
 */
export const GUARD = Object.freeze({
  lr: 0,
  best: 1,
  first: 2,
  mean: 3,
  t: 4,
  goodT: 5,
  accept: 6,
  keep: 7,
  restore: 8,
  bc1: 9,
  bc2: 10,
});
export const GUARD_WORDS = 16;

/** Status words the guard writes per step (losses[chunk + step]). */
export const STATUS = Object.freeze({ accepted: 0, spike: 1, nonFinite: 2 });

/** Uniform slots are this far apart (minUniformBufferOffsetAlignment's default). */
export const UNIFORM_ALIGN = 256;
