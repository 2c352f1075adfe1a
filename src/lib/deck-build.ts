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

export interface LessonInfo {
  title: string;
  /** Ids of the lesson page's headings (every depth), as rendered. */
  headings: ReadonlySet<string>;
}

export interface PublishedCard {
  id: string;
  front: string;
  back: string;
  frontHtml: string;
  backHtml: string;
  tags: string[];
  section: string;
  sectionUrl: string;
  demoUrl?: string;
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
export function buildDeck(id: string, deck: DeckSource, lessons: ReadonlyMap<string, LessonInfo>, base = '/'): PublishedDeck {
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
      problems.push(`${where}: section "${card.section}" is not a heading of lesson "${deck.lesson}" (its headings: ${[...lesson.headings].join(', ')})`);
      continue;
    }
    try {
      const out: PublishedCard = {
        id: card.id,
        front: card.front.trim(),
        back: card.back.trim(),
        frontHtml: renderCardMarkdown(card.front, `${where}, front`),
        backHtml: renderCardMarkdown(card.back, `${where}, back`),
        tags: card.tags,
        section: card.section,
        sectionUrl: `${lessonUrl}#${card.section}`,
      };
      if (card.demo) {
        const u = new URL(card.demo, `https://site.invalid${lessonUrl}`);
        out.demoUrl = `${u.pathname}${u.search}${u.hash}`;
      }
      cards.push(out);
    } catch (e) {
      if (e instanceof CardRenderError) problems.push(e.message);
      else throw e;
    }
  }
  if (problems.length) throw new DeckBuildError(`deck "${id}" cannot be published:\n  - ${problems.join('\n  - ')}`);
  return { version: DECK_VERSION, id, title: deck.title, lesson: deck.lesson, lessonTitle: lesson.title, lessonUrl, cards };
}
