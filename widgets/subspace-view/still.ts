/**
 * The fallback figure of `<subspace-view>` when there is no WebGL: the same picture as a still
 * line drawing on a 2D canvas, from the 3D view's default camera angle (azimuth 0.75, elevation
 * 0.42 rad, orthographic).
 */
import type { Picture } from './model.ts';

/** The CSS colours of the still figure (the element reads them from its custom properties). */
export interface StillColours {
  colB: string;
  arrow: string;
  base: string;
  moved: string;
  singular: string;
}

/** Draws `p` on `canvas`, sized w×h CSS pixels: col(B) as a line (rank 1), the ΔW·x arrows, W·x and (W + ΔW)·x, σᵢuᵢ. */
export function drawStill(canvas: HTMLCanvasElement, p: Picture, w: number, h: number, col: StillColours): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || !w || !h) return;
  const dpr = Math.min(2, devicePixelRatio || 1);
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const [ca, sa, ce, se] = [Math.cos(0.75), Math.sin(0.75), Math.cos(0.42), Math.sin(0.42)];
  const k = Math.min(w, h) / 4.2;
  const P = (a: ArrayLike<number>, i: number): [number, number] => {
    const [x, y, z] = [a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!];
    const x1 = x * ca - z * sa;
    const z1 = x * sa + z * ca;
    return [w / 2 + k * x1, h / 2 - k * (y * ce - z1 * se)];
  };
  ctx.lineCap = 'round';
  if (p.colBDim === 1) {
    ctx.strokeStyle = col.colB;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(
      ...P(
        p.colB.map((x) => 2 * x),
        0,
      ),
    );
    ctx.lineTo(
      ...P(
        p.colB.map((x) => -2 * x),
        0,
      ),
    );
    ctx.stroke();
  }
  const dot = (a: Float64Array, i: number, c: string, r: number) => {
    ctx.fillStyle = c;
    ctx.beginPath();
    ctx.arc(...P(a, i), r, 0, 2 * Math.PI);
    ctx.fill();
  };
  ctx.lineWidth = 1.25;
  ctx.strokeStyle = col.arrow;
  for (let i = 0; i < p.n; i++) {
    ctx.beginPath();
    ctx.moveTo(...P(p.base, i));
    ctx.lineTo(...P(p.moved, i));
    ctx.stroke();
    dot(p.base, i, col.base, 2.5);
    dot(p.moved, i, col.moved, 2.5);
  }
  ctx.strokeStyle = col.singular;
  ctx.lineWidth = 3;
  for (let i = 0; 3 * i < p.singular.length; i++) {
    ctx.beginPath();
    ctx.moveTo(w / 2, h / 2);
    ctx.lineTo(...P(p.singular, i));
    ctx.stroke();
  }
}
