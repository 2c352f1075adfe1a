import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { lessonSchema } from './lib/lesson-schema.ts';
import { deckSchema } from './lib/deck-schema.ts';

/**
 * Lessons live in content/lessons/*.mdx. MARGINALIA_LESSONS_DIR points the collection at
 * another folder; the test suite uses it to prove that a bad lesson fails the build.
 */
const lessonsDir = process.env.MARGINALIA_LESSONS_DIR ?? './content/lessons';

/**
 * Decks live in content/decks/<deck-id>.yaml (src/lib/deck-schema.ts has the format).
 * MARGINALIA_DECKS_DIR replaces that folder (the tests point it at bad decks); test builds
 * (MARGINALIA_FIXTURES=1) add the fixture decks in tests/fixtures/srs/decks/.
 */
const deckPatterns = process.env.MARGINALIA_DECKS_DIR
  ? [`${process.env.MARGINALIA_DECKS_DIR.replace(/^\.\//, '').replace(/\/$/, '')}/*.yaml`]
  : ['content/decks/*.yaml', ...(process.env.MARGINALIA_FIXTURES === '1' ? ['tests/fixtures/srs/decks/*.yaml'] : [])];

export const collections = {
  lessons: defineCollection({
    loader: glob({ pattern: '**/*.mdx', base: lessonsDir }),
    schema: lessonSchema,
  }),
  decks: defineCollection({
    loader: glob({
      pattern: deckPatterns,
      base: '.',
      generateId: ({ entry }) => entry.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    }),
    schema: deckSchema,
  }),
};
