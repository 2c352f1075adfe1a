import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import type { Matrix } from '../core/matrix.ts';
import type { CreateRemoteTrainer, ResolvedBackend } from '../engine/types.ts';
import { hostStyles } from '../shared/host-styles.ts';
import { NearViewportController } from '../shared/near-viewport.ts';
import { drawBoundary, drawCurves, drawHeatmap, fmt, maxAbs, type Palette, type Series } from './charts.ts';
import { LoraBackendEvent, LoraErrorEvent, LoraMergeEvent, LoraRecoverEvent, LoraStepEvent } from './events.ts';
import { SWEEP_RANKS, SWEEP_STEPS, TrainerLab, type PitfallResult, type SweepRun } from './lab.ts';
import {
  ATTRIBUTES,
  PITFALL_IDS,
  parseSettings,
  peftSnippet,
  rankCap,
  readUrlState,
  writeUrlState,
  URL_PREFIX,
  type AttributeName,
  type PitfallId,
  type Settings,
  type SettingsError,
} from './settings.ts';
import { shapeOf } from './shapes.ts';
import { styles } from './lora-trainer.styles.ts';

/**
 * The real engine (widgets/engine/client.ts), loaded with the training core when the first
 * trainer starts: near the viewport, or on the first method call.
 */
const loadEngine: CreateRemoteTrainer = async (config, options) =>
  (await import('../engine/client.ts')).createRemoteTrainer(config, options);

export { LoraBackendEvent, LoraErrorEvent, LoraMergeEvent, LoraRecoverEvent, LoraStepEvent };
export type { PitfallResult, SweepRun };

/** Attribute ↔ property names. */
const PROPS: readonly (readonly [AttributeName | 'url-state', string])[] = [
  ['scenario', 'scenario'],
  ['true-rank', 'trueRank'],
  ['rank', 'rank'],
  ['alpha', 'alpha'],
  ['lr', 'lr'],
  ['batch', 'batch'],
  ['dropout', 'dropout'],
  ['train-size', 'trainSize'],
  ['seed', 'seed'],
  ['base-seed', 'baseSeed'],
  ['backend', 'backend'],
  ['target', 'target'],
  ['rslora', 'rslora'],
  ['controls', 'controls'],
  ['pitfall', 'pitfall'],
  ['url-state', 'urlState'],
];
const propOf = (attr: string): string => PROPS.find(([a]) => a === attr)?.[1] ?? attr;

type Tab = 'story' | 'sweep' | 'adapters' | 'pitfalls' | 'peft';
const TABS: readonly (readonly [Tab, string])[] = [
  ['story', 'Four steps'],
  ['sweep', 'Rank sweep'],
  ['adapters', 'Adapters'],
  ['pitfalls', 'Pitfalls'],
  ['peft', 'PEFT config'],
];
const PITFALL_TITLES: Record<PitfallId, string> = {
  'alpha-merge': 'Merge without α/r',
  'fixed-alpha': 'Keep α fixed while r grows',
  'low-lr': 'Learning rate 10× too low',
  'few-layers': 'Adapt too few layers',
  'sum-factors': "Add two adapters' A's and B's separately",
};
const SWEEP_COLOURS = ['#c2410c', '#a16207', '#15803d', '#0369a1', '#7e22ce'];
/** Least time between renders while training, ms. */
const RENDER_MS = 100;
const STEP_CHOICES = [100, 300, 1000, 3000];
const RANKS = [1, 2, 4, 8, 16, 32, 64];
const LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];
const DROPOUTS = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const TRAIN_SIZES = [16, 32, 64, 128, 256, 512, 1024, 4096];

