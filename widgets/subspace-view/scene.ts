/**
 * The three.js objects of one `<subspace-view>` picture, and where they go: inputs x as dots on a
 * faint unit sphere, the images W·x and (W + ΔW)·x as dots, ΔW·x as arrows between them, col(B)
 * as a line or a disc, σᵢuᵢ as arrows from the origin, three thin axes. Instanced meshes, so a
 * new picture only rewrites instance matrices. Owns every geometry and material it makes and
 * disposes them in `dispose()`.
 */
import {
  Color,
  ConeGeometry,
  CylinderGeometry,
  DoubleSide,
  InstancedMesh,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  Quaternion,
  Scene,
  SphereGeometry,
  Vector3,
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

/** What the scene graph holds, read back for tests. */
export interface SceneReadout {
  /** Unit directions of the drawn ΔW·x arrows, from their instance matrices. */
  arrows: number[][];
  /** Unit directions of the drawn σᵢuᵢ arrows. */
  singular: number[][];
  lineVisible: boolean;
  planeVisible: boolean;
}

const Y = new Vector3(0, 1, 0);
const m4 = new Matrix4();
const q4 = new Quaternion();
const v3 = new Vector3();
const s3 = new Vector3();
const d3 = new Vector3();

/** The meshes of one picture in their own `scene`. */
export class PictureScene {
  readonly scene = new Scene();
  readonly #geometries: BufferGeometry[];
  readonly #materials: Material[] = [];
  readonly #meshes: InstancedMesh[] = [];
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

  /** Room for `n` inputs (and as many arrows). */
  constructor(n: number) {
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
      this.#meshes.push(mesh);
      this.scene.add(mesh);
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
    this.scene.add(this.#line, this.#plane, this.#sphere, ...this.#axes);
  }

  #mat<M extends Material>(m: M): M {
    this.#materials.push(m);
    return m;
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
  }

  /** Places what does not move during a tween: inputs, base images, col(B), singular arrows. */
  placeStatic(p: Picture, L: Layers): void {
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

  /** Places the moved images at `moved` (3 numbers per input) and the arrows from `p`'s base images to them. */
  placeMoving(p: Picture, moved: ArrayLike<number>, L: Layers): void {
    dots(this.#moved, moved, 0.03, L.images);
    const b = p.base;
    for (let i = 0; i < p.n; i++) {
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

  readout(): SceneReadout {
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
      lineVisible: this.#line.visible,
      planeVisible: this.#plane.visible,
    };
  }

  /** Disposes every geometry, material and instanced buffer, and empties the scene. */
  dispose(): void {
    this.scene.clear();
    for (const m of this.#meshes) m.dispose();
    for (const g of this.#geometries) g.dispose();
    for (const m of this.#materials) m.dispose();
  }
}

/** Instance i of `mesh` as a dot of radius r at point i of `xyz` (hidden when `on` is false or there is no point i). */
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
