/**
 * Where `<srs-quiz>`'s cards come from: inline cards (a child `<script type="application/json">`,
 * always plain text) and the decks its `deck` attribute names, fetched in parallel.
 */
import { parseInlineCards, DeckError, type StudyDeck } from '../core/srs-deck.ts';
import { fetchDeck } from '../srs-decks/decks.ts';

/** The element's inline cards script, if it has one. */
export function inlineCards(host: Element): Element | null {
  return host.querySelector(':scope > script[type="application/json"]');
}

/** Inline cards first, then each deck; rejects with a DeckError naming the problem. */
export async function loadDecks(host: Element, ids: readonly string[]): Promise<StudyDeck[]> {
  const out: StudyDeck[] = [];
  const inline = inlineCards(host);
  if (inline) out.push(parseInlineCards(inline.textContent ?? ''));
  out.push(...(await Promise.all(ids.map((id) => fetchDeck(id)))));
  if (!out.length)
    throw new DeckError(
      'No cards to study: give this element a deck attribute (like deck="lora-peft") or inline cards.',
    );
  return out;
}
