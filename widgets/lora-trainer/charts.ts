/**
 * Canvas drawing for `<lora-trainer>`: loss curves on a log scale, matrix heatmaps on a diverging
 * colour scale, and the classify-2d decision boundary. Canvases are not touched by the embedding
 * CSP; sizes are set through CSSOM by the element. Every drawing has a text alternative in the
 * element (these functions only paint).
 */
import type { Matrix } from '../core/matrix.ts';
import type { GridSpec } from '../core/scenarios.ts';

export interface Palette {
  fg: string;
  muted: string;
  /** Axis and grid-line colour. */
  gridLine: string;
  bg: string;
}

export interface Series {
  /** One value per step (step i + 1 at index i); NaN and non-positive values are skipped. */
  values?: ArrayLike<number>;
  /** Or sparse points [step, value]. */
  points?: readonly (readonly [number, number])[];
  color: string;
  dash?: boolean;
  width?: number;
}

/** Canvas sized for the device pixel ratio; returns the 2D context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D | null {
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(cssW * dpr));
  const h = Math.max(1, Math.round(cssH * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  return ctx;
}

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Compact number for axis labels and readouts: 1.2e-3, 0.042, 12.5, 2,048. */
export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '—' : x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1).replace('e+', 'e');
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits + 1)).toString();
}

/**
 * Loss curves against the step, log-scaled in y. `xMax` fixes the x range (else the longest
 * series); y spans every finite positive value shown.
 */
