/**
 * The page's one WebGL renderer, shared by every `<subspace-view>` (STYLE.md §7; browsers cap live
 * contexts at about 16). It draws on a detached canvas: a view's scene is rendered into the
 * canvas's bottom-left corner and copied into that view's own 2D canvas in the same task. One
 * animation loop serves every view and stops itself when no view wants another frame. Created by
 * the first view, disposed (and its context released) when the last one leaves. On context loss
 * drawing stops and the views are told; three.js re-creates its GPU state on
 * `webglcontextrestored`, after which every view redraws.
 */
import { WebGLRenderer, type PerspectiveCamera, type Scene } from 'three';

/** What the shared renderer needs of a view. */
export interface SharedClient {
  /** Draws this view if it needs it; returns whether it wants another frame. */
  frame(time: number): boolean;
  /** The context was lost (true) or restored (false); on restore the view must redraw. */
  contextLost(lost: boolean): void;
}

/** What the diagnostics hook reports about the page's one renderer. */
export interface SharedInfo {
  /** A renderer exists now. */
  alive: boolean;
  /** Renderers (WebGL contexts) this page has created so far. */
  created: number;
  views: number;
  /** three.js memory counters now, or at the moment the last view left. */
  geometries: number;
  textures: number;
  programs: number;
  /** Views rendered so far (all views, all frames). */
  renders: number;
  contextLost: boolean;
}

/** Thrown when the browser gives no WebGL2 context (the element then draws its still figure). */
export class WebGLUnavailableError extends Error {}

type Counters = Pick<SharedInfo, 'geometries' | 'textures' | 'programs' | 'renders'>;

let shared: SharedRenderer | undefined;
let created = 0;
let last: Counters = { geometries: 0, textures: 0, programs: 0, renders: 0 };

/** The renderer and its loop; one per page at a time, reached through `joinShared`. */
export class SharedRenderer {
  readonly #canvas = document.createElement('canvas');
  readonly #renderer: WebGLRenderer;
  readonly #clients = new Set<SharedClient>();
  #lost = false;
  #renders = 0;
  #loseExt: WEBGL_lose_context | undefined;
  #running = false;

  private constructor() {
    const gl = this.#canvas.getContext('webgl2', { antialias: true, alpha: true, premultipliedAlpha: true });
    if (!gl) throw new WebGLUnavailableError('this browser gives no WebGL2 context');
    this.#renderer = new WebGLRenderer({ canvas: this.#canvas, context: gl, antialias: true, alpha: true });
    this.#renderer.setPixelRatio(1);
    this.#renderer.setClearColor(0x000000, 0);
    this.#renderer.setScissorTest(true);
    this.#canvas.addEventListener('webglcontextlost', this.#onLost);
    this.#canvas.addEventListener('webglcontextrestored', this.#onRestored);
    created++;
  }

  /** Adds `client` to the page's renderer, creating the renderer first if there is none. */
  static join(client: SharedClient): SharedRenderer {
    const s = (shared ??= new SharedRenderer());
    s.#clients.add(client);
    return s;
  }

  /** True while the context is lost: nothing can be drawn. */
  get lost(): boolean {
    return this.#lost;
  }

  #onLost = (e: Event): void => {
    e.preventDefault();
    this.#lost = true;
    for (const c of this.#clients) c.contextLost(true);
  };

  #onRestored = (): void => {
    this.#lost = false;
    for (const c of this.#clients) c.contextLost(false);
  };

  /** Starts the shared loop if it is not running. */
  request(): void {
    if (this.#running || this.#lost) return;
    this.#running = true;
    this.#renderer.setAnimationLoop(this.#frame);
  }

  #frame = (time: number): void => {
    let again = false;
    for (const c of this.#clients) again = c.frame(time) || again;
    if (!again || this.#lost) {
      this.#running = false;
      this.#renderer.setAnimationLoop(null);
    }
  };

  /** Renders `scene` at w×h device pixels into the shared canvas's bottom-left corner and copies it to `ctx`. */
  draw(scene: Scene, camera: PerspectiveCamera, w: number, h: number, ctx: CanvasRenderingContext2D): void {
    const size = this.#canvas;
    if (size.width < w || size.height < h)
      this.#renderer.setSize(Math.max(size.width, w), Math.max(size.height, h), false);
    this.#renderer.setViewport(0, 0, w, h);
    this.#renderer.setScissor(0, 0, w, h);
    this.#renderer.render(scene, camera);
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(this.#canvas, 0, this.#canvas.height - h, w, h, 0, 0, w, h);
    this.#renders++;
  }

  #counters(): Counters {
    const { memory, programs } = this.#renderer.info;
    return {
      geometries: memory.geometries,
      textures: memory.textures,
      programs: programs?.length ?? 0,
      renders: this.#renders,
    };
  }

  /** Removes `client`; the last one out stops the loop, disposes the renderer and releases its context. */
  leave(client: SharedClient): void {
    this.#clients.delete(client);
    if (this.#clients.size > 0) return;
    last = this.#counters();
    this.#renderer.setAnimationLoop(null);
    this.#running = false;
    this.#canvas.removeEventListener('webglcontextlost', this.#onLost);
    this.#canvas.removeEventListener('webglcontextrestored', this.#onRestored);
    this.#renderer.dispose();
    this.#renderer.forceContextLoss();
    shared = undefined;
  }

  /** The page's renderer, for diagnostics and tests. */
  static info(): SharedInfo {
    const s = shared;
    if (!s) return { alive: false, created, views: 0, contextLost: false, ...last };
    return { alive: true, created, views: s.#clients.size, contextLost: s.#lost, ...s.#counters() };
  }

  /** Test hook: loses (or restores) the shared context through WEBGL_lose_context. */
  static simulateContextLoss(lose: boolean): boolean {
    // Ask for the extension before the loss: a lost context hands out no extensions.
    const s = shared;
    const ext = s && (s.#loseExt ??= s.#renderer.getContext().getExtension('WEBGL_lose_context') ?? undefined);
    if (!ext) return false;
    if (lose) ext.loseContext();
    else ext.restoreContext();
    return true;
  }
}
