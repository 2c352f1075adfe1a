/**
 * A plan (plan.ts) on a GPUDevice: every buffer, pipeline and bind group is made once, at
 * creation; a chunk of training steps is then one `writeBuffer` (the inbox: batch rows, masks,
 * and the state block when the session changed), one command buffer (state copies, one compute
 * pass with `steps` × the plan's dispatches, copies into the readback buffer), one `submit` and
 * one `mapAsync`. Nothing is created per step. `destroy()` destroys every buffer.
 */
import { GUARD_WORDS, KERNELS, UNIFORM_ALIGN, type KernelName } from './kernels.ts';
import type { Plan } from './plan.ts';
import { readbackLayout } from './state.ts';

/** The frozen tensors and the training pool, uploaded once (mappedAtCreation). */
export interface GpuInit {
  readonly W: readonly Float32Array[];
  readonly bias: readonly (Float32Array | null)[];
  readonly poolX: Float32Array;
  readonly poolY: Float32Array;
}

interface KernelPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly group0: GPUBindGroupLayout;
}

/** Pipelines are per device and shared by every stepper on it. */
const pipelineCache = new WeakMap<GPUDevice, Map<KernelName, Promise<KernelPipeline>>>();
const stepLayouts = new WeakMap<GPUDevice, GPUBindGroupLayout>();

function stepLayout(device: GPUDevice): GPUBindGroupLayout {
  let l = stepLayouts.get(device);
  if (!l) {
    l = device.createBindGroupLayout({
      label: 'step within chunk',
      entries: [
        {
          binding: 0,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 4 },
        },
      ],
    });
    stepLayouts.set(device, l);
  }
  return l;
}

function kernelPipeline(device: GPUDevice, name: KernelName): Promise<KernelPipeline> {
  let cache = pipelineCache.get(device);
  if (!cache) {
    cache = new Map();
    pipelineCache.set(device, cache);
  }
  let p = cache.get(name);
  if (!p) {
    const spec = KERNELS[name];
    const group0 = device.createBindGroupLayout({
      label: name,
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
        ...spec.storage.map((access, i) => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
        })),
      ],
    });
    const layouts = spec.perStep ? [group0, stepLayout(device)] : [group0];
    const module = device.createShaderModule({ label: name, code: spec.source });
    p = device
      .createComputePipelineAsync({
        label: name,
        layout: device.createPipelineLayout({ label: name, bindGroupLayouts: layouts }),
        compute: { module, entryPoint: 'main' },
      })
      .then((pipeline) => ({ pipeline, group0 }));
    cache.set(name, p);
  }
  return p;
}

const STORAGE = 0x80; // GPUBufferUsage.STORAGE (constants restated: workers type-check with the DOM lib)
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const MAP_READ = 0x01;

/** Runs chunks of training steps of one plan on one device: the GPU half of the WebGPU backend. */
export class GpuStepper {
  /** The inbox as the CPU fills it (f32 and u32 views of the same words). */
  readonly inboxF: Float32Array;
  readonly inboxU: Uint32Array;
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly owned: GPUBuffer[] = [];
  private readonly readback: GPUBuffer;
  private readonly readbackWords: number;
  private readonly stepGroup: GPUBindGroup | null;
  private readonly encoded: {
    pipeline: GPUComputePipeline;
    group: GPUBindGroup;
    perStep: boolean;
    groups: readonly [number, number, number];
  }[];
  private destroyed = false;

