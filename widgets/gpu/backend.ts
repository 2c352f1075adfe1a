/**
 * The WebGPU training backend (core/train-backend.ts's TrainBackend, which the engine in the
 * worker calls): a GPU mirror of a CPU session (see state.ts for who owns what). Chunks of CHUNK_STEPS steps per
 * submit; after each, the session holds the GPU's results. If the device is lost, or a chunk
 * fails validation, the chunk's data draws are undone (`setDataCursor`) and the engine continues
 * on the CPU from the last completed chunk — the same curve, had the GPU not failed.
 */
import type { TrainerSession, TrainResult } from '../core/session.ts';
import { DeviceLostError, type DebugAction, type TrainBackend } from '../core/train-backend.ts';
import { DeviceHub } from './device.ts';
import { buildPlan } from './plan.ts';
import { finishChunk, planSpecFor, prepareChunk } from './state.ts';
import { GpuStepper, GpuValidationError } from './stepper.ts';

/** Steps per submit (and per loss readback: one map per chunk, so ≥ 10 keeps "≤ 1 map per 10 steps"). */
const CHUNK_STEPS = 20;

/** The worker's one device (created lazily, on the first WebGPU trainer). */
const hub = new DeviceHub();

export async function createGpuBackend(
  session: TrainerSession,
  adapter: GPUAdapter,
  options: { chunk?: number; matmul?: 'tiled' | 'naive' } = {},
): Promise<TrainBackend> {
  const device = await hub.device(adapter);
  const chunk = options.chunk ?? CHUNK_STEPS;
  const plan = buildPlan(planSpecFor(session, chunk, options.matmul));
  const view = session.modelView();
  const gpu = await GpuStepper.create(device, plan, {
    W: view.layers.map((l) => l.W.data),
    bias: view.layers.map((l) => l.bias),
    poolX: session.scenario.train.X.data,
    poolY: session.scenario.train.Y.data,
  });
  let dirty = true;
  let disposed = false;
  const empty = (): TrainResult => ({
    step: session.step,
    loss: Number.NaN,
    losses: new Float32Array(0),
    recoveries: [],
  });
  return {
    kind: 'webgpu',
    chunkSteps: chunk,
    async train(steps: number): Promise<TrainResult> {
      if (disposed) throw new DeviceLostError('the GPU backend was disposed');
      if (hub.isLost(device)) throw new DeviceLostError(hub.lostReason || 'device lost');
      if (steps === 0) return empty();
      const cursor = session.dataCursor();
      const upload = prepareChunk(plan, session, steps, gpu.inboxF, gpu.inboxU, dirty);
      try {
        const { f, u } = await gpu.runChunk(steps, upload, dirty);
        if (hub.isLost(device)) throw new DeviceLostError(hub.lostReason || 'device lost');
        dirty = false;
        return finishChunk(plan, session, steps, f, u);
      } catch (error) {
        session.setDataCursor(cursor);
        dirty = true;
        if (error instanceof DeviceLostError) throw error;
        const lost = hub.isLost(device);
        const e = new DeviceLostError(
          lost ? hub.lostReason || 'device lost' : `${(error as Error).name}: ${(error as Error).message}`,
        );
        if (!lost && error instanceof GpuValidationError) hub.errors.push(`validation: ${error.message}`);
        throw e;
      }
    },
    invalidate() {
      dirty = true;
    },
    dispose() {
      disposed = true;
      gpu.destroy();
    },
  };
}

interface Counters {
  createBuffer: number;
  createBindGroup: number;
  submit: number;
  writeBuffer: number;
  mapAsync: number;
}
let counters: Counters | null = null;

/**
 * Test hooks, reached through the engine's `debug` request from the engine-probe fixture:
 *  - 'lose-device': destroys the shared device (as a driver reset would lose it);
 *  - 'instrument': from now on, count buffer and bind-group creation, submits, writeBuffers
 *    and maps in this worker (wrapping the WebGPU prototypes; test pages only), counters zeroed;
 *  - 'gpu-stats': the counters, uncaptured errors and whether the device is lost.
 */
export function gpuDebug(action: DebugAction): unknown {
  switch (action) {
    case 'lose-device': {
      const d = hub.liveDevice;
      d?.destroy();
      return d !== null;
    }
    case 'instrument': {
      if (!counters) {
        const c: Counters = { createBuffer: 0, createBindGroup: 0, submit: 0, writeBuffer: 0, mapAsync: 0 };
        counters = c;
        const wrap = <T extends object>(proto: T, name: keyof T & keyof Counters): void => {
          const orig = proto[name] as unknown as (...args: unknown[]) => unknown;
          Object.defineProperty(proto, name, {
            configurable: true,
            writable: true,
            value: function (this: unknown, ...args: unknown[]) {
              c[name] += 1;
              return orig.apply(this, args);
            },
          });
        };
        wrap(GPUDevice.prototype, 'createBuffer');
        wrap(GPUDevice.prototype, 'createBindGroup');
        wrap(GPUQueue.prototype, 'submit');
        wrap(GPUQueue.prototype, 'writeBuffer');
        wrap(GPUBuffer.prototype, 'mapAsync');
      }
      for (const k of Object.keys(counters) as (keyof Counters)[]) counters[k] = 0;
      return true;
    }
    case 'gpu-stats':
      return {
        counters: counters ? { ...counters } : null,
        errors: [...hub.errors],
        lost: hub.liveDevice === null,
      };
  }
}
