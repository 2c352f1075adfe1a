import { describe, it, expect } from 'vitest';
import { parseDeck, parseInlineCards, DeckError } from '../../../widgets/core/srs-deck.ts';

const base = 'https://site.example/decks/lora.json';
const deck = {
  version: 1,
  id: 'lora',
  title: 'LoRA',
  lesson: 'lora-peft',
  cards: [
    { id: 'a', front: 'Q?', back: 'A.', frontHtml: '<p>Q?</p>', backHtml: '<p>A.</p>', tags: ['t'], section: 'theory', sectionUrl: '/lessons/lora-peft/#theory', demoUrl: 'javascript:alert(1)' },
  ],
};

describe('deck parsing in the element', () => {
  it('keeps HTML and links only for trusted decks, resolves links, drops unsafe schemes', () => {
    const t = parseDeck(deck, { trusted: true, base });
    expect(t.cards[0]).toMatchObject({ key: 'lora:a', frontHtml: '<p>Q?</p>', sectionUrl: 'https://site.example/lessons/lora-peft/#theory' });
    expect(t.cards[0]!.demoUrl).toBeUndefined();
    const u = parseDeck(deck, { trusted: false, base });
    expect(u.cards[0]!.frontHtml).toBeUndefined();
    expect(u.cards[0]!.sectionUrl).toBeUndefined();
    expect(u.cards[0]!.front).toBe('Q?');
  });
  const bad: [unknown, RegExp][] = [
    ['nope', /not a JSON object/],
    [{ ...deck, version: 2 }, /version 2/],
    [{ ...deck, cards: [] }, /no cards/],
    [{ ...deck, cards: 'x' }, /no list of cards/],
    [{ ...deck, cards: [{ id: 'a', front: 'q' }] }, /card "a" has no back/],
    [{ ...deck, cards: [{ id: 'a', front: ' ', back: 'b' }] }, /card "a" has no front/],
    [{ ...deck, cards: [{ front: 'q', back: 'b' }] }, /card 1 has no id/],
    [{ ...deck, cards: [{ id: 'a', front: 'q', back: 'b' }, { id: 'a', front: 'q', back: 'b' }] }, /card 2 repeats the id "a"/],
  ];
  for (const [value, message] of bad) {
    it(`refuses ${JSON.stringify(value).slice(0, 60)}`, () => {
      expect(() => parseDeck(value, { trusted: true, base, expectId: 'lora' })).toThrow(DeckError);
      expect(() => parseDeck(value, { trusted: true, base, expectId: 'lora' })).toThrow(message);
    });
  }
  it('inline cards are plain text, and bad inline JSON says so', () => {
    const d = parseInlineCards('[{"id":"x","front":"<script>alert(1)</script>","back":"b","frontHtml":"<b>no</b>"}]');
    expect(d.cards[0]).toMatchObject({ key: 'inline:x', front: '<script>alert(1)</script>' });
    expect(d.cards[0]!.frontHtml).toBeUndefined();
    expect(() => parseInlineCards('[{"id":')).toThrow(/not valid JSON/);
    expect(() => parseInlineCards('{}')).toThrow(/no list of cards/);
  });
});
