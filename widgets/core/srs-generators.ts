/**
 * Question generators for numeric cards: each draws its numbers with a seeded RNG (seed from the
 * card key and how many times it was reviewed, so every review asks different numbers), computes
 * the answer with the same functions as `<peft-calculator>` (peft-cost.ts, pitfalls.ts) and
 * writes the worked solution step by step.
 *
 * Solutions are plain text with Unicode math (×, ·, √, ², ≈), not KaTeX: KaTeX is about 77 KB
 * gzip, three times `<srs-quiz>`'s whole budget, and these steps need no layout beyond a line.
 *
 * A card may narrow a generator's numbers: `params: { r: [4, 8] }` (choices) or `{ r: 8 }`
 * (fixed); names and values are checked when the deck is built (`generatorProblems`).
 *
 * Units as in peft-cost.ts: bytes in GB = 10⁹ B and MB = 10⁶ B; GPU sizes in GiB.
 */
import { createRng, deriveSeed, randInt } from './rng.ts';
import { SPECS, formatNumber, type Values } from './srs-generator-specs.ts';

/** A drawn question: the givens, the answer and how to get it. */
export interface GeneratedQuestion {
  generator: string;
  values: Values;
  /** The givens, one line: "d_out = 4096, d_in = 4096, r = 16". */
  givens: string;
  answer: number;
  unit: string;
  steps: string[];
}

/** Every generator id a deck may name. */
export const GENERATOR_IDS: readonly string[] = Object.keys(SPECS);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const goodNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Problems with a card's `generator` and `params` (empty when they are fine), one sentence each. */
export function generatorProblems(id: unknown, params: unknown): string[] {
  if (typeof id !== 'string' || !SPECS[id])
    return [`unknown generator ${JSON.stringify(id)} (known: ${GENERATOR_IDS.join(', ')})`];
  if (params === undefined) return [];
  if (!isRecord(params)) return [`params of generator "${id}" must be an object like { r: [4, 8] }`];
  const out: string[] = [];
  const spec = SPECS[id];
  for (const [k, v] of Object.entries(params)) {
    if (!spec.params[k])
      out.push(`generator "${id}" has no parameter "${k}" (it takes: ${Object.keys(spec.params).join(', ')})`);
    else if (!(goodNumber(v) || (Array.isArray(v) && v.length > 0 && v.length <= 64 && v.every(goodNumber))))
      out.push(`parameter "${k}" of generator "${id}" must be a number or a non-empty list of numbers`);
  }
  return out;
}

/** A 32-bit seed from a card key and its review count (FNV-1a over UTF-16 code units). */
export function questionSeed(cardKey: string, reviews: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < cardKey.length; i++) h = Math.imul(h ^ cardKey.charCodeAt(i), 0x01000193);
  return deriveSeed(h >>> 0, reviews);
}

/** Draws a question. Throws RangeError on an unknown generator or bad params (decks are checked at build). */
export function generateQuestion(id: string, params: unknown, seed: number): GeneratedQuestion {
  const problems = generatorProblems(id, params);
  if (problems.length) throw new RangeError(problems.join('; '));
  const spec = SPECS[id]!;
  const given = (params ?? {}) as Record<string, number | number[]>;
  const rng = createRng(seed);
  const values: Values = {};
  for (const [k, ps] of Object.entries(spec.params)) {
    const g = given[k];
    const choices = g === undefined ? ps.choices : Array.isArray(g) ? g : [g];
    values[k] = choices[randInt(rng, choices.length)]!;
  }
  const { answer, steps } = spec.solve(values);
  const givens = Object.entries(spec.params)
    .map(([k, ps]) => `${ps.label} = ${formatNumber(values[k]!)}`)
    .join(', ');
  return { generator: id, values, givens, answer, unit: spec.unit, steps };
}

/** The answer for fixed values (every parameter given): what the tests check against papers. */
export function solveWith(id: string, values: Values): number {
  const spec = SPECS[id];
  if (!spec) throw new RangeError(`unknown generator "${id}"`);
  return spec.solve(values).answer;
}
