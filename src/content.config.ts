import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { lessonSchema } from './lib/lesson-schema.ts';

/**
 * Lessons live in content/lessons/*.mdx. MARGINALIA_LESSONS_DIR points the collection at
 * another folder; the test suite uses it to prove that a bad lesson fails the build.
 */
const lessonsDir = process.env.MARGINALIA_LESSONS_DIR ?? './content/lessons';

export const collections = {
  lessons: defineCollection({
    loader: glob({ pattern: '**/*.mdx', base: lessonsDir }),
    schema: lessonSchema,
  }),
};