  private constructor(
    private readonly device: GPUDevice,
    readonly plan: Plan,
    init: GpuInit,
    pipelines: Map<KernelName, KernelPipeline>,
  ) {
    const words = (name: string): number => plan.buffers[name];
    const make = (label: string, sizeWords: number, usage: number, data?: Float32Array): GPUBuffer => {
      const size = Math.max(4, sizeWords * 4);
      const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: data !== undefined });
      if (data) {
        new Float32Array(buffer.getMappedRange()).set(data);
        buffer.unmap();
      }
      this.owned.push(buffer);
      return buffer;
    };
    const initial: Record<string, Float32Array | undefined> = { poolX: init.poolX, poolY: init.poolY };
    init.W.forEach((w, i) => (initial[`W${i}`] = w));
    init.bias.forEach((b, i) => {
      if (b) initial[`b${i}`] = b;
    });
    for (const name of Object.keys(plan.buffers)) {
      this.buffers.set(name, make(name, words(name), STORAGE | COPY_SRC | COPY_DST, initial[name]));
    }
    const inbox = new ArrayBuffer(plan.inbox.words * 4);
    this.inboxF = new Float32Array(inbox);
    this.inboxU = new Uint32Array(inbox);
    const lay = readbackLayout(plan);
    this.readbackWords = lay.words;
    this.readback = make('readback', lay.words, MAP_READ | COPY_DST);

    // Uniforms: one 256-byte slot per dispatch, written once.
    const slotWords = UNIFORM_ALIGN / 4;
    const uniformData = new ArrayBuffer(plan.step.length * UNIFORM_ALIGN);
    const uf = new Float32Array(uniformData);
    const uu = new Uint32Array(uniformData);
    plan.step.forEach((d, i) => {
      KERNELS[d.kernel].fields.forEach(([field, type], j) => {
        if (type === 'f32') uf[i * slotWords + j] = d.params[field];
        else uu[i * slotWords + j] = d.params[field];
      });
    });
    const uniforms = make('uniforms', uniformData.byteLength / 4, UNIFORM, new Float32Array(uniformData));
    // The step within the chunk: slot j holds j (read through a dynamic offset).
    const steps = new Uint32Array(plan.spec.chunk * slotWords);
    for (let j = 0; j < plan.spec.chunk; j++) steps[j * slotWords] = j;
    const stepBuffer = make('steps', steps.length, UNIFORM, new Float32Array(steps.buffer));
    this.stepGroup = device.createBindGroup({
      label: 'step',
      layout: stepLayout(device),
      entries: [{ binding: 0, resource: { buffer: stepBuffer, offset: 0, size: 4 } }],
    });

    this.encoded = plan.step.map((d, i) => {
      const kp = pipelines.get(d.kernel)!;
      const group = device.createBindGroup({
        label: d.label,
        layout: kp.group0,
        entries: [
          {
            binding: 0,
            resource: { buffer: uniforms, offset: i * UNIFORM_ALIGN, size: KERNELS[d.kernel].fields.length * 4 },
          },
          ...d.bindings.map((b, j) => {
            const buffer = this.buffers.get(b.buffer)!;
            return {
              binding: j + 1,
              resource:
                b.offset === undefined && b.size === undefined
                  ? { buffer }
                  : { buffer, offset: (b.offset ?? 0) * 4, size: (b.size ?? words(b.buffer) - (b.offset ?? 0)) * 4 },
            };
          }),
        ],
      });
      return { pipeline: kp.pipeline, group, perStep: KERNELS[d.kernel].perStep, groups: d.groups };
    });
  }

  /** Compiles (or reuses) the plan's pipelines, then builds everything; rejects on a validation error. */
  static async create(device: GPUDevice, plan: Plan, init: GpuInit): Promise<GpuStepper> {
    const need = Math.max(...Object.values(plan.buffers)) * 4;
    if (need > device.limits.maxStorageBufferBindingSize) {
      throw new Error(`a buffer of ${need} bytes exceeds this device's maxStorageBufferBindingSize`);
    }
    const names = [...new Set(plan.step.map((d) => d.kernel))];
    const pipelines = new Map<KernelName, KernelPipeline>();
    // Compile errors reject here (GPUPipelineError).
    for (const name of names) pipelines.set(name, await kernelPipeline(device, name));
    // Then build everything synchronously inside one error scope (no other work can interleave).
    device.pushErrorScope('validation');
    let stepper: GpuStepper | null = null;
    let thrown: unknown = null;
    try {
      stepper = new GpuStepper(device, plan, init, pipelines);
    } catch (e) {
      thrown = e;
    }
    const error = await device.popErrorScope();
    if (error || thrown || !stepper) {
      stepper?.destroy();
      throw new Error(
        `WebGPU could not build the stepper: ${error?.message ?? (thrown as Error | null)?.message ?? 'unknown'}`,
      );
    }
    return stepper;
  }

  /**
   * Runs `steps` steps (≤ the plan's chunk) from the inbox's first `uploadWords` words, with the
   * state block copied in first when `withState`. Resolves with a copy of the readback (f32/u32).
   */
  async runChunk(steps: number, uploadWords: number, withState: boolean): Promise<{ f: Float32Array; u: Uint32Array }> {
    if (this.destroyed) throw new Error('runChunk: destroyed');
    const { device, plan } = this;
    const B = (name: string): GPUBuffer => this.buffers.get(name)!;
    device.pushErrorScope('validation');
    device.queue.writeBuffer(B('inbox'), 0, this.inboxF.buffer, 0, uploadWords * 4);
    const enc = device.createCommandEncoder({ label: 'chunk' });
    if (withState) {
      const so = plan.inbox.state * 4;
      const P = plan.paramCount * 4;
      enc.copyBufferToBuffer(B('inbox'), so, B('guard'), 0, GUARD_WORDS * 4);
      enc.copyBufferToBuffer(B('inbox'), so + GUARD_WORDS * 4, B('params'), 0, P);
      enc.copyBufferToBuffer(B('inbox'), so + GUARD_WORDS * 4 + P, B('opt'), 0, 2 * P);
      enc.copyBufferToBuffer(B('inbox'), so + GUARD_WORDS * 4 + 3 * P, B('good'), 0, 3 * P);
    }
    const pass = enc.beginComputePass({ label: 'training steps' });
    for (let j = 0; j < steps; j++) {
      for (const e of this.encoded) {
        pass.setPipeline(e.pipeline);
        pass.setBindGroup(0, e.group);
        if (e.perStep) pass.setBindGroup(1, this.stepGroup, [j * UNIFORM_ALIGN]);
        pass.dispatchWorkgroups(e.groups[0], e.groups[1], e.groups[2]);
      }
    }
    pass.end();
    const lay = readbackLayout(plan);
    enc.copyBufferToBuffer(B('losses'), 0, this.readback, lay.losses * 4, plan.buffers['losses'] * 4);
    enc.copyBufferToBuffer(B('guard'), 0, this.readback, lay.guard * 4, GUARD_WORDS * 4);
    enc.copyBufferToBuffer(B('params'), 0, this.readback, lay.params * 4, plan.paramCount * 4);
    enc.copyBufferToBuffer(B('opt'), 0, this.readback, lay.opt * 4, 2 * plan.paramCount * 4);
    enc.copyBufferToBuffer(B('good'), 0, this.readback, lay.good * 4, 3 * plan.paramCount * 4);
    device.queue.submit([enc.finish()]);
    const error = await device.popErrorScope().catch(() => null);
    if (error) throw new GpuValidationError(error.message);
    await this.readback.mapAsync(MAP_READ_MODE);
    const copy = this.readback.getMappedRange(0, this.readbackWords * 4).slice(0);
    this.readback.unmap();
    return { f: new Float32Array(copy), u: new Uint32Array(copy) };
  }

  /**
   * Replaces the training pool (poolX, poolY: at most their planned sizes) before the next chunk;
   * for models whose batches are drawn per chunk (widgets/gpu/lm.ts), not the trainer's fixed pool.
   */
  writePool(x: Float32Array, y: Float32Array): void {
    if (this.destroyed) throw new Error('writePool: destroyed');
    const B = (name: string): GPUBuffer => this.buffers.get(name)!;
    this.device.queue.writeBuffer(B('poolX'), 0, x.buffer, x.byteOffset, x.byteLength);
    this.device.queue.writeBuffer(B('poolY'), 0, y.buffer, y.byteOffset, y.byteLength);
  }

  /** Reads any plan buffer back (tests: outputs and gradients). Not used while training. */
  async read(name: string): Promise<Float32Array> {
    const src = this.buffers.get(name);
    if (!src) throw new Error(`read: no buffer ${name}`);
    const size = src.size;
    const tmp = this.device.createBuffer({ label: `read ${name}`, size, usage: MAP_READ | COPY_DST });
    try {
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(src, 0, tmp, 0, size);
      this.device.queue.submit([enc.finish()]);
      await tmp.mapAsync(MAP_READ_MODE);
      return new Float32Array(tmp.getMappedRange().slice(0));
    } finally {
      tmp.destroy();
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
    this.buffers.clear();
  }
}

const MAP_READ_MODE = 0x0001; // GPUMapMode.READ

/** A WebGPU validation error while training: the engine falls back to the CPU. */
export class GpuValidationError extends Error {
  override name = 'GpuValidationError';
}
