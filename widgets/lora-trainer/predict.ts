/**
 * Predict, then run: `<lora-trainer>`'s `predict` attribute as a reactive controller. It parses
 * the attribute (widgets/core/predictions.ts), keeps each prediction's answer and outcome, and on
 * a commit runs the prediction's measure (predict-runs.ts, loaded then), fires `lora-prediction`
 * and, for a prediction linked to a card, logs the outcome as that card's review (predict-log.ts,
 * loaded with the first linked outcome). panels/predict.ts draws it from `view`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  evaluate,
  isCorrect,
  parsePredictions,
  predictionReview,
  readPredicted,
  type Evaluation,
  type Prediction,
  type PredictionValue,
} from '../core/predictions.ts';
import type { ResolvedConfig } from '../core/trainer.ts';
import type { RemoteSession } from '../engine/types.ts';
import { LoraErrorEvent, LoraPredictionEvent } from './events.ts';
import type { SweepRun } from './lab-common.ts';

/** What the controller needs of the element. */
export interface PredictHost extends ReactiveControllerHost, EventTarget {
  /** The `predict` attribute or property. */
  readonly predict: unknown;
  readonly renderRoot: HTMLElement | DocumentFragment;
  rankSweep(options: { ranks?: readonly number[]; steps?: number }): Promise<SweepRun[]>;
}

/** Runs `fn` on the lab's `aux` trainer with the settings in effect (LoraLab.experiment). */
type Experiment = <T>(fn: (aux: RemoteSession, c: ResolvedConfig) => Promise<T>) => Promise<T>;

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

const fresh = (): PredictionState => ({ given: '', status: 'open', message: '', outcome: null, logged: '' });

export class PredictController implements ReactiveController, PredictView {
  private readonly host: PredictHost;
  private readonly experiment: Experiment;
  private source: unknown = undefined;
  private parsed: { predictions: Prediction[]; errors: string[] } = { predictions: [], errors: [] };
  private states = new Map<string, PredictionState>();
  /** When the questions were first shown (a review's duration counts from there). */
  private shownAt = Date.now();

  constructor(host: PredictHost, experiment: Experiment) {
    this.host = host;
    this.experiment = experiment;
    host.addController(this);
  }

  get predictions(): readonly Prediction[] {
    return this.parsed.predictions;
  }

  /** One entry per problem with the `predict` attribute (shown with the element's other messages). */
  get errors(): { attribute: string; message: string }[] {
    return this.parsed.errors.map((message) => ({ attribute: 'predict', message }));
  }

  hostUpdate(): void {
    if (this.host.predict === this.source) return;
    this.source = this.host.predict;
    this.parsed = parsePredictions(this.source);
    // A prediction that is still asked keeps its answer and outcome.
    const keep = new Map<string, PredictionState>();
    for (const p of this.parsed.predictions) keep.set(p.id, this.states.get(p.id) ?? fresh());
    this.states = keep;
    this.shownAt = Date.now();
  }

  state(id: string): Readonly<PredictionState> {
    return this.states.get(id) ?? fresh();
  }

  answer(id: string, given: string): void {
    const s = this.states.get(id);
    if (!s || s.status !== 'open') return;
    s.given = given;
    s.message = '';
    this.host.requestUpdate();
  }

  again(id: string): void {
    if (this.states.get(id)?.status === 'running') return;
    this.states.set(id, fresh());
    this.host.requestUpdate();
  }

  commit(id: string): void {
    const p = this.parsed.predictions.find((x) => x.id === id);
    const s = this.states.get(id);
    if (!p || !s || s.status !== 'open') return;
    const read = readPredicted(p, s.given);
    if ('error' in read) {
      s.message = read.error;
      this.host.requestUpdate();
      return;
    }
    s.status = 'running';
    s.message = 'Starting the run…';
    this.host.requestUpdate();
    void this.run(p, s, read.value);
  }

  private async run(p: Prediction, s: PredictionState, predicted: PredictionValue): Promise<void> {
    const status = (text: string) => ((s.message = text), this.host.requestUpdate());
    let outcome: PredictionState['outcome'];
    try {
      const { runPrediction } = await import('./predict-runs.ts');
      const run = await runPrediction(p, {
        experiment: this.experiment,
        rankSweep: (o) => this.host.rankSweep(o),
        status,
      });
      const e = evaluate(p, run);
      outcome = { ...e, predicted, correct: isCorrect(p, predicted, e.actual) };
    } catch (e) {
      const message = `The run for “${p.question}” failed: ${e instanceof Error ? e.message : String(e)}.`;
      [s.status, s.message] = ['failed', message];
      this.host.dispatchEvent(new LoraErrorEvent({ message }));
      this.host.requestUpdate();
      return;
    }
    [s.status, s.message, s.outcome] = ['done', '', outcome];
    const { actual, correct } = outcome;
    this.host.dispatchEvent(new LoraPredictionEvent({ id: p.id, predicted, actual, correct }));
    this.host.requestUpdate();
    void this.focusOutcome(p.id);
    if (p.cardKey) await this.log(p, s);
  }

  private async log(p: Prediction, s: PredictionState): Promise<void> {
    try {
      const { logReview, newEntryId } = await import('./predict-log.ts');
      const now = Date.now();
      const review = predictionReview(p, s.outcome!, { id: newEntryId(now), now, shownAt: this.shownAt });
      s.logged = review ? await logReview(review) : '';
    } catch (e) {
      s.logged = `The outcome could not be counted as practice (${e instanceof Error ? e.message : String(e)}).`;
    }
    this.host.requestUpdate();
  }

  /** Focus left with the disabled form: give it to the outcome's "Predict again" (not if it is elsewhere). */
  private async focusOutcome(id: string): Promise<void> {
    await this.host.updateComplete;
    const root = this.host.renderRoot as ShadowRoot;
    const lost = !root.activeElement && (document.activeElement === document.body || document.activeElement === null);
    if (lost) root.querySelector<HTMLElement>(`[data-predict="${CSS.escape(id)}"] .again`)?.focus();
  }
}
