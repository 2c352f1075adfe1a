/**
 * Fetching decks for the SRS elements: a deck id resolves to `/decks/<id>.json` on the site that
 * served the module (found from the module's own URL, whichever chunk this code ends up in);
 * a full URL is fetched as is. Only decks from that site may carry HTML (`trusted`).
 */
import { parseDeck, DECK_ID, DeckError, type StudyDeck } from '../core/srs-deck.ts';

/** The site root the module was served from (the folder above /widgets/). */
function siteRoot(moduleUrl: string = import.meta.url): URL {
  const u = new URL(moduleUrl);
  const i = u.pathname.lastIndexOf('/widgets/');
  return new URL(i >= 0 ? u.pathname.slice(0, i + 1) : './', u);
}

export async function fetchDeck(idOrUrl: string, root: URL = siteRoot()): Promise<StudyDeck> {
  const byId = DECK_ID.test(idOrUrl);
  const url = byId ? new URL(`decks/${idOrUrl}.json`, root) : new URL(idOrUrl);
  const trusted = url.origin === root.origin && url.pathname.startsWith(`${root.pathname}decks/`);
  let response: Response;
  try {
    // 'same-origin' (no credentials to other sites) matches the `<link rel="preload" as="fetch"
    // crossorigin>` that /review/ puts in its head, so the browser reuses that early response.
    response = await fetch(url, { mode: 'cors', credentials: 'same-origin' });
  } catch {
    throw new DeckError(
      `Could not load deck "${idOrUrl}": the request failed (offline, or the server does not allow it)`,
    );
  }
  if (!response.ok) throw new DeckError(`Could not load deck "${idOrUrl}": the server answered ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new DeckError(`Could not load deck "${idOrUrl}": it is not valid JSON`);
  }
  try {
    return parseDeck(json, { trusted, base: url.href, ...(byId ? { expectId: idOrUrl } : {}) });
  } catch (e) {
    throw new DeckError(`Could not use deck "${idOrUrl}": ${(e as Error).message}`);
  }
}
