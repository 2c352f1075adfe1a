/**
 * The model side of `<lora-lm>`: one `LmSession` per element, holding the frozen base, the
 * adapters (one per built-in corpus, plus imported ones) and which one is in use or merged. It
 * runs in the page's language-model worker (lm.worker.ts) or, where no worker may start, on the
 * main thread; `train` works in slices of about `sliceMs` and yields between them, so progress
 * reaches the page and, on the main thread, no task runs long.
 *
 * Backend: `load` chooses it once per session (engine/backend-choice.ts, as for `<lora-trainer>`).
 * On WebGPU each adapter trains through a GPU mirror of its AdapterTrainer (widgets/gpu/lm.ts,
 * made by the worker's `gpuTrainer`), in chunks; if a chunk fails (device lost, validation error,
 * a non-finite loss) the adapter keeps every step of the completed chunks and the call goes on
 * on the CPU from there, to the steps asked for (the same curve, as the CPU trainer is the source
 * of truth); the session stays on the CPU and says why, once, on the next progress and in
 * TrainInfo.fallback. Sampling always runs on the CPU.
 *
 * Failure policy: every operation validates its input first and throws before changing
 * anything (an unknown adapter, a prompt outside the vocabulary, steps ≤ 0, a file for another
 * model), so a rejected call leaves the session as it was.
 */
import type { CpuKernels } from '../core/cpu-kernels.ts';
import {
  applyAdapter,
  baseParamCount,
  corpusSegments,
  createLmAdapter,
  encode,
  encodeCorpus,
  evalWorkspace,
  logitsAt,
  meanLoss,
  mergeAdapter,
  sample,
  unmergeAdapter,
  type LmAdapter,
} from '../core/char-lm.ts';
import { exportLmAdapter, importLmAdapter, readCheckpoint, type LoadedBase } from '../core/char-lm-format.ts';
import { AdapterTrainer, heldOutPositions } from '../core/char-lm-train.ts';
import type { CharLm } from '../core/char-lm.ts';
import { copy } from '../core/matrix.ts';
import { deriveSeed } from '../core/rng.ts';
import { chooseBackend, REASONS, type BackendDecision, type GpuLike } from '../engine/backend-choice.ts';
import { SliceSizer } from '../engine/slicer.ts';
import type { AdapterInfo, LmDebugAction, LmOps, LoadInfo, TrainInfo } from './protocol.ts';

/** Adapter training: Adam's learning rate, batch rows, α (s = α/r). */
const LR = 0.004;
const BATCH = 32;
const ALPHA = 16;
/** Held-out targets per loss measurement. */
const LOSS_TARGETS = 512;
/** Most characters a sample may ask for. */
const MAX_LENGTH = 2000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/;

export interface HostEnv {
  /** Loads the CPU kernels once (widgets/wasm/load.ts), given their URL. */
  loadKernels(url: string | undefined): Promise<{ kernels: CpuKernels; note: string }>;
  fetchBytes(url: string): Promise<Uint8Array>;
  now(): number;
  /** Gives the thread back between training slices. */
  yieldNow(): Promise<void>;
  readonly sliceMs: number;
  /** `navigator.gpu` where adapters may train on WebGPU (the worker); undefined elsewhere. */
  readonly gpu?: GpuLike;
  /** Makes a WebGPU trainer (widgets/gpu/lm.ts `createLmGpuTrainer`); the worker only. */
  readonly gpuTrainer?: GpuTrainerFactory;
  /** @internal Answers the `debug` op (widgets/gpu/lm.ts `lmGpuDebug`; tests only). */
  readonly debug?: (action: LmDebugAction) => boolean;
}

/** A GPU mirror of an AdapterTrainer: trains in chunks, writing the results into the trainer. */
export interface GpuChunkTrainer {
  readonly chunkSteps: number;
  trainChunk(tokens: Uint8Array, steps: number): Promise<Float32Array>;
  dispose(): void;
}

/** Called with the trainer's adapter on `lm`; reads what it needs before its first await. */
export type GpuTrainerFactory = (trainer: AdapterTrainer, lm: CharLm, adapter: GPUAdapter) => Promise<GpuChunkTrainer>;

/** Training progress; `fallback` is set once, on the first progress after WebGPU failed (why). */
type Progress = (step: number, loss: number, stepsPerSecond: number, fallback?: string) => void;

interface Slot {
  adapter: LmAdapter;
  trainer: AdapterTrainer | null;
  /** Its WebGPU mirror, once training started on WebGPU. */
  gpu: GpuChunkTrainer | null;
  steps: number;
  /** The corpus it trains on (built-in adapters), or null (imported). */
  corpus: string | null;
}

/** A bad argument or state: the message says what to do; nothing was changed. */
class LmInputError extends Error {
  override name = 'LmInputError';
}

