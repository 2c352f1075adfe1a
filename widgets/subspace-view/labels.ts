/**
 * The HTML labels over `<subspace-view>`'s 3D view (col(B), σᵢuᵢ, ΔW x, W x, (W + ΔW) x): where
 * each is anchored in the picture, and where it lands on screen after a render without covering
 * another. Labels are `.lab` elements with `data-k` set to their anchor's key.
 */
import type { Picture } from './model.ts';
import type { Layers } from './scene.ts';

type Point = [number, number, number];
/** Maps a point in picture coordinates to CSS pixels in the view (null behind the camera). */
export type Project = (x: number, y: number, z: number) => [number, number] | null;

/**
 * Anchors by label key: `s1`…`s3` past the tips of σᵢuᵢ; `colB` at the point of the line or the
 * plane's rim that lies furthest up and to the right on screen; `dw`, `wx`, `wdx` on the longest
 * arrow (its middle, its base, its tip). Null for a label whose layer is hidden or that has nothing to name.
 */
export function labelAnchors(p: Picture, L: Layers, project: Project): Map<string, Point | null> {
  const anchors = new Map<string, Point | null>();
  const at = (a: Float64Array, i: number, s = 1): Point => [a[3 * i]! * s, a[3 * i + 1]! * s, a[3 * i + 2]! * s];
  for (let k = 0; k < 3; k++)
    anchors.set(`s${k + 1}`, L.singular && 3 * k < p.singular.length ? at(p.singular, k, 1.12) : null);
  let score = -Infinity;
  anchors.set('colB', null);
  for (let k = 0; L.colB && p.colBDim > 0 && p.colBDim < 3 && k < 12; k++) {
    const [c, s] = [Math.cos((k * Math.PI) / 6), p.colBDim === 2 ? Math.sin((k * Math.PI) / 6) : 0];
    const rim = [0, 1, 2].map((i) => 1.5 * (c * p.colB[i]! + s * (p.colB[3 + i] ?? 0))) as Point;
    const xy = project(...rim);
    if (xy && xy[0] - xy[1] > score) [score] = [xy[0] - xy[1], anchors.set('colB', rim)];
  }
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
  const mid = best < 0 ? null : (at(p.base, best).map((x, j) => (x + p.moved[3 * best + j]!) / 2) as Point);
  anchors.set('dw', L.arrows ? mid : null);
  anchors.set('wx', L.images && best >= 0 ? at(p.base, best) : null);
  anchors.set('wdx', L.images && best >= 0 ? at(p.moved, best) : null);
  return anchors;
}

/**
 * Places each label at its anchor, or the nearest free slot above or below it (labels sit above
 * their point: between one label height and `height`, the bottom of the view); hides the rest.
 */
export function placeLabels(
  labels: Iterable<HTMLElement>,
  anchors: Map<string, Point | null>,
  project: Project,
  height: number,
): void {
  const placed: number[][] = [];
  for (const el of labels) {
    const a = anchors.get(el.dataset['k']!);
    const xy = a ? project(...a) : null;
    el.hidden = !xy;
    if (!xy) continue;
    const w = el.offsetWidth + 4;
    const h = el.offsetHeight + 2;
    const x = xy[0];
    const free = (y: number) =>
      y >= h && y <= height && !placed.some(([px, py]) => Math.abs(px! - x) < w && Math.abs(py! - y) < h);
    const y = [0, -1, 1, -2, 2, -3, 3].map((k) => xy[1] + k * h).find(free) ?? Math.min(height, Math.max(h, xy[1]));
    placed.push([x, y]);
    el.style.translate = `${x.toFixed(1)}px ${y.toFixed(1)}px`;
  }
}
