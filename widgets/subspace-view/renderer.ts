/**
 * The three.js half of `<subspace-view>`, loaded with `import()` only when a view comes near the
 * viewport: each element owns a `View` (its picture's scene, a camera, its own 2D canvas), drawn
 * by the page's one shared renderer (./shared-renderer.ts). A view is rendered only while it is
 * visible and something changed (the picture, the camera, the size, the palette, a running
 * turntable or tween).
 */
import { HemisphereLight, PerspectiveCamera, Vector3 } from 'three';
import type { Picture } from './model.ts';
import { PictureScene, type Layers, type Palette, type SceneReadout } from './scene.ts';
import { SharedRenderer, WebGLUnavailableError, type SharedClient, type SharedInfo } from './shared-renderer.ts';

export { WebGLUnavailableError };
export type { Layers, Palette, SharedInfo };

/** The page's renderer, for diagnostics and tests. */
export const sharedInfo = (): SharedInfo => SharedRenderer.info();

/** Test hook: loses (or restores) the shared context through WEBGL_lose_context. */
export const simulateContextLoss = (lose: boolean): boolean => SharedRenderer.simulateContextLoss(lose);

export interface ViewHooks {
  /** After each render: maps a point in picture coordinates to CSS pixels in the view (null behind the camera). */
  rendered(project: (x: number, y: number, z: number) => [number, number] | null): void;
  /** The shared WebGL context was lost (true) or restored (false). */
  contextLost(lost: boolean): void;
}

const DPR_MAX = 2;
const v3 = new Vector3();

/** One element's scene and camera, drawn by the shared renderer into the element's 2D canvas. */
export class View implements SharedClient {
  readonly #hooks: ViewHooks;
  readonly #shared: SharedRenderer;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #target: HTMLCanvasElement;
  readonly #objects: PictureScene;
  readonly #camera = new PerspectiveCamera(32, 1.6, 0.1, 50);

  #picture: Picture | undefined;
  #shown = new Float64Array(0);
  #tween: { from: Float64Array; start: number } | undefined;
  #w = 0;
  #h = 0;
  #cssW = 0;
  #cssH = 0;
  #visible = false;
  #dirty = true;
  #motion = false;
  #lastTime = -1;
  #renders = 0;
  #az = 0.75;
  #el = 0.42;
  #dist = 6;
  #layers: Layers = { inputs: true, images: true, arrows: true, colB: true, singular: true };

  constructor(target: HTMLCanvasElement, hooks: ViewHooks) {
    const ctx = target.getContext('2d');
    if (!ctx) throw new WebGLUnavailableError('no 2D canvas context');
    this.#shared = SharedRenderer.join(this);
    this.#hooks = hooks;
    this.#target = target;
    this.#ctx = ctx;
    this.#objects = new PictureScene(60);
    // Light from above and in front of the camera, darker from below: shape without glare.
    const light = new HemisphereLight(0xffffff, 0x6b6b6b, 3);
    light.position.set(0.3, 1, 0.8);
    this.#camera.add(light);
    this.#objects.scene.add(this.#camera);
  }

  /** Shows a new picture; `animate` moves the images there over 450 ms instead of at once. */
  setPicture(p: Picture, animate: boolean): void {
    const from = this.#shown;
    this.#picture = p;
    this.#tween = animate && from.length === p.moved.length ? { from, start: -1 } : undefined;
    this.#objects.placeStatic(p, this.#layers);
    this.#placeMoving(this.#tween ? from : p.moved);
    this.invalidate();
  }

  setPalette(c: Palette): void {
    this.#objects.setPalette(c);
    this.invalidate();
  }

  setLayers(l: Layers): void {
    this.#layers = { ...l };
    if (this.#picture) {
      this.#objects.placeStatic(this.#picture, this.#layers);
      this.#placeMoving(this.#shown);
    }
    this.invalidate();
  }

  /** CSS size of the view and the device pixel ratio. */
  setSize(cssW: number, cssH: number, dpr: number): void {
    const r = Math.min(DPR_MAX, Math.max(1, dpr));
    this.#cssW = cssW;
    this.#cssH = cssH;
    this.#w = Math.round(cssW * r);
    this.#h = Math.round(cssH * r);
    this.#target.width = this.#w;
    this.#target.height = this.#h;
    this.#camera.aspect = cssH > 0 ? cssW / cssH : 1;
    this.#camera.updateProjectionMatrix();
    this.invalidate();
  }

