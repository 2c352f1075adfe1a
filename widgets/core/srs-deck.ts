/**
 * Decks as the element receives them: a published deck (`/decks/<id>.json`, built by
 * src/lib/deck-build.ts; cloze entries arrive split, one card per number, with `answers`) or
 * inline cards (`[{ "id", "front", "back" }]`, or numeric and cloze cards, in a child
 * `<script type="application/json">`). Both are untrusted input here: `parseDeck` and
 * `parseInlineCards` keep only known fields of the right types, or throw DeckError naming the
 * problem. Pre-rendered HTML survives only when the caller says the deck is trusted (published
 * by the module's own site); everything else is plain text.
 */

import { DEFAULT_TOLERANCE, parseCloze, clozeNumbers, clozeSides } from './srs-cloze.ts';

export const DECK_VERSION = 1;
const MAX_CARDS = 20_000;
const MAX_TEXT = 20_000;
const MAX_HTML = 200_000;

/**
 * How a checked card's answer is checked. Numeric: a fixed `answer`, or a `generator` (with
 * `params`) from srs-generators.ts that draws the question each review. Cloze: the hidden texts.
 */
type CardCheck =
  | {
      type: 'numeric';
      answer?: number;
      generator?: string;
      params?: Record<string, number | number[]>;
      tolerance: number;
      unit: string;
    }
  | { type: 'cloze'; answers: string[]; tolerance: number };

export interface StudyCard {
  /** Card id within its deck (a cloze entry's cards: `<entry id>::c<N>`). */
  id: string;
  /** `<deck>:<id>`, the key the log uses. */
  key: string;
  deck: string;
  front: string;
  /** '' when a numeric or cloze card has no back. */
  back: string;
  /** Numeric and cloze cards: how the typed answer is checked. Absent on basic cards. */
  check?: CardCheck;
  /** Sanitised HTML (MathML math), trusted decks only. */
  frontHtml?: string;
  backHtml?: string;
  tags: string[];
  section?: string;
  /** Absolute links, trusted decks only. */
  sectionUrl?: string;
  demoUrl?: string;
}

export interface StudyDeck {
  id: string;
  title: string;
  lesson?: string;
  lessonTitle?: string;
  cards: StudyCard[];
}

