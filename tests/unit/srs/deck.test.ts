import { describe, it, expect } from 'vitest';
import { parseDeck, parseInlineCards, DeckError } from '../../../widgets/core/srs-deck.ts';

const base = 'https://site.example/decks/lora.json';
const deck = {
  version: 1,
  id: 'lora',
  title: 'LoRA',
  lesson: 'lora-peft',
  cards: [
    {
      id: 'a',
      front: 'Q?',
      back: 'A.',
      frontHtml: '<p>Q?</p>',
      backHtml: '<p>A.</p>',
      tags: ['t'],
      section: 'theory',
      sectionUrl: '/lessons/lora-peft/#theory',
      demoUrl: 'javascript:alert(1)',
    },
  ],
};

describe('deck parsing in the element', () => {
  it('keeps HTML and links only for trusted decks, resolves links, drops unsafe schemes', () => {
    const t = parseDeck(deck, { trusted: true, base });
    expect(t.cards[0]).toMatchObject({
      key: 'lora:a',
      frontHtml: '<p>Q?</p>',
      sectionUrl: 'https://site.example/lessons/lora-peft/#theory',
    });
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
    [
      {
        ...deck,
        cards: [
          { id: 'a', front: 'q', back: 'b' },
          { id: 'a', front: 'q', back: 'b' },
        ],
      },
      /card 2 repeats the id "a"/,
    ],
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

describe('checked cards reach the element (issue 16)', () => {
  it('inline numeric cards: fixed answer or generator, back optional, tolerance 1% by default', () => {
    const deck = parseInlineCards(
      JSON.stringify([
        { id: 'n', type: 'numeric', front: 'How many?', answer: 131072, unit: '' },
        {
          id: 'g',
          type: 'numeric',
          front: 'Draw',
          generator: 'merge-macs',
          params: { r: [8], bad: 'x' },
          tolerance: 0.05,
        },
      ]),
    );
    expect(deck.cards[0]).toMatchObject({
      id: 'n',
      back: '',
      check: { type: 'numeric', answer: 131072, tolerance: 0.01, unit: '' },
    });
    expect(deck.cards[1]!.check).toEqual({
      type: 'numeric',
      generator: 'merge-macs',
      params: { r: [8] },
      tolerance: 0.05,
      unit: '',
    });
  });
  it('an inline cloze entry becomes one card per number; published cloze cards keep their answers', () => {
    const deck = parseInlineCards(
      JSON.stringify([{ id: 'c', type: 'cloze', front: '{{c1::B}} starts at {{c2::0}}.' }]),
    );
    expect(deck.cards.map((c) => [c.key, c.front, c.check])).toEqual([
      ['inline:c::c1', '[…] starts at 0.', { type: 'cloze', answers: ['B'], tolerance: 0.01 }],
      ['inline:c::c2', 'B starts at […].', { type: 'cloze', answers: ['0'], tolerance: 0.01 }],
    ]);
    const pub = parseDeck(
      { id: 'd', cards: [{ id: 'x::c1', type: 'cloze', front: '[…] = 0', back: 'B = 0', answers: ['B'] }] },
      { trusted: true, base: 'https://site.example/decks/d.json' },
    );
    expect(pub.cards[0]!.check).toEqual({ type: 'cloze', answers: ['B'], tolerance: 0.01 });
  });
  it('refuses a numeric card with no answer, a malformed cloze and an unknown type, naming the card', () => {
    const bad = (c: object) => () => parseInlineCards(JSON.stringify([c]));
    expect(bad({ id: 'n', type: 'numeric', front: 'q' })).toThrow('card "n" is numeric but has no answer');
    expect(bad({ id: 'c', type: 'cloze', front: 'q {{c1::' })).toThrow(/cloze card "c" has an unclosed/);
    expect(bad({ id: 't', type: 'essay', front: 'q', back: 'a' })).toThrow('card "t" has type "essay"');
    expect(bad({ id: 'b', front: 'q' })).toThrow('card "b" has no back text');
  });
});
