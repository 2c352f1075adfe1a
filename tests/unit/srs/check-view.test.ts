import { describe, it, expect } from 'vitest';
import { ask, check } from '../../../widgets/srs-quiz/check-view.ts';
import { parseInlineCards } from '../../../widgets/core/srs-deck.ts';

/** What <srs-quiz> asks and checks on a card, review after review (the element seeds by its reps). */
const [generated, fixed, cloze] = parseInlineCards(
  JSON.stringify([
    { id: 'g', type: 'numeric', front: 'Parameters of one matrix?', generator: 'lora-matrix-params' },
    { id: 'f', type: 'numeric', front: 'Bytes?', answer: 37.7, unit: 'MB', tolerance: 0.02 },
    { id: 'c', type: 'cloze', front: 'Rank {{c1::8}}, alpha {{c2::sixteen}}' },
  ]),
).cards;

describe('the question a checked card asks', () => {
  it('a generated card asks other numbers on its next review, and the same ones again for the same review', () => {
    const first = ask(generated!, 0);
    expect(ask(generated!, 0)).toEqual(first);
    const later = [1, 2, 3].map((n) => ask(generated!, n).givens);
    expect(later.some((g) => g !== first.givens)).toBe(true);
    expect(first.steps!.length).toBeGreaterThan(0);
    const right = check(first, String(first.expected), 2000);
    expect(right).toMatchObject({ correct: true, expected: first.expected, suggested: 4 });
    expect(check(first, String((first.expected as number) * 2), 20_000)).toMatchObject({
      correct: false,
      suggested: 1,
    });
  });
  it('fixed numeric and cloze cards: tolerance, unit, suggested grades', () => {
    const q = ask(fixed!, 5);
    expect(q).toMatchObject({ expected: 37.7, unit: 'MB', tolerance: 0.02 });
    expect(check(q, '38.4 MB', 30_000)).toMatchObject({ correct: true, suggested: 3 });
    expect(check(q, '38.5', 1000)).toMatchObject({ correct: false, suggested: 1 });
    const c1 = ask(cloze!, 0);
    expect(c1.expected).toEqual(['8']);
    expect(check(c1, '8.0', 1000)).toMatchObject({ correct: true, expected: '8' });
    expect(
      check(
        ask(
          parseInlineCards(JSON.stringify([{ id: 'c', type: 'cloze', front: 'alpha {{c1::sixteen}}' }])).cards[0]!,
          0,
        ),
        'Sixteen',
        1000,
      ).correct,
    ).toBe(true);
  });
  it('an unknown generator on an inline card is named, not thrown', () => {
    const [bad] = parseInlineCards(JSON.stringify([{ id: 'x', type: 'numeric', front: 'q', generator: 'nope' }])).cards;
    expect(ask(bad!, 0).error).toMatch(/^unknown generator "nope"/);
  });
});
