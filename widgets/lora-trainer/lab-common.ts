/**
 * What the lab (lab.ts), its pitfall experiments (experiments.ts) and the view share: step counts,
 * result shapes, the read-only view, and the TrainerConfig a run is given. Kept apart so that
 * neither of the lab and the experiments imports the other (the lab loads them lazily).
 */
import type { Matrix } from '../core/matrix.ts';
import { loraParamCounts, multiplyAdds } from '../core/pitfalls.ts';
import type { ResolvedConfig, TrainerConfig } from '../core/trainer.ts';
import type {
  BackendReport,
  CreateRemoteSession,
  RemoteSession,
  TensorSnapshot,
  TrainerState,
  TrainProgress,
} from '../engine/types.ts';
import type { PitfallId } from './settings.ts';
import { shapeOf } from './shapes.ts';

/**
 * The real engine (widgets/engine/client.ts), loaded with the training core when the first
 * trainer starts: near the viewport, or on the first method call.
 */
export const loadEngine: CreateRemoteSession = async (config, options) =>
  (await import('../engine/client.ts')).createRemoteSession(config, options);

/** Steps per engine call while training (snapshots are taken between chunks). */
export const CHUNK = 50;
/** Ranks of the one-click sweep (those above the scenario's cap are left out). */
export const SWEEP_RANKS = [1, 2, 4, 8, 16] as const;
export const SWEEP_STEPS = 300;
/** Steps each pitfall experiment trains per run. */
export const PITFALL_STEPS = 200;
/** Steps of the fixed-α experiment (early steps: where the scale shows before Adam adapts). */
export const FIXED_ALPHA_STEPS = 25;

interface Curve {
  /** One loss per step, step 1 first. */
  losses: number[];
  /** Validation losses at the steps where the engine computed one: [step, loss]. */
  val: [number, number][];
}

/** A curve as the view sees it: nothing in it writable. */
interface ReadonlyCurve {
  readonly losses: readonly number[];
  readonly val: readonly (readonly [number, number])[];
}

/** An adapter's factors per target layer, with its α, rank and scaling (copies). */
export interface AdapterWeights {
  A: Record<string, Matrix>;
  B: Record<string, Matrix>;
  alpha: number;
  rank: number;
  rsLora: boolean;
  targets: string[];
}

export interface SweepRun {
  rank: number;
  losses: number[];
  done: boolean;
}

export interface PitfallResult {
  readonly id: PitfallId;
  /** The headline number the switch shows. */
  readonly value: number;
  /** Every measured figure, by name (for the text and for tests). */
  readonly figures: Readonly<Record<string, number | string>>;
}

export function toTrainerConfig(c: ResolvedConfig, over: Partial<TrainerConfig> = {}): TrainerConfig {
  return { ...c, targets: [...c.targets], ...over };
}

export interface LabHooks {
  /** Main training progress (every engine report; the element throttles to animation frames). */
  progress(p: { step: number; loss: number; valLoss: number | null }): void;
  backend(r: BackendReport): void;
  recover(r: { reason: string; lr: number }): void;
  /** Something the view shows changed. */
  changed(): void;
}

/** What one `train` call did. (Not the engine's TrainOutcome: this one is the whole call, across chunks.) */
export interface LabRunResult {
  step: number;
  loss: number;
  losses: number[];
  paused: boolean;
}

type PitfallStatus = PitfallResult | { error: string } | 'running';

/** What the view reads of the lab: everything it draws, none of it writable from outside. */
export interface LabView {
  readonly config: ResolvedConfig;
  readonly report: BackendReport | null;
  readonly state: TrainerState | null;
  /** The current adapter's curve (restarts at step 0 after reset, configure and hot swap). */
  readonly curve: ReadonlyCurve;
  /** Full fine-tuning on the same data and seed. */
  readonly refCurve: ReadonlyCurve;
  readonly showRef: boolean;
  readonly snapshot: TensorSnapshot | null;
  /** classify-2d: the model's class probabilities on the decision-boundary grid, else null. */
  readonly boundaryProbabilities: Matrix | null;
  /** max |h(x) − h₀(x)| measured with B = 0 (at step 0), and now. */
  readonly bZeroDiff: number | null;
  readonly nowDiff: number | null;
  /** W's checksum when the trainer started (the frozen base). */
  readonly baseChecksumW: string | null;
  /** The output change the last merge measured (null when not merged since). */
  readonly lastMerge: number | null;
  readonly sweep: readonly SweepRun[];
  readonly sweepRunning: boolean;
  readonly pitfalls: ReadonlyMap<PitfallId, PitfallStatus>;
  readonly training: boolean;
  readonly started: boolean;
}

export type LabState = { -readonly [K in keyof LabView]: LabView[K] } & {
  curve: Curve;
  refCurve: Curve;
  sweep: SweepRun[];
  pitfalls: Map<PitfallId, PitfallStatus>;
};

export const refKey = (c: ResolvedConfig) =>
  JSON.stringify([c.scenario, c.trueRank, c.trainSize, c.batch, c.seed, c.baseSeed]);