  setVisible(v: boolean): void {
    this.#visible = v;
    if (v) this.invalidate();
  }

  /** Turntable on or off. */
  setMotion(on: boolean): void {
    if (on === this.#motion) return;
    this.#motion = on;
    this.#lastTime = -1;
    this.invalidate();
  }

  /** Rotates the camera by `dAz` (about the vertical) and `dEl` radians, zooms by `factor`. */
  orbit(dAz: number, dEl: number, factor = 1): void {
    this.#az += dAz;
    this.#el = Math.max(-1.45, Math.min(1.45, this.#el + dEl));
    this.#dist = Math.max(3.5, Math.min(16, this.#dist * factor));
    this.invalidate();
  }

  resetView(): void {
    this.#az = 0.75;
    this.#el = 0.42;
    this.#dist = 6;
    this.invalidate();
  }

  /** Something changed: draw at the next frame (if visible). */
  invalidate(): void {
    this.#dirty = true;
    this.#shared.request();
  }

  /** The shared context was lost or restored (then everything is drawn again). */
  contextLost(lost: boolean): void {
    this.#hooks.contextLost(lost);
    if (!lost) this.invalidate();
  }

  /** Called by the shared loop; returns whether this view wants another frame. */
  frame(time: number): boolean {
    if (!this.#visible || this.#w === 0 || this.#h === 0 || this.#shared.lost) return false;
    let again = false;
    const dt = this.#lastTime < 0 ? 0 : Math.min(0.1, (time - this.#lastTime) / 1000);
    this.#lastTime = time;
    if (this.#motion) {
      this.#az += dt * 0.35;
      this.#dirty = again = true;
    }
    const tw = this.#tween;
    if (tw && this.#picture) {
      if (tw.start < 0) tw.start = time;
      const t = Math.min(1, (time - tw.start) / 450);
      const e = t * t * (3 - 2 * t);
      const to = this.#picture.moved;
      this.#placeMoving(to.map((x, i) => tw.from[i]! + (x - tw.from[i]!) * e));
      if (t >= 1) this.#tween = undefined;
      else again = true;
      this.#dirty = true;
    }
    if (!this.#dirty) return again;
    this.#dirty = false;
    const c = Math.cos(this.#el);
    this.#camera.position.set(
      this.#dist * c * Math.sin(this.#az),
      this.#dist * Math.sin(this.#el),
      this.#dist * c * Math.cos(this.#az),
    );
    this.#camera.lookAt(0, 0, 0);
    this.#camera.updateMatrixWorld();
    this.#shared.draw(this.#objects.scene, this.#camera, this.#w, this.#h, this.#ctx);
    this.#renders++;
    this.#hooks.rendered((x, y, z) => {
      v3.set(x, y, z).project(this.#camera);
      return v3.z > 1 ? null : [((v3.x + 1) / 2) * this.#cssW, ((1 - v3.y) / 2) * this.#cssH];
    });
    return again;
  }

  /** True while a tween or the turntable still needs frames, or a change has not been drawn. */
  get busy(): boolean {
    return this.#dirty || !!this.#tween || this.#motion;
  }

  /** Scene-graph readout for tests: the drawn arrows' unit directions, col(B), renders so far, the camera (az, el, dist). */
  debug(): SceneReadout & { colBDim: number; renders: number; camera: number[] } {
    return {
      ...this.#objects.readout(),
      colBDim: this.#picture?.colBDim ?? 0,
      renders: this.#renders,
      camera: [this.#az, this.#el, this.#dist],
    };
  }

  /** Places the moved images at `moved` and remembers them as shown (where the next tween starts). */
  #placeMoving(moved: ArrayLike<number>): void {
    this.#shown = Float64Array.from(moved);
    this.#objects.placeMoving(this.#picture!, moved, this.#layers);
  }

  /** Disposes this view's geometries, materials and instanced buffers; the last view out disposes the renderer. */
  dispose(): void {
    this.#objects.dispose();
    this.#shared.leave(this);
  }
}
