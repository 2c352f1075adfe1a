import { z } from 'astro/zod';
import { parseCloze } from '../../widgets/core/srs-cloze.ts';
import { generatorProblems } from '../../widgets/core/srs-generators.ts';

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
 *     - id: params-one-matrix
 *       type: numeric            # checked: the reader types a number (see widgets/core/srs-answer.ts)
 *       front: "How many parameters does LoRA add to one matrix?"
 *       generator: lora-matrix-params   # numbers drawn anew each review (widgets/core/srs-generators.ts)
 *       params: { r: [8, 16] }   # optional: narrow the generator's draw (a number or a list)
 *       tolerance: 0.01          # relative, default 1%
 *       section: theory
 *     - id: b-zero
 *       type: cloze              # each {{cN::…}} number is its own card, id "<id>::c<N>"
 *       front: "LoRA starts with {{c1::B}} = 0, so {{c2::ΔW}} starts at zero."
 *       section: theory
 *
 * `type` is `basic` (default), `numeric` (a fixed `answer` number, or a `generator` with optional
 * `params`; optional `tolerance` and `unit`) or `cloze` (Anki's `{{c1::hidden}}` or
 * `{{c1::hidden::hint}}` in the front). `back` is required for basic cards and optional for the
 * others (the check shows the answer; a numeric card's generator writes the worked solution).
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
    type: z.unknown().optional(),
    answer: z.unknown().optional(),
    generator: z.unknown().optional(),
    params: z.unknown().optional(),
    tolerance: z.unknown().optional(),
    unit: z.unknown().optional(),
  })
  .strict();

const CARD_TYPES = ['basic', 'numeric', 'cloze'] as const;
export type CardType = (typeof CARD_TYPES)[number];

export interface DeckCardSource {
  id: string;
  type: CardType;
  front: string;
  /** Markdown; '' when a numeric or cloze card has none. */
  back: string;
  tags: string[];
  section: string;
  demo?: string;
  /** Numeric: the fixed answer, or the generator (with its params) that draws one each review. */
  answer?: number;
  generator?: string;
  params?: Record<string, number | number[]>;
  /** Numeric and cloze: relative tolerance (default 1%); numeric: the answer's unit. */
  tolerance?: number;
  unit?: string;
}

/** Problems with a card's type-specific fields, each a sentence without the card's name. */
function checkTyped(raw: z.infer<typeof rawCard>, type: CardType): string[] {
  const out: string[] = [];
  const numericOnly = ['answer', 'generator', 'params', 'unit'] as const;
  if (type !== 'numeric')
    for (const k of numericOnly)
      if (raw[k] !== undefined) out.push(`${k} is only for numeric cards (add type: numeric)`);
  if (type === 'basic' && raw.tolerance !== undefined) out.push('tolerance is only for numeric and cloze cards');
  if (raw.tolerance !== undefined && !(typeof raw.tolerance === 'number' && raw.tolerance >= 0 && raw.tolerance <= 0.5))
    out.push('tolerance must be a relative tolerance from 0 to 0.5 (0.01 is 1%)');
  if (type === 'numeric') {
    if (raw.answer === undefined && raw.generator === undefined)
      out.push('a numeric card needs an answer (a number) or a generator');
    if (raw.answer !== undefined && raw.generator !== undefined)
      out.push('a numeric card has either an answer or a generator, not both');
    if (raw.answer !== undefined && !(typeof raw.answer === 'number' && Number.isFinite(raw.answer)))
      out.push(`answer must be a number (got ${JSON.stringify(raw.answer)}); write 131072 or 1.31e5, units go in unit`);
    if (raw.generator !== undefined) out.push(...generatorProblems(raw.generator, raw.params));
    else if (raw.params !== undefined) out.push('params are only for cards with a generator');
    if (raw.unit !== undefined && !(typeof raw.unit === 'string' && raw.unit.length <= 16))
      out.push('unit must be a short text like "MB" or "%"');
  }
  if (type === 'cloze' && typeof raw.front === 'string') {
    const parsed = parseCloze(raw.front);
    if ('errors' in parsed) out.push(...parsed.errors.map((e) => `the cloze front ${e}`));
  }
  return out;
}

/** A card that fails gets one message per problem, each starting `card "<id>"` (or its position). */
function checkCard(
  raw: z.infer<typeof rawCard>,
  i: number,
  issue: (message: string) => void,
): DeckCardSource | undefined {
  const name = typeof raw.id === 'string' && raw.id ? `card "${raw.id}"` : `card ${i + 1}`;
  const start = issue;
  let ok = true;
  const fail = (m: string) => {
    ok = false;
    start(`${name}: ${m}`);
  };
  if (typeof raw.id !== 'string' || !CARD_ID.test(raw.id))
    fail('id must be lowercase letters, digits, "-" or "_" (like "why-low-rank")');
  const type = (raw.type ?? 'basic') as CardType;
  if (!CARD_TYPES.includes(type)) fail(`type must be basic, numeric or cloze (got ${JSON.stringify(raw.type)})`);
  for (const side of ['front', 'back'] as const) {
    const v = raw[side];
    if (side === 'back' && type !== 'basic' && v === undefined) continue;
    if (typeof v !== 'string') fail(`${side} is missing (it must be Markdown text)`);
    else if (!v.trim()) fail(`${side} is empty`);
  }
  if (CARD_TYPES.includes(type)) for (const m of checkTyped(raw, type)) fail(m);
  if (typeof raw.section !== 'string' || !SECTION_ID.test(raw.section))
    fail('section must be the id of a heading in the lesson (like "theory")');
  const tags = raw.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && SLUG.test(t)))
    fail('tags must be a list of lowercase words like [theory, pitfalls]');
  if (raw.demo !== undefined && (typeof raw.demo !== 'string' || !/^[?#]/.test(raw.demo)))
    fail('demo must be a link relative to the lesson page that starts with "?" or "#" (like "?rank=1#trainer")');
  if (!ok) return undefined;
  return {
    id: raw.id as string,
    type,
    front: raw.front as string,
    back: (raw.back as string | undefined) ?? '',
    tags: tags as string[],
    section: raw.section as string,
    ...(raw.demo === undefined ? {} : { demo: raw.demo as string }),
    ...(raw.answer === undefined ? {} : { answer: raw.answer as number }),
    ...(raw.generator === undefined ? {} : { generator: raw.generator as string }),
    ...(raw.params === undefined ? {} : { params: raw.params as Record<string, number | number[]> }),
    ...(raw.tolerance === undefined ? {} : { tolerance: raw.tolerance as number }),
    ...(raw.unit === undefined ? {} : { unit: raw.unit as string }),
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
        ctx.addIssue({
          code: 'custom',
          path: ['cards', i, 'id'],
          message: `card "${card.id}": duplicate id (card ${first + 1} already uses it)`,
        });
        return;
      }
      seen.set(card.id, i);
      cards.push(card);
    });
    return { title: deck.title, lesson: deck.lesson, cards };
  });

export type DeckSource = z.output<typeof deckSchema>;
