import type { APIRoute, GetStaticPaths } from 'astro';
import { publishedQAs } from '../../../lib/qa-site.ts';
import type { PublishedLessonQAs } from '../../../lib/qa-build.ts';

/**
 * /decks/qa/<lesson>.json: one lesson's interview questions with their rubrics and linked cards
 * (format: src/lib/qa-build.ts), read by `<mock-interview>` and published for embedders.
 */
export const getStaticPaths = (async () =>
  (await publishedQAs()).map((qas) => ({ params: { slug: qas.lesson }, props: { qas } }))) satisfies GetStaticPaths;

export const GET: APIRoute<{ qas: PublishedLessonQAs }> = ({ props }) =>
  new Response(JSON.stringify(props.qas), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
