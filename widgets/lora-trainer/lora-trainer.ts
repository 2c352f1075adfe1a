/**
 * `<lora-trainer>`: the element — its attributes and properties, public API and lifecycle. What
 * it shows is drawn by one render module per panel (panels/), from the lab's read-only view
 * (lab.ts); frame pacing, layout, URL state, downloads and the reader's setting changes are
 * controllers (controllers/).
 */
import { LitElement } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import type { Matrix } from '../core/matrix.ts';
import type { PredictionSpec } from '../core/predictions.ts';
import type { CreateRemoteSession, ResolvedBackend } from '../engine/types.ts';
import { hostStyles } from '../shared/host-styles.ts';
import { NearViewportController } from '../shared/near-viewport.ts';
import { applyOnEnter } from '../shared/form-field.ts';
import { fmt } from './charts.ts';
import { DownloadsController, copyText } from './controllers/downloads.ts';
import { FrameScheduler } from './controllers/frame-scheduler.ts';
import { LayoutController } from './controllers/layout.ts';
import { SettingsInput } from './controllers/settings-input.ts';
import { UrlStateController } from './controllers/url-state.ts';
import { LoraBackendEvent, LoraErrorEvent, LoraMergeEvent, LoraRecoverEvent, LoraStepEvent } from './events.ts';
import { curvesOf, invariantsOf, loadEngine, paramCounts, pitfallResultsOf } from './lab-common.ts';
import type { AdapterWeights, Curves, Invariants, PitfallResult, SweepRun } from './lab-common.ts';
import { LoraLab } from './lab.ts';
import { PredictController } from './predict.ts';
import { AnatomyCache } from './panels/anatomy.ts';
import { initialUi, type Actions, type PaintContext, type PanelContext, type UiState } from './panels/context.ts';
import { TrainingPoints } from './panels/learning.ts';
import { panelStyles } from './panels/panels.styles.ts';
import { paintTrainer, renderTrainer } from './panels/trainer-view.ts';
import {
  PITFALL_IDS,
  attributesOf,
  parseSettings,
  type PitfallId,
  type Settings,
  type SettingsError,
} from './settings.ts';
import { styles } from './lora-trainer.styles.ts';

export { LoraBackendEvent, LoraErrorEvent, LoraMergeEvent, LoraRecoverEvent, LoraStepEvent };
export { LoraPredictionEvent } from './events.ts';
export type { AdapterWeights, PitfallResult, SweepRun };

/** Least time between renders while training, ms. */
const RENDER_MS = 100;
/** How long a removed element keeps its trainer (moving it within the page keeps it), ms. */
const DISPOSE_MS = 1000;

/**
 * Trains a real LoRA adapter in the browser and shows what it does: the frozen W beside the
 * trainable B (d×r) and A (r×k), ΔW = (α/r)·B·A and W + ΔW as heatmaps; live loss curves with
 * full fine-tuning on the same data and seed as a reference; a one-click rank sweep; the
 * decision boundary (`classify-2d`) or training and validation curves (`overfit`); the four
 * steps of LoRA with their invariants computed live; saving, hot-swapping, merging, exporting and
 * importing adapters (Hugging Face PEFT's zip); the classic pitfalls as switches, each with a
 * measured number; and the matching PEFT `LoraConfig`.
 *
 * Attributes: those of `static properties` below, each mirrored by a property. An absent one takes
 * its default; an invalid one shows a message inside the element and falls back to its default
 * (nothing throws). `pitfall` lists `alpha-merge`, `fixed-alpha`, `low-lr`, `few-layers`,
 * `sum-factors`. With `url-state` the element reads `?lt.<attribute>=…` (and the lesson's
 * `?pitfall=<id>`) from the page URL and writes its settings back there as the reader changes
 * them, so a link reopens the experiment.
 *
 * The engine (worker, WebGPU or main-thread fallback) starts only when the element comes near
 * the viewport, or when a method is called. Methods queue one after another and return Promises.
 *
 * @summary Train a LoRA adapter in the browser and watch every part of it.
 *
 * @fires lora-step - {@link LoraStepEvent} `{step, loss, valLoss}`, at most once per animation frame.
 * @fires lora-merge - {@link LoraMergeEvent} `{maxAbsDiff}` after a merge.
 * @fires lora-backend - {@link LoraBackendEvent} `{backend, reason, host}` when the engine starts and whenever it changes.
 * @fires lora-recover - {@link LoraRecoverEvent} `{reason, lr}`: divergence rolled back, or device lost.
 * @fires lora-error - {@link LoraErrorEvent} `{message}`: an operation failed (also shown inline).
 * @fires lora-prediction - {@link LoraPredictionEvent} `{id, predicted, actual, correct}`: a prediction's run answered it.
 *
 * @csspart root - The element's frame.
 * @csspart toolbar - Train, pause, reset, merge.
 * @csspart chart - The loss chart canvas.
 * @csspart heatmap - Each matrix heatmap canvas.
 * @csspart tabs - The tab list of the lower panels.
 *
 * @cssproperty --mg-fg - Text colour.
 * @cssproperty --mg-bg - Background colour.
 * @cssproperty --mg-accent - Buttons, links, the adapter's curve.
 * @cssproperty --mg-muted - Secondary text and borders.
 * @cssproperty --mg-font - Font family.
 * @cssproperty --mg-font-size - Base font size.
 */
