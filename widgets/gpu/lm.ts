/**
 * WebGPU training of a `<lora-lm>` adapter: the trainer's GPU step (plan.ts, the same kernels)
 * on the language model's three LoRA layers (ctx, hidden, head; no biases, no dropout) with
 * softmax cross-entropy, mirroring widgets/core/char-lm-train.ts `AdapterTrainer`.
 *
 * The CPU trainer stays the source of truth. Per chunk it draws the batches exactly as its own
 * steps would (`drawChunk`: the contexts' embedding features and one-hot next characters), and
 * those rows, in order, are the GPU's pool for the chunk (`writePool`); afterwards it receives
 * A, B, Adam's m, v and t from the readback, so sampling, merging and export see the last chunk.
 * The plan's divergence guard is set never to roll back a finite loss (the LM trainer has no
 * guard). A non-finite loss, a lost device or a validation error fails the chunk: the batch order
 * is put back, nothing else has changed, and the caller continues on the CPU from there.
 */
import type { AdapterTrainer } from '../core/char-lm-train.ts';
import type { CharLm } from '../core/char-lm.ts';
import { zeros, type Matrix } from '../core/matrix.ts';
import type { TrainingState } from '../core/session.ts';
import { DeviceLostError } from '../core/train-backend.ts';
import { DeviceHub } from './device.ts';
import { GUARD, STATUS } from './kernels.ts';
import { buildPlan, type Plan, type PlanSpec } from './plan.ts';
import { packState, readbackLayout } from './state.ts';
import { GpuStepper } from './stepper.ts';

/** Steps per submit (one readback per chunk). */
const CHUNK_STEPS = 20;
/** The guard's spike factor: no finite loss counts as a spike. */
const NEVER = 1e30;

/** What runs a plan's chunks: GpuStepper on a device, or emulate.ts's `emulatedStepper` in tests. */
export interface ChunkRunner {
  readonly inboxF: Float32Array;
  readonly inboxU: Uint32Array;
  writePool(x: Float32Array, y: Float32Array): void;
  runChunk(steps: number, uploadWords: number, withState: boolean): Promise<{ f: Float32Array; u: Uint32Array }>;
  destroy(): void;
}

/** The plan of the model's adapter (applied to `lm`, not merged), `batch` rows, `chunk` steps per submit. */
export function lmPlanSpec(lm: CharLm, batch: number, chunk: number): PlanSpec {
  let cursor = 0;
  const layers = lm.layers.map((l) => {
    const ad = l.adapter;
    if (!ad || l.merged) throw new Error('lmPlanSpec: apply the adapter (unmerged) first');
    if (l.bias) throw new Error('lmPlanSpec: the language model has no biases');
    const aOff = cursor;
    cursor += ad.r * l.k;
    const bOff = cursor;
    cursor += l.d * ad.r;
    return {
      name: l.name,
      d: l.d,
      k: l.k,
      hasBias: false,
      adapter: { r: ad.r, scaling: ad.scaling, dropout: false, aOff, bOff },
    };
  });
  return {
    layers,
    batch,
    loss: 'ce',
    poolRows: chunk * batch,
    optimizer: 'adam',
    divergenceFactor: NEVER,
    chunk,
  };
}

/** The trainer's state as the plan's state block wants it (the guard not started yet). */
function stateOf(trainer: AdapterTrainer): TrainingState {
  const o = trainer.optimizer;
  return {
    step: trainer.step,
    lr: trainer.lr,
    loss: Number.NaN,
    bestLoss: Number.POSITIVE_INFINITY,
    firstLoss: 0,
    meanLoss: 0,
    params: o.params,
    m: o.m,
    v: o.v,
    t: o.t,
    good: o.params,
    goodM: o.m,
    goodV: o.v,
    goodT: o.t,
  };
}

/** Trains one AdapterTrainer's adapter in chunks on a ChunkRunner. */
export class LmGpuTrainer {
  readonly chunkSteps: number;
  private readonly X: Matrix;
  private readonly Y: Float32Array;
  private dirty = true;

