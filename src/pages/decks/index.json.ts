import type { APIRoute } from 'astro';
import { allLessons, lessonUrl } from '../../lib/lessons.ts';

/**
 * /decks/index.json: the track's lessons in order, for elements that take "the whole track" when
 * no `lessons` attribute is given (`<study-plan>`, `<mock-interview>`): they fetch this from the
 * site their module was loaded from, then each lesson's deck at /decks/<deck>.json and its interview
 * questions at `qa` (/decks/qa/<slug>.json, src/lib/qa-build.ts has the format).
 * `{ lessons: [{ slug, title, track, order, deck, url, qa }] }`; `deck` is null for a lesson without one.
 */
export const GET: APIRoute = async () => {
  const lessons = (await allLessons()).map((l) => ({
    slug: l.id,
    title: l.data.title,
    track: l.data.track,
    order: l.data.order,
    deck: l.data.deck ?? null,
    url: lessonUrl(l.id),
    qa: `${import.meta.env.BASE_URL}decks/qa/${l.id}.json`,
  }));
  return new Response(JSON.stringify({ lessons }), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
