import type { APIRoute, GetStaticPaths } from 'astro';
import { publishedDecks } from '../../lib/deck-site.ts';
import type { PublishedDeck } from '../../lib/deck-build.ts';

/** /decks/<id>.json: one published deck (format: src/lib/deck-build.ts, read by widgets/core/srs-deck.ts). */
export const getStaticPaths = (async () =>
  (await publishedDecks()).map((deck) => ({ params: { id: deck.id }, props: { deck } }))) satisfies GetStaticPaths;

export const GET: APIRoute<{ deck: PublishedDeck }> = ({ props }) =>
  new Response(JSON.stringify(props.deck), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
