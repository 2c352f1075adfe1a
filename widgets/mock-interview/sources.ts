/**
 * Where `<mock-interview>`'s questions come from: the site that served the module (found from the
 * module's own URL, as widgets/srs-decks/decks.ts finds decks), so an embedder's page gets the
 * same questions as the site. With lesson slugs, each lesson's `/decks/qa/<slug>.json`; without,
 * `/decks/index.json` first (the whole track), then every lesson's questions at once.
 */
import { parseQaLesson, parseTrackIndex, type QaLesson } from '../core/mock-interview-data.ts';

/** The site root the module was served from (the folder above /widgets/). */
function siteRoot(moduleUrl: string = import.meta.url): URL {
  const u = new URL(moduleUrl);
  const i = u.pathname.lastIndexOf('/widgets/');
  return new URL(i >= 0 ? u.pathname.slice(0, i + 1) : './', u);
}

/** What loading found: the lessons with questions, and a sentence for each that could not be used. */
export interface LoadedQuestions {
  lessons: QaLesson[];
  problems: string[];
  /** The lesson pages' links are resolved against the site, so they work from an embedding page. */
  root: URL;
}

async function getJson(url: URL, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'same-origin' });
  } catch {
    throw new Error(`Could not load ${what}: the request failed (offline, or the server does not allow it).`);
  }
  if (response.status === 404) throw new Error(`There is no ${what} on this site.`);
  if (!response.ok) throw new Error(`Could not load ${what}: the server answered ${response.status}.`);
  try {
    return await response.json();
  } catch {
    throw new Error(`Could not load ${what}: it is not valid JSON.`);
  }
}

async function lessonQuestions(root: URL, slug: string, qa: string | null): Promise<QaLesson> {
  // Site-relative URLs (`/decks/qa/x.json`, base path included) resolve against the site's origin.
  const url = qa ? new URL(qa, root) : new URL(`decks/qa/${slug}.json`, root);
  const what = `lesson "${slug}" (its questions, ${url.pathname})`;
  // Answers are rendered as HTML, so they must come from this site (as trusted decks do).
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname))
    throw new Error(`The questions of lesson "${slug}" are not on this site (${url.href}), so they are left out.`);
  const parsed = parseQaLesson(await getJson(url, what), slug);
  if ('error' in parsed) throw new Error(`The questions of lesson "${slug}" cannot be used: the file ${parsed.error}.`);
  const lesson = parsed.value;
  return { ...lesson, url: new URL(lesson.url, root).href };
}

/**
 * The questions of `slugs` (null: every lesson of /decks/index.json). Rejects only when the index
 * itself cannot be read; a lesson that fails is left out with its sentence in `problems`.
 */
export async function loadQuestions(slugs: readonly string[] | null, root: URL = siteRoot()): Promise<LoadedQuestions> {
  let wanted: { slug: string; qa: string | null }[];
  if (slugs) wanted = slugs.map((slug) => ({ slug, qa: null }));
  else {
    const index = parseTrackIndex(await getJson(new URL('decks/index.json', root), 'list of lessons'));
    if ('error' in index) throw new Error(`The list of lessons cannot be used: it ${index.error}.`);
    wanted = index.value;
  }
  const settled = await Promise.allSettled(wanted.map((w) => lessonQuestions(root, w.slug, w.qa)));
  const lessons: QaLesson[] = [];
  const problems: string[] = [];
  for (const s of settled)
    if (s.status === 'fulfilled') lessons.push(s.value);
    else problems.push((s.reason as Error).message);
  return { lessons, problems, root };
}
