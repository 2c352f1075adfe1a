import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { NearViewportController } from '../shared/near-viewport.ts';
import { demoUpdate } from './demo.ts';
import { TrainerFollower } from './follow.ts';
import { fmt, pct, sub } from './format.ts';
import { labelAnchors, placeLabels, type Project } from './labels.ts';
import { examplePicture, projectedPicture, type Picture } from './model.ts';
import { OrbitController, STEP } from './orbit.ts';
import { numberOrText, parseMatrix, parseRank, parseSeed } from './parse.ts';
import type { Layers, Palette, SharedInfo, View } from './renderer.ts';
import { paintSimilarity, renderSimilarity, similarityFor, type SimilarityTable } from './similarity.ts';
import { drawStill } from './still.ts';
import { styles } from './subspace-view.styles.ts';

type Renderer = typeof import('./renderer.ts');
/** The three.js half, once loaded (shared by every view on the page). */
let three: Renderer | undefined;

/**
 * A 3D picture of what a low-rank update does to space: inputs x on the unit sphere, their images
 * W·x and (W + ΔW)·x, the differences ΔW·x as arrows, the column space col(B) of ΔW = B·A as a
 * line (r = 1) or plane (r = 2), and the singular directions of ΔW as arrows σᵢ·uᵢ. Below it, the
 * LoRA paper's subspace similarity φ (§7.2) of two adapters as a heatmap.
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
 * - `compare`: two adapter names saved in the followed trainer, `"a,b"`: the similarity heatmap
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
    rank: { reflect: true, converter: { fromAttribute: numberOrText } },
    seed: { reflect: true, converter: { fromAttribute: numberOrText } },
    for: { reflect: true },
    layer: { reflect: true },
    compare: { reflect: true },
    paused: { type: Boolean, reflect: true },
    matrix: { attribute: false },
  };

  /** Rank r of the example ΔW = B·A: 1 (default), 2 or 3. */
  declare rank: number | string | null | undefined;
  /** Integer seed of the example's random B and A (default 1). */
  declare seed: number | string | null | undefined;
  /** Id of a `<lora-trainer>` whose live ΔW to show instead of the example. */
  declare for: string | null | undefined;
  /** Which of the followed trainer's layers to show (default: its first). */
  declare layer: string | null | undefined;
  /** Two adapters saved in the followed trainer, `"a,b"`, to compare in the similarity section. */
  declare compare: string | null | undefined;
  /** No turntable rotation. */
  declare paused: boolean;
  /** A ΔW to show, any size: `{rows, cols, data}` (row-major) or an array of rows; `null` for the example. */
  declare matrix: unknown;

  readonly #follow = new TrainerFollower(this, () => this.#simOpen);
  readonly #orbit = new OrbitController(
    this,
    () => this.#view,
    () => this.#syncMotion(),
  );
  // What is drawn: the picture, where it came from, and the messages about the inputs.
  #picture!: Picture;
  #pictureKey = '';
  #drawn: Picture | undefined;
  #animateNext = false;
  #errors: string[] = [];
  #r = 1;
  #seed = 1;
  #source: 'example' | 'matrix' | 'trainer' = 'example';
  #matrixSeen: unknown;
  #matrixVersion = 0;
  #layers: Layers = { inputs: true, images: true, arrows: true, colB: true, singular: true };
  // The three.js view and what it depends on.
  #view: View | undefined;
  #gl: 'loading' | 'ready' | 'unavailable' | 'lost' = 'loading';
  #glReason = '';
  #starting = false;
  #visible = false;
  #io: IntersectionObserver | undefined;
  #ro: ResizeObserver | undefined;
  #size: [number, number] = [0, 0];
  #dark: MediaQueryList | undefined;
  // The similarity section.
  #simOpen = false;
  #similarity: SimilarityTable | undefined;

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
    return v ? { ...v.debug(), ...base, settled: !v.busy && !this.#follow.busy } : base;
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
    this.#dark = matchMedia('(prefers-color-scheme: dark)');
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
    // Reconnected after the first approach: the near-viewport controller will not fire again.
    if (this.hasUpdated) void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dark?.removeEventListener('change', this.#onScheme);
    this.#io?.disconnect();
    this.#ro?.disconnect();
    this.#io = this.#ro = undefined;
    this.#view?.dispose();
    this.#view = undefined;
  }

  // ——— State from attributes, the matrix and the trainer ———

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('for') && this.isConnected && this.hasUpdated) this.#follow.bind();
    if (changed.has('compare') || changed.has('layer')) this.#follow.adaptersDue();
    const rank = parseRank(this.rank);
    const seed = parseSeed(this.seed);
    const parsed = parseMatrix(this.matrix);
    this.#r = rank.value;
    this.#seed = seed.value;
    const errors = [rank.error, seed.error, parsed.error && `${parsed.error} Showing the example instead.`];
    errors.push(this.#follow.error);
    if (changed.has('matrix') || this.matrix !== this.#matrixSeen) {
      this.#matrixSeen = this.matrix;
      this.#matrixVersion++;
    }
    const followed = this.#follow.deltaW;
    let key: string;
    let make: () => Picture;
    if (this.for && followed) {
      key = `f${this.#follow.version}`;
      make = () => projectedPicture(followed);
      this.#source = 'trainer';
    } else if (parsed.matrix && !this.for) {
      const m = parsed.matrix;
      key = `m${this.#matrixVersion}`;
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
      this.#animateNext = wasExample && !this.#orbit.reducedMotion;
    }
    this.#errors = errors.filter((e): e is string => !!e);
    if (this.#simOpen)
      this.#similarity = similarityFor(this.#similarity, this.#seed, this.compare ? this.#follow.adapters : undefined);
  }

  protected override updated(): void {
    const v = this.#view;
    if (v && this.#drawn !== this.#picture) {
      v.setPicture(this.#picture, this.#animateNext);
      this.#drawn = this.#picture;
    }
    if (this.#gl === 'unavailable') this.#drawStill();
    const phi = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.phi');
    if (this.#simOpen && phi && this.#similarity) {
      const cs = getComputedStyle(this);
      const css = (n: string) => cs.getPropertyValue(`--_${n}`).trim();
      paintSimilarity(phi, this.#similarity.phi, css('lo'), css('hi'), css('bg'));
    }
    this.#syncMotion();
  }

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

  /** The colours of the drawing, from the --_in … --_guide custom properties (so the theme sets both). */
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

  #syncMotion(): void {
    this.#view?.setMotion(this.#orbit.moving && this.#visible && this.#gl === 'ready');
  }

  #placeLabels(project: Project): void {
    const anchors = labelAnchors(this.#picture, this.#layers, project);
    placeLabels(this.renderRoot.querySelectorAll<HTMLElement>('.lab'), anchors, project, this.#size[1]);
  }

  /** Without WebGL: the same picture as a still line drawing on the 2D canvas. */
  #drawStill(): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.gl');
    if (canvas) drawStill(canvas, this.#picture, ...this.#size, this.#palette());
  }

  // ——— Input ———

  #onSimToggle = (e: Event): void => {
    this.#simOpen = (e.target as HTMLDetailsElement).open;
    if (this.#simOpen && this.compare) this.#follow.requestPull();
    this.requestUpdate();
  };

  #randomise = (): void => {
    this.seed = this.#seed + 1;
  };

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
    const o = this.#orbit;
    const moving = o.moving;
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
        @keydown=${o.onKey}
        @pointerdown=${o.onPointerDown}
        @pointermove=${o.onPointerMove}
        @pointerup=${o.onPointerUp}
        @pointercancel=${o.onPointerUp}
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
        <button type="button" aria-label="Turn left" @click=${() => o.turn(-STEP, 0)}>←</button>
        <button type="button" aria-label="Turn right" @click=${() => o.turn(STEP, 0)}>→</button>
        <button type="button" aria-label="Tilt up" @click=${() => o.turn(0, STEP)}>↑</button>
        <button type="button" aria-label="Tilt down" @click=${() => o.turn(0, -STEP)}>↓</button>
        <button type="button" aria-label="Zoom in" @click=${() => o.turn(0, 0, 0.85)}>+</button>
        <button type="button" aria-label="Zoom out" @click=${() => o.turn(0, 0, 1 / 0.85)}>−</button>
        <button type="button" @click=${() => o.reset()}>Reset view</button>
        <button type="button" class="play" aria-pressed=${moving ? 'false' : 'true'} @click=${o.togglePause}>
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
      ${renderSimilarity(this.#similarity, this.#follow.adaptersError, this.#simOpen, this.#onSimToggle)}
    </div>`;
  }
}

if (!customElements.get('subspace-view')) customElements.define('subspace-view', SubspaceView);

declare global {
  interface HTMLElementTagNameMap {
    'subspace-view': SubspaceView;
  }
}
