/**
 * Checked practice: what a typed answer means and whether it is right. Pure; the element shows
 * the outcome and the log keeps it (srs-log.ts `check`).
 *
 * Numbers (numeric cards, and cloze deletions that are numbers): `131072`, `131,072`,
 * `131 072`, `1.31e5`, `131k`, `0.13M`, `1.5B`, `2^17`, `12%`, optionally followed by the card's
 * unit or a byte unit (`35 MB`, `1.2 GiB`; converted to the card's unit when both are byte
 * units). k/M/B (and K, G, T) are powers of 1000; KiB/MiB/GiB powers of 1024.
 * A number is right when |given − expected| ≤ tolerance·|expected| (relative; 1% unless the card
 * says otherwise; an expected 0 needs an exact 0).
 *
 * Cloze answers (the syntax is in srs-cloze.ts) are compared case-, space- and
 * punctuation-insensitively; a deletion that is a number is compared as a number.
 *
 * This module loads only with the first checked card (through srs-quiz/check-view.ts).
 */
import type { Rating } from './srs-schedule.ts';
import { DEFAULT_TOLERANCE } from './srs-cloze.ts';

/** A right answer typed within this many ms of the card being shown suggests Easy, not Good. */
export const FAST_MS = 10_000;

const SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9, T: 1e12 };
const BYTE_UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};
const NUMBER =
  /^([+-]?)(\d{1,3}(?:[, \u202f\u00a0]\d{3})+(?:\.\d+)?|\d*\.?\d+)(?:\s*(?:e|E|[x×]\s*10\^)\s*([+-]?\d+))?(?:\s*\^\s*(\d+))?\s*([kKMBGT](?![a-zA-Z]))?\s*(.*)$/;

/** The multiplier of a byte unit (`MB` → 1e6, `GiB` → 2³⁰), or undefined if it is not one. */
function byteUnit(unit: string): number | undefined {
  return BYTE_UNITS[unit.trim().toLowerCase()];
}

/**
 * A typed number in the card's `unit` (see the file comment for the formats), or a sentence
 * saying why it is not one.
 */
export function parseNumber(text: string, unit = ''): { value: number } | { error: string } {
  const t = text.trim().replace(/[\u2212\u2013]/g, '-');
  if (!t) return { error: 'type a number' };
  const m = NUMBER.exec(t);
  if (!m) return { error: `"${text.trim()}" is not a number` };
  const [, sign, digits, exp, power, suffix, rest] = m;
  let value = Number(digits!.replace(/[, \u202f\u00a0]/g, ''));
  if (exp) value *= 10 ** Number(exp);
  if (power) value = value ** Number(power);
  if (suffix) value *= SUFFIX[suffix]!;
  if (sign === '-') value = -value;
  const after = rest!.trim();
  if (after && after !== '%' && after.toLowerCase() !== unit.trim().toLowerCase()) {
    const from = byteUnit(after);
    const to = byteUnit(unit || 'B');
    if (from === undefined || to === undefined) return { error: `"${after}" is not a unit this card takes` };
    value = (value * from) / to;
  }
  if (!Number.isFinite(value)) return { error: `"${text.trim()}" is not a finite number` };
  return { value };
}

/** |given − expected| ≤ tolerance·|expected|, with a little room for float rounding. */
export function withinTolerance(given: number, expected: number, tolerance = DEFAULT_TOLERANCE): boolean {
  const room = Math.abs(expected) * tolerance;
  return Math.abs(given - expected) <= room + Math.abs(expected) * 1e-12;
}

/** What `answer()` reports: `expected` is the number itself for numeric cards. */
export interface CheckResult {
  correct: boolean;
  expected: number | string;
  given: string;
  tolerance: number;
  unit: string;
  /** Why a typed text could not be read (not a number), when it could not. */
  problem?: string;
}

export function checkNumeric(given: string, expected: number, tolerance = DEFAULT_TOLERANCE, unit = ''): CheckResult {
  const parsed = parseNumber(given, unit);
  const base = { expected, given, tolerance, unit };
  if ('error' in parsed) return { ...base, correct: false, problem: parsed.error };
  return { ...base, correct: withinTolerance(parsed.value, expected, tolerance) };
}

// ── cloze answers (the cloze syntax itself is srs-cloze.ts) ─────────

/** Text as compared: case, spaces, hyphens, brackets, math delimiters and end punctuation dropped. */
const normal = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}+*/^=.×·]+/gu, '')
    .replace(/^\.+|\.+$/g, '');

/** One deletion: numbers within tolerance, text equal once normalised. */
function spanMatches(given: string, expected: string, tolerance: number): boolean {
  const e = parseNumber(expected);
  if ('value' in e) {
    const g = parseNumber(given);
    return 'value' in g && withinTolerance(g.value, e.value, tolerance);
  }
  return normal(given) === normal(expected);
}

/**
 * A cloze card's answer: one deletion, or several separated by `;` (or `,` when that splits it
 * into exactly as many parts), in order.
 */
export function checkCloze(given: string, answers: readonly string[], tolerance = DEFAULT_TOLERANCE): CheckResult {
  const expected = answers.join('; ');
  let parts = [given];
  if (answers.length > 1) {
    parts = given.split(';');
    if (parts.length !== answers.length) parts = given.split(',');
  }
  const correct =
    parts.length === answers.length && answers.every((a, i) => spanMatches(parts[i]!.trim(), a, tolerance));
  return { correct, expected, given, tolerance, unit: '' };
}

/** The grade a check suggests: wrong → Again; right → Good, or Easy when answered within FAST_MS. */
export function suggestGrade(correct: boolean, answeredInMs: number): Rating {
  if (!correct) return 1;
  return answeredInMs <= FAST_MS ? 4 : 3;
}
