/**
 * Publishing a deck: its source (already shape-checked by deck-schema.ts) plus what the site
 * knows about lessons → the JSON served at /decks/<id>.json and read by <srs-quiz>
 * (widgets/core/srs-deck.ts parses it there). Cross-references are checked here: the lesson
 * exists and has each card's section. All problems are collected and thrown together, each
 * naming the deck and the card.
 */
import type { DeckSource } from './deck-schema.ts';
import { renderCardMarkdown, CardRenderError } from './deck-render.ts';
import { DECK_VERSION } from '../../widgets/core/srs-deck.ts';
import { parseCloze, clozeNumbers, clozeSides } from '../../widgets/core/srs-cloze.ts';

export interface LessonInfo {
  title: string;
  /** Ids of the lesson page's headings (every depth), as rendered. */
  headings: ReadonlySet<string>;
}

/**
 * One card as served. A cloze entry is published as one card per cloze number, id
 * `<entry id>::c<N>` (`:` never appears in a source id, so these cannot collide), its front with
 * that deletion hidden, its back with it in bold, and `answers` (the hidden texts, in order).
 */
export interface PublishedCard {
  id: string;
  /** Absent for basic cards. */
  type?: 'numeric' | 'cloze';
  front: string;
  /** Absent when a numeric card has no back. */
  back?: string;
  frontHtml: string;
  backHtml?: string;
  tags: string[];
  section: string;
  sectionUrl: string;
  demoUrl?: string;
  answer?: number;
  generator?: string;
  params?: Record<string, number | number[]>;
  tolerance?: number;
  unit?: string;
  answers?: string[];
}

/** The published card(s) of one source card (several for a cloze entry). */
function publishCard(card: DeckSource['cards'][number], where: string, lessonUrl: string): PublishedCard[] {
  const common = { tags: card.tags, section: card.section, sectionUrl: `${lessonUrl}#${card.section}` };
  const demo = card.demo && new URL(card.demo, `https://site.invalid${lessonUrl}`);
  const demoUrl = demo ? { demoUrl: `${demo.pathname}${demo.search}${demo.hash}` } : {};
  const back = card.back.trim();
  const tolerance = card.tolerance === undefined ? {} : { tolerance: card.tolerance };
  if (card.type === 'cloze') {
    const parsed = parseCloze(card.front);
    if ('errors' in parsed) throw new CardRenderError(`${where}, front: ${parsed.errors.join('; ')}`);
    return clozeNumbers(parsed.spans).map((n) => {
      const md = clozeSides(card.front.trim(), parsed.spans, n, (s) => `**${s}**`);
      const plain = clozeSides(card.front.trim(), parsed.spans, n);
      const fullBack = back ? `${md.back}\n\n${back}` : md.back;
      return {
        id: `${card.id}::c${n}`,
        type: 'cloze' as const,
        front: plain.front,
        back: back ? `${plain.back}\n\n${back}` : plain.back,
        frontHtml: renderCardMarkdown(md.front, `${where}, front (c${n})`),
        backHtml: renderCardMarkdown(fullBack, `${where}, back (c${n})`),
        answers: md.answers,
        ...tolerance,
        ...common,
        ...demoUrl,
      };
    });
  }
  const out: PublishedCard = {
    id: card.id,
    front: card.front.trim(),
    frontHtml: renderCardMarkdown(card.front, `${where}, front`),
    ...(back ? { back, backHtml: renderCardMarkdown(card.back, `${where}, back`) } : {}),
    ...common,
    ...demoUrl,
  };
  if (card.type === 'numeric') {
    Object.assign(out, { type: 'numeric' }, tolerance);
    if (card.answer !== undefined) out.answer = card.answer;
    if (card.generator !== undefined) out.generator = card.generator;
    if (card.params !== undefined) out.params = card.params;
    if (card.unit !== undefined) out.unit = card.unit;
  }
  return [out];
}

export interface PublishedDeck {
  version: typeof DECK_VERSION;
  id: string;
  title: string;
  lesson: string;
  lessonTitle: string;
  lessonUrl: string;
  cards: PublishedCard[];
}

export class DeckBuildError extends Error {
  override name = 'DeckBuildError';
}

/** `base` is the site's base path ("/"); URLs in the output are site-absolute paths. */
export function buildDeck(
  id: string,
  deck: DeckSource,
  lessons: ReadonlyMap<string, LessonInfo>,
  base = '/',
): PublishedDeck {
  const problems: string[] = [];
  const lesson = lessons.get(deck.lesson);
  if (!lesson) {
    const known = [...lessons.keys()].sort().join(', ') || 'none yet';
    throw new DeckBuildError(`deck "${id}": lesson "${deck.lesson}" does not exist (lessons: ${known})`);
  }
  const lessonUrl = `${base}lessons/${deck.lesson}/`;
  const cards: PublishedCard[] = [];
  for (const card of deck.cards) {
    const where = `deck "${id}", card "${card.id}"`;
    if (!lesson.headings.has(card.section)) {
      problems.push(
        `${where}: section "${card.section}" is not a heading of lesson "${deck.lesson}" (its headings: ${[...lesson.headings].join(', ')})`,
      );
      continue;
    }
    try {
      cards.push(...publishCard(card, where, lessonUrl));
    } catch (e) {
      if (e instanceof CardRenderError) problems.push(e.message);
      else throw e;
    }
  }
  if (problems.length) throw new DeckBuildError(`deck "${id}" cannot be published:\n  - ${problems.join('\n  - ')}`);
  return {
    version: DECK_VERSION,
    id,
    title: deck.title,
    lesson: deck.lesson,
    lessonTitle: lesson.title,
    lessonUrl,
    cards,
  };
}
