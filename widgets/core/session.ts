/**
 * The contract of a training session (trainer.ts builds the CPU one): what the engine, the GPU
 * backend and the tests call. Types only; the step semantics are in trainer.ts's file comment.
 */
import type { AdapterSet } from './adapter-library.ts';
import type { LoraLinear } from './lora.ts';
import type { Matrix } from './matrix.ts';
import type { TrainMode } from './mlp.ts';
import type { PeftAdapter } from './peft-format.ts';
import type { GridSpec, Scenario } from './scenarios.ts';
import type { ResolvedConfig } from './trainer-config.ts';

/** A divergence rollback (the `lora-recover` event's payload). */
export interface RecoverRecord {
  readonly step: number;
  readonly reason: 'non-finite loss' | 'loss spike';
  readonly loss: number;
  /** The learning rate after halving. */
  readonly lr: number;
}

export interface TrainResult {
  /** Steps taken in total, after this call. */
  readonly step: number;
  /** Loss of the last step of this call (NaN when it trained no step). */
  readonly loss: number;
  /** One loss per step of this call. */
  readonly losses: Float32Array;
  readonly recoveries: readonly RecoverRecord[];
}

export interface TrainerSession {
  readonly config: ResolvedConfig;
  readonly scenario: Scenario;
  readonly step: number;
  /** Current learning rate (halved by each divergence rollback). */
  readonly lr: number;
  /** Loss of the last step (NaN before the first). */
  readonly loss: number;
  readonly trainableParams: number;
  readonly frozenParams: number;
  readonly merged: boolean;
  /** Names of the saved adapters, in saving order. */
  readonly adapters: readonly string[];
  train(steps: number): TrainResult;
  /** Mean loss over the validation set (no dropout). */
  valLoss(): number;
  /** Mean loss over the whole training set (no dropout). */
  trainSetLoss(): number;
  /** Validation accuracy for classification scenarios, else null. */
  valAccuracy(): number | null;
  /** Model outputs for the rows of X (no dropout). */
  predict(X: Matrix, dst?: Matrix): Matrix;
  /** Softmax probabilities on the scenario's grid (or `grid`): row j·nx + i is cell (x_i, y_j). */
  gridProbabilities(grid?: GridSpec, dst?: Matrix): Matrix;
  /** Re-initialise A (seeded) and B = 0, or W = W₀ in full mode; step 0; keep base and saved adapters. */
  reset(): void;
  /** Loads a set's A and B into the live adapter (same rank and targets; `adapterWeights()` gives one). */
  restoreAdapter(set: AdapterSet): void;
  /** W ← W + s·B·A in every target; returns the largest output change on the probe batch. */
  merge(): { maxAbsDiff: number };
  /**
   * W ← W − s·B·A; returns max |W − W₀| that the float arithmetic left, then puts back the
   * pristine W₀ so the frozen base stays bit-identical.
   */
  unmerge(): { maxAbsDiff: number };
  /** Stores a copy of the live adapter under `name` (replacing one of that name). */
  saveAdapter(name: string): void;
  /**
   * Hot swap: loads a saved adapter onto the same frozen base (rebuilding the buffers if its
   * rank, targets, α or dropout differ), with a fresh optimiser, the configured lr and step 0.
   */
  useAdapter(name: string): void;
  /** Forgets a saved adapter; false if there was none of that name. */
  deleteAdapter(name: string): boolean;
  /** A saved adapter (a copy), or the live one when `name` is omitted. */
  adapterWeights(name?: string): AdapterSet;
  /**
   * Validates an adapter against this scenario's layers and stores it under `name`. Given bytes,
   * reads a PEFT adapter zip (peft-format.ts), whose base_model_name_or_path must be this
   * scenario's `baseModelId` (or null). Returns what was stored.
   */
  importAdapter(name: string, adapter: AdapterSet | Uint8Array): AdapterSet;
  /** A saved adapter (or the live one) as a PEFT adapter zip. */
  exportAdapter(name?: string): Uint8Array;
  /** A saved adapter (or the live one) in PEFT's terms, before zipping. */
  peftAdapter(name?: string): PeftAdapter;
  /** ΔW = s·B·A of a target layer (default: the first); in full mode W − W₀. */
  deltaW(layer?: string, dst?: Matrix): Matrix;
  /** FNV-1a over the bytes of every layer's W then b, in layer order: 8 hex digits. */
  checksumW(): string;
  /** The model's outputs on the fixed probe batch. */
  probeOutputs(dst?: Matrix): Matrix;
  /**
   * For another backend (the GPU) that trains this session's model: the live layers (frozen W,
   * b and the adapters, in network order; read them, never write them) and the batch size.
   */
  modelView(): ModelView;
  /**
   * Draws the data of the next `steps` training steps exactly as `train(steps)` would (step 1
   * and the dropout masks of step 2 in the file comment), advancing the order and dropout
   * streams, without training: `rows` gets the batch's training-set rows (steps·n, step-major)
   * and `masks`, when the model has dropout, each step's masks of every adapted layer with
   * dropout, in layer order, row-major n×k. The caller trains and then `loadTrainingState`s.
   */
  drawBatches(steps: number, rows: Uint32Array, masks: Float32Array | null): void;
  /** Floats per step `drawBatches` writes into `masks` (0 without dropout). */
  readonly maskFloatsPerStep: number;
  /** Where the data-order and dropout streams stand (to undo `drawBatches` of a chunk that failed). */
  dataCursor(): DataCursor;
  /** Puts the streams back where `dataCursor()` found them. */
  setDataCursor(cursor: DataCursor): void;
  /** A copy of everything a training step reads and writes (tensors, optimiser, guard). */
  trainingState(): TrainingState;
  /** Loads a state taken from `trainingState()` of a session of the same shape (copies it). */
  loadTrainingState(state: TrainingState): void;
}

/** The position of the data-order and dropout streams (see `dataCursor`). */
export interface DataCursor {
  readonly perm: Uint32Array;
  readonly cursor: number;
  readonly order: Uint32Array;
  readonly dropout: Uint32Array;
}

/** The live model of a session, for backends that mirror it (see `modelView`). */
export interface ModelView {
  readonly layers: readonly LoraLinear[];
  readonly mode: TrainMode;
  /** Batch rows n. */
  readonly batch: number;
  /** Trainable tensors in optimiser order (A then B per adapted layer; or W), with their names. */
  readonly names: readonly string[];
}

/**
 * The training state: trainable tensors (optimiser order), Adam moments and step count, their
 * last good copies, and the divergence guard's numbers (see the file comment).
 */
export interface TrainingState {
  readonly step: number;
  readonly lr: number;
  readonly loss: number;
  readonly bestLoss: number;
  readonly firstLoss: number;
  readonly meanLoss: number;
  readonly params: readonly Float32Array[];
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
  readonly t: number;
  readonly good: readonly Float32Array[];
  readonly goodM: readonly Float32Array[];
  readonly goodV: readonly Float32Array[];
  readonly goodT: number;
}
