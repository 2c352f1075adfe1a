/**
 * `<lora-lm>`: the element — attributes, public API and lifecycle. The model runs in the page's
 * language-model worker (client.ts → lm.worker.ts → host.ts); what it shows is view.ts.
 */
import { LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { hostStyles } from '../shared/host-styles.ts';
import { NearViewportController } from '../shared/near-viewport.ts';
import type { LmClient } from './client.ts';
import { LmBackendEvent, LmErrorEvent, LmMergeEvent, LmSampleEvent, LmStepEvent, LmSwapEvent } from './events.ts';
import type { AdapterInfo, LoadInfo } from './protocol.ts';
import { parseSettings, type LmSettings } from './settings.ts';
import { renderLm, type LmActions, type TrainingView } from './view.ts';
import { styles } from './lora-lm.styles.ts';

export { LmBackendEvent, LmErrorEvent, LmMergeEvent, LmSampleEvent, LmStepEvent, LmSwapEvent };
export type { AdapterInfo };

/** The base checkpoint and the adapter corpora, next to this module (the build emits them). */
const assetUrls = () => ({
  checkpoint: new URL('./assets/base.safetensors', import.meta.url).href,
  corpora: {
    code: new URL('./assets/code.txt', import.meta.url).href,
    cards: new URL('./assets/cards.txt', import.meta.url).href,
  } satisfies Record<(typeof BUILT_IN)[number], string>,
  kernels: new URL('../wasm/kernels.wasm', import.meta.url).href,
});

/** The built-in adapters (one per corpus above): their columns are drawn before the model loads. */
const BUILT_IN = ['code', 'cards'] as const;

/** Characters drawn per sample in the element's own panels. */
const SAMPLE_LENGTH = 160;
/** How long a removed element keeps its model (moving it within the page keeps it), ms. */
const RELEASE_MS = 1000;

/** `sample()`'s options; omitted ones take the element's attributes. */
export interface SampleRequest {
  /** An adapter name, or null (the default) for the base. */
  adapter?: string | null;
  prompt?: string;
  seed?: number;
  /** Characters to draw (1–2000, default 160); stops early at the end token. */
  length?: number;
  temperature?: number;
}

/** The element's state that the view draws. */
interface LmUi {
  info: Record<string, AdapterInfo>;
  training: TrainingView | null;
  samples: Record<string, string>;
  merge: { adapter: string; maxLogitDiff: number; identical: boolean } | null;
  busy: string | null;
  message: string | null;
  status: string;
}

/** The state before the model has loaded, and again once it is released. */
const freshUi = (): LmUi => ({
  info: {},
  training: null,
  samples: {},
  merge: null,
  busy: null,
  message: null,
  status: 'Loading the model…',
});

/**
 * A tiny character-level language model, pretrained on this site's lessons (with a tenth of its
 * own code) and frozen, with LoRA adapters that the reader trains in the browser on other text
 * (the widgets' code, the decks' questions): live loss curve, steps per second and trainable vs
 * frozen counts; samples from the base and every adapter side by side for one prompt and seed;
 * one-click hot swap; merge and unmerge with the measured largest logit change and identical
 * samples; adapter sizes next to the base's; adapters exported and imported as Hugging Face PEFT
 * zips (as `<lora-trainer>`'s).
 *
 * Attributes: those of `static properties`, each mirrored by a property; an invalid one shows a
 * message inside the element and falls back to its default. The model (checkpoint, corpora,
 * kernels, fetched relative to this module's URL) loads when the element nears the viewport or
 * on the first method call; every method waits for it, calls run one after another, and a call
 * that fails rejects with an Error saying why (and fires `lm-error`) having changed nothing.
 *
 * @summary Hot-swap LoRA adapters on a tiny language model and read what each one changed.
 *
 * @fires lm-step - {@link LmStepEvent} `{adapter, step, loss, stepsPerSecond}` while training.
 * @fires lm-sample - {@link LmSampleEvent} `{adapter, prompt, seed, text, merged}` for every sample drawn.
 * @fires lm-swap - {@link LmSwapEvent} `{adapter}` when the adapter in use changes.
 * @fires lm-merge - {@link LmMergeEvent} `{adapter, maxLogitDiff, identical}` after a merge.
 * @fires lm-backend - {@link LmBackendEvent} `{backend, reason, host, kernels}` once the model has loaded, and again (`cpu`) as soon as WebGPU fails while training: the steps done are kept and the call goes on on the CPU.
 * @fires lm-error - {@link LmErrorEvent} `{message}`: a call or the load failed (also shown inline).
 *
 * @csspart root - The element's frame.
 * @csspart controls - Prompt, seed, temperature, rank, steps.
 * @csspart column - One model's column (base or an adapter) with its sample.
 * @csspart training - The training panel (loss curve and counts).
 * @csspart merge - Merge, unmerge and adapter files.
 *
 * @cssproperty --mg-fg - Text colour.
 * @cssproperty --mg-bg - Background colour.
 * @cssproperty --mg-accent - Buttons and the loss curve.
 * @cssproperty --mg-mono - The samples' font.
 */
export class LoraLm extends LitElement {
  static override styles = [hostStyles, styles];

  static override properties = {
    /** Text every sample continues (printable ASCII and newlines; empty: from the start). */
    prompt: { reflect: true },
    /** Seed of the samples' draws and of the adapters' batch order. */
    seed: { reflect: true },
    /** Sampling temperature τ in 0…2 (0: always the most likely character; default 0.8). */
    temperature: { reflect: true },
    /** Rank r of adapters trained from now on (1–64, default 8; changing it restarts an adapter). */
    rank: { reflect: true },
    /** Training steps of `train()` and the Train buttons (1–5000, default 300). */
    steps: { reflect: true },
    /** Where adapters train: `auto` (default: WebGPU on a hardware adapter), `webgpu` or `cpu`; see `lm-backend`. */
    backend: { reflect: true },
    /** The view's state (internal). */
    ui: { state: true },
  };

  declare prompt: string | null | undefined;
  declare seed: string | number | null | undefined;
  declare temperature: string | number | null | undefined;
  declare rank: string | number | null | undefined;
  declare steps: string | number | null | undefined;
  declare backend: string | null | undefined;
  declare private ui: LmUi;

  private client: LmClient | null = null;
  private loading: Promise<LoadInfo> | null = null;
  private loadInfo: LoadInfo | null = null;
  private active: string | null = null;
  /** Where the model runs (client.ts), once loaded. */
  private modelHost: 'worker' | 'main-thread' = 'worker';
  private merged = false;
  private queue: Promise<unknown> = Promise.resolve();
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private settings: LmSettings;
  private settingErrors: string[] = [];

  constructor() {
    super();
    this.ui = freshUi();
    ({ settings: this.settings, errors: this.settingErrors } = parseSettings(this));
    this.near = new NearViewportController(this, () => this.start());
  }

  private readonly near: NearViewportController;

  /** Loads the model and draws the first samples (near the viewport, or back in the page). */
  private start(): void {
    this.ensureLoaded().then(
      () => this.actions.sampleAll(),
      () => {},
    );
  }

  /** Names of the built-in adapters (one per adapter corpus), then imported ones; [] until loaded. */
  get adapters(): string[] {
    return this.loadInfo ? [...new Set([...this.loadInfo.adapters, ...Object.keys(this.ui.info)])] : [];
  }

  /** The adapter in use (null: the base alone). */
  get adapter(): string | null {
    return this.active;
  }

  /** Whether the adapter in use is merged into W. */
  get isMerged(): boolean {
    return this.merged;
  }

  /** Resolves once the model has loaded (the methods wait for it themselves). */
  ready(): Promise<void> {
    return this.ensureLoaded().then(() => {});
  }

  /**
   * Trains `adapter` for `steps` (default: the `steps` attribute) more steps; resolves with its
   * losses. If WebGPU fails meanwhile, the steps done are kept and the rest run on the CPU (the
   * status line and a second `lm-backend` say so at once). The adapter's column then shows a
   * fresh sample of it (prompt, seed and temperature of the attributes; one `lm-sample`).
   */
  train(adapter: string, steps?: number): Promise<{ adapter: string; step: number; loss: number; losses: number[] }> {
    return this.enqueue(`Training ${adapter}…`, async (client) => {
      const n = steps ?? this.settings.steps;
      if (!Number.isInteger(n) || n <= 0) throw new Error(`train: steps must be a whole number ≥ 1, got ${steps}`);
      const losses: number[] = [];
      const view = (step: number, loss: number, sps: number, running: boolean): void => {
        this.ui = {
          ...this.ui,
          training: { adapter, step, loss, stepsPerSecond: sps, losses: [...losses], running },
        };
      };
      const start = this.ui.info[adapter]?.steps ?? 0;
      let told = false;
      const tell = (reason: string): void => {
        told = true;
        this.toCpu(adapter, reason);
      };
      const result = await client.call(
        'train',
        { adapter, steps: n, rank: this.settings.rank, seed: this.settings.seed },
        ({ step, loss, stepsPerSecond, fallback }) => {
          if (fallback && !told) tell(fallback);
          while (losses.length < step - start) losses.push(loss);
          view(step, loss, stepsPerSecond, true);
          this.dispatchEvent(new LmStepEvent({ adapter, step, loss, stepsPerSecond }));
        },
      );
      if (result.fallback && !told) tell(result.fallback);
      losses.length = 0;
      losses.push(...result.losses);
      const last = result.losses[result.losses.length - 1];
      view(result.steps, last, (result.losses.length * 1000) / Math.max(1, result.ms), false);
      this.setInfo(result);
      await this.redraw(client, adapter);
      return { adapter, step: result.steps, loss: last, losses: [...result.losses] };
    });
  }

  /** Draws a sample; resolves with the continuation (without the prompt). */
  sample(request: SampleRequest = {}): Promise<string> {
    return this.enqueue(null, (client) => this.draw(client, request));
  }

  /** Hot-swaps the adapter in use (null: the base alone). Fails while one is merged. */
  use(adapter: string | null): Promise<void> {
    return this.enqueue(null, async (client) => {
      await client.call('use', { adapter });
      if (this.active === adapter) return;
      this.active = adapter;
      this.requestUpdate();
      this.dispatchEvent(new LmSwapEvent({ adapter }));
    });
  }

  /**
   * Merges the adapter in use into W; resolves with the largest logit change on held-out
   * contexts and whether a sample (prompt, seed, temperature of the attributes) came out the same.
   */
  merge(): Promise<{ adapter: string; maxLogitDiff: number; identical: boolean }> {
    return this.enqueue('Merging…', async (client) => {
      if (this.active === null) throw new Error('merge: no adapter is in use; call use(name) first');
      const before = await this.draw(client, { adapter: this.active });
      const { adapter, maxLogitDiff } = await client.call('merge', {});
      this.merged = true;
      const after = await this.draw(client, { adapter });
      const result = { adapter, maxLogitDiff, identical: before === after };
      this.ui = { ...this.ui, merge: result };
      this.dispatchEvent(new LmMergeEvent(result));
      return result;
    });
  }

  /** Unmerges (W back to the frozen base, bit for bit); resolves with max |W − W₀| the arithmetic left. */
  unmerge(): Promise<{ adapter: string; drift: number }> {
    return this.enqueue('Unmerging…', async (client) => {
      const result = await client.call('unmerge', {});
      this.merged = false;
      this.requestUpdate();
      return result;
    });
  }

  /** The adapter as a PEFT zip (adapter_config.json + adapter_model.safetensors). */
  exportAdapter(name: string): Promise<Blob> {
    return this.enqueue(null, async (client) => {
      const { bytes } = await client.call('exportAdapter', { name });
      return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
    });
  }

  /**
   * Adds (or replaces) an adapter from a PEFT zip made for this model; its name is `name`, else
   * the file's name without `.zip`; its column then shows a sample of it. Rejects, changing nothing,
   * for a file made for another model.
   */
  importAdapter(file: Blob, name?: string): Promise<AdapterInfo> {
    return this.enqueue('Importing…', async (client) => {
      const fileName = (file as File).name;
      const label = name ?? (fileName ? fileName.replace(/\.zip$/i, '') : 'imported');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const info = await client.call('importAdapter', { name: label, bytes });
      this.setInfo(info);
      await this.redraw(client, info.name);
      return info;
    });
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const keys = ['prompt', 'seed', 'temperature', 'rank', 'steps', 'backend'] as const;
    if (keys.some((k) => changed.has(k)))
      ({ settings: this.settings, errors: this.settingErrors } = parseSettings(this));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    clearTimeout(this.releaseTimer);
    if (this.near?.near && !this.loading) this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.releaseTimer);
    this.releaseTimer = setTimeout(() => this.release(), RELEASE_MS);
  }

  /** Closes the model session; a later call or approach loads it again. */
  private release(): void {
    this.client?.close();
    this.client = null;
    this.loading = null;
    this.loadInfo = null;
    this.active = null;
    this.merged = false;
    this.queue = Promise.resolve();
    this.ui = freshUi();
  }

  private ensureLoaded(): Promise<LoadInfo> {
    if (this.loading) return this.loading;
    const load = (async () => {
      const { LmClient } = await import('./client.ts');
      const client = new LmClient();
      this.client = client;
      const info = await client.call('load', { ...assetUrls(), backend: this.settings.backend });
      const where = await client.where();
      this.loadInfo = info;
      this.modelHost = where.host;
      const reason = `${info.reason}; ${where.host === 'worker' ? 'in a worker' : where.reason}; ${info.kernels}`;
      const label = info.backend === 'webgpu' ? 'WebGPU' : 'CPU';
      this.ui = { ...this.ui, status: `Model loaded: ${label}, ${reason}.` };
      this.dispatchEvent(
        new LmBackendEvent({ backend: info.backend, reason, host: where.host, kernels: info.kernels }),
      );
      return info;
    })();
    this.loading = load;
    load.catch((error: unknown) => {
      if (this.loading === load) this.loading = null;
      this.fail(`The model did not load: ${(error as Error).message}`);
    });
    return load;
  }

  /** Runs `fn` after the calls before it, with the loaded model; failures show and reject. */
  private enqueue<T>(busy: string | null, fn: (client: LmClient) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      await this.ensureLoaded();
      if (busy) this.ui = { ...this.ui, busy };
      try {
        const out = await fn(this.client!);
        this.ui = { ...this.ui, busy: null, message: null };
        return out;
      } catch (error) {
        this.ui = { ...this.ui, busy: null };
        this.fail((error as Error).message);
        throw error;
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }

  private async draw(client: LmClient, r: SampleRequest): Promise<string> {
    const adapter = r.adapter ?? null;
    const prompt = r.prompt ?? this.settings.prompt;
    const seed = r.seed ?? this.settings.seed;
    const { text, merged } = await client.call('sample', {
      adapter,
      prompt,
      seed,
      length: r.length ?? SAMPLE_LENGTH,
      temperature: r.temperature ?? this.settings.temperature,
    });
    this.dispatchEvent(new LmSampleEvent({ adapter, prompt, seed, text, merged }));
    return text;
  }

  /** Replaces the sample shown in `adapter`'s column, so it never shows what the adapter was before. */
  private async redraw(client: LmClient, adapter: string): Promise<void> {
    const text = await this.draw(client, { adapter });
    this.ui = { ...this.ui, samples: { ...this.ui.samples, [adapter]: text } };
  }

  private setInfo(info: AdapterInfo): void {
    const { name, rank, alpha, trainableParams, bytes, steps } = info;
    this.ui = { ...this.ui, info: { ...this.ui.info, [name]: { name, rank, alpha, trainableParams, bytes, steps } } };
  }

  /**
   * WebGPU failed while `adapter` trained (`reason` says why and from which step): the status
   * line says so for good (also while the rest trains) and `lm-backend` reports the CPU.
   */
  private toCpu(adapter: string, reason: string): void {
    const status = `${reason}.`;
    this.ui = { ...this.ui, status, busy: `Training ${adapter}… ${status}` };
    const kernels = this.loadInfo?.kernels ?? '';
    this.dispatchEvent(new LmBackendEvent({ backend: 'cpu', reason, host: this.modelHost, kernels }));
  }

  private fail(message: string): void {
    this.ui = { ...this.ui, message };
    this.dispatchEvent(new LmErrorEvent({ message }));
  }

  private readonly actions: LmActions = {
    setAttr: (name, value) => this.setAttribute(name, value),
    sampleAll: () => {
      void this.enqueue('Sampling…', async (client) => {
        const samples: Record<string, string> = {};
        for (const name of [null, ...this.adapters]) samples[name ?? ''] = await this.draw(client, { adapter: name });
        this.ui = { ...this.ui, samples };
      }).catch(() => {});
    },
    train: (adapter) => void this.train(adapter).catch(() => {}),
    use: (adapter) => void this.use(adapter).catch(() => {}),
    toggleMerge: () => void (this.merged ? this.unmerge() : this.merge()).catch(() => {}),
    download: (adapter) => {
      void this.exportAdapter(adapter)
        .then((blob) => {
          const a = document.createElement('a');
          a.href = URL.createObjectURL(blob);
          a.download = `${adapter}-adapter.zip`;
          a.click();
          setTimeout(() => URL.revokeObjectURL(a.href), 0);
        })
        .catch(() => {});
    },
    importFile: (file) => void this.importAdapter(file).catch(() => {}),
  };

  protected override render(): TemplateResult {
    const u = this.ui;
    return renderLm(
      {
        settings: this.settings,
        loaded: this.loadInfo !== null,
        adapters: this.loadInfo ? this.adapters : BUILT_IN,
        active: this.active,
        merged: this.merged,
        info: u.info,
        baseParams: this.loadInfo?.baseParams ?? 0,
        baseBytes: this.loadInfo?.baseBytes ?? 0,
        training: u.training,
        samples: u.samples,
        merge: u.merge,
        busy: u.busy,
        messages: [...this.settingErrors, ...(u.message ? [u.message] : [])],
        status: u.status,
      },
      this.actions,
    );
  }
}

if (!customElements.get('lora-lm')) customElements.define('lora-lm', LoraLm);

declare global {
  interface HTMLElementTagNameMap {
    'lora-lm': LoraLm;
  }
}
