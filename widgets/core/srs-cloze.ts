/**
 * Cloze text, Anki's syntax: `{{c1::hidden}}` or `{{c1::hidden::hint}}`. Each cloze number is its
 * own card: its spans are hidden (`[…]`, or `[hint]`), the others shown. Kept apart from
 * srs-answer.ts because decks are split into cards when they load, before any answer is checked.
 */

/** Relative tolerance when a numeric or cloze card gives none. */
export const DEFAULT_TOLERANCE = 0.01;

export interface ClozeSpan {
  n: number;
  text: string;
  hint?: string;
  /** Offsets of the whole `{{…}}` in the source. */
  start: number;
  end: number;
}

const CLOZE = /\{\{c(\d+)::([\s\S]*?)\}\}/g;

/** The spans of a cloze text, or the problems with it (each a sentence). */
export function parseCloze(text: string): { spans: ClozeSpan[] } | { errors: string[] } {
  const errors: string[] = [];
  const spans: ClozeSpan[] = [];
  for (const m of text.matchAll(CLOZE)) {
    const n = Number(m[1]);
    const [body, hint, ...more] = m[2]!.split('::');
    if (n < 1 || n > 99) errors.push(`"${m[0]}" has cloze number ${m[1]}; use c1 to c99`);
    if (!body!.trim()) errors.push(`"${m[0]}" hides nothing`);
    if (more.length || body!.includes('{{'))
      errors.push(`"${m[0]}" is malformed (write {{c1::hidden}} or {{c1::hidden::hint}})`);
    spans.push({
      n,
      text: body!.trim(),
      ...(hint?.trim() ? { hint: hint.trim() } : {}),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  const rest = text.replace(CLOZE, '');
  if (/\{\{|\}\}/.test(rest)) errors.push('has an unclosed or malformed "{{…}}" (write {{c1::hidden}})');
  if (!spans.length && !errors.length) errors.push('has no cloze deletion (write {{c1::hidden}})');
  return errors.length ? { errors } : { spans };
}

/** The cloze numbers used, in increasing order. */
export const clozeNumbers = (spans: readonly ClozeSpan[]): number[] =>
  [...new Set(spans.map((s) => s.n))].sort((a, b) => a - b);

/**
 * One cloze card's sides: cloze `n` hidden on the front (`[…]` or `[hint]`), every other span
 * shown; the back shows all, with cloze `n` wrapped by `mark` (e.g. `**…**` for Markdown).
 */
export function clozeSides(
  text: string,
  spans: readonly ClozeSpan[],
  n: number,
  mark: (s: string) => string = (s) => s,
): { front: string; back: string; answers: string[] } {
  let front = '';
  let back = '';
  let at = 0;
  for (const s of spans) {
    front += text.slice(at, s.start) + (s.n === n ? `[${s.hint ?? '…'}]` : s.text);
    back += text.slice(at, s.start) + (s.n === n ? mark(s.text) : s.text);
    at = s.end;
  }
  front += text.slice(at);
  back += text.slice(at);
  return { front, back, answers: spans.filter((s) => s.n === n).map((s) => s.text) };
}