export class LoraTrainer extends LitElement {
  static override styles = [hostStyles, styles, panelStyles];

  static override properties = {
    /** `low-rank-shift` (default), `classify-2d` or `overfit`. */
    scenario: { reflect: true },
    /** Rank of the teacher's update (low-rank-shift, overfit). */
    trueRank: { attribute: 'true-rank', reflect: true },
    /** The adapter's rank r: 1–64 and ≤ min(d, k) of the adapted layers. */
    rank: { reflect: true },
    /** lora_alpha: ΔW is scaled by s = α/r (α/√r with `rslora`). */
    alpha: { reflect: true },
    /** Adam's learning rate. */
    lr: { reflect: true },
    /** Batch size (default: the scenario's). */
    batch: { reflect: true },
    /** Dropout on the adapter's input. */
    dropout: { reflect: true },
    /** Examples in the finite noisy training set (overfit). */
    trainSize: { attribute: 'train-size', reflect: true },
    /** Seed of A's initialisation and of the data order. */
    seed: { reflect: true },
    /** Seed of the frozen base W (changing `seed` never changes W). */
    baseSeed: { attribute: 'base-seed', reflect: true },
    /** `auto` (default), `webgpu` or `cpu`. */
    backend: { reflect: true },
    /** Comma list of the scenario's layers to adapt. */
    target: { reflect: true },
    /** Present: rsLoRA, s = α/√r. */
    rslora: { reflect: true },
    /** `full` (default), `minimal` or `none`. */
    controls: { reflect: true },
    /** Comma list of the pitfall switches that start on. */
    pitfall: { reflect: true },
    /** Present: the settings live in the page URL, under this prefix (default `lt`). */
    urlState: { attribute: 'url-state', reflect: true },
    /** Questions asked before a run, each answered by the run its `measure` names (JSON; core/predictions.ts). */
    predict: {},
  };

  declare scenario: string | null | undefined;
  declare trueRank: string | number | null | undefined;
  declare rank: string | number | null | undefined;
  declare alpha: string | number | null | undefined;
  declare lr: string | number | null | undefined;
  declare batch: string | number | null | undefined;
  declare dropout: string | number | null | undefined;
  declare trainSize: string | number | null | undefined;
  declare seed: string | number | null | undefined;
  declare baseSeed: string | number | null | undefined;
  declare backend: string | null | undefined;
  declare target: string | null | undefined;
  declare rslora: string | boolean | null | undefined;
  declare controls: string | null | undefined;
  declare pitfall: string | null | undefined;
  declare urlState: string | null | undefined;
  declare predict: string | PredictionSpec | PredictionSpec[] | null | undefined;

  /** The engine factory; tests of the element's logic may replace it before connecting. */
  static engine: CreateRemoteSession = loadEngine;