export class LmSession {
  private base: LoadedBase | null = null;
  private kernels: CpuKernels | undefined;
  private readonly corpora = new Map<string, Uint8Array>();
  private readonly slots = new Map<string, Slot>();
  private active: string | null = null;
  private merged = false;
  /** Where adapters train: the adapter to train on (null: the CPU), and why. */
  private backend: BackendDecision = { backend: 'cpu', reason: REASONS.cpuAsked, adapter: null };
  private readonly env: HostEnv;

  constructor(env: HostEnv) {
    this.env = env;
  }

  async load(args: LmOps['load']['args']): Promise<LoadInfo> {
    const [choice, decision, bytes, ...texts] = await Promise.all([
      this.env.loadKernels(args.kernels),
      this.chooseBackend(args.backend ?? 'auto'),
      this.env.fetchBytes(args.checkpoint),
      ...Object.values(args.corpora).map((u) => this.env.fetchBytes(u)),
    ]);
    const base = readCheckpoint(bytes);
    Object.keys(args.corpora).forEach((name, i) => {
      const segments = corpusSegments(new TextDecoder().decode(texts[i]));
      this.corpora.set(name, encodeCorpus(base.lm.shape, segments));
    });
    this.base = base;
    this.kernels = choice.kernels;
    this.backend = decision;
    const params = baseParamCount(base.lm.shape);
    return {
      adapters: [...this.corpora.keys()],
      baseParams: params,
      baseBytes: params * 4,
      kernels: choice.note,
      context: base.lm.shape.context,
      vocabSize: base.lm.V,
      backend: decision.backend,
      reason: decision.reason,
    };
  }

  private chooseBackend(choice: 'auto' | 'webgpu' | 'cpu'): Promise<BackendDecision> {
    if (choice === 'cpu' || this.env.gpuTrainer) return chooseBackend(choice, this.env.gpu);
    const asked = choice === 'webgpu' ? 'WebGPU requested, but ' : '';
    const reason = `${asked}adapters train on WebGPU in the worker only, and the model runs on this page's thread`;
    return Promise.resolve({ backend: 'cpu', reason, adapter: null });
  }

  private get lm() {
    if (!this.base) throw new LmInputError('the model has not loaded');
    return this.base.lm;
  }

  /** The adapter slot `name` (built-in adapters are created on first use, rank `rank`). */
  private slot(name: string, rank = 8): Slot {
    const found = this.slots.get(name);
    if (found) return found;
    if (!this.corpora.has(name))
      throw new LmInputError(`unknown adapter ${JSON.stringify(name)}; known: ${this.names().join(', ')}`);
    const slot: Slot = { adapter: this.fresh(name, rank), trainer: null, gpu: null, steps: 0, corpus: name };
    this.slots.set(name, slot);
    return slot;
  }

  private fresh(name: string, rank: number): LmAdapter {
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return createLmAdapter(this.lm, rank, ALPHA, deriveSeed(h, 1));
  }

  private names(): string[] {
    return [...new Set([...this.corpora.keys(), ...this.slots.keys()])];
  }

  private info(name: string): AdapterInfo {
    const s = this.slot(name);
    const params = this.lm.layers.reduce((n, l) => n + s.adapter.r * (l.d + l.k), 0);
    return {
      name,
      rank: s.adapter.r,
      alpha: s.adapter.alpha,
      trainableParams: params,
      bytes: params * 4,
      steps: s.steps,
    };
  }

  /**
   * Runs `fn` with adapter `name` (null: the base) on the model. While an adapter is merged,
   * that adapter runs through the merged W; any other is run after putting W₀ back, and the
   * merge is redone afterwards (the same sums, so the same bits).
   */
  private withAdapter<T>(name: string | null, fn: () => T): T {
    const lm = this.lm;
    const target = name === null ? null : this.slot(name).adapter;
    if (this.merged && name === this.active) return fn();
    if (this.merged) unmergeAdapter(lm, this.base!.pristine);
    applyAdapter(lm, target);
    try {
      return fn();
    } finally {
      applyAdapter(lm, this.active === null ? null : this.slot(this.active).adapter);
      if (this.merged) mergeAdapter(lm);
    }
  }

