import { z } from 'astro/zod';

/**
 * A deck file, content/decks/<deck-id>.yaml:
 *
 *   title: "LoRA / PEFT fine-tuning"
 *   lesson: lora-peft            # the lesson whose sections the cards link to
 *   cards:
 *     - id: why-low-rank         # stable, unique in the deck, never reused (progress is keyed by it)
 *       front: "Question, Markdown with $math$"
 *       back: |
 *         Answer, Markdown with $inline$ and $$display$$ math.
 *       tags: [theory]
 *       section: theory          # id of a heading (H2 or H3) of the lesson page
 *       demo: "?rank=1#trainer"  # optional link, relative to the lesson page, to a widget state
 *
 * Checked here (during `astro sync`, the first step of every build): the shape, card ids, empty
 * sides, duplicates. Checked when the deck is published (src/pages/decks/[id].json.ts): that the
 * lesson exists and has the section, and that the Markdown and math render. Every message names
 * the card.
 */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CARD_ID = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const SECTION_ID = /^[a-z0-9][a-z0-9_-]*$/;

const rawCard = z
  .object({
    // All optional here so that checkCard can name the card in every message.
    id: z.unknown().optional(),
    front: z.unknown().optional(),
    back: z.unknown().optional(),
    tags: z.unknown().optional(),
    section: z.unknown().optional(),
    demo: z.unknown().optional(),
  })
  .strict();

export interface DeckCardSource {
  id: string;
  front: string;
  back: string;
  tags: string[];
  section: string;
  demo?: string;
}

/** A card that fails gets one message per problem, each starting `card "<id>"` (or its position). */
function checkCard(raw: z.infer<typeof rawCard>, i: number, issue: (message: string) => void): DeckCardSource | undefined {
  const name = typeof raw.id === 'string' && raw.id ? `card "${raw.id}"` : `card ${i + 1}`;
  const start = issue;
  let ok = true;
  const fail = (m: string) => {
    ok = false;
    start(`${name}: ${m}`);
  };
  if (typeof raw.id !== 'string' || !CARD_ID.test(raw.id)) fail('id must be lowercase letters, digits, "-" or "_" (like "why-low-rank")');
  for (const side of ['front', 'back'] as const) {
    const v = raw[side];
    if (typeof v !== 'string') fail(`${side} is missing (it must be Markdown text)`);
    else if (!v.trim()) fail(`${side} is empty`);
  }
  if (typeof raw.section !== 'string' || !SECTION_ID.test(raw.section)) fail('section must be the id of a heading in the lesson (like "theory")');
  const tags = raw.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && SLUG.test(t))) fail('tags must be a list of lowercase words like [theory, pitfalls]');
  if (raw.demo !== undefined && (typeof raw.demo !== 'string' || !/^[?#]/.test(raw.demo))) fail('demo must be a link relative to the lesson page that starts with "?" or "#" (like "?rank=1#trainer")');
  if (!ok) return undefined;
  return {
    id: raw.id as string,
    front: raw.front as string,
    back: raw.back as string,
    tags: tags as string[],
    section: raw.section as string,
    ...(raw.demo === undefined ? {} : { demo: raw.demo as string }),
  };
}

export const deckSchema = z
  .object({
    title: z.string().trim().min(1, 'the deck needs a title'),
    lesson: z.string().regex(SLUG, 'lesson must be a lesson slug like "lora-peft"'),
    cards: z.array(rawCard).min(1, 'the deck has no cards'),
  })
  .strict()
  .transform((deck, ctx) => {
    const cards: DeckCardSource[] = [];
    const seen = new Map<string, number>();
    deck.cards.forEach((raw, i) => {
      const card = checkCard(raw, i, (message) => ctx.addIssue({ code: 'custom', path: ['cards', i], message }));
      if (!card) return;
      const first = seen.get(card.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['cards', i, 'id'], message: `card "${card.id}": duplicate id (card ${first + 1} already uses it)` });
        return;
      }
      seen.set(card.id, i);
      cards.push(card);
    });
    return { title: deck.title, lesson: deck.lesson, cards };
  });

export type DeckSource = z.output<typeof deckSchema>;
