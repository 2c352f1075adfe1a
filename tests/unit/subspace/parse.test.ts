/** What reaches <subspace-view> from outside (widgets/subspace-view/parse.ts): attributes, the matrix, a trainer's adapters. */
import { describe, expect, it } from 'vitest';
import {
  numberOrText,
  parseAdapterA,
  parseCompare,
  parseMatrix,
  parseRank,
  parseSeed,
} from '../../../widgets/subspace-view/parse.ts';

describe('numberOrText', () => {
  it('reads numeric attribute text as a number and keeps anything else for the message', () => {
    expect(numberOrText('2')).toBe(2);
    expect(numberOrText(' -3 ')).toBe(-3);
    expect(numberOrText('1.5')).toBe(1.5);
    expect(numberOrText('x')).toBe('x');
    expect(numberOrText('')).toBe('');
    expect(numberOrText('Infinity')).toBe('Infinity');
    expect(numberOrText(null)).toBeNull();
  });
});

describe('parseRank and parseSeed', () => {
  it('absent means the default, with no message', () => {
    for (const v of [null, undefined, '']) {
      expect(parseRank(v)).toEqual({ value: 1 });
      expect(parseSeed(v)).toEqual({ value: 1 });
    }
  });

  it('accepts ranks 1–3 and any integer seed', () => {
    expect([1, 2, 3].map((r) => parseRank(r))).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
    expect(parseSeed(-7)).toEqual({ value: -7 });
  });

  it.each([0, 4, 1.5, '2', 'x'])('rank %j falls back to 1 with a message naming the value', (v) => {
    expect(parseRank(v)).toEqual({ value: 1, error: `rank="${v}" is not 1, 2 or 3; showing rank 1.` });
  });

  it.each([0.5, 'x', NaN])('seed %j falls back to 1 with a message naming the value', (v) => {
    expect(parseSeed(v)).toEqual({ value: 1, error: `seed="${v}" is not an integer; using seed 1.` });
  });
});

describe('parseCompare', () => {
  it('reads two names, trimmed', () => {
    expect(parseCompare(' r4 , r8')).toEqual({ value: ['r4', 'r8'] });
  });

  it.each([null, '', 'r4', 'r4,', 'a,b,c'])('rejects %j', (v) => {
    const r = parseCompare(v);
    expect(r.value).toBeUndefined();
    expect(r.error).toBe(`compare="${v}" must name two saved adapters, "a,b"`);
  });
});

describe('parseAdapterA', () => {
  const A = { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] };
  const B = { rows: 1, cols: 3, data: [7, 8, 9] };

  it('takes {A: Matrix}, or an AdapterSet {A: {layer: Matrix}} at the layer asked for or else its first', () => {
    expect(parseAdapterA({ A }, 'a').matrix).toMatchObject({ rows: 2, cols: 3 });
    expect(parseAdapterA({ A: { q: A, v: B } }, 'a').matrix?.rows).toBe(2);
    expect(parseAdapterA({ A: { q: A, v: B } }, 'a', 'v').matrix?.data).toEqual(Float64Array.from([7, 8, 9]));
  });

  it.each([
    [null, 'missing'],
    [{}, 'missing'],
    [{ A: { q: A } }, 'missing', 'k'],
    [{ A: { rows: 2, cols: 2, data: [1] } }, 'needs 4 numbers'],
  ] as const)('says which adapter has no usable A: %j', (raw, why, layer?: string) => {
    const r = parseAdapterA(raw, 'r8', layer);
    expect(r.matrix).toBeUndefined();
    expect(r.error).toMatch(/^adapter "r8" has no usable A \(/);
    expect(r.error).toContain(why);
  });
});

describe('parseMatrix', () => {
  it('accepts {rows, cols, data} and arrays of rows', () => {
    expect(parseMatrix({ rows: 1, cols: 2, data: [1, 2] }).matrix?.data).toEqual(Float64Array.from([1, 2]));
    expect(parseMatrix({ rows: 1, cols: 2, data: new Float32Array([1, 2]) }).matrix?.cols).toBe(2);
    expect(
      parseMatrix([
        [1, 2, 3],
        [4, 5, 6],
      ]).matrix,
    ).toMatchObject({ rows: 2, cols: 3 });
    expect(parseMatrix(null)).toEqual({});
  });

  it.each([
    [{ rows: 2, cols: 2, data: [1, 2, 3] }, 'needs 4 numbers'],
    [{ rows: 0, cols: 2, data: [] }, 'bad shape'],
    [{ rows: 1, cols: 2, data: [1, NaN] }, 'finite'],
    [[[1, 2], [3]], 'equal length'],
    ['text', 'needs {rows, cols, data}'],
    [{ rows: 1, cols: 1 }, 'needs {rows, cols, data}'],
    [{ rows: 300, cols: 300, data: new Float64Array(90000) }, 'too large'],
  ])('rejects %j with a message', (value, message) => {
    const r = parseMatrix(value);
    expect(r.matrix).toBeUndefined();
    expect(r.error).toContain(message);
  });
});
