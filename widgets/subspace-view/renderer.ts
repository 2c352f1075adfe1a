/**
 * The three.js half of `<subspace-view>`, loaded with `import()` only when a view comes near the
 * viewport.
 *
 * One WebGL context per page (STYLE.md §7; browsers cap live contexts at about 16): a lazily
 * created `Shared` renderer draws on a detached canvas. Each element owns a `View` (its own scene,
 * camera and 2D canvas); the shared loop renders a view into the corner of the shared canvas and
 * copies that corner into the element's 2D canvas in the same task. It renders a view only while
 * it is visible and something changed (the picture, the camera, the size, the palette, a running
 * turntable or tween); the loop stops itself when nothing is left to draw. The last view to leave
 * disposes the renderer and releases the context. Context loss: drawing stops, views are told,
 * and three.js re-creates its GPU state on `webglcontextrestored`, after which every view redraws.
 */
import {
  Color,
  ConeGeometry,
  CylinderGeometry,
  DoubleSide,
  HemisphereLight,
  InstancedMesh,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Quaternion,
  Scene,
  SphereGeometry,
  Vector3,
  WebGLRenderer,
  type BufferGeometry,
  type Material,
} from 'three';
import type { Picture } from './model.ts';

/** CSS colours of the drawn objects (read from the element's custom properties). */
export interface Palette {
  inputs: string;
  base: string;
  moved: string;
  arrow: string;
  colB: string;
  singular: string;
  guide: string;
}

/** Which objects are drawn. */
export interface Layers {
  inputs: boolean;
  images: boolean;
  arrows: boolean;
  colB: boolean;
  singular: boolean;
}

export interface ViewHooks {
  /** After each render: maps a point in picture coordinates to CSS pixels in the view (null behind the camera). */
  rendered(project: (x: number, y: number, z: number) => [number, number] | null): void;
  /** The shared WebGL context was lost (true) or restored (false). */
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

const Y = new Vector3(0, 1, 0);
const DPR_MAX = 2;

class Shared {
  readonly canvas = document.createElement('canvas');
  readonly renderer: WebGLRenderer;
  readonly views = new Set<View>();
  lost = false;
  renders = 0;
  loseExt: WEBGL_lose_context | undefined;
  #running = false;

  constructor() {
    const gl = this.canvas.getContext('webgl2', { antialias: true, alpha: true, premultipliedAlpha: true });
    if (!gl) throw new WebGLUnavailableError('this browser gives no WebGL2 context');
    this.renderer = new WebGLRenderer({ canvas: this.canvas, context: gl, antialias: true, alpha: true });
    this.renderer.setPixelRatio(1);
    this.renderer.setClearColor(0x000000, 0);
    this.renderer.setScissorTest(true);
    this.canvas.addEventListener('webglcontextlost', this.#onLost);
    this.canvas.addEventListener('webglcontextrestored', this.#onRestored);
    created++;
  }

  #onLost = (e: Event): void => {
    e.preventDefault();
    this.lost = true;
    for (const v of this.views) v.hooks.contextLost(true);
  };

  #onRestored = (): void => {
    this.lost = false;
    for (const v of this.views) {
      v.hooks.contextLost(false);
      v.invalidate();
    }
  };