const count = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;
const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(2)} MB`;

/**
 * Trains a real LoRA adapter in the browser and shows what it does: the frozen W beside the
 * trainable B (d×r) and A (r×k), ΔW = (α/r)·B·A and W + ΔW as heatmaps; live loss curves with
 * full fine-tuning on the same data and seed as a reference; a one-click rank sweep; the
 * decision boundary (`classify-2d`) or training and validation curves (`overfit`); the four
 * steps of LoRA with their invariants computed live; saving, hot-swapping, merging, exporting and
 * importing adapters (Hugging Face PEFT's zip); the classic pitfalls as switches, each with a
 * measured number; and the matching PEFT `LoraConfig`.
 *
 * Attributes (each mirrored by a property; an absent attribute takes its default; an invalid
 * one shows a message inside the element and falls back to its default, nothing throws):
 * `scenario` (`low-rank-shift` | `classify-2d` | `overfit`), `true-rank`, `rank` (1–64, ≤ min(d, k)),
 * `alpha`, `lr`, `batch`, `dropout`, `train-size`, `seed`, `base-seed`, `backend`
 * (`auto` | `webgpu` | `cpu`), `target` (comma list of the scenario's layers), `rslora` (boolean),
 * `controls` (`full` | `minimal` | `none`), `pitfall` (comma list of `alpha-merge`, `fixed-alpha`,
 * `low-lr`, `few-layers`, `sum-factors`: those switches start on), and `url-state`: when present
 * the element reads `?lt.<attribute>=…` (and the lesson's `?pitfall=<id>`) from the page URL and
 * writes its settings back there as the reader changes them, so a link reopens the experiment.
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
  static override styles = [hostStyles, styles];

  static override properties = Object.fromEntries(
    PROPS.map(([attr, prop]) => [prop, { attribute: attr, reflect: true }]),
  );

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

  /** The engine factory; tests of the element's logic may replace it before connecting. */
  static engine: CreateRemoteTrainer = loadEngine;

  #settings: Settings;
  #errors: SettingsError[];
  #runtimeError: string | null = null;
  readonly #lab: TrainerLab;
  readonly #near: NearViewportController;
  #tab: Tab = 'story';
  #layer = '';
  #cursors = new Map<string, [number, number]>();
  #cellText = '';
  #announce = '';
  #steps = 300;
  #downloads = new Map<string, { url: string; size: number; rank: number }>();
  #swapNote = '';
  #copyNote = '';
  #linkNote = '';
  #adapterName = '';
  #renderPending = 0;
  #stepPending = 0;
  #lastProgress: { step: number; loss: number; valLoss: number | null } | null = null;
  #resize: ResizeObserver | null = null;
  #width = 640;
  #urlRead = false;
  #userChange = false;
  #points: { key: string; data: { X: Matrix; Y: Matrix } | null } | null = null;
  #disposeTimer = 0;

  constructor() {
    super();
    const { settings } = parseSettings({});
    this.#settings = settings;
    this.#errors = [];
    this.#lab = new TrainerLab(
      (config, options) => LoraTrainer.engine(config, options),
      settings.config,
      settings.backend,
      {
        progress: (p) => this.#onProgress(p),
        backend: (r) =>
          this.dispatchEvent(new LoraBackendEvent({ backend: r.backend, reason: r.reason, host: r.host })),
        recover: (r) => {
          this.#recovered = { count: (this.#recovered?.count ?? 0) + 1, reason: r.reason, lr: r.lr };
          this.#announce = `Training recovered (${r.reason}); learning rate now ${fmt(r.lr)}.`;
          this.dispatchEvent(new LoraRecoverEvent(r));
        },
        changed: () => this.#scheduleRender(),
      },
    );
    this.#near = new NearViewportController(this, () => this.#startEngine());
  }

  // -- read-only properties -----------------------------------------------------------------------

  /** `webgpu` or `cpu` once the engine runs, else null. */
  get resolvedBackend(): ResolvedBackend | null {
    return this.#lab.report?.backend ?? null;
  }
  /** Steps trained by the current adapter. */
  get step(): number {
    return this.#lab.state?.step ?? 0;
  }
  /** Loss of the last step (NaN before the first). */
  get loss(): number {
    return this.#lab.state?.loss ?? Number.NaN;
  }
  /** Latest validation loss, or null before one was computed. */
  get valLoss(): number | null {
    return this.#lab.state?.valLoss ?? null;
  }
  get trainableParams(): number {
    return this.#lab.state?.trainableParams ?? this.#lab.counts().trainable;
  }
  get frozenParams(): number {
    return this.#lab.state?.frozenParams ?? this.#lab.counts().frozen;
  }
  /** Names of the saved adapters, in saving order. */
  get adapters(): string[] {
    return [...(this.#lab.state?.adapters ?? [])];
  }
  /** True while the adapter is merged into W. */
  get merged(): boolean {
    return this.#lab.state?.merged ?? false;
  }
  /** Checksum of the frozen W (changes only while merged). */
  get checksumW(): string | null {
    return this.#lab.state?.checksumW ?? null;
  }
  /** The settings in effect after validation (the trainer's configuration, backend, controls, pitfalls). */
  get settings(): Settings {
    return this.#settings;
  }
  /** One entry per invalid attribute: `{attribute, message}`. */
  get errors(): readonly SettingsError[] {
    return this.#errors;
  }
  /** The numbers of the pitfall switches that have run. */
  get pitfallResults(): Partial<Record<PitfallId, PitfallResult>> {
    const out: Partial<Record<PitfallId, PitfallResult>> = {};
    for (const [id, r] of this.#lab.pitfalls) if (typeof r === 'object' && 'value' in r) out[id] = r;
    return out;
  }
  /** The rank-sweep curves (one per rank, one loss per step). */
  get sweep(): readonly SweepRun[] {
    return this.#lab.sweep;
  }
  /** The invariants of the four steps, as computed live. */
  get invariants(): {
    checksumW: string | null;
    baseChecksumW: string | null;
    bZeroOutputDiff: number | null;
    outputDiff: number | null;
    mergeMaxAbsDiff: number | null;
    multiplyAdds: { merged: number; unmerged: number };
  } {
    const l = this.#lab;
    return {
      checksumW: l.state?.checksumW ?? null,
      baseChecksumW: l.checksum0,
      bZeroOutputDiff: l.bZeroDiff,
      outputDiff: l.nowDiff,
      mergeMaxAbsDiff: l.lastMerge,
      multiplyAdds: l.work(),
    };
  }
  /** Loss curves: the adapter's, and full fine-tuning on the same data and seed. */
  get curves(): { lora: number[]; full: number[]; loraVal: [number, number][]; fullVal: [number, number][] } {
    const l = this.#lab;
    return {
      lora: [...l.curve.losses],
      full: [...l.refCurve.losses],
      loraVal: [...l.curve.val],
      fullVal: [...l.refCurve.val],
    };
  }

  // -- methods --------------------------------------------------------------------------------------

  /** Trains `steps` steps; resolves with the step reached, the last loss and one loss per step trained. */
  async train(steps = 100): Promise<{ step: number; loss: number; losses: Float32Array }> {
    if (!Number.isInteger(steps) || steps < 0)
      throw new RangeError(`train: steps must be an integer ≥ 0, got ${steps}`);
    const out = await this.#guard(this.#lab.train(steps));
    this.#announce = `Trained ${out.losses.length} steps${out.paused ? ' (paused)' : ''}: step ${out.step}, loss ${fmt(out.loss, 3)}.`;
    this.#scheduleRender();
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
    this.#silently(() => {
      this.rank = String(adapter.rank);
      this.alpha = String(adapter.alpha);
      this.dropout = adapter.dropout ? String(adapter.dropout) : this.dropout == null ? null : '0';
      this.rslora = adapter.rsLora ? '' : null;
      const defaults = shapeOf(this.#settings.config.scenario).defaultTargets.join(',');
      this.target = adapter.targets.join(',') === defaults && this.target == null ? null : adapter.targets.join(',');
    });
    const val = this.#lab.state?.valLoss;
    this.#swapNote = `Using “${name}” (swapped in ${ms < 1 ? '<1' : Math.round(ms)} ms): validation loss ${fmt(val ?? Number.NaN, 3)}.`;
    this.#announce = this.#swapNote;
  }

  /** Forgets a saved adapter. */
  async deleteAdapter(name: string): Promise<void> {
    await this.#guard(this.#lab.deleteAdapter(name));
    const d = this.#downloads.get(name);
    if (d) URL.revokeObjectURL(d.url);
    this.#downloads.delete(name);
  }

  /** ΔW = s·B·A of a target layer (default: the first), `{rows, cols, data}` row-major. */
  deltaW(layer?: string): Promise<Matrix> {
    return this.#guard(this.#lab.deltaW(layer));
  }

  /** A saved adapter's (or, without a name, the live adapter's) A, B, α and rank per target layer. */
  async adapterWeights(name?: string): Promise<{
    A: Record<string, Matrix>;
    B: Record<string, Matrix>;
    alpha: number;
    rank: number;
    rsLora: boolean;
    targets: string[];
  }> {
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
    const runs = await this.#guard(this.#lab.rankSweep(options.ranks ?? SWEEP_RANKS, options.steps ?? SWEEP_STEPS));
    return runs.map((r) => ({ ...r, losses: [...r.losses] }));
  }

  /** Runs one pitfall experiment now (the switch need not be on) and resolves with its numbers. */
  runPitfall(id: PitfallId): Promise<PitfallResult> {
    if (!(PITFALL_IDS as readonly string[]).includes(id))
      return Promise.reject(new RangeError(`runPitfall: unknown pitfall ${JSON.stringify(id)}`));
    return this.#guard(this.#lab.runPitfall(id));
  }

  // -- lifecycle ------------------------------------------------------------------------------------

  override connectedCallback(): void {
    if (!this.#urlRead && this.hasAttribute('url-state')) {
      this.#urlRead = true;
      const prefix = this.getAttribute('url-state') || URL_PREFIX;
      const fromUrl = readUrlState(location.search, prefix);
      for (const name of ATTRIBUTES) {
        const v = fromUrl[name];
        if (v != null) this.setAttribute(name, v);
      }
    }
    super.connectedCallback();
    clearTimeout(this.#disposeTimer);
    this.#resize = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && Math.abs(w - this.#width) > 2) {
        this.#width = w;
        this.requestUpdate();
      }
    });
    this.#resize.observe(this);
    // Canvases are painted with the scheme's colours: repaint when it changes.
    this.#scheme = matchMedia('(prefers-color-scheme: dark)');
    this.#scheme.addEventListener('change', this.#onScheme);
  }

  #scheme: MediaQueryList | null = null;
  #onScheme = (): void => this.requestUpdate();

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize?.disconnect();
    this.#resize = null;
    this.#scheme?.removeEventListener('change', this.#onScheme);
    this.#scheme = null;
    if (this.#renderPending) cancelAnimationFrame(this.#renderPending);
    clearTimeout(this.#renderTimer);
    this.#renderTimer = 0;
    if (this.#stepPending) cancelAnimationFrame(this.#stepPending);
    this.#renderPending = this.#stepPending = 0;
    // Moving the element in the page keeps its trainer; removing it frees the engine.
    this.#disposeTimer = window.setTimeout(() => {
      this.#lab.dispose();
      for (const d of this.#downloads.values()) URL.revokeObjectURL(d.url);
      this.#downloads.clear();
    }, 1000);
  }

  #raw(): Partial<Record<AttributeName, string | null>> {
    const self = this as unknown as Record<string, unknown>;
    const out: Partial<Record<AttributeName, string | null>> = {};
    for (const name of ATTRIBUTES) {
      const v = self[propOf(name)];
      out[name] = v === undefined || v === null || v === false ? null : v === true ? '' : String(v);
    }
    return out;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (![...changed.keys()].some((k) => PROPS.some(([, p]) => p === k))) return;
    let next: Settings;
    try {
      const { settings, errors } = parseSettings(this.#raw());
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
    if (!this.hasUpdated && next.pitfalls.length && next.controls === 'full') this.#tab = 'pitfalls';
    const configChanged =
      JSON.stringify(before.config) !== JSON.stringify(next.config) || before.backend !== next.backend;
    if (configChanged) {
      this.#recovered = null;
      if (this.#lab.training) this.#lab.pause();
      if (!next.config.targets.includes(this.#layer)) this.#layer = '';
      this.#lab.setConfig(next.config, next.backend).then(
        () => this.#syncPitfalls(),
        (e: unknown) => this.#fail(e),
      );
    } else if (JSON.stringify(before.pitfalls) !== JSON.stringify(next.pitfalls)) {
      this.#syncPitfalls();
    }
    if (this.#userChange) {
      this.#userChange = false;
      this.#writeUrl();
    }
  }

  /** Sets properties without re-running anything (the engine already has these settings). */
  #silently(f: () => void): void {
    f();
    const { settings, errors } = parseSettings(this.#raw());
    this.#settings = settings;
    this.#errors = errors;
    this.#lab.config = settings.config;
  }

  #startEngine(): void {
    this.#lab.start().then(
      () => {
        this.#syncPitfalls();
        this.#scheduleRender();
      },
      (e: unknown) => this.#fail(e),
    );
  }

  #syncPitfalls(): void {
    if (!this.#lab.isStarted) return;
    const on = this.#settings.pitfalls;
    for (const id of PITFALL_IDS) {
      const have = this.#lab.pitfalls.get(id);
      if (on.includes(id)) {
        if (have === undefined || (have !== 'running' && this.#lab.pitfallStale(id)))
          this.#lab.runPitfall(id).catch((e: unknown) => this.#fail(e));
      } else if (have !== undefined && have !== 'running') {
        this.#lab.clearPitfall(id);
      }
    }
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
    this.#scheduleRender();
  }

  /** UI actions: errors are shown inline (and fired as lora-error), never thrown into the page. */
  #ui(p: Promise<unknown>): void {
    p.catch(() => undefined).finally(() => this.#scheduleRender());
  }

  #onProgress(p: { step: number; loss: number; valLoss: number | null }): void {
    this.#lastProgress = p;
    if (!this.#stepPending)
      this.#stepPending = requestAnimationFrame(() => {
        this.#stepPending = 0;
        const last = this.#lastProgress;
        if (last) this.dispatchEvent(new LoraStepEvent({ ...last }));
      });
  }

  /** Renders on the next frame; while training, at most every RENDER_MS (the engine reports more often). */
  #scheduleRender(): void {
    if (this.#renderPending || this.#renderTimer) return;
    if (document.hidden) {
      this.requestUpdate();
      return;
    }
    const wait = this.#lab.training ? RENDER_MS - (performance.now() - this.#renderedAt) : 0;
    const frame = () => {
      this.#renderTimer = 0;
      this.#renderPending = requestAnimationFrame(() => {
        this.#renderPending = 0;
        this.#renderedAt = performance.now();
        this.requestUpdate();
      });
    };
    if (wait > 0) this.#renderTimer = window.setTimeout(frame, wait);
    else frame();
  }

  #recovered: { count: number; reason: string; lr: number } | null = null;
  #renderTimer = 0;
  #renderedAt = 0;
  #painted = new WeakMap<HTMLCanvasElement, { ident: unknown; sig: string }>();
  #statsCache = new WeakMap<Matrix, { min: number; max: number; abs: number }>();
  #sumCache: { W: Matrix; dW: Matrix; merged: boolean; m: Matrix } | null = null;

  #stats(m: Matrix): { min: number; max: number; abs: number } {
    let st = this.#statsCache.get(m);
    if (!st) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of m.data) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      st = { min, max, abs: maxAbs(m) };
      this.#statsCache.set(m, st);
    }
    return st;
  }

  /** W + ΔW of a snapshot layer (W itself while merged: the snapshot's W already holds ΔW). */
  #sumOf(layer: { W: Matrix; deltaW: Matrix }): Matrix {
    const c = this.#sumCache;
    if (c && c.W === layer.W && c.dW === layer.deltaW && c.merged === this.merged) return c.m;
    const merged = this.merged;
    const m = {
      rows: layer.W.rows,
      cols: layer.W.cols,
      data: layer.W.data.map((w, i) => w + (merged ? 0 : layer.deltaW.data[i])),
    };
    this.#sumCache = { W: layer.W, dW: layer.deltaW, merged, m };
    return m;
  }

  async #prepareDownload(name: string): Promise<void> {
    try {
      const data = await this.#lab.exportAdapter(name);
      const blob = new Blob([data as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
      const old = this.#downloads.get(name);
      if (old) URL.revokeObjectURL(old.url);
      const a = await this.#lab.adapterWeights(name);
      this.#downloads.set(name, { url: URL.createObjectURL(blob), size: blob.size, rank: a.rank });
    } catch (e) {
      this.#fail(e);
    }
    this.#scheduleRender();
  }

  #writeUrl(): void {
    if (!this.hasAttribute('url-state')) return;
    try {
      const q = writeUrlState(location.search, this.#raw(), this.getAttribute('url-state') || URL_PREFIX);
      history.replaceState(history.state, '', `${location.pathname}${q}${location.hash}`);
    } catch {
      // A sandboxed page may refuse; the link button still works.
    }
  }

  /** A link to this page that reopens the current experiment. */
  experimentUrl(): string {
    const prefix = this.getAttribute('url-state') || URL_PREFIX;
    const q = writeUrlState(location.search, this.#raw(), prefix);
    return `${location.origin}${location.pathname}${q}${this.id ? `#${this.id}` : location.hash}`;
  }

  // -- UI handlers -----------------------------------------------------------------------------------

  #set(attr: AttributeName, value: string | null): void {
    (this as unknown as Record<string, unknown>)[propOf(attr)] = value;
    this.#userChange = true;
  }

  #onSetting = (e: Event): void => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement || t instanceof HTMLSelectElement) || !t.name) return;
    const name = t.name as AttributeName | 'target-layer' | 'show-ref';
    if (name === 'target-layer' && t instanceof HTMLInputElement) {
      const on = new Set(this.#settings.config.targets);
      if (t.checked) on.add(t.value);
      else on.delete(t.value);
      const names = shapeOf(this.#settings.config.scenario).layers.map((l) => l.name);
      this.#set('target', names.filter((n) => on.has(n)).join(','));
    } else if (name === 'show-ref' && t instanceof HTMLInputElement) {
      this.#lab.showRef = t.checked;
      this.requestUpdate();
    } else if (name === 'rslora' && t instanceof HTMLInputElement) {
      this.#set('rslora', t.checked ? '' : null);
    } else if (name === 'scenario') {
      // Targets and batch belong to a scenario: start the new one from its defaults.
      this.target = null;
      this.#set('scenario', t.value);
    } else if ((ATTRIBUTES as readonly string[]).includes(name)) {
      this.#set(name as AttributeName, t.value);
    }
  };

  #onKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.type === 'number') {
      e.preventDefault();
      this.#onSetting(e);
    }
  };

  #togglePitfall(id: PitfallId, on: boolean): void {
    const list = new Set(this.#settings.pitfalls);
    if (on) list.add(id);
    else list.delete(id);
    this.#set('pitfall', PITFALL_IDS.filter((p) => list.has(p)).join(',') || null);
  }

  #visibleTabs(): readonly (readonly [Tab, string])[] {
    return this.#settings.controls === 'full' ? TABS : TABS.filter(([t]) => t === 'story');
  }

  #onTabKey = (e: KeyboardEvent): void => {
    const tabs = this.#visibleTabs();
    const n = tabs.length;
    const i = Math.max(
      0,
      tabs.findIndex(([t]) => t === this.#tab),
    );
    const moves: Record<string, number> = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 };
    const j = moves[e.key];
    if (j === undefined) return;
    e.preventDefault();
    this.#tab = tabs[j][0];
    this.requestUpdate();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${this.#tab}`)?.focus());
  };

  #onHeatKey(key: string, m: Matrix, label: string, e: KeyboardEvent): void {
    const cur = this.#cursors.get(key) ?? [0, 0];
    let [i, j] = cur;
    const moves: Record<string, () => void> = {
      ArrowUp: () => (i = Math.max(0, i - 1)),
      ArrowDown: () => (i = Math.min(m.rows - 1, i + 1)),
      ArrowLeft: () => (j = Math.max(0, j - 1)),
      ArrowRight: () => (j = Math.min(m.cols - 1, j + 1)),
      Home: () => (j = 0),
      End: () => (j = m.cols - 1),
      PageUp: () => (i = Math.max(0, i - 8)),
      PageDown: () => (i = Math.min(m.rows - 1, i + 8)),
    };
    const f = moves[e.key];
    if (!f) return;
    e.preventDefault();
    f();
    this.#cursors.set(key, [i, j]);
    this.#cellText = `${label}[${i + 1}, ${j + 1}] = ${fmt(m.data[i * m.cols + j], 4)}`;
    this.requestUpdate();
  }

  #onHeatFocus(key: string, m: Matrix, label: string): void {
    const [i, j] = this.#cursors.get(key) ?? [0, 0];
    this.#cursors.set(key, [i, j]);
    this.#cellText = `${label}[${i + 1}, ${j + 1}] = ${fmt(m.data[i * m.cols + j], 4)} — arrow keys move between entries`;
    this.requestUpdate();
  }

  async #copy(text: string, note: (s: string) => void): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      note('Copied.');
    } catch {
      note('Copying was not allowed here: select the text and copy it yourself.');
    }
    this.requestUpdate();
  }

  #anotherTask(): void {
    const c = this.#settings.config;
    if (c.scenario === 'classify-2d') this.#set('seed', String((c.seed + 1) >>> 0));
    else this.#set('true-rank', String(c.trueRank === 2 ? 4 : 2));
  }

  // -- rendering -------------------------------------------------------------------------------------

  #description(): TemplateResult {
    const c = this.#settings.config;
    switch (c.scenario) {
      case 'low-rank-shift':
        return html`The teacher is the frozen base plus a rank-${c.trueRank} update in each layer (MLP 64 → 64 → 64,
        mean squared error). Only A and B learn.`;
      case 'classify-2d':
        return html`A small classifier trained on two moons; the new task rotates them by 60°. The adapter on fc2 and
        fc3 must turn the decision boundary.`;
      case 'overfit':
        return html`The rank-${c.trueRank} teacher, but only ${count(c.trainSize)} noisy training examples: watch
        validation loss turn up as the adapter memorises the noise.`;
    }
  }

  #backendBadge(): TemplateResult {
    const r = this.#lab.report;
    if (!r)
      return html`<span class="badge muted"
        >${this.#near.near || this.#lab.isStarted ? 'starting…' : 'starts when visible'}</span
      >`;
    return html`<span class="badge" title=${r.reason}
      >${r.backend === 'webgpu' ? 'WebGPU' : 'CPU'} · ${r.host === 'worker' ? 'worker' : 'main thread'}</span
    >`;
  }

  #alerts(): TemplateResult {
    const errs = this.#errors;
    const rt = this.#runtimeError;
    return html`<div role="alert" class="alerts">
      ${
        errs.length || rt
          ? html`<ul class="error">
              ${errs.map((e) => html`<li>${e.message}</li>`)}
              ${
                rt
                  ? html`<li>
                      ${rt}
                      <button
                        type="button"
                        class="link"
                        @click=${() => ((this.#runtimeError = null), this.requestUpdate())}
                      >
                        Dismiss
                      </button>
                    </li>`
                  : nothing
              }
            </ul>`
          : nothing
      }
    </div>`;
  }

  #toolbar(): TemplateResult {
    const l = this.#lab;
    const merged = this.merged;
    const busy = l.training;
    return html`<div class="toolbar" part="toolbar" role="group" aria-label="Training">
      <button
        type="button"
        class="primary"
        ?disabled=${busy || merged}
        @click=${() => this.#ui(this.train(this.#steps))}
      >
        Train
      </button>
      <label class="inline"
        >for
        <select
          aria-label="Steps per run"
          .value=${String(this.#steps)}
          @change=${(e: Event) => ((this.#steps = Number((e.target as HTMLSelectElement).value)), this.requestUpdate())}
        >
          ${STEP_CHOICES.map((n) => html`<option value=${n} ?selected=${n === this.#steps}>${count(n)} steps</option>`)}
        </select></label
      >
      <button type="button" ?disabled=${!busy} @click=${() => void this.pause()}>Pause</button>
      <button type="button" ?disabled=${busy} @click=${() => this.#ui(this.reset())}>Reset adapter</button>
      ${
        this.#settings.controls === 'full'
          ? merged
            ? html`<button type="button" ?disabled=${busy} @click=${() => this.#ui(this.unmerge())}>Unmerge</button>`
            : html`<button type="button" ?disabled=${busy || !l.isStarted} @click=${() => this.#ui(this.merge())}>
                Merge into W
              </button>`
          : nothing
      }
    </div>`;
  }

  #readouts(): TemplateResult {
    const c = this.#settings.config;
    const trainable = this.trainableParams;
    const frozen = this.frozenParams;
    const val = this.valLoss;
    return html`<dl class="readouts">
      <div>
        <dt>Step</dt>
        <dd>${count(this.step)}</dd>
      </div>
      <div>
        <dt>Loss</dt>
        <dd>${fmt(this.loss, 3)}</dd>
      </div>
      <div>
        <dt>Validation loss</dt>
        <dd>${val === null ? '—' : fmt(val, 3)}</dd>
      </div>
      <div class="params">
        <dt>Trainable parameters</dt>
        <dd>
          ${count(trainable)} of ${count(trainable + frozen)}
          <span class="muted">(${pct(trainable / (trainable + frozen))})</span>
        </dd>
      </div>
      <div>
        <dt>Frozen</dt>
        <dd>${count(frozen)} <span class="muted">(W and b)</span></dd>
      </div>
      <div>
        <dt>Rank · scale</dt>
        <dd>r = ${c.rank} · s = ${fmt(c.rsLora ? c.alpha / Math.sqrt(c.rank) : c.alpha / c.rank, 3)}</dd>
      </div>
    </dl>`;
  }

  #lossSummary(): string {
    const l = this.#lab;
    const last = (a: number[]) => (a.length ? a[a.length - 1] : Number.NaN);
    const lv = l.curve.val.length ? l.curve.val[l.curve.val.length - 1][1] : Number.NaN;
    return `Loss curve, log scale, over ${l.curve.losses.length} steps: LoRA ${fmt(last(l.curve.losses), 3)}${
      l.refCurve.losses.length
        ? `, full fine-tuning ${fmt(last(l.refCurve.losses), 3)} after ${l.refCurve.losses.length} steps`
        : ''
    }${Number.isFinite(lv) ? `, validation ${fmt(lv, 3)}` : ''}.`;
  }

  #learning(): TemplateResult {
    const c = this.#settings.config;
    const l = this.#lab;
    const legend = html`<ul class="legend" aria-hidden="true">
      <li><span class="key lora"></span>LoRA r = ${c.rank}</li>
      ${l.showRef ? html`<li><span class="key full"></span>full fine-tuning</li>` : nothing}
      ${c.scenario !== 'overfit' ? html`<li><span class="key val"></span>validation</li>` : nothing}
    </ul>`;
    const reference =
      this.#settings.controls === 'full'
        ? html`<label class="check small"
            ><input type="checkbox" name="show-ref" .checked=${l.showRef} @change=${this.#onSetting} />Full fine-tuning
            reference</label
          >`
        : nothing;
    if (c.scenario === 'overfit') {
      const trainV = l.curve.val.length;
      return html`<figure class="learning">
        <figcaption>Training and validation loss (log scale) ${legend}</figcaption>
        <div class="pair">
          <div>
            <p class="chart-title">Training (batch) loss</p>
            <canvas part="chart" id="chart-train" role="img" aria-label=${this.#lossSummary()}></canvas>
          </div>
          <div>
            <p class="chart-title">Validation loss</p>
            <canvas
              part="chart"
              id="chart-val"
              role="img"
              aria-label=${`Validation loss at ${trainV} checkpoints: LoRA ${fmt(l.curve.val[trainV - 1]?.[1] ?? Number.NaN, 3)}${
                l.refCurve.val.length
                  ? `, full fine-tuning ${fmt(l.refCurve.val[l.refCurve.val.length - 1][1], 3)}`
                  : ''
              }.`}
            ></canvas>
          </div>
        </div>
        ${reference}
      </figure>`;
    }
    return html`<figure class="learning">
      <figcaption>Loss (log scale) ${legend}</figcaption>
      <div class=${c.scenario === 'classify-2d' ? 'pair boundary-pair' : ''}>
        <canvas part="chart" id="chart-loss" role="img" aria-label=${this.#lossSummary()}></canvas>
        ${
          c.scenario === 'classify-2d'
            ? html`<div class="boundary">
                <canvas
                  id="boundary"
                  role="img"
                  aria-label=${`Decision boundary after ${this.step} steps: blue circles are class 0, orange squares class 1; the shading is the model's probability of class 1 on a 64 × 64 grid.`}
                ></canvas>
                <p class="chart-title">Decision boundary, redrawn as it trains</p>
              </div>`
            : nothing
        }
      </div>
      ${reference}
    </figure>`;
  }

  #settingsForm(): TemplateResult {
    const s = this.#settings;
    const c = s.config;
    const shape = shapeOf(c.scenario);
    const cap = rankCap(c.scenario, c.targets);
    const ranks = [...new Set([...RANKS.filter((r) => r <= cap), c.rank])].sort((a, b) => a - b);
    const lrs = [...new Set([...LRS, c.lr])].sort((a, b) => a - b);
    const drops = [...new Set([...DROPOUTS, c.dropout])].sort((a, b) => a - b);
    const sizes = [...new Set([...TRAIN_SIZES, c.trainSize])].sort((a, b) => a - b);
    const select = (
      name: AttributeName,
      label: string,
      value: string,
      options: readonly (readonly [string, string])[],
    ) =>
      html`<div class="field">
        <label for=${`f-${name}`}>${label}</label>
        <select id=${`f-${name}`} name=${name} .value=${value}>
          ${options.map(([v, t]) => html`<option value=${v} ?selected=${v === value}>${t}</option>`)}
        </select>
      </div>`;
    const number = (name: AttributeName, label: string, value: number, min: number, step = '1') => {
      const raw = (this as unknown as Record<string, unknown>)[propOf(name)];
      return html`<div class="field">
        <label for=${`f-${name}`}>${label}</label>
        <input
          id=${`f-${name}`}
          name=${name}
          type="number"
          inputmode="decimal"
          min=${min}
          step=${step}
          .value=${raw == null ? String(value) : String(raw)}
        />
      </div>`;
    };
    if (s.controls === 'minimal') {
      return html`<form class="settings minimal" @change=${this.#onSetting} @submit=${(e: Event) => e.preventDefault()}>
        ${select(
          'rank',
          'Rank r',
          String(c.rank),
          ranks.map((r) => [String(r), String(r)] as const),
        )}
      </form>`;
    }
    return html`<form
      class="settings"
      @change=${this.#onSetting}
      @keydown=${this.#onKeydown}
      @submit=${(e: Event) => e.preventDefault()}
    >
      <fieldset>
        <legend>Task</legend>
        ${select('scenario', 'Scenario', c.scenario, [
          ['low-rank-shift', 'Low-rank shift'],
          ['classify-2d', 'Classify 2-D (moons)'],
          ['overfit', 'Overfitting (small noisy set)'],
        ])}
        ${
          shape.usesTrueRank
            ? select(
                'true-rank',
                'True rank of the update',
                String(c.trueRank),
                [1, 2, 3, 4, 6, 8, 16].map((r) => [String(r), String(r)] as const),
              )
            : nothing
        }
        ${
          shape.usesTrainSize
            ? select(
                'train-size',
                'Training examples',
                String(c.trainSize),
                sizes.map((n) => [String(n), count(n)] as const),
              )
            : nothing
        }
        ${number('base-seed', 'Base seed (W)', c.baseSeed, 0)}
      </fieldset>
      <fieldset>
        <legend>Adapter</legend>
        ${select(
          'rank',
          'Rank r',
          String(c.rank),
          ranks.map((r) => [String(r), String(r)] as const),
        )}
        ${number('alpha', 'α (lora_alpha)', c.alpha, 0, 'any')}
        <label class="check"><input type="checkbox" name="rslora" .checked=${c.rsLora} />rsLoRA (s = α/√r)</label>
        ${select(
          'dropout',
          'Dropout',
          String(c.dropout),
          drops.map((d) => [String(d), String(d)] as const),
        )}
        <fieldset class="targets">
          <legend>Adapted layers</legend>
          ${shape.layers.map(
            (l) =>
              html`<label class="check"
                ><input
                  type="checkbox"
                  name="target-layer"
                  value=${l.name}
                  .checked=${c.targets.includes(l.name)}
                  ?disabled=${c.targets.length === 1 && c.targets[0] === l.name}
                />${l.name} <span class="muted">${l.d}×${l.k}</span></label
              >`,
          )}
        </fieldset>
      </fieldset>
      <fieldset>
        <legend>Training</legend>
        ${select(
          'lr',
          'Learning rate (Adam)',
          String(c.lr),
          lrs.map((v) => [String(v), String(v)] as const),
        )}
        ${number('batch', 'Batch size', c.batch, 1)} ${number('seed', 'Seed (A and data order)', c.seed, 0)}
      </fieldset>
    </form>`;
  }

  #heat(
    key: string,
    label: TemplateResult | string,
    plain: string,
    m: Matrix | null,
    note: string,
    locked = false,
  ): TemplateResult {
    if (!m)
      return html`<figure class="heat empty">
        <div class="placeholder">—</div>
        <figcaption>${label}</figcaption>
      </figure>`;
    const st = this.#stats(m);
    const a = st.abs;
    return html`<figure class="heat ${locked ? 'locked' : ''}">
      <canvas
        part="heatmap"
        data-key=${key}
        tabindex="0"
        role="img"
        aria-label=${`${plain}, ${m.rows}×${m.cols}, ${note}; entries from ${fmt(st.min, 3)} to ${fmt(st.max, 3)}. Arrow keys read single entries.`}
        aria-describedby="cell"
        @keydown=${(e: KeyboardEvent) => this.#onHeatKey(key, m, plain.split(' ')[0], e)}
        @focus=${() => this.#onHeatFocus(key, m, plain.split(' ')[0])}
      ></canvas>
      <figcaption>
        <span class="name">${locked ? lock : nothing}${label}</span>
        <span class="shape">${m.rows}×${m.cols}</span>
        <span class="muted">${note} · ±${fmt(a, 2)}</span>
      </figcaption>
    </figure>`;
  }

  #anatomy(): TemplateResult {
    const snap = this.#lab.snapshot;
    const c = this.#settings.config;
    const layers = snap?.layers.filter((l) => c.targets.includes(l.name)) ?? [];
    const name = layers.some((l) => l.name === this.#layer) ? this.#layer : (layers[0]?.name ?? c.targets[0]);
    const layer = layers.find((l) => l.name === name) ?? null;
    const s = layer?.scaling ?? (c.rsLora ? c.alpha / Math.sqrt(c.rank) : c.alpha / c.rank);
    const sum = layer ? this.#sumOf(layer) : null;
    return html`<div class="anatomy" role="group" aria-labelledby="anat-title">
      <div class="section-head">
        <p class="section-title" id="anat-title">Anatomy of ${name}: h = (W + ΔW)x with ΔW = (α/r)·B·A</p>
        ${
          layers.length > 1
            ? html`<label class="inline"
                >Layer
                <select
                  .value=${name}
                  @change=${(e: Event) => ((this.#layer = (e.target as HTMLSelectElement).value), this.requestUpdate())}
                >
                  ${layers.map((l) => html`<option value=${l.name} ?selected=${l.name === name}>${l.name}</option>`)}
                </select></label
              >`
            : nothing
        }
      </div>
      ${
        snap
          ? html`<div class="eq">
                ${this.#heat('W', html`W<sub>0</sub>`, 'W frozen base weight', layer?.W ?? null, this.merged ? 'merged: W₀ + ΔW' : 'frozen', true)}
                <span class="op" aria-hidden="true">+</span>
                <span class="op scale" aria-hidden="true">${fmt(s, 3)} ·</span>
                ${this.#heat('B', 'B', 'B adapter matrix', layer?.B ?? null, this.#lab.bZeroDiff === 0 && this.step === 0 ? 'starts at 0' : 'trainable')}
                <span class="op" aria-hidden="true">·</span>
                ${this.#heat('A', 'A', 'A adapter matrix', layer?.A ?? null, 'trainable')}
                <span class="op" aria-hidden="true">=</span>
                ${this.#heat('dW', 'ΔW', 'ΔW the update', layer?.deltaW ?? null, `rank ≤ ${c.rank}`)}
                <span class="op" aria-hidden="true">→</span>
                ${this.#heat('sum', 'W + ΔW', 'W+ΔW effective weight', sum, 'effective weight')}
              </div>
              <p class="cell muted" id="cell" aria-live="polite">
                ${this.#cellText || 'Focus a matrix to read its entries with the arrow keys.'}
              </p>`
          : html`<p class="muted">The matrices appear when the trainer starts.</p>`
      }
    </div>`;
  }

  #story(): TemplateResult {
    const l = this.#lab;
    const inv = this.invariants;
    const c = this.#settings.config;
    const shape = shapeOf(c.scenario);
    const targets = shape.layers.filter((x) => c.targets.includes(x.name));
    const cur: number = this.merged ? 4 : this.step > 0 ? 3 : 2;
    const formula = targets.map((t) => `${c.rank}·(${t.d} + ${t.k})`).join(' + ');
    const work = inv.multiplyAdds;
    const busy = l.training;
    return html`<ol class="story">
      <li class=${cur === 1 ? 'current' : ''}>
        <p class="step-title">Freeze W</p>
        <p>
          Every base weight and bias is frozen: ${count(this.frozenParams)} numbers with no gradient and no optimiser
          state.
        </p>
        <p class="inv">
          Checksum of W: <code>${inv.checksumW ?? '—'}</code>
          ${
            inv.checksumW && inv.baseChecksumW
              ? inv.checksumW === inv.baseChecksumW
                ? html`<span class="ok">unchanged since load</span>`
                : html`<span class="warn">W holds the merged update (W₀ was ${inv.baseChecksumW})</span>`
              : nothing
          }
        </p>
      </li>
      <li class=${cur === 2 ? 'current' : ''}>
        <p class="step-title">Add A and B, with B = 0</p>
        <p>A starts random, B at zero, so ΔW = 0 and the model computes exactly what the base computes.</p>
        <p class="inv">
          With B = 0: max |h(x) − h₀(x)| on 64 probe inputs =
          <strong data-invariant="b-zero"
            >${inv.bZeroOutputDiff === null ? '—' : inv.bZeroOutputDiff === 0 ? '0' : fmt(inv.bZeroOutputDiff, 3)}</strong
          >
          ${inv.bZeroOutputDiff === 0 ? html`<span class="ok">exactly</span>` : nothing}
        </p>
        <button type="button" ?disabled=${busy} @click=${() => this.#ui(this.reset())}>Reset adapter (B = 0)</button>
      </li>
      <li class=${cur === 3 ? 'current' : ''}>
        <p class="step-title">Train only A and B</p>
        <p>
          Trainable: ${formula} = <strong>${count(this.trainableParams)}</strong> numbers,
          ${pct(this.trainableParams / (this.trainableParams + this.frozenParams))} of the model.
          ${
            this.step > 0
              ? html`After ${count(this.step)} steps the loss is ${fmt(this.loss, 3)} and outputs differ from the base’s
                by up to ${fmt(inv.outputDiff ?? Number.NaN, 3)}.`
              : nothing
          }
        </p>
        <button type="button" ?disabled=${busy || this.merged} @click=${() => this.#ui(this.train(this.#steps))}>
          Train ${count(this.#steps)} steps
        </button>
      </li>
      <li class=${cur === 4 ? 'current' : ''}>
        <p class="step-title">Merge: W ← W + (α/r)·B·A</p>
        <p class="inv">
          Merged vs unmerged outputs: max difference
          <strong data-invariant="merge"
            >${inv.mergeMaxAbsDiff === null ? '— (merge to measure)' : fmt(inv.mergeMaxAbsDiff, 2)}</strong
          >
        </p>
        <p class="inv">
          Multiply-adds per input: unmerged <strong>${count(work.unmerged)}</strong>, merged
          <strong>${count(work.merged)}</strong>
          (the base’s own; the side path costs +${pct(work.unmerged / work.merged - 1)}).
        </p>
        ${
          this.merged
            ? html`<button type="button" ?disabled=${busy} @click=${() => this.#ui(this.unmerge())}>Unmerge</button>`
            : html`<button type="button" ?disabled=${busy || !l.isStarted} @click=${() => this.#ui(this.merge())}>
                Merge
              </button>`
        }
      </li>
    </ol>`;
  }

  #sweepPanel(): TemplateResult {
    const l = this.#lab;
    const c = this.#settings.config;
    const cap = rankCap(c.scenario, c.targets);
    const ranks = SWEEP_RANKS.filter((r) => r <= cap);
    const runs = l.sweep;
    return html`<div class="sweep">
      <p>
        Trains a fresh adapter for each rank r = ${ranks.join(', ')} (${SWEEP_STEPS} steps, every other setting as
        above, seed ${c.seed}).
        ${
          c.scenario !== 'classify-2d'
            ? html`The teacher’s update has rank ${c.trueRank}: the curves stop improving once r reaches it.`
            : nothing
        }
      </p>
      ${
        l.sweepRunning
          ? html`<button type="button" @click=${() => l.cancelSweep()}>Stop the sweep</button>`
          : html`<button type="button" class="primary" @click=${() => this.#ui(this.rankSweep())}>
              Run the rank sweep
            </button>`
      }
      <ul class="legend" aria-hidden="true">
        ${runs.map((r, i) => html`<li><span class="key" data-colour=${SWEEP_COLOURS[i % SWEEP_COLOURS.length]}></span>r = ${r.rank}</li>`)}
      </ul>
      <canvas
        part="chart"
        id="chart-sweep"
        role="img"
        aria-label=${runs.length ? `Rank sweep, loss on a log scale: ${runs.map((r) => `r = ${r.rank}: ${fmt(r.losses[r.losses.length - 1] ?? Number.NaN, 3)}`).join('; ')}.` : 'Rank sweep: not run yet.'}
      ></canvas>
      ${
        runs.length
          ? html`<table class="compact">
              <caption>
                Loss at the last step trained, by rank
              </caption>
              <thead>
                <tr>
                  <th scope="col">Rank r</th>
                  <th scope="col">Steps</th>
                  <th scope="col">Loss</th>
                  <th scope="col">Trainable parameters</th>
                </tr>
              </thead>
              <tbody>
                ${runs.map(
                  (r) =>
                    html`<tr>
                      <th scope="row">${r.rank}</th>
                      <td>${r.losses.length}</td>
                      <td>${fmt(r.losses[r.losses.length - 1] ?? Number.NaN, 3)}</td>
                      <td>
                        ${count(
                          shapeOf(c.scenario)
                            .layers.filter((x) => c.targets.includes(x.name))
                            .reduce((n, x) => n + r.rank * (x.d + x.k), 0),
                        )}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : nothing
      }
    </div>`;
  }

  #adaptersPanel(): TemplateResult {
    const l = this.#lab;
    const names = this.adapters;
    const inv = this.invariants;
    const suggestion = this.#adapterName || `adapter-${names.length + 1}`;
    return html`<div class="adapters">
      <p class="inv">
        Frozen base checksum: <code>${inv.checksumW ?? '—'}</code>
        ${inv.checksumW && inv.checksumW === inv.baseChecksumW ? html`<span class="ok">the same for every adapter</span>` : nothing}
      </p>
      <form
        class="row"
        @submit=${(e: Event) => {
          e.preventDefault();
          const input = (e.currentTarget as HTMLFormElement).elements.namedItem('adapter-name') as HTMLInputElement;
          const name = input.value.trim() || suggestion;
          this.#adapterName = '';
          input.value = '';
          this.#ui(this.saveAdapter(name));
        }}
      >
        <label for="adapter-name">Adapter name</label>
        <input id="adapter-name" name="adapter-name" type="text" placeholder=${suggestion} autocomplete="off" />
        <button type="submit" ?disabled=${l.training || this.merged || !l.isStarted}>Save adapter</button>
      </form>
      <p class="muted">
        Then train a second adapter on another task on the same base, save it too, and switch between them: the base
        never changes.
        <button type="button" class="link" ?disabled=${l.training} @click=${() => this.#anotherTask()}>
          ${this.#settings.config.scenario === 'classify-2d' ? 'Use another seed' : `Switch to another task (true rank ${this.#settings.config.trueRank === 2 ? 4 : 2})`}
        </button>
      </p>
      ${
        names.length
          ? html`<table class="compact">
              <caption>
                Saved adapters
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Rank</th>
                  <th scope="col">Actions</th>
                  <th scope="col">PEFT zip</th>
                </tr>
              </thead>
              <tbody>
                ${names.map((n) => {
                  const d = this.#downloads.get(n);
                  return html`<tr>
                    <th scope="row">${n}</th>
                    <td>${d?.rank ?? '—'}</td>
                    <td class="actions">
                      <button
                        type="button"
                        ?disabled=${l.training || this.merged}
                        aria-label=${`Use ${n}`}
                        @click=${() => this.#ui(this.useAdapter(n))}
                      >
                        Use
                      </button>
                      <button
                        type="button"
                        ?disabled=${l.training}
                        aria-label=${`Delete ${n}`}
                        @click=${() => this.#ui(this.deleteAdapter(n))}
                      >
                        Delete
                      </button>
                    </td>
                    <td>
                      ${
                        d
                          ? html`<a
                                href=${d.url}
                                download=${`${n}.zip`}
                                aria-label=${`Download ${n}.zip, ${bytes(d.size)}`}
                                >${n}.zip</a
                              >
                              <span class="muted">${bytes(d.size)}</span>`
                          : '…'
                      }
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>`
          : html`<p class="muted">No adapters saved yet.</p>`
      }
      <p class="status-line" aria-live="polite">${this.#swapNote}</p>
      <div class="field">
        <label for="import">Import a PEFT adapter (.zip with adapter_config.json and adapter_model.safetensors)</label>
        <input
          id="import"
          type="file"
          accept=".zip,application/zip"
          ?disabled=${!l.isStarted}
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            const file = input.files?.[0];
            if (file) this.#ui(this.importAdapter(file).finally(() => (input.value = '')));
          }}
        />
      </div>
    </div>`;
  }

  #pitfallText(id: PitfallId, r: PitfallResult): TemplateResult {
    const f = r.figures as Record<string, number & string>;
    const num = (v: number, digits = 3) => html`<strong class="num" data-value=${String(v)}>${fmt(v, digits)}</strong>`;
    switch (id) {
      case 'alpha-merge':
        return html`Merging B·A without the scale s = ${fmt(f.scale, 3)} moves the outputs by up to ${num(r.value)}; the
        correct merge by
        ${fmt(f.correct, 2)}.${f.adjustedAlpha ? ` (With α = r, s = 1 and the mistake would be invisible, so this run uses α = ${fmt(f.alpha)}.)` : ''}`;
      case 'fixed-alpha':
        return html`α = ${fmt(this.#settings.config.alpha)} fixed: s falls from ${fmt(f.sSmall, 3)} at r = ${f.small} to
          ${fmt(f.sBig, 3)} at r = ${f.big}, the update scaled by ${num(r.value)}. Measured after ${f.steps} steps:
          ‖ΔW‖<sub>F</sub> ${fmt(f.normSmall, 3)} vs ${fmt(f.normBig, 3)} (×${fmt(f.normRatio, 2)}).`;
      case 'low-lr':
        return html`After ${f.steps} steps, validation loss ${fmt(f.val, 3)} at lr ${fmt(f.lr)} but ${fmt(f.lowVal, 3)}
          at lr ${fmt(f.lowLr)}: ${num(r.value, 2)}× higher; ‖ΔW‖<sub>F</sub> ${fmt(f.norm, 3)} vs ${fmt(f.lowNorm, 3)}.`;
      case 'few-layers':
        return html`After ${f.steps} steps, validation loss ${fmt(f.val, 3)} adapting ${f.all}, but ${fmt(f.fewVal, 3)}
        adapting only ${f.one}: ${num(r.value, 2)}× higher.`;
      case 'sum-factors':
        return html`For “${f.first}” and “${f.second}”: ‖(B₁+B₂)(A₁+A₂) − B₁A₁ − B₂A₂‖<sub>F</sub> = ${num(r.value)},
          that is ${pct(f.relative)} of ‖B₁A₁ + B₂A₂‖<sub>F</sub> = ${fmt(f.exact, 3)}: cross terms nothing trained.
          Concatenating the factors (rank r₁ + r₂) adds the products exactly.`;
    }
  }

  #pitfallsPanel(): TemplateResult {
    const l = this.#lab;
    return html`<ul class="pitfalls">
      ${PITFALL_IDS.map((id) => {
        const on = this.#settings.pitfalls.includes(id);
        const r = l.pitfalls.get(id);
        return html`<li data-pitfall=${id}>
          <label class="switch"
            ><input
              type="checkbox"
              role="switch"
              .checked=${on}
              @change=${(e: Event) => this.#togglePitfall(id, (e.target as HTMLInputElement).checked)}
            /><span>${PITFALL_TITLES[id]}</span></label
          >
          ${
            on
              ? html`<p class="result" aria-live="polite" aria-busy=${r === 'running' ? 'true' : 'false'}>
                  ${
                    r === undefined || r === 'running'
                      ? html`<span class="muted">Computing…</span>`
                      : 'error' in r
                        ? html`<span class="warn">${r.error}</span>`
                        : this.#pitfallText(id, r)
                  }
                </p>`
              : nothing
          }
        </li>`;
      })}
    </ul>`;
  }

  #peftPanel(): TemplateResult {
    const code = peftSnippet(this.#settings.config);
    return html`<div class="peft">
      <p>The same adapter in Hugging Face PEFT (target_modules as this scenario names its layers):</p>
      <pre><code id="peft-code">${code}</code></pre>
      <div class="row">
        <button type="button" @click=${() => this.#copy(code, (s) => (this.#copyNote = s))}>Copy config</button>
        <span class="muted" aria-live="polite">${this.#copyNote}</span>
      </div>
      <div class="row">
        <button type="button" @click=${() => this.#copy(this.experimentUrl(), (s) => (this.#linkNote = s))}>
          Copy a link to this experiment
        </button>
        <span class="muted" aria-live="polite">${this.#linkNote}</span>
      </div>
    </div>`;
  }

  #tabs(): TemplateResult {
    const panels: Record<Tab, () => TemplateResult> = {
      story: () => this.#story(),
      sweep: () => this.#sweepPanel(),
      adapters: () => this.#adaptersPanel(),
      pitfalls: () => this.#pitfallsPanel(),
      peft: () => this.#peftPanel(),
    };
    const tabs = this.#visibleTabs();
    if (!tabs.some(([t]) => t === this.#tab)) this.#tab = 'story';
    return html`<div class="tabs-wrap">
      <div role="tablist" part="tabs" aria-label="Explore" @keydown=${this.#onTabKey}>
        ${tabs.map(
          ([t, label]) =>
            html`<button
              type="button"
              role="tab"
              id=${`tab-${t}`}
              aria-selected=${t === this.#tab ? 'true' : 'false'}
              aria-controls=${`panel-${t}`}
              tabindex=${t === this.#tab ? '0' : '-1'}
              @click=${() => ((this.#tab = t), this.requestUpdate())}
            >
              ${label}
            </button>`,
        )}
      </div>
      <div role="tabpanel" id=${`panel-${this.#tab}`} aria-labelledby=${`tab-${this.#tab}`} class="panel">
        ${panels[this.#tab]()}
      </div>
    </div>`;
  }

  override render(): TemplateResult {
    const s = this.#settings;
    const r = this.#lab.report;
    return html`<div class="root" part="root" data-controls=${s.controls}>
      <div class="head">
        <div>
          <p class="title">LoRA trainer</p>
          <p class="sub">${this.#description()}</p>
        </div>
        ${this.#backendBadge()}
      </div>
      ${r && r.host === 'main-thread' ? html`<p class="note">Training on the main thread: ${r.reason}.</p>` : nothing}
      ${
        this.#recovered
          ? html`<p class="note warn" data-recovered=${this.#recovered.count}>
              Training recovered ${this.#recovered.count === 1 ? 'once' : `${this.#recovered.count} times`} from a
              ${this.#recovered.reason}: the last good weights were restored and the learning rate halved, now
              ${fmt(this.#recovered.lr)}.
            </p>`
          : nothing
      }
      ${this.#alerts()} ${s.controls !== 'none' ? this.#toolbar() : nothing} ${this.#readouts()}
      <div class="main ${s.controls === 'full' ? 'with-settings' : ''}">
        ${this.#learning()} ${s.controls !== 'none' ? this.#settingsForm() : nothing}
      </div>
      ${this.#anatomy()} ${s.controls !== 'none' ? this.#tabs() : nothing}
      <p class="sr-only" role="status">${this.#announce}</p>
    </div>`;
  }

  // -- drawing ---------------------------------------------------------------------------------------

  #palette(): Palette {
    const cs = getComputedStyle(this);
    const v = (n: string, d: string) => cs.getPropertyValue(n).trim() || d;
    return {
      fg: v('--_fg', '#1b1b1f'),
      muted: v('--_muted', '#5b5b66'),
      grid: v('--_grid', '#d9d9e0'),
      bg: v('--_bg', '#fff'),
    };
  }

  protected override updated(): void {
    const root = this.renderRoot;
    const pal = this.#palette();
    const cs = getComputedStyle(this);
    const accent = cs.getPropertyValue('--_accent').trim() || '#0a58ca';
    const refColour = cs.getPropertyValue('--_ref').trim() || '#6b6b76';
    const valColour = cs.getPropertyValue('--_val').trim() || '#c2410c';
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const l = this.#lab;
    const inner = Math.max(240, this.#width - 28);
    const c = this.#settings.config;
    const full = this.#settings.controls === 'full' && this.#width >= 760;
    const chartW = full ? inner - 300 : inner;
    const size = (id: string, w: number, h: number) => {
      const el = root.querySelector<HTMLCanvasElement>(`#${id}`);
      if (!el) return null;
      el.style.width = `${w}px`;
      el.style.height = `${h}px`;
      return el;
    };
    const xMax = Math.max(l.curve.losses.length, l.showRef ? l.refCurve.losses.length : 0, 10);
    const ref: Series[] = l.showRef ? [{ values: l.refCurve.losses, color: refColour, dash: true }] : [];
    if (c.scenario === 'overfit') {
      const half = Math.max(140, Math.floor((chartW - 16) / (chartW > 520 ? 2 : 1)));
      const h = full ? 260 : 200;
      const t = size('chart-train', half, h);
      if (t) drawCurves(t, half, h, [...ref, { values: l.curve.losses, color: accent }], pal, { xMax });
      const v = size('chart-val', half, h);
      if (v)
        drawCurves(
          v,
          half,
          h,
          [
            ...(l.showRef ? [{ points: l.refCurve.val, color: refColour, dash: true }] : []),
            { points: l.curve.val, color: valColour },
          ],
          pal,
          { xMax, empty: 'Validation loss appears as it trains' },
        );
    } else {
      const withBoundary = c.scenario === 'classify-2d';
      const bSize = withBoundary ? Math.min(220, chartW) : 0;
      const lossW = withBoundary && chartW - bSize > 300 ? chartW - bSize - 40 : chartW;
      const h = full && !withBoundary ? 280 : 220;
      const lc = size('chart-loss', lossW, h);
      if (lc)
        drawCurves(
          lc,
          lossW,
          h,
          [...ref, { values: l.curve.losses, color: accent }, { points: l.curve.val, color: valColour }],
          pal,
          { xMax },
        );
      const b = withBoundary ? size('boundary', bSize, bSize) : null;
      if (b)
        drawBoundary(
          b,
          bSize,
          l.grid,
          { xMin: -2.5, xMax: 2.5, yMin: -2.5, yMax: 2.5, nx: 64, ny: 64 },
          this.#moons(),
          dark,
        );
    }
    const sw = size('chart-sweep', Math.min(inner - 24, 640), 220);
    if (sw)
      drawCurves(
        sw,
        Math.min(inner - 24, 640),
        220,
        l.sweep.map((r, i) => ({ values: r.losses, color: SWEEP_COLOURS[i % SWEEP_COLOURS.length] })),
        pal,
        { xMax: SWEEP_STEPS, empty: 'Run the sweep to compare ranks' },
      );
    for (const key of root.querySelectorAll<HTMLElement>('.legend .key[data-colour]'))
      key.style.background = key.dataset['colour']!;
    // Heatmaps: one pixel block per entry, scaled up; sizes keep each matrix's shape.
    const snap = l.snapshot;
    if (snap) {
      const layers = snap.layers.filter((x) => c.targets.includes(x.name));
      const layer = layers.find((x) => x.name === this.#layer) ?? layers[0];
      if (layer) {
        // Widths in units of a 64-wide matrix: W, ΔW, W + ΔW and A are k wide, B is r wide.
        const k = Math.max(layer.W.rows, layer.W.cols);
        const oneRow = (inner - 230) / (5 * 64 + (c.rank * 64) / k);
        // Too narrow for one row: size them for two rows (W + B·A = ΔW, then W + ΔW) instead of shrinking.
        const unit = Math.max(1.25, Math.min(3, oneRow >= 1.8 ? oneRow : (inner - 150) / (3.5 * 64)));
        for (const canvas of root.querySelectorAll<HTMLCanvasElement>('canvas[data-key]')) {
          const key = canvas.dataset['key']!;
          const m =
            key === 'W'
              ? layer.W
              : key === 'B'
                ? layer.B
                : key === 'A'
                  ? layer.A
                  : key === 'dW'
                    ? layer.deltaW
                    : this.#sumOf(layer);
          if (!m) continue;
          // Shared colour scales: W with W + ΔW; ΔW on its own (it starts at 0); B and A each on their own.
          const scale = key === 'W' || key === 'sum' ? Math.max(this.#stats(layer.W).abs, 1e-12) : this.#stats(m).abs;
          const cursor = this.shadowRoot?.activeElement === canvas ? (this.#cursors.get(key) ?? null) : null;
          // Repaint only what changed (a new snapshot, the scheme, the cursor): paints are the costly part.
          // (W is a fresh copy in every snapshot but changes only with merging: its checksum says when.)
          const ident = key === 'W' ? `${this.checksumW}|${m.rows}×${m.cols}|${layer.name}` : m;
          const last = this.#painted.get(canvas);
          const sig = `${scale}|${dark}|${cursor?.join(',') ?? ''}`;
          if (!last || last.ident !== ident || last.sig !== sig) {
            drawHeatmap(canvas, m, scale, dark, cursor);
            this.#painted.set(canvas, { ident, sig });
          }
          const px = (n: number) => Math.max(6, Math.round(n * unit * (64 / Math.max(layer.W.rows, layer.W.cols))));
          canvas.style.width = `${px(m.cols)}px`;
          canvas.style.height = `${px(m.rows)}px`;
        }
      }
    }
  }

  #moons(): { X: Matrix; Y: Matrix } | null {
    const c = this.#settings.config;
    if (c.scenario !== 'classify-2d') return null;
    const key = String(c.baseSeed);
    if (this.#points?.key !== key) {
      this.#points = { key, data: null };
      // The task's training pool, regenerated from the same seeds as the engine's scenario
      // (the core is loaded by then: it came with the engine).
      void Promise.all([import('../core/scenarios.ts'), import('../core/rng.ts')]).then(([sc, rng]) => {
        if (this.#points?.key !== key) return;
        this.#points.data = sc.moons(
          rng.createRng(rng.deriveSeed(c.baseSeed, sc.BASE_STREAM.trainInputs)),
          sc.CLASSIFY_POOL,
          sc.ROTATION,
        );
        this.#scheduleRender();
      });
    }
    return this.#points.data;
  }
}

const lock = html`<svg class="lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
  <path
    d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h.5Zm1.5 0h4V5a2 2 0 0 0-4 0v2Z"
    fill="currentColor"
  />
</svg>`;

if (!customElements.get('lora-trainer')) customElements.define('lora-trainer', LoraTrainer);

declare global {
  interface HTMLElementTagNameMap {
    'lora-trainer': LoraTrainer;
  }
}
