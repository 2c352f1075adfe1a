import { describe, it, expect } from 'vitest';
import {
  parseNumber,
  checkNumeric,
  checkCloze,
  suggestGrade,
  withinTolerance,
  FAST_MS,
} from '../../../widgets/core/srs-answer.ts';
import { parseCloze, clozeSides, clozeNumbers } from '../../../widgets/core/srs-cloze.ts';

const value = (t: string, unit = '') => {
  const r = parseNumber(t, unit);
  return 'value' in r ? r.value : r.error;
};

describe('typed numbers', () => {
  // Each accepted format: the right answer is 131072 (±1%); a wrong one is 10% off.
  const formats: [string, string][] = [
    ['131072', '118000'],
    ['131,072', '118,000'],
    ['131 072', '118 000'],
    ['1.31072e5', '1.18e5'],
    ['1.31072E+5', '1.18E+5'],
    ['1.31 × 10^5', '1.18 × 10^5'],
    ['131k', '118k'],
    ['131.072K', '118K'],
    ['0.131M', '0.118M'],
    ['0.000131B', '0.000118B'],
    ['2^17', '2^16'],
    ['  131072  ', '-131072'],
  ];
  for (const [right, wrong] of formats) {
    it(`accepts "${right}" and refuses "${wrong}"`, () => {
      expect(checkNumeric(right, 131072).correct).toBe(true);
      expect(checkNumeric(wrong, 131072).correct).toBe(false);
    });
  }
  it('reads units: the card unit, percent, and byte units converted to the card unit', () => {
    expect(value('35 MB', 'MB')).toBe(35);
    expect(value('0.035 GB', 'MB')).toBeCloseTo(35, 9);
    expect(value('35000 kB', 'MB')).toBeCloseTo(35, 9);
    expect(value('1 GiB', 'GB')).toBeCloseTo(1.073741824, 9);
    expect(value('12%', '%')).toBe(12);
    expect(value('3.5M params')).toBe('"params" is not a unit this card takes');
    expect(checkNumeric('37.7 MB', 37.75, 0.01, 'MB').correct).toBe(true);
    expect(checkNumeric('0.0377 GB', 37.75, 0.01, 'MB').correct).toBe(true);
    expect(checkNumeric('40 MB', 37.75, 0.01, 'MB').correct).toBe(false);
  });
  it('says why a text is not a number', () => {
    expect(value('')).toBe('type a number');
    expect(value('about a million')).toBe('"about a million" is not a number');
    expect(checkNumeric('lots', 5)).toMatchObject({
      correct: false,
      problem: '"lots" is not a number',
      given: 'lots',
      expected: 5,
    });
  });
  it('tolerance is relative and inclusive at its edge', () => {
    expect(withinTolerance(101, 100)).toBe(true);
    expect(withinTolerance(99, 100)).toBe(true);
    expect(withinTolerance(101.01, 100)).toBe(false);
    expect(withinTolerance(98.99, 100)).toBe(false);
    expect(withinTolerance(105, 100, 0.05)).toBe(true);
    expect(withinTolerance(105.1, 100, 0.05)).toBe(false);
    expect(withinTolerance(0, 0)).toBe(true);
    expect(withinTolerance(0.001, 0)).toBe(false);
    expect(checkNumeric('131072', 131072, 0)).toMatchObject({ correct: true, tolerance: 0 });
    expect(checkNumeric('131073', 131072, 0).correct).toBe(false);
  });
});

describe('cloze cards', () => {
  const text = 'LoRA trains {{c1::r(d + k)}} numbers per matrix and initialises {{c2::B::which factor?}} to {{c3::0}}.';
  it('parses spans and builds each card: its deletion hidden, the others shown', () => {
    const parsed = parseCloze(text);
    if (!('spans' in parsed)) throw new Error(parsed.errors.join());
    expect(clozeNumbers(parsed.spans)).toEqual([1, 2, 3]);
    const c2 = clozeSides(text, parsed.spans, 2, (s) => `**${s}**`);
    expect(c2.front).toBe('LoRA trains r(d + k) numbers per matrix and initialises [which factor?] to 0.');
    expect(c2.back).toBe('LoRA trains r(d + k) numbers per matrix and initialises **B** to 0.');
    expect(c2.answers).toEqual(['B']);
    expect(clozeSides(text, parsed.spans, 1).front).toContain('trains […] numbers');
  });
  it('checks text loosely (case, spaces, math) and numbers within tolerance', () => {
    expect(checkCloze(' b ', ['B']).correct).toBe(true);
    expect(checkCloze('A', ['B']).correct).toBe(false);
    expect(checkCloze('r(d+k)', ['$r(d + k)$']).correct).toBe(true);
    expect(checkCloze('r(d-k)', ['$r(d + k)$']).correct).toBe(false);
    expect(checkCloze('0.127', ['0.127']).correct).toBe(true);
    expect(checkCloze('0.1271', ['0.127']).correct).toBe(true);
    expect(checkCloze('0.13', ['0.127']).correct).toBe(false);
    expect(checkCloze('16,000', ['16k']).correct).toBe(true);
  });
  it('several deletions with one number: separated by ";" (or ","), in order', () => {
    expect(checkCloze('2; 12', ['2', '12']).correct).toBe(true);
    expect(checkCloze('2, 12', ['2', '12']).correct).toBe(true);
    expect(checkCloze('12; 2', ['2', '12']).correct).toBe(false);
    expect(checkCloze('2', ['2', '12'])).toMatchObject({ correct: false, expected: '2; 12' });
  });
  it('names malformed cloze text', () => {
    const errs = (t: string) => ('errors' in parseCloze(t) ? (parseCloze(t) as { errors: string[] }).errors : []);
    expect(errs('no deletion here')).toEqual(['has no cloze deletion (write {{c1::hidden}})']);
    expect(errs('open {{c1::never closed')[0]).toMatch(/unclosed or malformed/);
    expect(errs('{{c1::}} empty')[0]).toMatch(/hides nothing/);
    expect(errs('{{c0::zero}}')[0]).toMatch(/cloze number 0/);
    expect(errs('{{c1::a::b::c}}')[0]).toMatch(/is malformed/);
    expect(errs('{{x::a}}')[0]).toMatch(/unclosed or malformed/);
  });
});

describe('the suggested grade', () => {
  it('wrong → Again; right → Good, or Easy when fast', () => {
    expect(suggestGrade(false, 1000)).toBe(1);
    expect(suggestGrade(false, 60_000)).toBe(1);
    expect(suggestGrade(true, FAST_MS)).toBe(4);
    expect(suggestGrade(true, FAST_MS + 1)).toBe(3);
  });
});