  constructor(
    private readonly trainer: AdapterTrainer,
    readonly plan: Plan,
    private readonly runner: ChunkRunner,
    private readonly lost: () => string | null = () => null,
  ) {
    this.chunkSteps = plan.spec.chunk;
    const rows = plan.spec.poolRows;
    this.X = zeros(rows, plan.spec.layers[0].k);
    this.Y = new Float32Array(rows * plan.spec.layers[plan.spec.layers.length - 1].d);
    // Step j's batch is pool rows j·n … j·n+n−1.
    for (let i = 0; i < rows; i++) runner.inboxU[i] = i;
  }

  /** Trains `steps` (1…chunkSteps) steps on `tokens`; resolves with their losses. */
  async trainChunk(tokens: Uint8Array, steps: number): Promise<Float32Array> {
    const { plan, runner, trainer } = this;
    const S = this.chunkSteps;
    if (!Number.isInteger(steps) || steps < 1 || steps > S)
      throw new RangeError(`trainChunk: 1…${S} steps, got ${steps}`);
    const order = trainer.orderState;
    try {
      trainer.drawChunk(tokens, steps, this.X, this.Y);
      const rows = steps * plan.spec.batch;
      const V = this.Y.length / plan.spec.poolRows;
      runner.writePool(this.X.data.subarray(0, rows * this.X.cols), this.Y.subarray(0, rows * V));
      let words = plan.inbox.state;
      if (this.dirty) {
        const so = plan.inbox.state;
        packState(plan, stateOf(trainer), runner.inboxF.subarray(so), runner.inboxU.subarray(so));
        words = plan.inbox.words;
      }
      const { f, u } = await runner.runChunk(steps, words, this.dirty);
      const lostReason = this.lost();
      if (lostReason !== null) throw new DeviceLostError(lostReason);
      const lay = readbackLayout(plan);
      for (let j = 0; j < steps; j++)
        if (f[lay.losses + S + j] !== STATUS.accepted)
          throw new Error(`step ${trainer.step + j + 1} on the GPU gave a non-finite loss`);
      const opt = trainer.optimizer;
      const put = (list: readonly Float32Array[], at: number): void => {
        for (const a of list) {
          a.set(f.subarray(at, at + a.length));
          at += a.length;
        }
      };
      put(opt.params, lay.params);
      put(opt.m, lay.opt);
      put(opt.v, lay.opt + plan.paramCount);
      opt.t = u[lay.guard + GUARD.t];
      trainer.step += steps;
      this.dirty = false;
      return f.slice(lay.losses, lay.losses + steps);
    } catch (error) {
      trainer.orderState = order;
      this.dirty = true;
      throw error;
    }
  }

  dispose(): void {
    this.runner.destroy();
  }
}

/** The worker's one device (created lazily, on the first adapter trained on WebGPU). */
const hub = new DeviceHub();

/**
 * A WebGPU trainer for `trainer`, whose adapter is on `lm` now (unmerged): the plan and the
 * frozen W are read before the first await, so the caller may put another adapter on afterwards.
 */
export function createLmGpuTrainer(
  trainer: AdapterTrainer,
  lm: CharLm,
  adapter: GPUAdapter,
  chunk = CHUNK_STEPS,
): Promise<LmGpuTrainer> {
  const plan = buildPlan(lmPlanSpec(lm, trainer.batch, chunk));
  const W = lm.layers.map((l) => l.W.data.slice());
  return (async () => {
    const device = await hub.device(adapter);
    const empty = new Float32Array(0);
    const stepper = await GpuStepper.create(device, plan, {
      W,
      bias: W.map(() => null),
      poolX: empty,
      poolY: empty,
    });
    return new LmGpuTrainer(trainer, plan, stepper, () =>
      hub.isLost(device) ? hub.lostReason || 'device lost' : null,
    );
  })();
}

/**
 * @internal The lm worker's test hook (the `debug` op, tests/e2e/lora-lm.gpu.spec.ts):
 * 'lose-device' destroys the worker's device, as a driver reset would lose it, so the chunk in
 * flight fails and the session goes on on the CPU. True if there was a live device.
 */
export function lmGpuDebug(action: 'lose-device'): boolean {
  const device = action === 'lose-device' ? hub.liveDevice : null;
  device?.destroy();
  return device !== null;
}
