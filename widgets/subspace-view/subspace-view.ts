import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import type { Matrix } from '../core/matrix.ts';
import { similarityGrid, type SimilarityGrid } from '../core/subspace.ts';
import { NearViewportController } from '../shared/near-viewport.ts';
import { demoAdapters, demoUpdate } from './demo.ts';
import { examplePicture, parseMatrix, projectedPicture, type Picture } from './model.ts';
import type { Layers, Palette, SharedInfo, View } from './renderer.ts';
import { styles } from './subspace-view.styles.ts';

type Renderer = typeof import('./renderer.ts');
/** The three.js half, once loaded (shared by every view on the page). */
let three: Renderer | undefined;

/** The public surface of `<lora-trainer>` this element uses (DESIGN.md). */
interface TrainerLike extends HTMLElement {
  deltaW?(layer?: string): Promise<unknown>;
  adapterWeights?(name: string): Promise<unknown>;
  step?: number;
}

const THROTTLE_MS = 250;
const COMPARE_MS = 2000;
const STEP = Math.PI / 12;
/** The lesson section that explains §7.2, on the site that served this module (whichever chunk this code is in). */
function lessonUrl(): string {
  const u = new URL(import.meta.url);
  const i = u.pathname.lastIndexOf('/widgets/');
  return new URL(`${i >= 0 ? u.pathname.slice(0, i) : '.'}/lessons/lora-peft/#rank-is-the-capacity-dial`, u).href;
}
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number) => String(n).replace(/\d/g, (d) => SUB[Number(d)]!);
const fmt = (x: number) =>
  x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
