import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import GithubSlugger from 'github-slugger';
import { deckSchema, type DeckSource } from '../../../src/lib/deck-schema.ts';
import { slugify } from '../../../src/lib/text.ts';

/**
 * Issue 14: every card can be graded in a few seconds, no two cards in the track ask the same
 * thing, and every card links to a heading that exists in its lesson.
 */
const DECKS = 'content/decks';
const LESSONS = 'content/lessons';
const decks = readdirSync(DECKS)
  .filter((f) => f.endsWith('.yaml'))
  .map((file) => {
    const parsed = deckSchema.safeParse(parseYaml(readFileSync(join(DECKS, file), 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${JSON.stringify(parsed.error.issues)}`);
    return { id: file.replace(/\.yaml$/, ''), deck: parsed.data as DeckSource };
  });
const cards = decks.flatMap(({ id, deck }) => deck.cards.map((card) => ({ deck: id, lesson: deck.lesson, ...card })));

/** Words of a card side: whitespace-separated tokens, each `$…$` or `$$…$$` formula counting as one. */
export function sideWords(text: string): number {
  return text
    .replace(/\$\$[\s\S]*?\$\$/g, 'F')
    .replace(/\$[^$]*\$/g, 'F')
    .split(/\s+/)
    .filter(Boolean).length;
}

/** Lower-cased words of three or more letters, formulas removed: what the near-duplicate rule compares. */
export function frontTerms(front: string): Set<string> {
  const text = front.replace(/\$\$[\s\S]*?\$\$/g, ' ').replace(/\$[^$]*\$/g, ' ').toLowerCase();
  return new Set((text.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 3));
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  const inter = [...a].filter((w) => b.has(w)).length;
  const union = a.size + b.size - inter;
  return union === 0 ? 0 : inter / union;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Heading ids of a lesson as the site renders them: Markdown H2/H3 (github-slugger) and pitfall titles. */
function lessonAnchors(slug: string): Set<string> {
  const body = readFileSync(join(LESSONS, `${slug}.mdx`), 'utf8').replace(/```[\s\S]*?```/g, '');
  const slugger = new GithubSlugger();
  const ids = new Set<string>();
  for (const m of body.matchAll(/^#{1,6} (.+)$/gm)) ids.add(slugger.slug(m[1]!.replace(/\$[^$]*\$/g, '').trim()));
  for (const m of body.matchAll(/<Pitfall\s[^>]*title="([^"]+)"/g)) ids.add(`pitfall-${slugify(m[1]!)}`);
  return ids;
}

describe('the track decks are gradable', () => {
  it('has the seven decks of the track', () => {
    expect(decks.map((d) => d.id).sort()).toEqual(['lora-in-practice', 'lora-peft', 'lora-variants', 'low-rank-foundations', 'peft-family', 'qlora', 'serving-adapters']);
  });

  for (const { id, deck } of decks) {
    it(`${id}: keeps at least 12 cards`, () => {
      expect(deck.cards.length).toBeGreaterThanOrEqual(12);
    });

    it(`${id}: every card links to a heading of its lesson`, () => {
      const anchors = lessonAnchors(deck.lesson);
      expect(anchors.size).toBeGreaterThan(10);
      for (const card of deck.cards) expect(anchors.has(card.section), `${id}:${card.id} → #${card.section}`).toBe(true);
    });
  }

  it('no back is over 45 words', () => {
    const long = cards.filter((c) => sideWords(c.back) > 45).map((c) => `${c.deck}:${c.id} (${sideWords(c.back)})`);
    expect(long).toEqual([]);
  });

  it('the median back is at most 25 words, in the track and in every deck', () => {
    expect(median(cards.map((c) => sideWords(c.back)))).toBeLessThanOrEqual(25);
    for (const { id, deck } of decks) expect(median(deck.cards.map((c) => sideWords(c.back))), id).toBeLessThanOrEqual(25);
  });

  it('no two fronts in the track are near-duplicates (Jaccard of their words ≥ 0.7)', () => {
    const pairs: string[] = [];
    for (let i = 0; i < cards.length; i++) {
      for (let j = i + 1; j < cards.length; j++) {
        const score = jaccard(frontTerms(cards[i]!.front), frontTerms(cards[j]!.front));
        if (score >= 0.7) pairs.push(`${cards[i]!.deck}:${cards[i]!.id} ~ ${cards[j]!.deck}:${cards[j]!.id} (${score.toFixed(2)})`);
      }
    }
    expect(pairs).toEqual([]);
  });

  it('the measures themselves work', () => {
    expect(sideWords('Merge: $W = W_0 + \\frac{\\alpha}{r}BA$, then $$x y$$ done.')).toBe(5);
    expect([...frontTerms('Why is $B = 0$ at the start of LoRA?')].sort()).toEqual(['lora', 'start', 'the', 'why']);
    expect(jaccard(frontTerms('What is QLoRA?'), frontTerms('What is QLoRA, in one sentence?'))).toBeCloseTo(2 / 4);
    expect(jaccard(frontTerms('How does rsLoRA scale?'), frontTerms('How does rsLoRA scale, then?'))).toBeGreaterThanOrEqual(0.7);
  });
});