export class DeckError extends Error {
  override name = 'DeckError';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.trim() && v.length <= max ? v : undefined;

/** A deck id: what `deck="…"` names and what card keys start with. */
export const DECK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** An absolute http(s) URL resolved against `base`, or undefined. */
function safeUrl(v: unknown, base: string): string | undefined {
  if (typeof v !== 'string' || v.length > 2000) return undefined;
  try {
    const u = new URL(v, base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const goodNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A numeric card's check, or a sentence saying what is missing. */
function numericCheck(raw: Record<string, unknown>): CardCheck | string {
  const tolerance =
    goodNumber(raw.tolerance) && raw.tolerance >= 0 && raw.tolerance <= 0.5 ? raw.tolerance : DEFAULT_TOLERANCE;
  const unit = typeof raw.unit === 'string' ? raw.unit.slice(0, 16) : '';
  if (goodNumber(raw.answer)) return { type: 'numeric', answer: raw.answer, tolerance, unit };
  if (typeof raw.generator === 'string' && raw.generator.length <= 64) {
    const params: Record<string, number | number[]> = {};
    if (isRecord(raw.params))
      for (const [k, v] of Object.entries(raw.params).slice(0, 16))
        if (goodNumber(v)) params[k] = v;
        else if (Array.isArray(v) && v.length && v.length <= 64 && v.every(goodNumber)) params[k] = v;
    return { type: 'numeric', generator: raw.generator, params, tolerance, unit };
  }
  return 'is numeric but has no answer (a number) and no generator';
}

/** One entry of a card list → its card(s): a cloze entry not yet split gives one card per number. */
function parseEntry(raw: Record<string, unknown>, id: string, deck: string, where: string): StudyCard[] {
  const front = text(raw.front, MAX_TEXT);
  if (!front) throw new DeckError(`${where}: card "${id}" has no front text`);
  const type = raw.type === undefined ? 'basic' : raw.type;
  const back = text(raw.back, MAX_TEXT);
  const card = (cid: string, f: string, b: string, check?: CardCheck): StudyCard => ({
    id: cid,
    key: `${deck}:${cid}`,
    deck,
    front: f,
    back: b,
    ...(check ? { check } : {}),
    tags: [],
  });
  if (type === 'basic') {
    if (!back) throw new DeckError(`${where}: card "${id}" has no back text`);
    return [card(id, front, back)];
  }
  if (type === 'numeric') {
    const check = numericCheck(raw);
    if (typeof check === 'string') throw new DeckError(`${where}: card "${id}" ${check}`);
    return [card(id, front, back ?? '', check)];
  }
  if (type === 'cloze') {
    const tolerance =
      goodNumber(raw.tolerance) && raw.tolerance >= 0 && raw.tolerance <= 0.5 ? raw.tolerance : DEFAULT_TOLERANCE;
    if (Array.isArray(raw.answers)) {
      const answers = raw.answers.filter((a): a is string => typeof a === 'string' && a.length <= MAX_TEXT);
      if (!answers.length || answers.length !== raw.answers.length)
        throw new DeckError(`${where}: cloze card "${id}" has no valid answers`);
      return [card(id, front, back ?? '', { type: 'cloze', answers, tolerance })];
    }
    const parsed = parseCloze(front);
    if ('errors' in parsed) throw new DeckError(`${where}: cloze card "${id}" ${parsed.errors[0]}`);
    return clozeNumbers(parsed.spans).map((n) => {
      const sides = clozeSides(front, parsed.spans, n);
      const b = back ? `${sides.back}\n\n${back}` : sides.back;
      return card(`${id}::c${n}`, sides.front, b, { type: 'cloze', answers: sides.answers, tolerance });
    });
  }
  throw new DeckError(`${where}: card "${id}" has type ${JSON.stringify(type)}; use basic, numeric or cloze`);
}

function parseCards(list: unknown, deck: string, where: string, opts: { trusted: boolean; base: string }): StudyCard[] {
  if (!Array.isArray(list)) throw new DeckError(`${where} has no list of cards`);
  if (list.length === 0) throw new DeckError(`${where} has no cards`);
  if (list.length > MAX_CARDS) throw new DeckError(`${where} has ${list.length} cards; at most ${MAX_CARDS}`);
  const seen = new Set<string>();
  return list.flatMap((raw, i) => {
    const n = `card ${i + 1}`;
    if (!isRecord(raw)) throw new DeckError(`${where}: ${n} is not an object with id, front and back`);
    const id = typeof raw.id === 'number' ? String(raw.id) : text(raw.id, 200);
    if (!id) throw new DeckError(`${where}: ${n} has no id (a non-empty string)`);
    const cards = parseEntry(raw, id, deck, where);
    for (const card of cards) {
      if (seen.has(card.id)) throw new DeckError(`${where}: ${n} repeats the id "${card.id}"`);
      seen.add(card.id);
      if (Array.isArray(raw.tags))
        card.tags = raw.tags.filter((t): t is string => typeof t === 'string' && t.length <= 64).slice(0, 32);
      const section = text(raw.section, 200);
      if (section) card.section = section;
      if (opts.trusted) {
        const fh = text(raw.frontHtml, MAX_HTML);
        const bh = text(raw.backHtml, MAX_HTML);
        if (fh) card.frontHtml = fh;
        if (bh) card.backHtml = bh;
        const su = safeUrl(raw.sectionUrl, opts.base);
        const du = safeUrl(raw.demoUrl, opts.base);
        if (su) card.sectionUrl = su;
        if (du) card.demoUrl = du;
      }
    }
    return cards;
  });
}

/**
 * A published deck. `base` is the deck's URL (links resolve against it); `trusted` is true only
 * when it comes from the site that serves the module.
 */
export function parseDeck(value: unknown, opts: { trusted: boolean; base: string; expectId?: string }): StudyDeck {
  const label = opts.expectId ? `deck "${opts.expectId}"` : 'the deck';
  if (!isRecord(value)) throw new DeckError(`${label} is not a JSON object`);
  if (value.version !== undefined && value.version !== DECK_VERSION) {
    throw new DeckError(
      `${label} has version ${JSON.stringify(value.version)}; this element reads version ${DECK_VERSION}`,
    );
  }
  const id = typeof value.id === 'string' && DECK_ID.test(value.id) ? value.id : opts.expectId;
  if (!id || !DECK_ID.test(id)) throw new DeckError(`${label} has no valid id`);
  const title = text(value.title, 200) ?? id;
  const deck: StudyDeck = { id, title, cards: parseCards(value.cards, id, `deck "${id}"`, opts) };
  const lesson = text(value.lesson, 100);
  if (lesson) deck.lesson = lesson;
  const lessonTitle = text(value.lessonTitle, 200);
  if (lessonTitle) deck.lessonTitle = lessonTitle;
  return deck;
}

/**
 * Inline cards: JSON text of `[{ "id", "front", "back" }]`, always plain text. Also
 * `{ "id", "type": "numeric", "front", "answer" | "generator" + "params", "tolerance", "unit" }`
 * and `{ "id", "type": "cloze", "front": "… {{c1::hidden}} …" }` (`back` optional for both).
 */
export function parseInlineCards(json: string, deck = 'inline'): StudyDeck {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new DeckError(`the inline cards are not valid JSON (${(e as Error).message})`);
  }
  return {
    id: deck,
    title: 'Cards',
    cards: parseCards(value, deck, 'the inline cards', { trusted: false, base: 'https://invalid/' }),
  };
}