const pct = (x: number) => `${(100 * x).toFixed(x > 0.999 && x < 1 ? 2 : 1)}%`;
const num = (v: string | null) => (v !== null && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

/**
 * A 3D picture of what a low-rank update does to space: inputs x on the unit sphere, their images
 * W·x and (W + ΔW)·x, the differences ΔW·x as arrows, the column space col(B) of ΔW = B·A as a
 * line (r = 1) or plane (r = 2), and the singular directions of ΔW as arrows σᵢ·uᵢ. Below it, the
 * LoRA paper's subspace similarity φ (§7.2) of two adapters as a grid.
 *
 * The element module is small; three.js loads only when the element comes near the viewport, and
 * one WebGL renderer serves every view on the page. Without WebGL it draws a still figure and
 * says why.
 *
 * Attributes (each mirrored by a property; absent = default):
 * - `rank`: 1 (default), 2 or 3: rank r of the built-in example ΔW = B·A (B 3×r, A r×3).
 * - `seed`: integer (default 1): which random B and A the example uses; "New random B, A" steps it.
 * - `for`: id of a `<lora-trainer>` to follow: its live ΔW (`deltaW(layer)`, fetched after
 *   `lora-step` events, at most every 250 ms) projected onto its top three singular directions.
 *   While following, `rank` is ignored.
 * - `layer`: which of the trainer's layers (default: its first).
 * - `compare`: two adapter names saved in the followed trainer, `"a,b"`: the similarity grid
 *   compares their A matrices (`adapterWeights(name)`) instead of the built-in example pair.
 * - `paused`: boolean: no turntable rotation. Under `prefers-reduced-motion: reduce` nothing
 *   moves until the user presses Rotate.
 *
 * Properties:
 * - `matrix`: a ΔW to show, any size, as `{rows, cols, data}` (row-major) or an array of rows;
 *   projected onto its top three singular directions. `null` returns to the example. Ignored
 *   while following a trainer.
 * - `singularValues` (read-only): σ₁, σ₂, σ₃ of the ΔW shown (zero-padded), largest first.
 * - `energy` (read-only): ‖ΔW₃‖²_F / ‖ΔW‖²_F, the share of ΔW held by the directions shown.
 *
 * Invalid values show a message inside the element and fall back to the default; nothing throws.
 * Keyboard on the focused view: arrow keys turn it, + and − zoom, 0 resets, Space pauses.
 *
 * @summary What a rank-r update ΔW = B·A does to space, in 3D, with LoRA §7.2 subspace similarity.
 *
 * @csspart view - The 3D view (a canvas with HTML labels over it).
 * @csspart controls - Rank, example and layer controls.
 * @csspart similarity - The subspace-similarity section.
 *
 * @cssproperty --mg-fg - Text colour.
 * @cssproperty --mg-bg - Background colour.
 * @cssproperty --mg-accent - Links, focus rings, the pressed rank.
 * @cssproperty --mg-muted - Secondary text and borders.
 * @cssproperty --mg-font - Font family.
 */
export class SubspaceView extends LitElement {
  static override styles = styles;

  static override properties = {
    rank: { reflect: true, converter: { fromAttribute: num } },
    seed: { reflect: true, converter: { fromAttribute: num } },
    for: { reflect: true },
    layer: { reflect: true },
    compare: { reflect: true },
    paused: { type: Boolean, reflect: true },
    matrix: { attribute: false },
  };

  declare rank: number | string | null | undefined;
  declare seed: number | string | null | undefined;
  declare for: string | null | undefined;
  declare layer: string | null | undefined;
  declare compare: string | null | undefined;
  declare paused: boolean;
  declare matrix: unknown;

  #picture!: Picture;
  #pictureKey = '';
  #animateNext = false;
  #errors: string[] = [];
  #r = 1;
  #seed = 1;
  #source = 'example';
  #view: View | undefined;
  #gl: 'loading' | 'ready' | 'unavailable' | 'lost' = 'loading';
  #glReason = '';
  #starting = false;
  #visible = false;
  #io: IntersectionObserver | undefined;
  #ro: ResizeObserver | undefined;
  #size: [number, number] = [0, 0];
  #reduced: MediaQueryList | undefined;
  #dark: MediaQueryList | undefined;
  #played = false;
  #layers: Layers = { inputs: true, images: true, arrows: true, colB: true, singular: true };
  #drag: { id: number; x: number; y: number } | undefined;
  // Following a trainer
  #trainer: TrainerLike | undefined;
  #followed: Matrix<Float64Array> | undefined;
  #followError: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastPull = -Infinity;
  #pulling = false;
  #again = false;
  // Similarity grid
  #simOpen = false;
  #grid: SimilarityGrid | undefined;
  #gridKey = '';
  #gridLabel: [string, string] = ['', ''];
  #gridError: string | undefined;
  #lastCompare = -Infinity;

  constructor() {
    super();
    this.paused = false;
    new NearViewportController(this, () => void this.#start());
  }

  /** σ₁, σ₂, σ₃ of the ΔW shown (zero-padded), largest first. */
  get singularValues(): number[] {
    return Array.from(this.#picture.sigma);
  }

  /** Share of ‖ΔW‖²_F held by the three directions shown (0 when ΔW = 0). */
  get energy(): number {
    return this.#picture.energy;
  }

  /** Diagnostics for tests: the arrows as drawn (read back from the scene graph), and whether drawing has caught up. */
  debugScene():
    (ReturnType<View['debug']> & { settled: boolean; gl: string; source: string }) | { gl: string; source: string } {
    const v = this.#view;
    const base = { gl: this.#gl, source: this.#source };
    return v ? { ...v.debug(), ...base, settled: !v.busy && !this.#pulling && this.#timer === undefined } : base;
  }

  /** The page's shared renderer: counters and contexts created (null until three.js has loaded). */
  static rendererInfo(): SharedInfo | null {
    return three ? three.sharedInfo() : null;
  }

  /** Test hook: loses (true) or restores (false) the shared WebGL context. */
  static simulateContextLoss(lose: boolean): boolean {
    return three ? three.simulateContextLoss(lose) : false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reduced = matchMedia('(prefers-reduced-motion: reduce)');
    this.#dark = matchMedia('(prefers-color-scheme: dark)');
    this.#reduced.addEventListener('change', this.#onMotionPref);
    this.#dark.addEventListener('change', this.#onScheme);
    this.#io = new IntersectionObserver((entries) => {
      this.#visible = entries.some((e) => e.isIntersecting);
      this.#view?.setVisible(this.#visible);
      this.#syncMotion();
    });
    this.#io.observe(this);
    this.#ro = new ResizeObserver(() => this.#resize());
    void this.updateComplete.then(() => {
      const stage = this.#stage();
      if (stage && this.#ro) this.#ro.observe(stage);
    });
    this.#bindTrainer();
    // Reconnected after the first approach: the near-viewport controller will not fire again.
    if (this.hasUpdated) void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#reduced?.removeEventListener('change', this.#onMotionPref);
    this.#dark?.removeEventListener('change', this.#onScheme);
    this.#io?.disconnect();
    this.#ro?.disconnect();
    this.#io = this.#ro = undefined;
    this.#unbindTrainer();
    this.#view?.dispose();
    this.#view = undefined;
    this.#drag = undefined;
  }

  // ——— State from attributes, the matrix and the trainer ———

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('for') && this.isConnected && this.hasUpdated) this.#bindTrainer();
    if (changed.has('compare') || changed.has('layer')) this.#lastCompare = -Infinity;
    const errors: string[] = [];
    const r = this.rank;
    this.#r = 1;
    if (r != null && r !== '') {
      if (typeof r === 'number' && Number.isInteger(r) && r >= 1 && r <= 3) this.#r = r;
      else errors.push(`rank="${r}" is not 1, 2 or 3; showing rank 1.`);
    }
    const s = this.seed;
    this.#seed = 1;
    if (s != null && s !== '') {
      if (typeof s === 'number' && Number.isInteger(s)) this.#seed = s;
      else errors.push(`seed="${s}" is not an integer; using seed 1.`);
    }
    const parsed = parseMatrix(this.matrix);
    if (parsed.error) errors.push(`${parsed.error} Showing the example instead.`);
    if (this.#followError) errors.push(this.#followError);
    let key: string;
    let make: () => Picture;
    if (this.for && this.#followed) {
      const f = this.#followed;
      key = `f${this.#followedVersion}`;
      make = () => projectedPicture(f);
      this.#source = 'trainer';
    } else if (parsed.matrix && !this.for) {
      const m = parsed.matrix;
      key = `m${this.#matrixVersion(changed)}`;
      make = () => projectedPicture(m);
      this.#source = 'matrix';
    } else {
      key = `e${this.#r},${this.#seed}`;
      make = () => examplePicture(demoUpdate(this.#r, this.#seed).deltaW);
      this.#source = 'example';
    }
    if (key !== this.#pictureKey) {
      const wasExample = this.#pictureKey.startsWith('e') && key.startsWith('e');
      this.#pictureKey = key;
      this.#picture = make();
      this.#animateNext = wasExample && !this.#reduced?.matches;
    }
    this.#errors = errors;
    if (this.#simOpen) this.#updateGrid();
  }

  #followedVersion = 0;
  #matrixSeen: unknown;
  #matrixCount = 0;
  #matrixVersion(changed: PropertyValues): number {
    if (changed.has('matrix') || this.matrix !== this.#matrixSeen) {
      this.#matrixSeen = this.matrix;
      this.#matrixCount++;
    }
    return this.#matrixCount;
  }

  protected override updated(): void {
    const v = this.#view;
    if (v && this.#drawn !== this.#picture) {
      v.setPicture(this.#picture, this.#animateNext);
      this.#drawn = this.#picture;
    }
    if (this.#gl === 'unavailable') this.#drawStill();
    if (this.#simOpen) this.#paintGrid();
    this.#syncMotion();
  }
  #drawn: Picture | undefined;

  // ——— three.js, loaded near the viewport ———

  async #start(): Promise<void> {
    if (this.#view || this.#starting || !this.isConnected || this.#gl === 'unavailable') return;
    this.#starting = true;
    try {
      three ??= await import('./renderer.ts');
    } catch (e) {
      this.#unavailable(`three.js could not load (${String(e)})`);
      return;
    } finally {
      this.#starting = false;
    }
    await this.updateComplete;
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.gl');
    if (!this.isConnected || !canvas || this.#view) return;
    try {
      this.#view = new three.View(canvas, {
        rendered: (project) => this.#placeLabels(project),
        contextLost: (lost) => {
          this.#gl = lost ? 'lost' : 'ready';
          this.requestUpdate();
        },
      });
    } catch (e) {
      this.#unavailable(e instanceof three.WebGLUnavailableError ? e.message : `WebGL failed to start (${String(e)})`);
      return;
    }
    this.#gl = 'ready';
    const v = this.#view;
    v.setPalette(this.#palette());
    v.setLayers(this.#layers);
    this.#drawn = undefined;
    this.#resize(true);
    v.setVisible(this.#visible);
    this.requestUpdate();
  }

  #unavailable(reason: string): void {
    this.#gl = 'unavailable';
    this.#glReason = reason;
    this.requestUpdate();
  }

  #stage(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.stage');
  }

  #resize(force = false): void {
    const stage = this.#stage();
    if (!stage) return;
    const w = stage.clientWidth;
    const h = stage.clientHeight;
    if (w === this.#size[0] && h === this.#size[1] && !force) return;
    this.#size = [w, h];
    this.#view?.setSize(w, h, devicePixelRatio);
    if (this.#gl === 'unavailable') this.#drawStill();
  }

  #palette(): Palette {
    const cs = getComputedStyle(this);
    const c = (n: string) => cs.getPropertyValue(`--_${n}`).trim() || '#888';
    return {
      inputs: c('in'),
      base: c('base'),
      moved: c('moved'),
      arrow: c('arrow'),
      colB: c('colb'),
      singular: c('sig'),
      guide: c('guide'),
    };
  }

  #onScheme = (): void => {
    this.#view?.setPalette(this.#palette());
    this.requestUpdate();
  };

  #onMotionPref = (): void => this.#syncMotion();

  /** Whether the turntable runs: not paused, and not under reduced motion unless the user pressed Rotate. */
  get #moving(): boolean {
    return !this.paused && (!this.#reduced?.matches || this.#played);
  }

  #syncMotion(): void {
    this.#view?.setMotion(this.#moving && this.#visible && this.#gl === 'ready');
  }

  #placeLabels(project: (x: number, y: number, z: number) => [number, number] | null): void {
    const p = this.#picture;
    const anchors = new Map<string, [number, number, number] | null>();
    const at = (a: Float64Array, i: number, s = 1): [number, number, number] => [
      a[3 * i]! * s,
      a[3 * i + 1]! * s,
      a[3 * i + 2]! * s,
    ];
    const L = this.#layers;
    for (let k = 0; k < 3; k++)
      anchors.set(`s${k + 1}`, L.singular && 3 * k < p.singular.length ? at(p.singular, k, 1.12) : null);
    // col(B): the point of the line or the plane's rim that lies furthest up and to the right on screen.
    const rim: [number, number, number][] = [];
    for (let k = 0; L.colB && p.colBDim > 0 && p.colBDim < 3 && k < 12; k++) {
      const [c, s] = [Math.cos((k * Math.PI) / 6), p.colBDim === 2 ? Math.sin((k * Math.PI) / 6) : 0];
      rim.push([0, 1, 2].map((i) => 1.5 * (c * p.colB[i]! + s * (p.colB[3 + i] ?? 0))) as [number, number, number]);
    }
    let score = -Infinity;
    anchors.set('colB', null);
    for (const c of rim) {
      const xy = project(...c);
      if (xy && xy[0] - xy[1] > score) [score] = [xy[0] - xy[1], anchors.set('colB', c)];
    }
    // Name one arrow: the longest.
    let best = -1;
    let len = 1e-6;
    for (let i = 0; i < p.n; i++) {
      const d = Math.hypot(
        p.moved[3 * i]! - p.base[3 * i]!,
        p.moved[3 * i + 1]! - p.base[3 * i + 1]!,
        p.moved[3 * i + 2]! - p.base[3 * i + 2]!,
      );
      if (d > len) [best, len] = [i, d];
    }
    const mid =
      best < 0 ? null : (at(p.base, best).map((x, j) => (x + p.moved[3 * best + j]!) / 2) as [number, number, number]);
    anchors.set('dw', L.arrows ? mid : null);
    anchors.set('wx', L.images && best >= 0 ? at(p.base, best) : null);
    anchors.set('wdx', L.images && best >= 0 ? at(p.moved, best) : null);
    // Place each label at its anchor, or the nearest free slot above or below it (labels sit above
    // their point: between one label height and the bottom of the view).
    const placed: number[][] = [];
    const H = this.#size[1];
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('.lab')) {
      const a = anchors.get(el.dataset['k']!);
      const xy = a ? project(...a) : null;
      el.hidden = !xy;
      if (!xy) continue;
      const w = el.offsetWidth + 4;
      const h = el.offsetHeight + 2;
      const x = xy[0];
      const free = (y: number) =>
        y >= h && y <= H && !placed.some(([px, py]) => Math.abs(px! - x) < w && Math.abs(py! - y) < h);
      const y = [0, -1, 1, -2, 2, -3, 3].map((k) => xy[1] + k * h).find(free) ?? Math.min(H, Math.max(h, xy[1]));
      placed.push([x, y]);
      el.style.translate = `${x.toFixed(1)}px ${y.toFixed(1)}px`;
    }
  }

  /** Without WebGL: the same picture as a still line drawing on the 2D canvas. */
  #drawStill(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.gl');
    const ctx = canvas?.getContext('2d');
    const [w, h] = this.#size;
    if (!canvas || !ctx || !w || !h) return;
    const dpr = Math.min(2, devicePixelRatio || 1);
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const cs = getComputedStyle(this);
    const col = (n: string) => cs.getPropertyValue(`--_${n}`).trim();
    const [ca, sa, ce, se] = [Math.cos(0.75), Math.sin(0.75), Math.cos(0.42), Math.sin(0.42)];
    const k = Math.min(w, h) / 4.2;
    const P = (a: Float64Array, i: number): [number, number] => {
      const [x, y, z] = [a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!];
      const x1 = x * ca - z * sa;
      const z1 = x * sa + z * ca;
      return [w / 2 + k * x1, h / 2 - k * (y * ce - z1 * se)];
    };
    const p = this.#picture;
    ctx.lineCap = 'round';
    if (p.colBDim === 1 || p.colBDim === 2) {
      ctx.strokeStyle = col('colb');
      ctx.lineWidth = 2;
      const ends = p.colBDim === 1 ? [p.colB.map((x) => 2 * x), p.colB.map((x) => -2 * x)] : [];
      if (ends.length) {
        ctx.beginPath();
        ctx.moveTo(...P(ends[0]!, 0));
        ctx.lineTo(...P(ends[1]!, 0));
        ctx.stroke();
      }
    }
    const dot = (a: Float64Array, i: number, c: string, r: number) => {
      ctx.fillStyle = c;
      ctx.beginPath();
      ctx.arc(...P(a, i), r, 0, 2 * Math.PI);
      ctx.fill();
    };
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = col('arrow');
    for (let i = 0; i < p.n; i++) {
      ctx.beginPath();
      ctx.moveTo(...P(p.base, i));
      ctx.lineTo(...P(p.moved, i));
      ctx.stroke();
      dot(p.base, i, col('base'), 2.5);
      dot(p.moved, i, col('moved'), 2.5);
    }
    ctx.strokeStyle = col('sig');
    ctx.lineWidth = 3;
    for (let i = 0; 3 * i < p.singular.length; i++) {
      ctx.beginPath();
      ctx.moveTo(w / 2, h / 2);
      ctx.lineTo(...P(p.singular, i));
      ctx.stroke();
    }
  }

  // ——— Following a trainer ———

  #bindTrainer(): void {
    this.#unbindTrainer();
    const id = this.for?.trim();
    if (!id) return;
    const root = this.getRootNode() as Document | ShadowRoot;
    const el = (root.getElementById?.(id) ?? document.getElementById(id)) as TrainerLike | null;
    if (!el) {
      // It may come later: bind to it when it first reports a step (lora-step bubbles and is composed).
      this.#root = root;
      root.addEventListener('lora-step', this.#onAnyStep);
      if (document.readyState === 'loading')
        document.addEventListener('DOMContentLoaded', this.#rebind, { once: true });
      else this.#followError = `for="${id}": there is no element with that id on this page yet; showing the example.`;
      this.requestUpdate();
      return;
    }
    this.#trainer = el;
    el.addEventListener('lora-step', this.#onStep);
    el.addEventListener('lora-merge', this.#onStep);
    this.#schedulePull();
  }

  #rebind = (): void => this.#bindTrainer();

  #root: Document | ShadowRoot | undefined;
  #onAnyStep = (e: Event): void => {
    if ((e.composedPath()[0] as Element | undefined)?.id === this.for?.trim()) this.#bindTrainer();
  };

  #unbindTrainer(): void {
    document.removeEventListener('DOMContentLoaded', this.#rebind);
    this.#root?.removeEventListener('lora-step', this.#onAnyStep);
    this.#root = undefined;
    this.#trainer?.removeEventListener('lora-step', this.#onStep);
    this.#trainer?.removeEventListener('lora-merge', this.#onStep);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#trainer = undefined;
    this.#followed = undefined;
    this.#followError = undefined;
    this.requestUpdate();
  }

  #onStep = (): void => this.#schedulePull();

  /** At most one pull per THROTTLE_MS, the last event always followed by one. */
  #schedulePull(): void {
    if (this.#timer !== undefined) return;
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
    const id = this.for;
    try {
      if (t.localName.includes('-') && !customElements.get(t.localName)) await customElements.whenDefined(t.localName);
      if (typeof t.deltaW !== 'function') throw new Error(`#${id} has no deltaW() method: is it a <lora-trainer>?`);
      const raw = await t.deltaW(this.layer || undefined);
      const { matrix, error } = parseMatrix(raw);
      if (!matrix) throw new Error(`deltaW() gave no usable matrix (${error ?? 'nothing'})`);
      if (t !== this.#trainer) return;
      this.#followed = matrix;
      this.#followedVersion++;
      this.#followError = undefined;
      if (this.compare && this.#simOpen && performance.now() - this.#lastCompare > COMPARE_MS)
        await this.#pullCompare(t);
    } catch (e) {
      if (t === this.#trainer)
        this.#followError = `for="${id}": ${e instanceof Error ? e.message : String(e)}; showing the example.`;
    } finally {
      this.#pulling = false;
      this.requestUpdate();
      if (this.#again) {
        this.#again = false;
        this.#schedulePull();
      }
    }
  }

  async #pullCompare(t: TrainerLike): Promise<void> {
    this.#lastCompare = performance.now();
    const names = (this.compare ?? '').split(',').map((s) => s.trim());
    try {
      if (names.length !== 2 || !names[0] || !names[1])
        throw new Error(`compare="${this.compare}" must name two saved adapters, "a,b"`);
      if (typeof t.adapterWeights !== 'function') throw new Error(`#${this.for} has no adapterWeights() method`);
      const [A1, A2] = await Promise.all(names.map(async (n) => this.#pickA(await t.adapterWeights!(n), n)));
      this.#grid = similarityGrid(A1!, A2!, 8, 64);
      this.#gridLabel = [`“${names[0]}” (r = ${A1!.rows})`, `“${names[1]}” (r = ${A2!.rows})`];
      this.#gridError = undefined;
      this.#gridKey = `c${this.compare}`;
    } catch (e) {
      this.#gridError = `${e instanceof Error ? e.message : String(e)}; showing the example pair.`;
      this.#gridKey = '';
    }
  }

  /** An adapter's A: `{A: Matrix}` or `{A: {layer: Matrix}}` (the trainer's AdapterSet). */
  #pickA(raw: unknown, name: string): Matrix<Float64Array> {
    const A = (raw as { A?: unknown } | null)?.A;
    let m: unknown = A;
    if (A && typeof A === 'object' && !('rows' in A)) {
      const rec = A as Record<string, unknown>;
      m = rec[this.layer || Object.keys(rec)[0] || ''];
    }
    const { matrix, error } = parseMatrix(m);
    if (!matrix) throw new Error(`adapter "${name}" has no usable A (${error ?? 'missing'})`);
    return matrix;
  }

  // ——— Similarity grid ———

  #onSimToggle = (e: Event): void => {
    this.#simOpen = (e.target as HTMLDetailsElement).open;
    if (this.#simOpen && this.compare && this.#trainer) this.#schedulePull();
    this.requestUpdate();
  };

  #updateGrid(): void {
    if (this.#gridKey.startsWith('c') && this.compare && this.#trainer && !this.#gridError) return;
    const key = `d${this.#seed}`;
    if (this.#gridKey === key) return;
    const { A1, A2 } = demoAdapters(this.#seed);
    this.#grid = similarityGrid(A1, A2);
    this.#gridKey = key;
    this.#gridLabel = ['A₁, r = 8', 'A₂, r = 64'];
  }

  #paintGrid(): void {
    const g = this.#grid;
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.grid');
    const ctx = canvas?.getContext('2d');
    if (!g || !canvas || !ctx || !g.rows || !g.cols) return;
    const cs = getComputedStyle(this);
    const rgb = (n: string): number[] => {
      ctx.fillStyle = cs.getPropertyValue(`--_${n}`).trim() || '#000';
      const hex = String(ctx.fillStyle);
      return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    };
    const lo = rgb('lo');
    const hi = rgb('hi');
    const bg = cs.getPropertyValue('--_bg').trim();
    // Cells of CW×CH device pixels with a 1 px gap, so the grid reads as cells.
    const [CW, CH] = [10, 18];
    canvas.width = g.cols * CW;
    canvas.height = g.rows * CH;
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < g.rows; i++)
      for (let j = 0; j < g.cols; j++) {
        const t = Math.max(0, Math.min(1, g.data[i * g.cols + j]!));
        ctx.fillStyle = `rgb(${lo.map((c, k) => Math.round(c + (hi[k]! - c) * t)).join(',')})`;
        ctx.fillRect(j * CW, i * CH, CW - 1, CH - 1);
      }
  }

  // ——— Input ———

  #orbit(dAz: number, dEl: number, zoom = 1): void {
    if (!this.#view) return;
    this.#view.orbit(dAz, dEl, zoom);
    if (this.#moving) this.paused = true;
  }

  #onKey = (e: KeyboardEvent): void => {
    const k = e.key;
    const moves: Record<string, [number, number, number]> = {
      ArrowLeft: [-STEP, 0, 1],
      ArrowRight: [STEP, 0, 1],
      ArrowUp: [0, STEP, 1],
      ArrowDown: [0, -STEP, 1],
      '+': [0, 0, 0.85],
      '=': [0, 0, 0.85],
      '-': [0, 0, 1 / 0.85],
    };
    if (moves[k]) this.#orbit(...moves[k]);
    else if (k === '0' || k === 'Home') this.#view?.resetView();
    else if (k === ' ') this.#togglePause();
    else return;
    e.preventDefault();
  };

  #onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0 || !this.#view) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.#drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
  };

  #onPointerMove = (e: PointerEvent): void => {
    const d = this.#drag;
    if (!d || d.id !== e.pointerId) return;
    this.#orbit(-(e.clientX - d.x) * 0.01, (e.clientY - d.y) * 0.01);
    d.x = e.clientX;
    d.y = e.clientY;
  };

  #onPointerUp = (e: PointerEvent): void => {
    if (this.#drag?.id === e.pointerId) this.#drag = undefined;
  };

  #randomise = (): void => {
    this.seed = this.#seed + 1;
  };

  #togglePause(): void {
    if (this.#moving) this.paused = true;
    else {
      this.#played = true;
      this.paused = false;
    }
    this.requestUpdate();
  }

  #onChange = (e: Event): void => {
    const t = e.target as HTMLInputElement;
    if (t.name === 'rank') this.rank = Number(t.value);
    else if (t.name in this.#layers) {
      this.#layers = { ...this.#layers, [t.name]: t.checked };
      this.#view?.setLayers(this.#layers);
      this.requestUpdate();
    }
  };

  // ——— Template ———

  #summary(): string {
    const p = this.#picture;
    if (this.#source === 'example') {
      const r = this.#r;
      const where =
        r === 1
          ? 'along one line, col(B)'
          : r === 2
            ? 'within one plane, col(B)'
            : 'in any direction: col(B) is all of space';
      return `Rank ${r}: every displacement ΔW·x points ${where}.`;
    }
    const what = this.#source === 'trainer' ? `The trainer #${this.for}'s ΔW` : 'The given ΔW';
    if (p.rank === 0)
      return `${what} is zero (${p.rows}×${p.cols}): B starts at zero, so nothing moves until training changes it.`;
    return `${what} is ${p.rows}×${p.cols} with rank ${p.rank}, drawn in its top three singular directions.`;
  }

  #label(key: string, text: string | TemplateResult, cls: string): TemplateResult {
    return html`<span class="lab ${cls}" data-k=${key} hidden>${text}</span>`;
  }

  override render(): TemplateResult {
    const p = this.#picture;
    const proj = this.#source !== 'example';
    const W = proj ? 'x' : 'W x';
    const WdW = proj ? 'x + ΔW x' : '(W + ΔW) x';
    const moving = this.#moving;
    const colBName = this.#source === 'matrix' ? 'col(ΔW)' : 'col(B)';
    const sigmas = Array.from(p.sigma, (s, i) => `σ${sub(i + 1)} = ${fmt(s)}`).join(', ');
    const msg =
      this.#gl === 'loading'
        ? 'Loading the 3D view…'
        : this.#gl === 'lost'
          ? 'The graphics context was lost; restoring it…'
          : '';
    const errors = [
      ...this.#errors,
      ...(this.#gl === 'unavailable'
        ? [
            `3D view unavailable: ${this.#glReason}. Showing a still drawing of the same picture; the numbers below are exact.`,
          ]
        : []),
    ];
    const g = this.#grid;
    return html`<div class="root">
      <div role="alert">
        ${
          errors.length
            ? html`<ul class="errors">
                ${errors.map((e) => html`<li>${e}</li>`)}
              </ul>`
            : nothing
        }
      </div>
      <p class="summary" role="status">${this.#summary()}</p>
      <div
        class="stage"
        part="view"
        tabindex="0"
        role="img"
        aria-label=${`3D view. ${this.#summary()} ${sigmas}. Drag or use the arrow keys to turn it, + and − to zoom.`}
        @keydown=${this.#onKey}
        @pointerdown=${this.#onPointerDown}
        @pointermove=${this.#onPointerMove}
        @pointerup=${this.#onPointerUp}
        @pointercancel=${this.#onPointerUp}
      >
        <canvas class="gl"></canvas>
        <div class="labels" aria-hidden="true">
          ${this.#label('colB', colBName, 'colb')}
          ${[1, 2, 3].map((i) => this.#label(`s${i}`, `σ${sub(i)}u${sub(i)}`, 'sig'))}
          ${this.#label('dw', 'ΔW x', 'arrow')} ${this.#label('wx', W, 'base')} ${this.#label('wdx', WdW, 'moved')}
        </div>
        ${msg ? html`<p class="msg">${msg}</p>` : nothing}
      </div>
      <div class="nav" role="group" aria-label="Turn the view">
        <button type="button" aria-label="Turn left" @click=${() => this.#orbit(-STEP, 0)}>←</button>
        <button type="button" aria-label="Turn right" @click=${() => this.#orbit(STEP, 0)}>→</button>
        <button type="button" aria-label="Tilt up" @click=${() => this.#orbit(0, STEP)}>↑</button>
        <button type="button" aria-label="Tilt down" @click=${() => this.#orbit(0, -STEP)}>↓</button>
        <button type="button" aria-label="Zoom in" @click=${() => this.#orbit(0, 0, 0.85)}>+</button>
        <button type="button" aria-label="Zoom out" @click=${() => this.#orbit(0, 0, 1 / 0.85)}>−</button>
        <button type="button" @click=${() => this.#view?.resetView()}>Reset view</button>
        <button type="button" class="play" aria-pressed=${moving ? 'false' : 'true'} @click=${this.#togglePause}>
          ${moving ? 'Pause rotation' : 'Rotate'}
        </button>
      </div>
      <ul class="legend">
        <li><span class="sw in"></span>x on the unit sphere</li>
        <li><span class="sw base"></span>${W}</li>
        <li><span class="sw moved"></span>${WdW}</li>
        <li><span class="sw arrow"></span>ΔW x = B(A x)</li>
        <li><span class="sw colb"></span>${colBName}${p.colBDim === 3 ? ' = all of ℝ³' : ''}</li>
        <li><span class="sw sig"></span>σᵢuᵢ, singular directions</li>
      </ul>
      <dl class="nums">
        <div>
          <dt>Singular values of ΔW</dt>
          <dd>${sigmas}</dd>
        </div>
        <div>
          <dt>rank ΔW</dt>
          <dd>${p.rank}</dd>
        </div>
        <div>
          <dt>Energy shown, ‖ΔW₃‖²<sub>F</sub> / ‖ΔW‖²<sub>F</sub></dt>
          <dd>${pct(p.energy)}</dd>
        </div>
        <div>
          <dt>ΔW</dt>
          <dd>
            ${p.rows}×${p.cols},
            ${this.#source === 'example' ? `example, seed ${this.#seed}` : this.#source === 'trainer' ? `from #${this.for}` : 'given'}${p.scale !== 1 ? `, arrows drawn ×${fmt(p.scale)}` : ''}
          </dd>
        </div>
      </dl>
      <form class="ctl" part="controls" @change=${this.#onChange} @submit=${(e: Event) => e.preventDefault()}>
        <fieldset ?disabled=${proj}>
          <legend>Rank r of ΔW = BA${proj ? ' (set by the matrix shown)' : ''}</legend>
          ${[1, 2, 3].map((r) => html`<label><input type="radio" name="rank" value=${r} .checked=${this.#r === r} />${r}</label>`)}
          <button type="button" @click=${this.#randomise}>New random B, A</button>
        </fieldset>
        <fieldset>
          <legend>Show</legend>
          ${(
            [
              ['inputs', 'inputs x'],
              ['images', 'images'],
              ['arrows', 'ΔW x'],
              ['colB', colBName],
              ['singular', 'σᵢuᵢ'],
            ] as const
          ).map(([k, t]) => html`<label><input type="checkbox" name=${k} .checked=${this.#layers[k]} />${t}</label>`)}
        </fieldset>
      </form>
      <details class="sim" part="similarity" ?open=${this.#simOpen} @toggle=${this.#onSimToggle}>
        <summary>Subspace similarity of two adapters (LoRA §7.2)</summary>
        <p>
          φ(A₁, A₂, i, j) = ‖U<sub>A₁</sub><sup>i⊤</sup>U<sub>A₂</sub><sup>j</sup>‖²<sub>F</sub> / min(i, j) compares
          the top i right-singular directions of one adapter's A with the top j of another's: 1 when one subspace
          contains the other, near 0 when they are unrelated.
          <a href=${lessonUrl()}>Why this matters: rank is the capacity dial</a>.
        </p>
        ${this.#gridError ? html`<p class="error">${this.#gridError}</p>` : nothing}
        ${
          g
            ? html`<figure class="grid-fig">
                <div class="ylab">i: ${this.#gridLabel[0]}</div>
                <canvas
                  class="grid"
                  role="img"
                  aria-label=${`Grid of φ for i = 1…${g.rows} and j = 1…${g.cols}: φ(1, 1) = ${fmt(g.data[0]!)}; φ(${g.rows}, ${g.cols}) = ${fmt(g.data[g.data.length - 1]!)}.`}
                ></canvas>
                <div class="ticks" aria-hidden="true"><span>j = 1</span><span>${g.cols}</span></div>
                <figcaption>
                  <span class="scale" aria-hidden="true">φ = 0 <span class="bar"></span> 1</span>
                  Rows i = 1…${g.rows} from the top, columns j = 1…${g.cols}; j: ${this.#gridLabel[1]}.
                  ${
                    this.#gridKey.startsWith('d')
                      ? 'Synthetic adapters made to behave as the paper reports for r = 8 and r = 64 on GPT-3: one strongly shared direction, the rest noise. Follow a trainer with compare="a,b" to see your own.'
                      : nothing
                  }
                </figcaption>
                <details>
                  <summary>φ as numbers (j ≤ 8)</summary>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">i \\ j</th>
                        ${Array.from({ length: Math.min(8, g.cols) }, (_, j) => html`<th scope="col">${j + 1}</th>`)}
                      </tr>
                    </thead>
                    <tbody>
                      ${Array.from(
                        { length: g.rows },
                        (_, i) =>
                          html`<tr>
                            <th scope="row">${i + 1}</th>
                            ${Array.from({ length: Math.min(8, g.cols) }, (_, j) => html`<td>${g.data[i * g.cols + j]!.toFixed(2)}</td>`)}
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </details>
              </figure>`
            : nothing
        }
      </details>
    </div>`;
  }
}

if (!customElements.get('subspace-view')) customElements.define('subspace-view', SubspaceView);

declare global {
  interface HTMLElementTagNameMap {
    'subspace-view': SubspaceView;
  }
}
