/** Shared helpers for the core's unit tests. */
import type { FloatArray } from '../../../widgets/core/matrix.ts';

/** ‖a − b‖₂ / max(‖a‖₂, ‖b‖₂), 0 when both are 0. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relError: lengths ${a.length} and ${b.length}`);
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const n = Math.sqrt(Math.max(na, nb));
  return n === 0 ? 0 : Math.sqrt(d) / n;
}

/** Mean of a[from … to). */
export function mean(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s / (to - from);
}

/** Bitwise equality of two float arrays (NaN equals NaN with the same bits). */
export function bitwiseEqual(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}

/** What `trainUntil` saw. */
export interface UntilResult {
  /** Validation loss before training. */
  readonly val0: number;
  /** Validation loss when it stopped. */
  readonly val: number;
  /** Steps trained. */
  readonly steps: number;
  readonly recoveries: number;
}

/**
 * Trains in chunks until the validation loss is ≤ `fraction` of its initial value or `maxSteps`
 * have run (checking after each chunk), so a test of "reaches X within N steps" costs only what
 * it needs. `fraction` 0 never stops early.
 */
export function trainUntil(
  s: { valLoss(): number; train(n: number): { recoveries: readonly unknown[] } },
  fraction: number,
  maxSteps: number,
  chunk = 100,
): UntilResult {
  const val0 = s.valLoss();
  let steps = 0;
  let recoveries = 0;
  let val = val0;
  while (steps < maxSteps) {
    const n = Math.min(chunk, maxSteps - steps);
    recoveries += s.train(n).recoveries.length;
    steps += n;
    val = s.valLoss();
    if (val <= fraction * val0) break;
  }
  return { val0, val, steps, recoveries };
}
