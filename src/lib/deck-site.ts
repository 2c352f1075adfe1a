/**
 * The site's decks, published: every entry of the `decks` collection built against the lessons'
 * rendered headings (src/lib/deck-build.ts). Build-time only. Test builds also publish the
 * fixture decks of tests/fixtures/srs/decks/, checked against tests/fixtures/srs/fixture-lessons.json.
 */
import { getCollection, render } from 'astro:content';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesEnabled } from './widgets.ts';
import { slugify } from './text.ts';
import { buildDeck, type LessonInfo, type PublishedDeck } from './deck-build.ts';

async function lessonInfo(): Promise<Map<string, LessonInfo>> {
  const out = new Map<string, LessonInfo>();
  for (const lesson of await getCollection('lessons')) {
    const { headings } = await render(lesson);
    // Pitfall headings are drawn by the <Pitfall> component (id "pitfall-<slug of title>"), so
    // they are not among Markdown's headings: read their titles from the body.
    const pitfalls = [...(lesson.body ?? '').matchAll(/<Pitfall\s[^>]*title="([^"]+)"/g)].map(
      (m) => `pitfall-${slugify(m[1]!)}`,
    );
    out.set(lesson.id, { title: lesson.data.title, headings: new Set([...headings.map((h) => h.slug), ...pitfalls]) });
  }
  return out;
}

function fixtureLessons(): Map<string, LessonInfo> {
  const raw = JSON.parse(
    readFileSync(join(process.cwd(), 'tests/fixtures/srs/fixture-lessons.json'), 'utf8'),
  ) as Record<string, { title: string; headings: string[] }>;
  return new Map(
    Object.entries(raw)
      .filter(([k]) => k !== 'about')
      .map(([id, l]) => [id, { title: l.title, headings: new Set(l.headings) }]),
  );
}

const FIXTURE_DECKS = 'tests/fixtures/srs/decks/';
let cached: Promise<PublishedDeck[]> | undefined;

/** Every deck the site publishes, by id order. Throws (failing the build) on any bad card. */
export function publishedDecks(): Promise<PublishedDeck[]> {
  cached ??= (async () => {
    const entries = (await getCollection('decks')).sort((a, b) => a.id.localeCompare(b.id));
    const lessons = await lessonInfo();
    const isFixture = (path: string | undefined) => fixturesEnabled() && !!path?.startsWith(FIXTURE_DECKS);
    const fixtures = entries.some((e) => isFixture(e.filePath)) ? fixtureLessons() : new Map<string, LessonInfo>();
    const out: PublishedDeck[] = [];
    const problems: string[] = [];
    for (const e of entries) {
      try {
        out.push(buildDeck(e.id, e.data, isFixture(e.filePath) ? fixtures : lessons, import.meta.env.BASE_URL));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (problems.length) throw new Error(`Bad decks:\n${problems.join('\n')}`);
    return out;
  })();
  return cached;
}

/** Decks of one lesson. */
export async function decksOfLesson(lesson: string): Promise<PublishedDeck[]> {
  return (await publishedDecks()).filter((d) => d.lesson === lesson);
}