export function drawCurves(
  canvas: HTMLCanvasElement,
  cssW: number,
  cssH: number,
  series: readonly Series[],
  pal: Palette,
  opts: { xMax?: number; empty?: string } = {},
): void {
  const ctx = prepare(canvas, cssW, cssH);
  if (!ctx) return;
  let xMax = opts.xMax ?? 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const s of series) {
    if (s.values) {
      xMax = Math.max(xMax, s.values.length);
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i];
        if (v > 0 && Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    for (const [x, v] of s.points ?? []) {
      xMax = Math.max(xMax, x);
      if (v > 0 && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  const padL = 44;
  const padR = 10;
  const padT = 8;
  const padB = 24;
  const w = cssW - padL - padR;
  const h = cssH - padT - padB;
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = pal.gridLine;
  ctx.strokeRect(padL + 0.5, padT + 0.5, w, h);
  if (!(hi > 0) || xMax === 0) {
    ctx.fillStyle = pal.muted;
    ctx.textAlign = 'center';
    ctx.fillText(opts.empty ?? 'No steps yet', padL + w / 2, padT + h / 2);
    return;
  }
  let d0 = Math.floor(Math.log10(lo));
  let d1 = Math.ceil(Math.log10(hi));
  if (d1 - d0 < 1) {
    d0 -= 1;
    d1 += 0;
  }
  if (d1 === d0) d1 = d0 + 1;
  const y = (v: number) => padT + h - ((Math.log10(v) - d0) / (d1 - d0)) * h;
  const x = (step: number) => padL + (step / xMax) * w;
  ctx.fillStyle = pal.muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const every = Math.max(1, Math.ceil((d1 - d0) / 6));
  for (let d = d0; d <= d1; d += every) {
    const yy = Math.round(y(10 ** d)) + 0.5;
    ctx.strokeStyle = pal.gridLine;
    ctx.beginPath();
    ctx.moveTo(padL, yy);
    ctx.lineTo(padL + w, yy);
    ctx.stroke();
    ctx.fillText(d === 0 ? '1' : `1e${d}`, padL - 4, yy);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xt = niceStep(xMax / 4);
  for (let t = 0; t <= xMax + 1e-9; t += xt) ctx.fillText(String(t), x(t), padT + h + 5);
  ctx.save();
  ctx.beginPath();
  ctx.rect(padL, padT, w, h);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 1.75;
    ctx.setLineDash(s.dash ? [5, 4] : []);
    ctx.beginPath();
    let pen = false;
    if (s.values) {
      // At most ~2 points per pixel: take the mean of each bucket of steps.
      const n = s.values.length;
      const per = Math.max(1, Math.floor(n / (w * 2)));
      for (let i = 0; i < n; i += per) {
        let sum = 0;
        let cnt = 0;
        for (let j = i; j < Math.min(n, i + per); j++) {
          const v = s.values[j];
          if (v > 0 && Number.isFinite(v)) {
            sum += v;
            cnt++;
          }
        }
        if (!cnt) {
          pen = false;
          continue;
        }
        const px = x(i + per / 2 + 0.5);
        const py = y(sum / cnt);
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
    }
    if (s.points) {
      for (const [sx, v] of s.points) {
        if (!(v > 0 && Number.isFinite(v))) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(x(sx), y(v));
        else ctx.moveTo(x(sx), y(v));
        pen = true;
      }
    }
    ctx.stroke();
    if (s.points && s.points.length <= 60) {
      ctx.fillStyle = s.color;
      for (const [sx, v] of s.points) {
        if (!(v > 0 && Number.isFinite(v))) continue;
        ctx.beginPath();
        ctx.arc(x(sx), y(v), 2.2, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  ctx.restore();
  ctx.setLineDash([]);
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Largest |entry|. */
export function maxAbs(m: Matrix): number {
  let a = 0;
  for (let i = 0; i < m.data.length; i++) {
    const v = Math.abs(m.data[i]);
    if (v > a) a = v;
  }
  return a;
}

/**
 * A matrix as pixels, one per entry (the element scales the canvas up with pixelated
 * rendering): blue for negative, red for positive, the background colour for zero, full colour
 * at ±`scale`. Draws a focus cell outline when `cursor` is given.
 */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  m: Matrix,
  scale: number,
  dark: boolean,
  cursor: readonly [number, number] | null,
): void {
  const cell = Math.max(1, Math.floor(128 / Math.max(m.rows, m.cols)));
  const W = m.cols * cell;
  const H = m.rows * cell;
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(W, H);
  const base = dark ? [28, 30, 34] : [250, 250, 248];
  const pos = dark ? [255, 120, 100] : [200, 40, 30];
  const neg = dark ? [110, 170, 255] : [25, 90, 200];
  const s = scale > 0 ? 1 / scale : 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j] * s;
      const t = Math.min(1, Math.abs(v)) ** 0.75;
      const c = v >= 0 ? pos : neg;
      const r = base[0] + (c[0] - base[0]) * t;
      const g = base[1] + (c[1] - base[1]) * t;
      const b = base[2] + (c[2] - base[2]) * t;
      for (let y = 0; y < cell; y++) {
        let o = ((i * cell + y) * W + j * cell) * 4;
        for (let x = 0; x < cell; x++, o += 4) {
          img.data[o] = r;
          img.data[o + 1] = g;
          img.data[o + 2] = b;
          img.data[o + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  if (cursor) {
    ctx.strokeStyle = dark ? '#ffffff' : '#000000';
    ctx.lineWidth = Math.max(0.5, cell / 3);
    ctx.strokeRect(cursor[1] * cell, cursor[0] * cell, cell, cell);
  }
}

/**
 * The decision boundary: probability of class 1 on the grid (row j·nx + i is cell (xᵢ, yⱼ),
 * y upwards), the 0.5 contour drawn darker, and the data points on top.
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  cssSize: number,
  probs: Matrix | null,
  grid: GridSpec,
  points: { X: Matrix; Y: Matrix } | null,
  dark: boolean,
): void {
  const ctx = prepare(canvas, cssSize, cssSize);
  if (!ctx) return;
  const c0 = dark ? [70, 130, 230] : [60, 120, 220];
  const c1 = dark ? [235, 140, 60] : [230, 120, 30];
  const bg = dark ? [28, 30, 34] : [252, 252, 250];
  if (probs) {
    const off = new OffscreenCanvas(grid.nx, grid.ny);
    const octx = off.getContext('2d');
    if (octx) {
      const img = octx.createImageData(grid.nx, grid.ny);
      for (let j = 0; j < grid.ny; j++) {
        for (let i = 0; i < grid.nx; i++) {
          const p = probs.data[(j * grid.nx + i) * 2 + 1];
          const c = p >= 0.5 ? c1 : c0;
          const t = 0.18 + 0.5 * Math.abs(p - 0.5);
          const edge = Math.abs(p - 0.5) < 0.04 ? 0.55 : 0;
          const o = ((grid.ny - 1 - j) * grid.nx + i) * 4;
          for (let k = 0; k < 3; k++) img.data[o + k] = bg[k] + (c[k] - bg[k]) * Math.max(t, edge);
          img.data[o + 3] = 255;
        }
      }
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, 0, 0, cssSize, cssSize);
    }
  }
  if (points) {
    const sx = (v: number) => ((v - grid.xMin) / (grid.xMax - grid.xMin)) * cssSize;
    const sy = (v: number) => cssSize - ((v - grid.yMin) / (grid.yMax - grid.yMin)) * cssSize;
    for (let n = 0; n < points.X.rows; n++) {
      const cls = points.Y.data[n * 2 + 1] > 0.5 ? 1 : 0;
      ctx.beginPath();
      const px = sx(points.X.data[n * 2]);
      const py = sy(points.X.data[n * 2 + 1]);
      if (cls) ctx.rect(px - 2.2, py - 2.2, 4.4, 4.4);
      else ctx.arc(px, py, 2.4, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${(cls ? c1 : c0).join(',')})`;
      ctx.fill();
      ctx.lineWidth = 0.75;
      ctx.strokeStyle = dark ? '#000' : '#fff';
      ctx.stroke();
    }
  }
}