  /** Starts the shared loop if it is not running. */
  request(): void {
    if (this.#running || this.lost) return;
    this.#running = true;
    this.renderer.setAnimationLoop(this.#frame);
  }

  #frame = (time: number): void => {
    let again = false;
    for (const v of this.views) again = v.frame(time) || again;
    if (!again || this.lost) {
      this.#running = false;
      this.renderer.setAnimationLoop(null);
    }
  };

  /** Renders `scene` at w×h device pixels into the shared canvas's bottom-left corner and copies it to `ctx`. */
  draw(scene: Scene, camera: PerspectiveCamera, w: number, h: number, ctx: CanvasRenderingContext2D): void {
    const size = this.canvas;
    if (size.width < w || size.height < h)
      this.renderer.setSize(Math.max(size.width, w), Math.max(size.height, h), false);
    this.renderer.setViewport(0, 0, w, h);
    this.renderer.setScissor(0, 0, w, h);
    this.renderer.render(scene, camera);
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(this.canvas, 0, this.canvas.height - h, w, h, 0, 0, w, h);
    this.renders++;
  }

  memory(): Pick<SharedInfo, 'geometries' | 'textures' | 'programs'> {
    const { memory, programs } = this.renderer.info;
    return { geometries: memory.geometries, textures: memory.textures, programs: programs?.length ?? 0 };
  }

  release(view: View): void {
    this.views.delete(view);
    if (this.views.size > 0) return;
    last = { ...this.memory(), renders: this.renders };
    this.renderer.setAnimationLoop(null);
    this.canvas.removeEventListener('webglcontextlost', this.#onLost);
    this.canvas.removeEventListener('webglcontextrestored', this.#onRestored);
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    shared = undefined;
  }
}

let shared: Shared | undefined;
let created = 0;
let last: Pick<SharedInfo, 'geometries' | 'textures' | 'programs' | 'renders'> = {
  geometries: 0,
  textures: 0,
  programs: 0,
  renders: 0,
};

/** The page's renderer, for diagnostics and tests. */
export function sharedInfo(): SharedInfo {
  const s = shared;
  const mem = s ? { ...s.memory(), renders: s.renders } : last;
  return { alive: !!s, created, views: s?.views.size ?? 0, contextLost: s?.lost ?? false, ...mem };
}

/** Test hook: loses (or restores) the shared context through WEBGL_lose_context. */
export function simulateContextLoss(lose: boolean): boolean {
  // Ask for the extension before the loss: a lost context hands out no extensions.
  const s = shared;
  const ext = s && (s.loseExt ??= s.renderer.getContext().getExtension('WEBGL_lose_context') ?? undefined);
  if (!ext) return false;
  if (lose) ext.loseContext();
  else ext.restoreContext();
  return true;
}

const m4 = new Matrix4();
const q4 = new Quaternion();
const v3 = new Vector3();
const s3 = new Vector3();
const d3 = new Vector3();

/** One element's scene and camera, drawn by the shared renderer into the element's 2D canvas. */
export class View {
  readonly hooks: ViewHooks;
  readonly #shared: Shared;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #target: HTMLCanvasElement;
  readonly #scene = new Scene();
  readonly #camera = new PerspectiveCamera(32, 1.6, 0.1, 50);
  readonly #geometries: BufferGeometry[];
  readonly #materials: Material[] = [];
  readonly #disposables: { dispose(): void }[] = [];
  // Objects
  readonly #inputs: InstancedMesh;
  readonly #base: InstancedMesh;
  readonly #moved: InstancedMesh;
  readonly #shafts: InstancedMesh;
  readonly #heads: InstancedMesh;
  readonly #sigShafts: InstancedMesh;
  readonly #sigHeads: InstancedMesh;
  readonly #line: Mesh;
  readonly #plane: Mesh;
  readonly #sphere: Mesh;
  readonly #axes: Mesh[];
  readonly #colBMats: MeshBasicMaterial[] = [];

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
    const s = (shared ??= new Shared());
    this.#shared = s;
    this.hooks = hooks;
    this.#target = target;
    const ctx = target.getContext('2d');
    if (!ctx) throw new WebGLUnavailableError('no 2D canvas context');
    this.#ctx = ctx;

    const n = 60;
    const cyl = new CylinderGeometry(1, 1, 1, 14, 1);
    const cone = new ConeGeometry(1, 1, 18, 1);
    const dot = new SphereGeometry(1, 12, 8);
    const sphere = new SphereGeometry(1, 40, 20);
    // col(B) as a plane: a flat cylinder (its two caps are the disc), normal along its axis.
    const disc = new CylinderGeometry(1.55, 1.55, 0.002, 64, 1);
    this.#geometries = [cyl, cone, dot, sphere, disc];

    const lambert = () => this.#mat(new MeshLambertMaterial());
    const inst = (g: BufferGeometry, m: Material, count: number) => {
      const mesh = new InstancedMesh(g, m, count);
      mesh.frustumCulled = false;
      this.#disposables.push(mesh);
      this.#scene.add(mesh);
      return mesh;
    };
    this.#inputs = inst(dot, this.#mat(new MeshBasicMaterial({ transparent: true, opacity: 0.7 })), n);
    this.#base = inst(dot, lambert(), n);
    this.#moved = inst(dot, lambert(), n);
    this.#shafts = inst(cyl, lambert(), n);
    this.#heads = inst(cone, this.#shafts.material as Material, n);
    this.#sigShafts = inst(cyl, lambert(), 3);
    this.#sigHeads = inst(cone, this.#sigShafts.material as Material, 3);

    const colB = (opacity: number) => {
      const m = this.#mat(new MeshBasicMaterial({ transparent: true, opacity, side: DoubleSide, depthWrite: false }));
      this.#colBMats.push(m);
      return m;
    };
    this.#line = new Mesh(cyl, colB(0.85));
    this.#plane = new Mesh(disc, colB(0.11));
    this.#sphere = new Mesh(
      sphere,
      this.#mat(new MeshBasicMaterial({ transparent: true, opacity: 0.07, depthWrite: false })),
    );
    // Axes: three thin rods through the origin, for orientation.
    const axisMat = this.#mat(new MeshBasicMaterial({ transparent: true, opacity: 0.4 }));
    this.#axes = [0, 1, 2].map((k) => {
      const rod = new Mesh(cyl, axisMat);
      rod.scale.set(0.004, 3, 0.004);
      if (k === 0) rod.rotation.z = Math.PI / 2;
      if (k === 2) rod.rotation.x = Math.PI / 2;
      return rod;
    });
    this.#scene.add(this.#line, this.#plane, this.#sphere, ...this.#axes);

