/**
 * What the predict controller (predict.ts) keeps per prediction and what its panel
 * (panels/predict.ts) draws from. Types only, in their own module so that neither imports the other.
 */
import type { Evaluation, Prediction, PredictionValue } from '../core/predictions.ts';

export interface PredictionState {
  /** The choice's value as text, or the typed number. */
  given: string;
  status: 'open' | 'running' | 'done' | 'failed';
  /** While running: what the run does; when failed, or the answer is unreadable: why. */
  message: string;
  outcome: (Evaluation & { predicted: PredictionValue; correct: boolean }) | null;
  /** The sentence about the card review the outcome was logged as ('' when none). */
  logged: string;
}

/** What panels/predict.ts draws from, and the actions its controls call. */
export interface PredictView {
  readonly predictions: readonly Prediction[];
  state(id: string): Readonly<PredictionState>;
  answer(id: string, given: string): void;
  commit(id: string): void;
  again(id: string): void;
}