export const sweepKey = (c: ResolvedConfig) => JSON.stringify({ ...c, rank: 0 });
export const configKey = (c: ResolvedConfig) => JSON.stringify(c);
/** The lab's state before the engine starts. */
export function initialView(config: ResolvedConfig): LabState {
  return {
    config,
    report: null,
    state: null,
    curve: { losses: [], val: [] },
    refCurve: { losses: [], val: [] },
    showRef: true,
    snapshot: null,
    boundaryProbabilities: null,
    bZeroDiff: null,
    nowDiff: null,
    baseChecksumW: null,
    lastMerge: null,
    sweep: [],
    sweepRunning: false,
    pitfalls: new Map(),
    training: false,
    started: false,
  };
}

/** One run of the rank sweep: configures `aux`, trains it `steps` steps into `run` unless cancelled. */
export async function trainSweepRun(
  aux: RemoteSession,
  config: TrainerConfig,
  run: SweepRun,
  steps: number,
  hooks: { cancelled(): boolean; changed(): void },
): Promise<void> {
  await aux.configure(config);
  while (run.losses.length < steps && !hooks.cancelled()) {
    const out = await aux.train(Math.min(CHUNK * 2, steps - run.losses.length), (p) => {
      run.losses.push(...Array.from(p.losses));
      hooks.changed();
    });
    run.losses.length = out.step - out.losses.length;
    run.losses.push(...Array.from(out.losses));
    if (out.paused) break;
  }
  run.done = run.losses.length >= steps;
  hooks.changed();
}

/** Parameter counts of `c`, from the scenario's shapes (valid before the engine starts). */
export function paramCounts(c: ResolvedConfig): { trainable: number; frozen: number; fraction: number } {
  return loraParamCounts(shapeOf(c.scenario).layers, c.targets, c.rank);
}

/** Multiply-adds per input of `c`, merged vs unmerged. */
function multiplyAddsOf(c: ResolvedConfig): { merged: number; unmerged: number } {
  return multiplyAdds(shapeOf(c.scenario).layers, c.targets, c.rank);
}

/** The invariants of the four steps, as measured. */
export interface Invariants {
  checksumW: string | null;
  baseChecksumW: string | null;
  bZeroOutputDiff: number | null;
  outputDiff: number | null;
  mergeMaxAbsDiff: number | null;
  multiplyAdds: { merged: number; unmerged: number };
}

export function invariantsOf(v: LabView): Invariants {
  return {
    checksumW: v.state?.checksumW ?? null,
    baseChecksumW: v.baseChecksumW,
    bZeroOutputDiff: v.bZeroDiff,
    outputDiff: v.nowDiff,
    mergeMaxAbsDiff: v.lastMerge,
    multiplyAdds: multiplyAddsOf(v.config),
  };
}

/** Loss curves: the adapter's, and full fine-tuning on the same data and seed (copies). */
export interface Curves {
  lora: number[];
  full: number[];
  loraVal: [number, number][];
  fullVal: [number, number][];
}

export function curvesOf(v: LabView): Curves {
  return {
    lora: [...v.curve.losses],
    full: [...v.refCurve.losses],
    loraVal: v.curve.val.map(([s, l]) => [s, l]),
    fullVal: v.refCurve.val.map(([s, l]) => [s, l]),
  };
}

/** The numbers of the pitfall experiments that have run (not those running or failed). */
export function pitfallResultsOf(v: LabView): Partial<Record<PitfallId, PitfallResult>> {
  const out: Partial<Record<PitfallId, PitfallResult>> = {};
  for (const [id, r] of v.pitfalls) if (typeof r === 'object' && 'value' in r) out[id] = r;
  return out;
}

/** Adds one engine progress report to the adapter's curve and state. */
export function applyProgress(v: LabState, p: TrainProgress): void {
  v.curve.losses.push(...Array.from(p.losses));
  if (v.curve.losses.length > p.step) v.curve.losses.length = p.step;
  if (p.valLoss !== null && Number.isFinite(p.valLoss)) v.curve.val.push([p.step, p.valLoss]);
  if (v.state) v.state = { ...v.state, step: p.step, loss: p.loss, valLoss: p.valLoss ?? v.state.valLoss };
}

/** Makes the curve `c` end at `step` with `losses` as its last entries. */
export function syncCurve(c: number[], step: number, losses: number[]): void {
  c.length = Math.max(0, Math.min(c.length, step - losses.length));
  while (c.length < step - losses.length) c.push(Number.NaN);
  c.push(...losses);
}

/** Trains the full fine-tuning reference `ref` until `curve` reaches `toStep` (or `stop()`). */
export async function trainRefCurve(
  ref: RemoteSession,
  curve: Curve,
  toStep: number,
  stop: () => boolean,
  hooks: Pick<LabHooks, 'changed'>,
): Promise<void> {
  while (curve.losses.length < toStep && !stop()) {
    const n = Math.min(CHUNK, toStep - curve.losses.length);
    const out = await ref.train(n, (p) => {
      if (p.valLoss !== null && Number.isFinite(p.valLoss)) curve.val.push([p.step, p.valLoss]);
    });
    curve.losses.length = Math.max(0, out.step - out.losses.length);
    curve.losses.push(...Array.from(out.losses));
    hooks.changed();
    if (out.paused || out.losses.length < n) break;
  }
}