    // Light from above and in front of the camera, darker from below: shape without glare.
    const light = new HemisphereLight(0xffffff, 0x6b6b6b, 3);
    light.position.set(0.3, 1, 0.8);
    this.#camera.add(light);
    this.#scene.add(this.#camera);
    s.views.add(this);
  }

  #mat<M extends Material>(m: M): M {
    this.#materials.push(m);
    return m;
  }

  /** Shows a new picture; `animate` moves the images there over 450 ms instead of at once. */
  setPicture(p: Picture, animate: boolean): void {
    const from = this.#shown;
    this.#picture = p;
    this.#tween = animate && from.length === p.moved.length ? { from, start: -1 } : undefined;
    this.#placeStatic(p);
    this.#placeMoving(this.#tween ? from : p.moved);
    this.invalidate();
  }

  setPalette(c: Palette): void {
    const set = (m: unknown, css: string) => (m as { color: Color }).color.setStyle(css);
    set(this.#inputs.material, c.inputs);
    set(this.#base.material, c.base);
    set(this.#moved.material, c.moved);
    set(this.#shafts.material, c.arrow);
    set(this.#sigShafts.material, c.singular);
    for (const m of this.#colBMats) set(m, c.colB);
    set(this.#sphere.material, c.guide);
    set(this.#axes[0]!.material, c.guide);
    this.invalidate();
  }

  setLayers(l: Layers): void {
    this.#layers = { ...l };
    if (this.#picture) {
      this.#placeStatic(this.#picture);
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
    this.#shared.draw(this.#scene, this.#camera, this.#w, this.#h, this.#ctx);
    this.#renders++;
    this.hooks.rendered((x, y, z) => {
      v3.set(x, y, z).project(this.#camera);
      return v3.z > 1 ? null : [((v3.x + 1) / 2) * this.#cssW, ((1 - v3.y) / 2) * this.#cssH];
    });
    return again;
  }

  /** True while a tween or the turntable still needs frames, or a change has not been drawn. */
  get busy(): boolean {
    return this.#dirty || !!this.#tween || this.#motion;
  }

  /** Scene-graph readout for tests: unit directions of the drawn ΔW·x arrows, read back from the instance matrices. */
  debug(): {
    arrows: number[][];
    singular: number[][];
    colBDim: number;
    lineVisible: boolean;
    planeVisible: boolean;
    renders: number;
    camera: number[];
  } {
    const dirs = (mesh: InstancedMesh) => {
      const out: number[][] = [];
      for (let i = 0; i < mesh.count; i++) {
        mesh.getMatrixAt(i, m4);
        const e = m4.elements;
        const len = Math.hypot(e[4]!, e[5]!, e[6]!);
        if (len > 0) out.push([e[4]! / len, e[5]! / len, e[6]! / len]);
      }
      return out;
    };
    return {
      arrows: dirs(this.#shafts),
      singular: dirs(this.#sigShafts),
      colBDim: this.#picture?.colBDim ?? 0,
      lineVisible: this.#line.visible,
      planeVisible: this.#plane.visible,
      renders: this.#renders,
      camera: [this.#az, this.#el, this.#dist],
    };
  }

  /** Places what does not move during a tween: inputs, base images, col(B), singular arrows. */
  #placeStatic(p: Picture): void {
    const L = this.#layers;
    dots(this.#inputs, p.inputs, 0.018, L.inputs);
    dots(this.#base, p.base, 0.03, L.images);
    const sig = p.singular;
    for (let k = 0; k < 3; k++) {
      if (3 * k < sig.length && L.singular)
        arrow(
          this.#sigShafts,
          this.#sigHeads,
          k,
          0,
          0,
          0,
          sig[3 * k]!,
          sig[3 * k + 1]!,
          sig[3 * k + 2]!,
          0.028,
          0.07,
          0.2,
        );
      else hide(this.#sigShafts, this.#sigHeads, k);
    }
    flush(this.#sigShafts, this.#sigHeads);
    const b = p.colB;
    this.#line.visible = L.colB && p.colBDim === 1;
    this.#plane.visible = L.colB && p.colBDim === 2;
    if (p.colBDim === 1) {
      d3.set(b[0]!, b[1]!, b[2]!);
      this.#line.quaternion.setFromUnitVectors(Y, d3);
      this.#line.scale.set(0.011, 3.8, 0.011);
    } else if (p.colBDim === 2) {
      d3.set(b[0]!, b[1]!, b[2]!)
        .cross(v3.set(b[3]!, b[4]!, b[5]!))
        .normalize();
      this.#plane.quaternion.setFromUnitVectors(Y, d3);
    }
    this.#sphere.visible = L.inputs;
  }

  /** Places the moved images and the arrows from base to moved. */
  #placeMoving(moved: ArrayLike<number>): void {
    const p = this.#picture!;
    const L = this.#layers;
    this.#shown = Float64Array.from(moved);
    dots(this.#moved, moved, 0.03, L.images);
    for (let i = 0; i < p.n; i++) {
      const b = p.base;
      if (L.arrows)
        arrow(
          this.#shafts,
          this.#heads,
          i,
          b[3 * i]!,
          b[3 * i + 1]!,
          b[3 * i + 2]!,
          moved[3 * i]!,
          moved[3 * i + 1]!,
          moved[3 * i + 2]!,
          0.009,
          0.026,
          0.075,
        );
      else hide(this.#shafts, this.#heads, i);
    }
    flush(this.#shafts, this.#heads);
  }

  /** Disposes every geometry, material and instanced buffer of this view; the last view disposes the renderer. */
  dispose(): void {
    this.#scene.clear();
    for (const d of this.#disposables) d.dispose();
    for (const g of this.#geometries) g.dispose();
    for (const m of this.#materials) m.dispose();
    this.#shared.release(this);
  }
}

function dots(mesh: InstancedMesh, xyz: ArrayLike<number>, r: number, on: boolean): void {
  for (let i = 0; i < mesh.count; i++) {
    if (on && 3 * i < xyz.length) m4.makeScale(r, r, r).setPosition(xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!);
    else m4.makeScale(0, 0, 0);
    mesh.setMatrixAt(i, m4);
  }
  mesh.instanceMatrix.needsUpdate = true;
}

/** Instance i of (shafts, heads) as an arrow from a to b: radius r, head radius hr, head length hl. */
function arrow(
  shafts: InstancedMesh,
  heads: InstancedMesh,
  i: number,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  r: number,
  hr: number,
  hl: number,
): void {
  d3.set(bx - ax, by - ay, bz - az);
  const len = d3.length();
  if (len < 1e-9) return hide(shafts, heads, i);
  d3.divideScalar(len);
  q4.setFromUnitVectors(Y, d3);
  const h = Math.min(hl, 0.45 * len);
  const shaft = len - h;
  const k = h / hl;
  v3.set(ax, ay, az).addScaledVector(d3, shaft / 2);
  shafts.setMatrixAt(i, m4.compose(v3, q4, s3.set(r * Math.max(k, 0.5), shaft, r * Math.max(k, 0.5))));
  v3.set(ax, ay, az).addScaledVector(d3, shaft + h / 2);
  heads.setMatrixAt(i, m4.compose(v3, q4, s3.set(hr * k, h, hr * k)));
}

function hide(shafts: InstancedMesh, heads: InstancedMesh, i: number): void {
  m4.makeScale(0, 0, 0);
  shafts.setMatrixAt(i, m4);
  heads.setMatrixAt(i, m4);
}

function flush(a: InstancedMesh, b: InstancedMesh): void {
  a.instanceMatrix.needsUpdate = true;
  b.instanceMatrix.needsUpdate = true;
}
