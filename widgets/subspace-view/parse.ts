/**
 * Every value that reaches `<subspace-view>` from outside goes through here: its attributes, the
 * `matrix` property, and what a followed trainer hands back. Each parser returns a safe value and,
 * when the input was unusable, the message the element shows; none throws.
 */
import type { Matrix } from '../core/matrix.ts';

/** A parsed value, and why the input was replaced by it (absent when the input was used). */
export interface Parsed<T> {
  value: T;
  error?: string;
}

/** Attribute converter for numeric attributes: a number when the text is one, else the text (for the message). */
export const numberOrText = (v: string | null): number | string | null =>
  v !== null && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;

const absent = (v: unknown): v is null | undefined | '' => v == null || v === '';

/** `rank`: 1, 2 or 3; default 1. */
export function parseRank(v: unknown): Parsed<1 | 2 | 3> {
  if (absent(v) || v === 1 || v === 2 || v === 3) return { value: (absent(v) ? 1 : v) as 1 | 2 | 3 };
  return { value: 1, error: `rank="${String(v)}" is not 1, 2 or 3; showing rank 1.` };
}

/** `seed`: any integer; default 1. */
export function parseSeed(v: unknown): Parsed<number> {
  if (absent(v)) return { value: 1 };
  if (typeof v === 'number' && Number.isInteger(v)) return { value: v };
  return { value: 1, error: `seed="${String(v)}" is not an integer; using seed 1.` };
}

/** `compare`: two adapter names, `"a,b"`. */
export function parseCompare(v: string | null | undefined): Parsed<[string, string] | undefined> {
  const names = (v ?? '').split(',').map((s) => s.trim());
  if (names.length === 2 && names[0] && names[1]) return { value: [names[0], names[1]] };
  return { value: undefined, error: `compare="${v}" must name two saved adapters, "a,b"` };
}

/** The `matrix` property (or a trainer's `deltaW()`): `{rows, cols, data}` (row-major) or an array of equal-length rows. */
export function parseMatrix(value: unknown): { matrix?: Matrix<Float64Array>; error?: string } {
  if (value == null) return {};
  let rows: number;
  let cols: number;
  let data: Float64Array;
  if (Array.isArray(value)) {
    rows = value.length;
    cols = Array.isArray(value[0]) ? (value[0] as unknown[]).length : -1;
    if (!value.every((r) => Array.isArray(r) && r.length === cols))
      return { error: 'matrix: rows must be arrays of equal length.' };
    data = Float64Array.from((value as unknown[][]).flat() as number[]);
  } else if (typeof value === 'object') {
    const v = value as { rows?: unknown; cols?: unknown; data?: unknown };
    rows = Number(v.rows);
    cols = Number(v.cols);
    const d = v.data as ArrayLike<number> | undefined;
    if (!d || typeof d.length !== 'number') return { error: 'matrix: needs {rows, cols, data}.' };
    data = Float64Array.from(d);
  } else return { error: 'matrix: needs {rows, cols, data} or an array of rows.' };
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0))
    return { error: `matrix: bad shape ${rows}×${cols}.` };
  if (data.length !== rows * cols)
    return { error: `matrix: ${rows}×${cols} needs ${rows * cols} numbers, got ${data.length}.` };
  if (!data.every(Number.isFinite)) return { error: 'matrix: every entry must be a finite number.' };
  if (rows * cols > 1 << 20 || Math.min(rows, cols) > 256)
    return { error: `matrix: ${rows}×${cols} is too large to decompose here (at most 2²⁰ entries, min(m, n) ≤ 256).` };
  return { matrix: { rows, cols, data } };
}

/**
 * A saved adapter's A from the trainer's `adapterWeights(name)`: `{A: Matrix}`, or `{A: {layer: Matrix}}`
 * (an AdapterSet) read at `layer` (default: its first layer).
 */
export function parseAdapterA(
  raw: unknown,
  name: string,
  layer?: string | null,
): { matrix?: Matrix<Float64Array>; error?: string } {
  const A = (raw as { A?: unknown } | null)?.A;
  let m: unknown = A;
  if (A && typeof A === 'object' && !('rows' in A)) {
    const rec = A as Record<string, unknown>;
    m = rec[layer || Object.keys(rec)[0] || ''];
  }
  const { matrix, error } = parseMatrix(m);
  return matrix ? { matrix } : { error: `adapter "${name}" has no usable A (${error ?? 'missing'})` };
}