  async train(args: LmOps['train']['args'], progress: Progress): Promise<TrainInfo> {
    const { adapter: name, steps, rank, seed } = args;
    if (!Number.isInteger(steps) || steps <= 0)
      throw new LmInputError(`steps must be a whole number ≥ 1, got ${steps}`);
    if (!Number.isInteger(rank) || rank < 1 || rank > 64)
      throw new LmInputError(`rank must be a whole number in 1…64, got ${rank}`);
    const slot = this.slot(name, rank);
    if (slot.corpus === null) throw new LmInputError(`${name} was imported: it has no corpus to train on`);
    if (this.merged && name === this.active) throw new LmInputError(`${name} is merged: unmerge() before training it`);
    const tokens = this.corpora.get(slot.corpus)!;
    if (slot.adapter.r !== rank) {
      slot.adapter = this.fresh(name, rank);
      this.drop(slot);
      slot.steps = 0;
    }
    // The trainer's buffers follow the adapter on the model when it is built.
    slot.trainer ??= this.withAdapter(
      name,
      () => new AdapterTrainer(this.lm, slot.adapter, LR, BATCH, deriveSeed(seed, 2), this.kernels),
    );
    const trainer = slot.trainer;
    const losses: number[] = [];
    const sizer = new SliceSizer(this.env.sliceMs, 256);
    const t0 = this.env.now();
    let fallback: string | undefined;
    /** The fallback not yet reported through `progress`. */
    let untold: string | undefined;
    const gpuAdapter = this.backend.adapter;
    if (gpuAdapter && !slot.gpu) {
      try {
        slot.gpu = await this.withAdapter(name, () => this.env.gpuTrainer!(trainer, this.lm, gpuAdapter));
      } catch (error) {
        fallback = untold = this.toCpu(error, name, slot.steps);
      }
    }
    while (losses.length < steps) {
      const s0 = this.env.now();
      let n: number;
      if (slot.gpu) {
        n = Math.min(slot.gpu.chunkSteps, steps - losses.length);
        try {
          losses.push(...(await slot.gpu.trainChunk(tokens, n)));
        } catch (error) {
          fallback = untold = this.toCpu(error, name, slot.steps);
          continue;
        }
      } else {
        n = sizer.next(steps - losses.length);
        this.withAdapter(name, () => {
          for (let i = 0; i < n; i++) losses.push(trainer.trainStep(tokens));
        });
        sizer.record(n, this.env.now() - s0);
      }
      const s1 = this.env.now();
      slot.steps += n;
      progress(slot.steps, losses[losses.length - 1], (losses.length * 1000) / Math.max(1, s1 - t0), untold);
      untold = undefined;
      await this.env.yieldNow();
    }
    const info = this.info(name);
    const frozen = baseParamCount(this.lm.shape);
    const backend = slot.gpu ? 'webgpu' : 'cpu';
    return {
      ...info,
      losses,
      frozenParams: frozen,
      ms: this.env.now() - t0,
      backend,
      ...(fallback ? { fallback } : {}),
    };
  }

  /**
   * A GPU chunk or trainer failed while adapter `name` stood at `step` (its completed steps,
   * kept): this session trains on the CPU from now on; returns why.
   */
  private toCpu(error: unknown, name: string, step: number): string {
    for (const s of this.slots.values()) {
      s.gpu?.dispose();
      s.gpu = null;
    }
    const { name: kind, message } = error as Error;
    const reason = `WebGPU failed (${kind}: ${message}); training continues on the CPU from step ${step} of ${name}`;
    this.backend = { backend: 'cpu', reason, adapter: null };
    return reason;
  }

  /** Forgets a slot's trainers (its adapter was replaced). */
  private drop(slot: Slot): void {
    slot.trainer = null;
    slot.gpu?.dispose();
    slot.gpu = null;
  }

