/**
 * Where `<study-plan>`'s cards come from: the track's lessons (`/decks/index.json` on the site
 * that served the module, found from the module's own URL) and each lesson's deck. Both are
 * untrusted input: the index is checked entry by entry, decks go through `fetchDeck`.
 */
import { fetchDeck } from '../srs-decks/decks.ts';
import { DECK_ID } from '../core/srs-deck.ts';
import type { PlanCard } from '../core/study-plan.ts';

/** One lesson of the track, as `/decks/index.json` lists it. */
export interface TrackLesson {
  slug: string;
  title: string;
  /** Its deck id; null for a lesson without cards. */
  deck: string | null;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** The site root the module was served from (the folder above /widgets/). */
function siteRoot(moduleUrl: string = import.meta.url): URL {
  const u = new URL(moduleUrl);
  const i = u.pathname.lastIndexOf('/widgets/');
  return new URL(i >= 0 ? u.pathname.slice(0, i + 1) : './', u);
}

/** Checks `/decks/index.json`: `{ lessons: [{ slug, title, deck }] }`, in track order. */
export function parseTrack(value: unknown): TrackLesson[] {
  const lessons = (value as { lessons?: unknown } | null)?.lessons;
  if (!Array.isArray(lessons)) throw new Error('the track index has no list of lessons');
  return lessons.flatMap((l: unknown) => {
    const { slug, title, deck } = (l ?? {}) as Record<string, unknown>;
    if (typeof slug !== 'string' || !SLUG.test(slug)) return [];
    return [
      {
        slug,
        title: typeof title === 'string' && title.trim() ? title.slice(0, 200) : slug,
        deck: typeof deck === 'string' && DECK_ID.test(deck) ? deck : null,
      },
    ];
  });
}

export async function fetchTrack(root: URL = siteRoot()): Promise<TrackLesson[]> {
  let response: Response;
  try {
    response = await fetch(new URL('decks/index.json', root), { mode: 'cors', credentials: 'same-origin' });
  } catch {
    throw new Error(
      'Could not load the list of lessons: the request failed (offline, or the server does not allow it)',
    );
  }
  if (!response.ok) throw new Error(`Could not load the list of lessons: the server answered ${response.status}`);
  return parseTrack(await response.json());
}

/** The cards of `lessons` (slugs, in track order), fetched in parallel; lessons without a deck add none. */
export async function fetchCards(
  track: readonly TrackLesson[],
  lessons: readonly string[] | null,
): Promise<PlanCard[]> {
  const scope = track.filter((l) => l.deck && (!lessons || lessons.includes(l.slug)));
  const decks = await Promise.all(scope.map((l) => fetchDeck(l.deck!)));
  return scope.flatMap((l, i) => decks[i]!.cards.map((c) => ({ key: c.key, lesson: l.slug })));
}
