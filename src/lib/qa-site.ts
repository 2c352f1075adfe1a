/**
 * The site's interview questions, published: every lesson's `<QA>` elements read and checked by
 * src/lib/qa-build.ts against the decks of the `decks` collection. Build-time only; any bad
 * question fails the build with a message naming the lesson file and the question.
 */
import { getCollection } from 'astro:content';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { allLessons } from './lessons.ts';
import { buildLessonQAs, deckCardIds, type PublishedLessonQAs } from './qa-build.ts';

/** Lines of the file before its body, so messages give the file's own line numbers. */
function lineOffset(filePath: string | undefined, body: string): number {
  if (!filePath) return 0;
  try {
    const raw = readFileSync(filePath, 'utf8');
    const at = raw.indexOf(body);
    return at < 0 ? 0 : raw.slice(0, at).split('\n').length - 1;
  } catch {
    return 0;
  }
}

let cached: Promise<PublishedLessonQAs[]> | undefined;

/** Every lesson's questions, in track order. Throws (failing the build) on any bad question. */
export function publishedQAs(): Promise<PublishedLessonQAs[]> {
  cached ??= (async () => {
    const decks = new Map((await getCollection('decks')).map((d) => [d.id, deckCardIds(d.data)] as const));
    const out: PublishedLessonQAs[] = [];
    const problems: string[] = [];
    for (const lesson of await allLessons()) {
      const body = lesson.body ?? '';
      const file = lesson.filePath ? relative(process.cwd(), lesson.filePath) : `lesson "${lesson.id}"`;
      try {
        out.push(
          buildLessonQAs(
            {
              slug: lesson.id,
              title: lesson.data.title,
              file,
              body,
              lineOffset: lineOffset(lesson.filePath, body),
              sources: lesson.data.sources,
            },
            decks,
            import.meta.env.BASE_URL,
          ),
        );
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (problems.length) throw new Error(`Bad interview questions:\n${problems.join('\n')}`);
    return out;
  })();
  return cached;
}
