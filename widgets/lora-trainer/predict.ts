/**
 * Predict, then run: `<lora-trainer>`'s `predict` attribute as a reactive controller. Once the
 * attribute is set it loads predict-feature.ts, parses the attribute with it
 * (widgets/core/predictions.ts), keeps each prediction's answer and outcome, and on
 * a commit runs the prediction's measure (predict-runs.ts, loaded then), fires `lora-prediction`
 * and, for a prediction linked to a card, logs the outcome as that card's review (predict-log.ts,
 * loaded with the first linked outcome). panels/predict.ts draws it (`render()`).
 */
import { nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Prediction, PredictionValue } from '../core/predictions.ts';
import type { ResolvedConfig } from '../core/trainer.ts';
import type { RemoteSession } from '../engine/types.ts';
import { LoraErrorEvent, LoraPredictionEvent } from './events.ts';
import type { SweepRun } from './lab-common.ts';
import type { PredictionState, PredictView } from './predict-state.ts';

/** The parsing, scoring and panel, loaded when the element first asks a question. */
type Feature = (typeof import('./predict-feature.ts'))['predictFeature'];

/** What the controller needs of the element. */
export interface PredictHost extends ReactiveControllerHost, EventTarget {
  /** The `predict` attribute or property. */
  readonly predict: unknown;
  readonly renderRoot: HTMLElement | DocumentFragment;
  rankSweep(options: { ranks?: readonly number[]; steps?: number }): Promise<SweepRun[]>;
}

/** Runs `fn` on the lab's `aux` trainer with the settings in effect (LoraLab.experiment). */
type Experiment = <T>(fn: (aux: RemoteSession, c: ResolvedConfig) => Promise<T>) => Promise<T>;

const fresh = (): PredictionState => ({ given: '', status: 'open', message: '', outcome: null, logged: '' });

export class PredictController implements ReactiveController, PredictView {
  private readonly host: PredictHost;
  private readonly experiment: Experiment;
  private source: unknown = undefined;
  private feature: Feature | null = null;
  private loading: Promise<void> | null = null;
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
    const empty = this.source === null || this.source === undefined || this.source === '';
    if (this.feature) this.parse(this.feature);
    else if (!empty) this.load();
  }

  /** Settles once the questions' module has loaded (at once when the element asks none). */
  loaded(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /** The questions asked, or nothing. */
  render(): TemplateResult | typeof nothing {
    return this.feature && this.parsed.predictions.length ? this.feature.renderPredictions(this) : nothing;
  }

  private load(): void {
    this.loading ??= import('./predict-feature.ts').then(
      ({ predictFeature: f }) => {
        this.feature = f;
        this.parse(f);
        this.host.requestUpdate();
      },
      (e: unknown) => {
        this.loading = null;
        this.parsed = { predictions: [], errors: [`The predictions could not load (${String(e)}).`] };
        this.host.requestUpdate();
      },
    );
  }

  private parse(f: Feature): void {
    this.parsed = f.parsePredictions(this.source);
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
    const f = this.feature;
    if (!p || !s || !f || s.status !== 'open') return;
    const read = f.readPredicted(p, s.given);
    if ('error' in read) {
      s.message = read.error;
      this.host.requestUpdate();
      return;
    }
    s.status = 'running';
    s.message = 'Starting the run…';
    this.host.requestUpdate();
    void this.run(f, p, s, read.value);
  }

  private async run(f: Feature, p: Prediction, s: PredictionState, predicted: PredictionValue): Promise<void> {
    const status = (text: string) => ((s.message = text), this.host.requestUpdate());
    let outcome: PredictionState['outcome'];
    try {
      const { runPrediction } = await import('./predict-runs.ts');
      const run = await runPrediction(p, {
        experiment: this.experiment,
        rankSweep: (o) => this.host.rankSweep(o),
        status,
      });
      const e = f.evaluate(p, run);
      outcome = { ...e, predicted, correct: f.isCorrect(p, predicted, e.actual) };
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
    if (p.cardKey) await this.log(f, p, s);
  }

  private async log(f: Feature, p: Prediction, s: PredictionState): Promise<void> {
    try {
      const { logReview, newEntryId } = await import('./predict-log.ts');
      const now = Date.now();
      const review = f.predictionReview(p, s.outcome!, { id: newEntryId(now), now, shownAt: this.shownAt });
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
