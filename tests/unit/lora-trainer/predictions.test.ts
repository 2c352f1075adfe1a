/**
 * Predict, then run (widgets/core/predictions.ts): the `predict` attribute's format and its
 * messages, reading what was committed, each measure's answer from fixed run numbers, scoring,
 * and the review a linked prediction logs.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_PREDICTIONS,
  MEASURE_IDS,
  MEASURES,
  endLoss,
  evaluate,
  isCorrect,
  mergeBand,
  parsePredictions,
  predictionReview,
  readPredicted,
  unknownCards,
  type Prediction,
} from '../../../widgets/core/predictions.ts';
import { parseLogEntry } from '../../../widgets/core/srs-log.ts';

const one = (spec: unknown): Prediction => {
  const { predictions, errors } = parsePredictions(spec);
  expect(errors).toEqual([]);
  expect(predictions).toHaveLength(1);
  return predictions[0]!;
};

describe('parsePredictions', () => {
  it('absent or empty: nothing asked, nothing said', () => {
    for (const v of [undefined, null, '', '  ']) expect(parsePredictions(v)).toEqual({ predictions: [], errors: [] });
  });

  it('reads one object or a list, as JSON text or as objects, with each measure’s defaults', () => {
    const text = parsePredictions('{"measure": "rank-reaches-full"}');
    const obj = parsePredictions({ measure: 'rank-reaches-full' });
    expect(text).toEqual(obj);
    const p = text.predictions[0]!;
    expect(p).toMatchObject({
      id: 'rank-reaches-full',
      kind: 'choice',
      steps: 300,
      rank: null,
      cardKey: null,
      question: 'Which rank first reaches the full fine-tuning loss after 300 steps?',
    });
    expect(p.choices.map((c) => c.value)).toEqual([1, 2, 4, 8, 'none']);
    const list = parsePredictions([
      { measure: 'final-loss', id: 'loss', rank: 1, steps: 200 },
      { measure: 'trainable-params', rank: 16, deck: 'lora-peft', card: 'param-count' },
      { measure: 'high-rank-lower-val' },
      { measure: 'merge-output-change' },
    ]);
    expect(list.errors).toEqual([]);
    expect(list.predictions.map((x) => [x.id, x.kind])).toEqual([
      ['loss', 'numeric'],
      ['trainable-params', 'numeric'],
      ['high-rank-lower-val', 'yes-no'],
      ['merge-output-change', 'choice'],
    ]);
    expect(list.predictions[0]).toMatchObject({
      question: 'What will the training loss be after 200 steps at r = 1?',
      tolerance: 0.25,
    });
    expect(list.predictions[1]).toMatchObject({ tolerance: 0, cardKey: 'lora-peft:param-count' });
    expect(list.predictions[2]).toMatchObject({
      ranks: [4, 32],
      trainSize: 40,
      question: 'On 40 noisy examples, does r = 32 end 300 steps with a lower validation loss than r = 4?',
    });
    expect(list.predictions[2]!.choices.map((c) => c.value)).toEqual(['yes', 'no']);
    expect(list.predictions[3]!.choices.map((c) => c.value)).toEqual(['zero', 'rounding', 'small', 'large']);
  });

  it('sorts and de-duplicates rank choices, and always offers “none”', () => {
    const p = one({ measure: 'rank-reaches-full', choices: [8, 2, 2, 1], steps: 100, question: '  Which?  ' });
    expect(p.choices).toEqual([
      { value: 1, label: 'r = 1' },
      { value: 2, label: 'r = 2' },
      { value: 8, label: 'r = 8' },
      { value: 'none', label: 'None of them within 100 steps' },
    ]);
    expect(p.question).toBe('Which?');
  });

  it('bad input: one clear sentence each, the bad prediction left out, the good ones kept; never throws', () => {
    const cases: [unknown, RegExp][] = [
      ['{"measure": ', /^predict is not valid JSON \(.+\); no prediction is asked\.$/],
      ['42', /^predict is not an object like \{"measure": "final-loss"\}; it is left out\.$/],
      [{ measure: 'vibes' }, /measure "vibes"; use one of rank-reaches-full, merge-output-change, .*trainable-params/],
      [{}, /measure undefined; use one of/],
      [{ measure: 'final-loss', answer: 0.1 }, /unknown field answer/],
      [{ measure: 'final-loss', id: 'Bad Id' }, /id "Bad Id" must be 1–64 lowercase letters/],
      [{ measure: 'final-loss', steps: 0 }, /steps must be a whole number from 1 to 3000/],
      [{ measure: 'final-loss', steps: 2.5 }, /steps must be a whole number/],
      [{ measure: 'final-loss', rank: 65 }, /rank must be a whole number from 1 to 64/],
      [{ measure: 'high-rank-lower-val', ranks: [32, 4] }, /ranks must be two ranks, lower first/],
      [{ measure: 'high-rank-lower-val', trainSize: 3 }, /trainSize must be a whole number from 8 to 4096/],
      [{ measure: 'final-loss', tolerance: 2 }, /tolerance must be a number from 0 to 1/],
      [{ measure: 'final-loss', question: '' }, /question must be text/],
      [{ measure: 'rank-reaches-full', choices: [4] }, /choices must list 2–6 ranks/],
      [{ measure: 'rank-reaches-full', choices: [1, 100] }, /choices must list 2–6 ranks from 1 to 64/],
      [{ measure: 'final-loss', choices: [1, 2] }, /only rank-reaches-full takes choices/],
      [{ measure: 'final-loss', deck: 'lora-peft' }, /give both deck and card, or neither/],
      [{ measure: 'final-loss', deck: 'Lora Peft', card: 'x' }, /deck "Lora Peft" is not a deck id/],
      [{ measure: 'final-loss', deck: 'lora-peft', card: 'a b' }, /card "a b" is not a card id/],
    ];
    for (const [value, message] of cases) {
      const r = parsePredictions(value);
      expect(r.predictions, JSON.stringify(value)).toEqual([]);
      expect(r.errors, JSON.stringify(value)).toHaveLength(1);
      expect(r.errors[0], JSON.stringify(value)).toMatch(message);
    }
    const mixed = parsePredictions([{ measure: 'final-loss' }, { measure: 'nope' }, { measure: 'final-loss' }]);
    expect(mixed.predictions.map((p) => p.id)).toEqual(['final-loss']);
    expect(mixed.errors).toEqual([
      expect.stringMatching(/^predict\[1\] has measure "nope"/),
      'predict[2]: id "final-loss" is used twice; give each prediction its own id. It is left out.',
    ]);
    expect(MAX_PREDICTIONS).toBe(8);
    const many = parsePredictions(
      Array.from({ length: MAX_PREDICTIONS + 2 }, (_, i) => ({ measure: 'final-loss', id: `p${i}` })),
    );
    expect(many.predictions).toHaveLength(MAX_PREDICTIONS);
    expect(many.errors).toEqual(['predict lists 10 predictions; only the first 8 are asked.']);
  });
});

describe('evaluate: each measure’s answer from fixed run numbers', () => {
  const flat = (v: number, n = 20) => Array.from({ length: n }, () => v);

  it('rank-reaches-full: the smallest rank ending at or below full fine-tuning (mean of the last 10 steps)', () => {
    const p = one({ measure: 'rank-reaches-full' });
    const full = [...flat(1, 290), ...flat(0.0152, 10)];
    const runs = [
      { rank: 8, losses: flat(0.0015) },
      { rank: 1, losses: flat(0.14) },
      { rank: 4, losses: [...flat(0.5, 10), ...flat(0.0123, 10)] },
      { rank: 2, losses: flat(0.079) },
    ];
    const e = evaluate(p, { measure: 'rank-reaches-full', runs, full });
    expect(e.actual).toBe(4);
    expect(Object.keys(e.figures).sort()).toEqual(['full', 'r1', 'r2', 'r4', 'r8']);
    for (const [k, v] of Object.entries({ r1: 0.14, r2: 0.079, r8: 0.0015 })) expect(e.figures[k]).toBeCloseTo(v, 12);
    expect(e.figures['full']).toBeCloseTo(0.0152, 12);
    expect(e.figures['r4']).toBeCloseTo(0.0123, 12);
    // Equal counts as reached; nobody reaching it answers "none".
    expect(
      evaluate(p, { measure: 'rank-reaches-full', runs: [{ rank: 2, losses: flat(0.5) }], full: flat(0.5) }).actual,
    ).toBe(2);
    expect(
      evaluate(p, { measure: 'rank-reaches-full', runs: [{ rank: 2, losses: flat(0.6) }], full: flat(0.5) }).actual,
    ).toBe('none');
    expect(() => evaluate(p, { measure: 'rank-reaches-full', runs, full: [Number.NaN] })).toThrow(/no finite loss/);
  });

  it('merge-output-change: the band of the largest output change', () => {
    const p = one({ measure: 'merge-output-change' });
    expect([0, 2.38e-7, 9.99e-5, 1e-4, 0.05, 0.1, 3].map(mergeBand)).toEqual([
      'zero',
      'rounding',
      'rounding',
      'small',
      'small',
      'large',
      'large',
    ]);
    expect(evaluate(p, { measure: 'merge-output-change', maxAbsDiff: 2.38e-7 })).toEqual({
      actual: 'rounding',
      figures: { maxAbsDiff: 2.38e-7 },
    });
  });

  it('high-rank-lower-val: yes only when the higher rank ends strictly lower', () => {
    const p = one({ measure: 'high-rank-lower-val' });
    expect(evaluate(p, { measure: 'high-rank-lower-val', valLow: 0.26, valHigh: 0.306 }).actual).toBe('no');
    expect(evaluate(p, { measure: 'high-rank-lower-val', valLow: 0.3, valHigh: 0.2 }).actual).toBe('yes');
    expect(evaluate(p, { measure: 'high-rank-lower-val', valLow: 0.3, valHigh: 0.3 }).actual).toBe('no');
  });

  it('final-loss: the last finite loss; trainable-params: the engine’s count', () => {
    const f = one({ measure: 'final-loss', steps: 3 });
    expect(evaluate(f, { measure: 'final-loss', losses: [0.3, 0.2, Number.NaN] })).toEqual({
      actual: 0.2,
      figures: { loss: 0.2, steps: 3 },
    });
    expect(() => evaluate(f, { measure: 'final-loss', losses: [] })).toThrow(/no finite loss/);
    const t = one({ measure: 'trainable-params' });
    expect(evaluate(t, { measure: 'trainable-params', trainable: 1024 }).actual).toBe(1024);
  });

  it('a run of another measure cannot answer a prediction', () => {
    expect(() => evaluate(one({ measure: 'final-loss' }), { measure: 'trainable-params', trainable: 1 })).toThrow(
      /a trainable-params run cannot answer a final-loss prediction/,
    );
  });

  it('endLoss averages the last 10 finite losses', () => {
    expect(endLoss([100, ...Array.from({ length: 10 }, (_, i) => i), Number.NaN])).toBe(4.5);
    expect(endLoss([])).toBeNaN();
  });

  it('every measure has a default question and a kind', () => {
    for (const id of MEASURE_IDS) {
      expect(['choice', 'yes-no', 'numeric']).toContain(MEASURES[id].kind);
      expect(one({ measure: id }).question.length).toBeGreaterThan(10);
    }
  });
});

describe('reading and scoring what was committed', () => {
  it('numbers in the srs formats, within the relative tolerance; exact by default for counts', () => {
    const loss = one({ measure: 'final-loss', tolerance: 0.1 });
    expect(readPredicted(loss, '0.015')).toEqual({ value: 0.015 });
    expect(readPredicted(loss, '1.5e-2')).toEqual({ value: 0.015 });
    expect(readPredicted(loss, 'lots')).toEqual({ error: '"lots" is not a number.' });
    expect(readPredicted(loss, ' ')).toEqual({ error: 'Type a number.' });
    expect(isCorrect(loss, 0.011, 0.01)).toBe(true);
    expect(isCorrect(loss, 0.0111, 0.01)).toBe(false);
    expect(isCorrect(loss, 0.009, 0.01)).toBe(true);
    const count = one({ measure: 'trainable-params' });
    expect(readPredicted(count, '2,048')).toEqual({ value: 2048 });
    expect(readPredicted(count, '2k')).toEqual({ value: 2000 });
    expect(isCorrect(count, 2048, 2048)).toBe(true);
    expect(isCorrect(count, 2047, 2048)).toBe(false);
  });

  it('choices by value; a value the prediction does not offer asks for a choice', () => {
    const p = one({ measure: 'rank-reaches-full' });
    expect(readPredicted(p, '4')).toEqual({ value: 4 });
    expect(readPredicted(p, 'none')).toEqual({ value: 'none' });
    expect(readPredicted(p, '')).toEqual({ error: 'Choose one of the answers first.' });
    expect(readPredicted(p, '3')).toEqual({ error: 'Choose one of the answers first.' });
    expect(isCorrect(p, 4, 4)).toBe(true);
    expect(isCorrect(p, 2, 4)).toBe(false);
    expect(isCorrect(p, 'none', 4)).toBe(false);
    const yn = one({ measure: 'high-rank-lower-val' });
    expect(readPredicted(yn, 'no')).toEqual({ value: 'no' });
    expect(isCorrect(yn, 'no', 'no')).toBe(true);
  });
});

describe('predictionReview: the outcome as a review of the linked card', () => {
  const at = { id: 'm1-abc', now: 1_760_000_060_000, shownAt: 1_760_000_000_000 };

  it('right → Good, wrong → Again, with the check; a valid log entry', () => {
    const p = one({ measure: 'rank-reaches-full', deck: 'lora-peft', card: 'what-rank-controls' });
    const right = predictionReview(p, { predicted: 4, actual: 4, correct: true }, at)!;
    expect(right).toEqual({
      kind: 'review',
      id: 'm1-abc',
      card: 'lora-peft:what-rank-controls',
      rating: 3,
      time: at.now,
      duration: 60_000,
      check: { correct: true, given: '4', expected: 4, suggested: 3 },
    });
    expect(parseLogEntry(right)).toEqual({ entry: right });
    const wrong = predictionReview(p, { predicted: 'none', actual: 4, correct: false }, at)!;
    expect(wrong).toMatchObject({ rating: 1, check: { correct: false, given: 'none', expected: 4, suggested: 1 } });
    expect(parseLogEntry(wrong)).toEqual({ entry: wrong });
  });

  it('no card, no review; the duration is capped at an hour and never negative', () => {
    expect(predictionReview(one({ measure: 'final-loss' }), { predicted: 1, actual: 1, correct: true }, at)).toBeNull();
    const p = one({ measure: 'final-loss', deck: 'd', card: 'c' });
    const o = { predicted: 1, actual: 1, correct: true };
    expect(predictionReview(p, o, { ...at, shownAt: 0 })!.duration).toBe(3_600_000);
    expect(predictionReview(p, o, { ...at, shownAt: at.now + 5 })!.duration).toBe(0);
  });
});

describe('unknownCards: the build’s check of the lessons’ links', () => {
  it('names the prediction and the missing deck or card; linked cards that exist and unlinked predictions pass', () => {
    const { predictions } = parsePredictions([
      { id: 'ok', measure: 'final-loss', deck: 'lora-peft', card: 'overfit-rank' },
      { id: 'free', measure: 'final-loss' },
      { id: 'no-card', measure: 'final-loss', deck: 'lora-peft', card: 'nope' },
      { id: 'no-deck', measure: 'final-loss', deck: 'qlora-x', card: 'overfit-rank' },
    ]);
    const decks = new Map([['lora-peft', new Set(['overfit-rank', 'param-count'])]]);
    expect(unknownCards(predictions, decks)).toEqual([
      'prediction "no-card" links card "nope", which deck "lora-peft" does not have.',
      'prediction "no-deck" links deck "qlora-x", which does not exist.',
    ]);
  });
});
