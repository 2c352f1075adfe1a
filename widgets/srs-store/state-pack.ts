/**
 * The state pack: every card's memory state in two values, so that opening a store with 10,000
 * cards is one small read instead of 10,000 records to deserialise (Chromium takes about 0.05 ms
 * per record; the pack takes about 2 ms per 1,000 cards).
 *
 * Layout: `keys[i]` is a card key; its state is `data[9i … 9i+8]`, in the order of `FIELDS`, with
 * `lastReview` null stored as -1. The pack is a cache of the `cards` store (itself a cache of
 * replay(log)); store.ts says when it is read, trusted and rewritten.
 */
import type { MemoryState } from '../core/srs-schedule.ts';

interface StatePack {
  keys: string[];
  data: Float64Array;
}

const FIELDS = [
  'due',
  'stability',
  'difficulty',
  'scheduledDays',
  'learningSteps',
  'reps',
  'lapses',
  'state',
  'lastReview',
] as const;
const N = FIELDS.length;

export function packStates(states: ReadonlyMap<string, MemoryState>): StatePack {
  const keys = [...states.keys()];
  const data = new Float64Array(keys.length * N);
  keys.forEach((k, i) => {
    const s = states.get(k)!;
    FIELDS.forEach((f, j) => (data[i * N + j] = s[f] ?? -1));
  });
  return { keys, data };
}

/**
 * The states a stored pack holds, or undefined when it is not a well-formed pack. Checks what
 * parseMemoryState checks, straight on the numbers (10,000 cards are read on every page that
 * opens the store: no object per field, no closure per card).
 */
export function unpackStates(value: unknown): Map<string, MemoryState> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { keys, data } = value as Partial<StatePack>;
  if (!Array.isArray(keys) || !(data instanceof Float64Array) || data.length !== keys.length * N) return undefined;
  const out = new Map<string, MemoryState>();
  const ok = (x: number) => x >= 0 && x < Infinity; // false for NaN too
  for (let i = 0, o = 0; i < keys.length; i++, o += N) {
    const key: unknown = keys[i];
    // In the order of FIELDS.
    const due = data[o]!,
      stability = data[o + 1]!,
      difficulty = data[o + 2]!,
      scheduledDays = data[o + 3]!,
      learningSteps = data[o + 4]!;
    const reps = data[o + 5]!,
      lapses = data[o + 6]!,
      state = data[o + 7]!,
      last = data[o + 8]!;
    if (typeof key !== 'string' || out.has(key)) return undefined;
    if (
      !ok(due) ||
      !ok(stability) ||
      !ok(difficulty) ||
      !ok(scheduledDays) ||
      !ok(learningSteps) ||
      !ok(reps) ||
      !ok(lapses)
    )
      return undefined;
    if (state !== 0 && state !== 1 && state !== 2 && state !== 3) return undefined;
    if (last !== -1 && !ok(last)) return undefined;
    out.set(key, {
      due,
      stability,
      difficulty,
      scheduledDays,
      learningSteps,
      reps,
      lapses,
      state,
      lastReview: last === -1 ? null : last,
    });
  }
  return out;
}
