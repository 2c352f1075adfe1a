/**
 * Following a `<lora-trainer>` (`for="id"`): a Lit reactive controller that listens to the
 * trainer's `lora-step` and `lora-merge` events and pulls its ΔW (`deltaW(layer)`) at most every
 * 250 ms, the last event always followed by one pull. While the similarity section is open and
 * `compare="a,b"` is set, each pull also fetches the two saved adapters' A matrices, at most every
 * 2 s. Binds on connect and whenever `for` changes (`bind()`), unbinds every listener and timer
 * on disconnect.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Matrix } from '../core/matrix.ts';
import { parseAdapterA, parseCompare, parseMatrix } from './parse.ts';
import type { AdapterPair } from './similarity.ts';

/** The public surface of `<lora-trainer>` this controller uses (DESIGN.md). */
interface TrainerLike extends HTMLElement {
  deltaW?(layer?: string): Promise<unknown>;
  adapterWeights?(name: string): Promise<unknown>;
}

/** The element's attributes the controller reads. */
export interface FollowerHost extends ReactiveControllerHost, HTMLElement {
  for: string | null | undefined;
  layer: string | null | undefined;
  compare: string | null | undefined;
}

const THROTTLE_MS = 250;
const COMPARE_MS = 2000;

export class TrainerFollower implements ReactiveController {
  /** The trainer's ΔW as last pulled (undefined until the first pull, and after unbinding). */
  deltaW: Matrix<Float64Array> | undefined;
  /** Counts the pulls that changed `deltaW`. */
  version = 0;
  /** Why the trainer could not be followed (shown by the element), if it could not. */
  error: string | undefined;
  /** The adapters named by `compare`, as last pulled from the trainer bound now. */
  adapters: AdapterPair | undefined;
  /** Why the adapters named by `compare` could not be compared, if they could not. */
  adaptersError: string | undefined;

  readonly #host: FollowerHost;
  readonly #wantsAdapters: () => boolean;
  #trainer: TrainerLike | undefined;
  /** Where we wait for a trainer that is not on the page yet. */
  #root: Document | ShadowRoot | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastPull = -Infinity;
  #lastCompare = -Infinity;
  #pulling = false;
  #again = false;

  /** `wantsAdapters`: whether the compared adapters are shown now (the similarity section is open). */
  constructor(host: FollowerHost, wantsAdapters: () => boolean) {
    this.#host = host;
    this.#wantsAdapters = wantsAdapters;
    host.addController(this);
  }

  /** A pull is running or scheduled. */
  get busy(): boolean {
    return this.#pulling || this.#timer !== undefined;
  }

  hostConnected(): void {
    this.bind();
  }

  hostDisconnected(): void {
    this.#unbind();
  }

  /** (Re)binds to the element `for` names; with no such element yet, binds when it first reports a step. */
  bind(): void {
    this.#unbind();
    const id = this.#host.for?.trim();
    if (!id) return;
    const root = this.#host.getRootNode() as Document | ShadowRoot;
    const el = (root.getElementById?.(id) ?? document.getElementById(id)) as TrainerLike | null;
    if (!el) {
      // It may come later: bind to it when it first reports a step (lora-step bubbles and is composed).
      this.#root = root;
      root.addEventListener('lora-step', this.#onAnyStep);
      if (document.readyState === 'loading')
        document.addEventListener('DOMContentLoaded', this.#rebind, { once: true });
      else this.error = `for="${id}": there is no element with that id on this page yet; showing the example.`;
      this.#host.requestUpdate();
      return;
    }
    this.#trainer = el;
    el.addEventListener('lora-step', this.#onStep);
    el.addEventListener('lora-merge', this.#onStep);
    this.requestPull();
  }

  /** The adapters are due at the next pull (`compare` or `layer` changed). */
  adaptersDue(): void {
    this.#lastCompare = -Infinity;
  }

  #rebind = (): void => this.bind();

  #onAnyStep = (e: Event): void => {
    if ((e.composedPath()[0] as Element | undefined)?.id === this.#host.for?.trim()) this.bind();
  };

  #onStep = (): void => this.requestPull();

  #unbind(): void {
    document.removeEventListener('DOMContentLoaded', this.#rebind);
    this.#root?.removeEventListener('lora-step', this.#onAnyStep);
    this.#root = undefined;
    this.#trainer?.removeEventListener('lora-step', this.#onStep);
    this.#trainer?.removeEventListener('lora-merge', this.#onStep);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#trainer = undefined;
    this.deltaW = this.error = this.adapters = this.adaptersError = undefined;
    this.#host.requestUpdate();
  }

  /** Schedules a pull: at most one per THROTTLE_MS, the last request always followed by one. */
  requestPull(): void {
    if (!this.#trainer || this.#timer !== undefined) return;
    if (this.#pulling) {
      this.#again = true;
      return;
    }
    const wait = Math.max(0, this.#lastPull + THROTTLE_MS - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#pull();
    }, wait);
  }

  async #pull(): Promise<void> {
    const t = this.#trainer;
    if (!t) return;
    this.#pulling = true;
    this.#lastPull = performance.now();
    const id = this.#host.for;
    try {
      if (t.localName.includes('-') && !customElements.get(t.localName)) await customElements.whenDefined(t.localName);
      if (typeof t.deltaW !== 'function') throw new Error(`#${id} has no deltaW() method: is it a <lora-trainer>?`);
      const { matrix, error } = parseMatrix(await t.deltaW(this.#host.layer || undefined));
      if (!matrix) throw new Error(`deltaW() gave no usable matrix (${error ?? 'nothing'})`);
      if (t !== this.#trainer) return;
      this.deltaW = matrix;
      this.version++;
      this.error = undefined;
      if (this.#host.compare && this.#wantsAdapters() && performance.now() - this.#lastCompare > COMPARE_MS)
        await this.#pullAdapters(t);
    } catch (e) {
      if (t === this.#trainer)
        this.error = `for="${id}": ${e instanceof Error ? e.message : String(e)}; showing the example.`;
    } finally {
      this.#pulling = false;
      this.#host.requestUpdate();
      if (this.#again) {
        this.#again = false;
        this.requestPull();
      }
    }
  }

  async #pullAdapters(t: TrainerLike): Promise<void> {
    this.#lastCompare = performance.now();
    const { layer, compare } = this.#host;
    try {
      const names = parseCompare(compare);
      if (!names.value) throw new Error(names.error);
      if (typeof t.adapterWeights !== 'function') throw new Error(`#${this.#host.for} has no adapterWeights() method`);
      const A = await Promise.all(
        names.value.map(async (n) => {
          const { matrix, error } = parseAdapterA(await t.adapterWeights!(n), n, layer);
          if (!matrix) throw new Error(error);
          return matrix;
        }),
      );
      if (t !== this.#trainer) return;
      this.adapters = { names: names.value, A: A as AdapterPair['A'] };
      this.adaptersError = undefined;
    } catch (e) {
      if (t !== this.#trainer) return;
      this.adapters = undefined;
      this.adaptersError = `${e instanceof Error ? e.message : String(e)}; showing the example pair.`;
    }
  }
}
