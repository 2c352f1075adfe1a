/**
 * Moving a session's training state to and from the GPU's buffers, and reading a chunk's results
 * back into the session. The CPU session (widgets/core/trainer.ts) stays the source of truth:
 * it draws every chunk's batch rows and dropout masks (`drawBatches`), and after every chunk it
 * receives the GPU's tensors, optimiser state and guard numbers (`loadTrainingState`), so merge,
 * export, snapshots and a CPU continuation after a device loss all see the last completed chunk.
 *
 * Readback layout (words): losses (chunk) · statuses (chunk) · guard (GUARD_WORDS) · params (P) ·
 * m|v (2P) · good params|m|v (3P) — the order of the buffers `losses`, `guard`, `params`, `opt`,
 * `good` (plan.ts), so one copy per buffer fills it.
 */
import type { RecoverRecord, TrainerSession, TrainingState, TrainResult } from '../core/session.ts';
import { GUARD, GUARD_WORDS, STATUS } from './kernels.ts';
import type { Plan } from './plan.ts';

/** Word offsets of each part of the readback. */
export function readbackLayout(plan: Plan) {
  const S = plan.spec.chunk;
  const P = plan.paramCount;
  const losses = 0;
  const guard = 2 * S;
  const params = guard + GUARD_WORDS;
  const opt = params + P;
  const good = opt + 2 * P;
  return { losses, guard, params, opt, good, words: good + 3 * P };
}

/** Writes the state block (guard, params, m|v, good|goodM|goodV) at `f`/`u` (views of the same words). */
export function packState(plan: Plan, s: TrainingState, f: Float32Array, u: Uint32Array): void {
  const P = plan.paramCount;
  f.fill(0, 0, GUARD_WORDS);
  f[GUARD.lr] = s.lr;
  const started = s.firstLoss !== 0;
  f[GUARD.best] = started && Number.isFinite(s.bestLoss) ? s.bestLoss : 0;
  f[GUARD.first] = s.firstLoss;
  f[GUARD.mean] = s.meanLoss;
  u[GUARD.t] = s.t;
  u[GUARD.goodT] = s.goodT;
  // Six slots of P floats: params, m, v, good, goodM, goodV (m and v stay zero under SGD).
  const put = (slot: number, list: readonly Float32Array[]): void => {
    let o = GUARD_WORDS + slot * P;
    for (const a of list) {
      f.set(a, o);
      o += a.length;
    }
    if (list.length > 0 && o !== GUARD_WORDS + (slot + 1) * P)
      throw new Error(`packState: slot ${slot} holds ${o - GUARD_WORDS - slot * P} floats, the plan has ${P}`);
  };
  f.fill(0, GUARD_WORDS, GUARD_WORDS + 6 * P);
  put(0, s.params);
  put(1, s.m);
  put(2, s.v);
  put(3, s.good);
  put(4, s.goodM);
  put(5, s.goodV);
}

/**
 * Reads a chunk of `steps` steps back: the losses and recoveries, and the session's new state
 * (`lrBefore` is the session's lr before the chunk; each rollback halves it, exactly as the GPU
 * did in float32).
 */
export function finishChunk(
  plan: Plan,
  session: TrainerSession,
  steps: number,
  f: Float32Array,
  u: Uint32Array,
): TrainResult {
  const lay = readbackLayout(plan);
  const S = plan.spec.chunk;
  const before = session.trainingState();
  const losses = f.slice(lay.losses, lay.losses + steps);
  const recoveries: RecoverRecord[] = [];
  let lr = before.lr;
  for (let j = 0; j < steps; j++) {
    const status = f[lay.losses + S + j];
    if (status === STATUS.accepted) continue;
    lr /= 2;
    recoveries.push({
      step: before.step + j,
      reason: status === STATUS.nonFinite ? 'non-finite loss' : 'loss spike',
      loss: losses[j],
      lr,
    });
  }
  const g = lay.guard;
  const started = f[g + GUARD.first] !== 0;
  const P = plan.paramCount;
  const take = (slot: number, like: readonly Float32Array[]): Float32Array[] => {
    let o = lay.params + slot * P;
    return like.map((a) => {
      const out = f.slice(o, o + a.length);
      o += a.length;
      return out;
    });
  };
  const params = take(0, before.params);
  const m = take(1, before.m);
  const v = take(2, before.v);
  const good = take(3, before.good);
  const goodM = take(4, before.goodM);
  const goodV = take(5, before.goodV);
  session.loadTrainingState({
    step: before.step + steps,
    lr,
    loss: steps > 0 ? losses[steps - 1] : before.loss,
    bestLoss: started ? f[g + GUARD.best] : Number.POSITIVE_INFINITY,
    firstLoss: f[g + GUARD.first],
    meanLoss: f[g + GUARD.mean],
    params,
    m,
    v,
    t: u[g + GUARD.t],
    good,
    goodM,
    goodV,
    goodT: u[g + GUARD.goodT],
  });
  return { step: before.step + steps, loss: steps > 0 ? losses[steps - 1] : Number.NaN, losses, recoveries };
}

/**
 * Fills the inbox for a chunk of `steps` steps: the session draws the batch rows and dropout
 * masks (advancing its streams), and, when `withState`, the state block follows. Returns how
 * many words to upload (the one writeBuffer of the submit).
 */
export function prepareChunk(
  plan: Plan,
  session: TrainerSession,
  steps: number,
  f: Float32Array,
  u: Uint32Array,
  withState: boolean,
): number {
  const S = plan.spec.chunk;
  if (steps < 1 || steps > S) throw new RangeError(`prepareChunk: 1…${S} steps, got ${steps}`);
  const n = plan.spec.batch;
  const mps = plan.maskPerStep;
  const mo = plan.inbox.masks;
  session.drawBatches(steps, u.subarray(0, S * n), mps > 0 ? f.subarray(mo, mo + S * mps) : null);
  if (!withState) return plan.inbox.state;
  const so = plan.inbox.state;
  packState(plan, session.trainingState(), f.subarray(so), u.subarray(so));
  return plan.inbox.words;
}

/** The plan's description of a session's model (LoRA mode), `chunk` steps per submit. */
export function planSpecFor(session: TrainerSession, chunk: number, matmul: 'tiled' | 'naive' = 'tiled') {
  const view = session.modelView();
  if (view.mode !== 'lora') throw new Error('the GPU backend trains LoRA adapters (full fine-tuning runs on the CPU)');
  let cursor = 0;
  const layers = view.layers.map((l) => {
    const ad = l.adapter;
    let adapter = null;
    if (ad) {
      const aOff = cursor;
      cursor += ad.r * l.k;
      const bOff = cursor;
      cursor += l.d * ad.r;
      adapter = { r: ad.r, scaling: ad.scaling, dropout: ad.dropout > 0, aOff, bOff };
    }
    return { name: l.name, d: l.d, k: l.k, hasBias: l.bias !== null, adapter };
  });
  return {
    layers,
    batch: view.batch,
    loss: session.scenario.loss,
    poolRows: session.scenario.train.X.rows,
    optimizer: session.config.optimizer,
    divergenceFactor: session.config.divergenceFactor,
    chunk,
    matmul,
  } as const;
}