  sample(args: LmOps['sample']['args']): LmOps['sample']['result'] {
    const { adapter, prompt, seed, length, temperature } = args;
    if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH)
      throw new LmInputError(`length must be a whole number in 1…${MAX_LENGTH}, got ${length}`);
    if (!(temperature >= 0 && temperature <= 5))
      throw new LmInputError(`temperature must be in 0…5, got ${temperature}`);
    if (!Number.isInteger(seed)) throw new LmInputError(`seed must be a whole number, got ${seed}`);
    try {
      encode(this.lm.shape, prompt);
    } catch (error) {
      throw new LmInputError(`the prompt has ${(error as Error).message}`);
    }
    const t0 = this.env.now();
    const text = this.withAdapter(adapter, () => sample(this.lm, { prompt, seed, length, temperature }, this.kernels));
    return { text, merged: this.merged && adapter !== null && adapter === this.active, ms: this.env.now() - t0 };
  }

  use(name: string | null): { adapter: string | null } {
    if (name !== null) this.slot(name);
    if (name === this.active) return { adapter: name };
    if (this.merged) throw new LmInputError(`${this.active} is merged: unmerge() before swapping adapters`);
    this.active = name;
    applyAdapter(this.lm, name === null ? null : this.slot(name).adapter);
    return { adapter: name };
  }

  /** Merges the adapter in use; the largest logit change on held-out contexts of its corpus. */
  merge(): { adapter: string; maxLogitDiff: number } {
    const name = this.active;
    if (name === null) throw new LmInputError('no adapter is in use: use(name) first');
    if (this.merged) throw new LmInputError(`${name} is already merged`);
    const tokens = this.corpora.get(this.slot(name).corpus ?? [...this.corpora.keys()][0])!;
    const positions = heldOutPositions(tokens, 256);
    const ws = evalWorkspace(this.lm, positions.length);
    const before = copy(logitsAt(this.lm, tokens, positions, ws, this.kernels));
    mergeAdapter(this.lm);
    this.merged = true;
    const after = logitsAt(this.lm, tokens, positions, ws, this.kernels);
    let diff = 0;
    for (let i = 0; i < after.data.length; i++) diff = Math.max(diff, Math.abs(after.data[i] - before.data[i]));
    return { adapter: name, maxLogitDiff: diff };
  }

  unmerge(): { adapter: string; drift: number } {
    if (!this.merged || this.active === null) throw new LmInputError('nothing is merged');
    const drift = unmergeAdapter(this.lm, this.base!.pristine);
    this.merged = false;
    return { adapter: this.active, drift };
  }

  exportAdapter(name: string): { bytes: Uint8Array; info: AdapterInfo } {
    return { bytes: exportLmAdapter(this.slot(name).adapter), info: this.info(name) };
  }

  importAdapter(name: string, bytes: Uint8Array): AdapterInfo {
    if (!NAME.test(name))
      throw new LmInputError(`adapter name ${JSON.stringify(name)}: use 1–40 letters, digits, space, _ . -`);
    if (this.merged && name === this.active) throw new LmInputError(`${name} is merged: unmerge() before replacing it`);
    const adapter = importLmAdapter(this.lm, bytes);
    const corpus = this.corpora.has(name) ? name : null;
    const old = this.slots.get(name);
    if (old) this.drop(old);
    this.slots.set(name, { adapter, trainer: null, gpu: null, steps: 0, corpus });
    if (this.active === name) applyAdapter(this.lm, adapter);
    return this.info(name);
  }

  /** Frees the GPU trainers' buffers. */
  close(): void {
    for (const s of this.slots.values()) this.drop(s);
  }

  adapterInfo(name: string): AdapterInfo {
    return this.info(name);
  }

  /** Mean per-character loss (nats) of the model with `adapter` on the held-out part of `corpus`. */
  loss(adapter: string | null, corpus: string): number {
    const tokens = this.corpora.get(corpus);
    if (!tokens) throw new LmInputError(`unknown corpus ${JSON.stringify(corpus)}`);
    return this.withAdapter(adapter, () =>
      meanLoss(this.lm, tokens, heldOutPositions(tokens, LOSS_TARGETS), this.kernels),
    );
  }
}

/** `HostEnv.fetchBytes` for the browser (the worker's host and the main thread's): no cookies sent. */
export async function fetchAsset(url: string): Promise<Uint8Array> {
  const response = await fetch(url, { credentials: 'omit' });
  if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Dispatches requests to sessions by id (the worker's and the main thread's host). */
export class LmHost {
  private readonly sessions = new Map<number, LmSession>();
  private readonly env: HostEnv;

  constructor(env: HostEnv) {
    this.env = env;
  }

  handle(session: number, op: keyof LmOps, args: unknown, progress: Progress): Promise<unknown> | unknown {
    if (op === 'debug') {
      const { action } = args as LmOps['debug']['args'];
      if (action !== 'lose-device') throw new LmInputError(`unknown debug action ${JSON.stringify(action)}`);
      return this.env.debug?.(action) ?? false;
    }
    if (op === 'close') {
      this.sessions.get(session)?.close();
      this.sessions.delete(session);
      return null;
    }
    let s = this.sessions.get(session);
    if (!s) {
      s = new LmSession(this.env);
      this.sessions.set(session, s);
    }
    const a = args as never;
    switch (op) {
      case 'load':
        return s.load(a as LmOps['load']['args']);
      case 'train':
        return s.train(a as LmOps['train']['args'], progress);
      case 'sample':
        return s.sample(a as LmOps['sample']['args']);
      case 'use':
        return s.use((a as LmOps['use']['args']).adapter);
      case 'merge':
        return s.merge();
      case 'unmerge':
        return s.unmerge();
      case 'exportAdapter':
        return s.exportAdapter((a as LmOps['exportAdapter']['args']).name);
      case 'importAdapter': {
        const { name, bytes } = a as LmOps['importAdapter']['args'];
        return s.importAdapter(name, bytes);
      }
      case 'adapterInfo':
        return s.adapterInfo((a as LmOps['adapterInfo']['args']).name);
      case 'loss': {
        const { adapter, corpus } = a as LmOps['loss']['args'];
        return { loss: s.loss(adapter, corpus) };
      }
    }
  }
}