  #settings: Settings;
  #errors: SettingsError[] = [];
  #runtimeError: string | null = null;
  #recovered: { count: number; reason: string; lr: number } | null = null;
  #announce = '';
  #disposeTimer = 0;
  readonly #ui: UiState = initialUi();
  readonly #lab: LoraLab;
  readonly #near: NearViewportController;
  readonly #frames: FrameScheduler;
  readonly #layout = new LayoutController(this);
  readonly #url = new UrlStateController(this, () => attributesOf(this));
  readonly #downloads = new DownloadsController(this, DISPOSE_MS);
  readonly #anatomy = new AnatomyCache();
  readonly #predict = new PredictController(this, (fn) => this.#lab.experiment(fn));
  readonly #points = new TrainingPoints(() => this.#frames.render());
  readonly #input = new SettingsInput(
    this,
    () => this.#settings,
    (on) => this.#lab.setShowRef(on),
  );

  constructor() {
    super();
    this.#settings = parseSettings({}).settings;
    this.#lab = new LoraLab(
      (config, options) => LoraTrainer.engine(config, options),
      this.#settings.config,
      this.#settings.backend,
      {
        progress: (p) => this.#frames.progress(p),
        backend: (r) =>
          this.dispatchEvent(new LoraBackendEvent({ backend: r.backend, reason: r.reason, host: r.host })),
        recover: (r) => {
          this.#recovered = { count: (this.#recovered?.count ?? 0) + 1, reason: r.reason, lr: r.lr };
          this.#announce = `Training recovered (${r.reason}); learning rate now ${fmt(r.lr)}.`;
          this.dispatchEvent(new LoraRecoverEvent(r));
        },
        changed: () => this.#frames.render(),
      },
    );
    this.#frames = new FrameScheduler(this, {
      intervalMs: RENDER_MS,
      training: () => this.#lab.view.training,
      step: (detail) => this.dispatchEvent(new LoraStepEvent(detail)),
    });
    this.#near = new NearViewportController(this, () => this.#startEngine());
  }
  // -- read-only properties -----------------------------------------------------------------------

  /** `webgpu` or `cpu` once the engine runs, else null. */
  get resolvedBackend(): ResolvedBackend | null {
    return this.#lab.view.report?.backend ?? null;
  }
  /** Steps trained by the current adapter. */
  get step(): number {
    return this.#lab.view.state?.step ?? 0;
  }
  /** Loss of the last step (NaN before the first). */
  get loss(): number {
    return this.#lab.view.state?.loss ?? Number.NaN;
  }
  /** Latest validation loss, or null before one was computed. */
  get valLoss(): number | null {
    return this.#lab.view.state?.valLoss ?? null;
  }
  /** Parameters training updates: the adapters' A and B. */ get trainableParams(): number {
    return this.#lab.view.state?.trainableParams ?? paramCounts(this.#lab.view.config).trainable;
  }
  /** Parameters frozen: the base model's. */ get frozenParams(): number {
    return this.#lab.view.state?.frozenParams ?? paramCounts(this.#lab.view.config).frozen;
  }
  /** Names of the saved adapters, in saving order. */
  get adapters(): string[] {
    return [...(this.#lab.view.state?.adapters ?? [])];
  }
  /** True while the adapter is merged into W. */
  get merged(): boolean {
    return this.#lab.view.state?.merged ?? false;
  }
  /** Checksum of the frozen W (changes only while merged). */
  get checksumW(): string | null {
    return this.#lab.view.state?.checksumW ?? null;
  }
  /** The settings in effect after validation (the trainer's configuration, backend, controls, pitfalls). */
  get settings(): Settings {
    return this.#settings;
  }
  /** One entry per invalid attribute: `{attribute, message}`. */
  get errors(): readonly SettingsError[] {
    return [...this.#errors, ...this.#predict.errors];
  }
  /** The numbers of the pitfall switches that have run. */
  get pitfallResults(): Partial<Record<PitfallId, PitfallResult>> {
    return pitfallResultsOf(this.#lab.view);
  }
  /** The rank-sweep curves (one per rank, one loss per step). */
  get sweep(): readonly SweepRun[] {
    return this.#lab.view.sweep;
  }
  /** The invariants of the four steps, as computed live. */
  get invariants(): Invariants {
    return invariantsOf(this.#lab.view);
  }
  /** Loss curves: the adapter's, and full fine-tuning on the same data and seed. */
  get curves(): Curves {
    return curvesOf(this.#lab.view);
  }

  // -- methods --------------------------------------------------------------------------------------

  /** Trains `steps` steps; resolves with the step reached, the last loss and one loss per step trained. */
  async train(steps = 100): Promise<{ step: number; loss: number; losses: Float32Array }> {
    if (!Number.isInteger(steps) || steps < 0)
      throw new RangeError(`train: steps must be an integer ≥ 0, got ${steps}`);
    const out = await this.#guard(this.#lab.train(steps));
    this.#announce = `Trained ${out.losses.length} steps${out.paused ? ' (paused)' : ''}: step ${out.step}, loss ${fmt(out.loss, 3)}.`;
    this.#frames.render();
    return { step: out.step, loss: out.loss, losses: Float32Array.from(out.losses) };
  }

  /** Makes the running `train` call resolve early with what it did. */
  async pause(): Promise<void> {
    this.#lab.pause();
  }

  /** Re-initialises A (seeded) and B = 0; keeps the frozen base and the saved adapters. */
  async reset(): Promise<void> {
    await this.#guard(this.#lab.reset());
    this.#announce = 'Adapter reset: B = 0, so the outputs equal the base’s.';
    this.#recovered = null;
  }

  /** W ← W + (α/r)·B·A; resolves with the largest output change on the probe batch. */
  async merge(): Promise<{ maxAbsDiff: number }> {
    const r = await this.#guard(this.#lab.merge());
    this.#announce = `Merged into W: outputs changed by at most ${fmt(r.maxAbsDiff)}.`;
    this.dispatchEvent(new LoraMergeEvent({ maxAbsDiff: r.maxAbsDiff }));
    return r;
  }

  /** W ← W₀ again; resolves with the largest |W − W₀| the float arithmetic left before W₀ was restored. */
  async unmerge(): Promise<{ maxAbsDiff: number }> {
    const r = await this.#guard(this.#lab.unmerge());
    this.#announce = 'Unmerged: W is the frozen base again.';
    return r;
  }

  /** Saves the live adapter under `name` (replacing one of that name). */
  async saveAdapter(name: string): Promise<void> {
    if (typeof name !== 'string' || !name.trim()) throw new TypeError('saveAdapter: give the adapter a name');
    await this.#guard(this.#lab.saveAdapter(name.trim()));
    await this.#prepareDownload(name.trim());
    this.#announce = `Saved adapter “${name.trim()}”.`;
  }

  /** Hot swap: loads a saved adapter on the same frozen base (W's checksum does not change). */
  async useAdapter(name: string): Promise<void> {
    const t0 = performance.now();
    const { adapter } = await this.#guard(this.#lab.useAdapter(name));
    const ms = performance.now() - t0;
    // The settings follow the adapter (no retraining: the configuration already matches).
    this.#input.followAdapter(adapter);
    const { settings, errors } = parseSettings(attributesOf(this));
    [this.#settings, this.#errors] = [settings, errors];
    this.#lab.adoptConfig(settings.config);
    const val = this.#lab.view.state?.valLoss;
    this.#ui.swapNote = `Using “${name}” (swapped in ${ms < 1 ? '<1' : Math.round(ms)} ms): validation loss ${fmt(val ?? Number.NaN, 3)}.`;
    this.#announce = this.#ui.swapNote;
  }

  /** Forgets a saved adapter. */
  async deleteAdapter(name: string): Promise<void> {
    await this.#guard(this.#lab.deleteAdapter(name));
    this.#downloads.delete(name);
  }

  /** ΔW = s·B·A of a target layer (default: the first), `{rows, cols, data}` row-major. */
  deltaW(layer?: string): Promise<Matrix> {
    return this.#guard(this.#lab.deltaW(layer));
  }

  /** A saved adapter's (or, without a name, the live adapter's) A, B, α and rank per target layer. */
  async adapterWeights(name?: string): Promise<AdapterWeights> {
    const a = await this.#guard(this.#lab.adapterWeights(name));
    return { A: { ...a.A }, B: { ...a.B }, alpha: a.alpha, rank: a.rank, rsLora: a.rsLora, targets: [...a.targets] };
  }

  /** A saved adapter (or the live one) as a Hugging Face PEFT zip: adapter_config.json + adapter_model.safetensors. */
  async exportAdapter(name?: string): Promise<Blob> {
    const data = await this.#guard(this.#lab.exportAdapter(name));
    return new Blob([data as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
  }

  /** Reads a PEFT adapter zip and saves it under `name` (default: the file's name without .zip). */
  async importAdapter(file: Blob, name?: string): Promise<string> {
    const fallback = file instanceof File ? file.name.replace(/\.zip$/i, '') : 'imported';
    const n = (name ?? fallback).trim() || 'imported';
    const data = new Uint8Array(await file.arrayBuffer());
    await this.#guard(this.#lab.importAdapter(n, data));
    await this.#prepareDownload(n);
    this.#announce = `Imported adapter “${n}”.`;
    return n;
  }

  /** Trains a fresh adapter of each rank (default r = 1, 2, 4, 8, 16) with the current settings. */
  async rankSweep(options: { ranks?: readonly number[]; steps?: number } = {}): Promise<SweepRun[]> {
    const runs = await this.#guard(this.#lab.rankSweep(options.ranks ?? undefined, options.steps ?? undefined));
    return runs.map((r) => ({ ...r, losses: [...r.losses] }));
  }

  /** Runs one pitfall experiment now (the switch need not be on) and resolves with its numbers. */
  runPitfall(id: PitfallId): Promise<PitfallResult> {
    if (!(PITFALL_IDS as readonly string[]).includes(id))
      return Promise.reject(new RangeError(`runPitfall: unknown pitfall ${JSON.stringify(id)}`));
    return this.#guard(this.#lab.runPitfall(id));
  }

  /** A link to this page that reopens the current experiment. */
  experimentUrl(): string {
    return this.#url.link();
  }

  // -- lifecycle ------------------------------------------------------------------------------------

  /** The pending render, and once `predict` is set, the render that draws its questions. */
  protected override async getUpdateComplete(): Promise<boolean> {
    return this.#predict.loaded().then(() => super.getUpdateComplete());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    clearTimeout(this.#disposeTimer);
    // Back after its trainer was released: new engine trainers, same settings.
    if (this.#lab.resume()) this.#startEngine();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving the element in the page keeps its trainer; removing it frees the engine.
    this.#disposeTimer = window.setTimeout(() => this.#lab.dispose(), DISPOSE_MS);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (![...changed.keys()].some((k) => Object.hasOwn(LoraTrainer.properties, k))) return;
    let next: Settings;
    try {
      const { settings, errors } = parseSettings(attributesOf(this));
      next = settings;
      this.#errors = errors;
    } catch (e) {
      next = parseSettings({}).settings;
      this.#errors = [
        { attribute: 'settings', message: `Could not read the settings (${String(e)}); using the defaults.` },
      ];
    }
    const before = this.#settings;
    this.#settings = next;
    // A link that turns a pitfall on (the lesson's ?pitfall=<id>) opens on the pitfalls.
    if (!this.hasUpdated && next.pitfalls.length && next.controls === 'full') this.#ui.tab = 'pitfalls';
    const configChanged =
      JSON.stringify(before.config) !== JSON.stringify(next.config) || before.backend !== next.backend;
    if (configChanged) {
      this.#recovered = null;
      if (this.#lab.view.training) this.#lab.pause();
      if (!next.config.targets.includes(this.#ui.layer)) this.#ui.layer = '';
      this.#lab.setConfig(next.config, next.backend).then(
        () => this.#syncPitfalls(),
        (e: unknown) => this.#fail(e),
      );
    } else if (JSON.stringify(before.pitfalls) !== JSON.stringify(next.pitfalls)) {
      this.#syncPitfalls();
    }
    if (this.#input.takeChange()) this.#url.write();
  }

  #startEngine(): void {
    this.#lab.start().then(
      () => {
        this.#syncPitfalls();
        this.#frames.render();
      },
      (e: unknown) => this.#fail(e),
    );
  }

  #syncPitfalls(): void {
    this.#lab.syncPitfalls(this.#settings.pitfalls, (e) => this.#fail(e));
  }

  async #guard<T>(p: Promise<T>): Promise<T> {
    this.#runtimeError = null;
    try {
      return await p;
    } catch (e) {
      this.#fail(e);
      throw e;
    }
  }

  #fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.#runtimeError = message;
    this.dispatchEvent(new LoraErrorEvent({ message }));
    this.#frames.render();
  }

  /** UI actions: errors are shown inline (and fired as lora-error), never thrown into the page. */
  #quietly(p: Promise<unknown>): void {
    p.catch(() => undefined).finally(() => this.#frames.render());
  }

  #prepareDownload(name: string): Promise<void> {
    const zip = async () => ({
      zip: await this.#lab.exportAdapter(name),
      rank: (await this.#lab.adapterWeights(name)).rank,
    });
    return this.#downloads.prepare(name, zip).then(
      () => this.#frames.render(),
      (e: unknown) => this.#fail(e),
    );
  }

  // -- UI actions -----------------------------------------------------------------------------------

  readonly #act: Actions = {
    train: () => this.#quietly(this.train(this.#ui.steps)),
    pause: () => void this.pause(),
    reset: () => this.#quietly(this.reset()),
    merge: () => this.#quietly(this.merge()),
    unmerge: () => this.#quietly(this.unmerge()),
    saveAdapter: (name) => this.#quietly(this.saveAdapter(name)),
    useAdapter: (name) => this.#quietly(this.useAdapter(name)),
    deleteAdapter: (name) => this.#quietly(this.deleteAdapter(name)),
    importAdapter: (file, done) => this.#quietly(this.importAdapter(file).finally(done)),
    rankSweep: () => this.#quietly(this.rankSweep()),
    cancelSweep: () => this.#lab.cancelSweep(),
    setting: this.#input.onChange,
    settingKey: (e) => applyOnEnter(e, this.#input.onChange),
    togglePitfall: (id, on) => this.#input.togglePitfall(id, on),
    anotherTask: () => this.#input.anotherTask(),
    copy: (text, note) =>
      void copyText(text).then((s) => {
        this.#ui[note] = s;
        this.requestUpdate();
      }),
    experimentUrl: () => this.experimentUrl(),
    dismissError: () => ((this.#runtimeError = null), this.requestUpdate()),
    refresh: () => this.requestUpdate(),
    rendered: () => this.updateComplete,
  };

  // -- rendering ------------------------------------------------------------------------------------

  #context(): PanelContext {
    return {
      settings: this.#settings,
      errors: this.errors,
      runtimeError: this.#runtimeError,
      recovered: this.#recovered,
      lab: this.#lab.view,
      starting: this.#near.near || this.#lab.view.started,
      trainer: this,
      downloads: this.#downloads.files,
      written: attributesOf(this),
      ui: this.#ui,
      act: this.#act,
      predict: this.#predict,
    };
  }

  override render(): TemplateResult {
    return renderTrainer(this.#context(), this.#anatomy, this.#announce);
  }

  /** Paints the canvases the render left: curves, decision boundary, sweep, heatmaps. */
  protected override updated(): void {
    const c = this.#settings.config;
    const p: PaintContext = {
      ...this.#context(),
      width: this.#layout.width,
      dark: this.#layout.dark,
      style: getComputedStyle(this),
      focused: this.shadowRoot?.activeElement ?? null,
      points: this.#points.get(c.scenario, c.baseSeed),
    };
    paintTrainer(this.renderRoot, p, this.#anatomy);
  }
}

if (!customElements.get('lora-trainer')) customElements.define('lora-trainer', LoraTrainer);

declare global {
  interface HTMLElementTagNameMap {
    'lora-trainer': LoraTrainer;
  }
}
