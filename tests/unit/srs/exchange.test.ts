import { describe, it, expect } from 'vitest';
import * as tsfsrs from 'ts-fsrs';
import { createScheduler } from '../../../widgets/core/srs-schedule.ts';
import {
  toProgressFile,
  parseProgressFile,
  planMerge,
  toOptimizerCsv,
  ImportError,
  PROGRESS_FORMAT,
} from '../../../widgets/core/srs-exchange.ts';
import { readFileSync } from 'node:fs';
import { knownLog } from './helpers.ts';

const s = createScheduler(tsfsrs);

describe('checked answers in the log, and the version-1 → 2 migration (issue 16)', () => {
  const checked = {
    kind: 'review' as const,
    id: 'c1',
    card: 'lora-peft:params::c1',
    rating: 3 as const,
    time: 1_740_000_000_000,
    duration: 8000,
    check: { correct: false, given: '13,100', expected: 131072, suggested: 1 as const },
  };
  const cloze = {
    ...checked,
    id: 'c2',
    rating: 4 as const,
    check: { correct: true, given: 'b', expected: 'B', suggested: 4 as const },
  };

  it('export → import keeps outcome, typed answer, expected answer, suggested and chosen grade', () => {
    const parsed = parseProgressFile(JSON.stringify(toProgressFile('default', [checked, cloze], 1)));
    expect(parsed.version).toBe(3);
    expect(parsed.log).toEqual([checked, cloze]);
    expect(planMerge([checked], parsed.log)).toEqual({ add: [cloze], duplicates: 1 });
    expect(() => planMerge([{ ...checked, check: { ...checked.check, given: '131072' } }], [checked])).toThrow(
      /conflicts/,
    );
  });

  it('refuses a malformed check, naming the entry', () => {
    const file = { format: PROGRESS_FORMAT, version: 2, log: [{ ...checked, check: { correct: 'yes' } }] };
    expect(() => parseProgressFile(file)).toThrow(
      'log entry 1 has a check that is not {correct, given, expected, suggested}',
    );
    const nan = {
      format: PROGRESS_FORMAT,
      version: 2,
      log: [{ ...checked, check: { ...checked.check, expected: null } }],
    };
    expect(() => parseProgressFile(nan)).toThrow(/has a check that is not/);
  });

  it('every older version migrates step by step to the current one (version 1: any check field is dropped)', () => {
    const v1 = JSON.parse(readFileSync('tests/fixtures/srs/progress-good.json', 'utf8'));
    expect(v1.version).toBe(1);
    const parsed = parseProgressFile(v1);
    expect(parsed.version).toBe(3);
    expect(parsed.log.length).toBe(v1.log.length);
    const withStray = {
      ...v1,
      log: [{ ...v1.log[0], check: { correct: true, given: 'x', expected: 'x', suggested: 3 } }],
    };
    expect(parseProgressFile(withStray).log[0]).not.toHaveProperty('check');
    expect(parseProgressFile({ ...withStray, version: 2 }).log[0]).toHaveProperty('check');
  });
});

describe('progress export and import', () => {
  const { log } = knownLog();

  it('round-trips: export, parse, and a re-import adds nothing', () => {
    const file = toProgressFile('default', log, 123);
    const text = JSON.stringify(file);
    const parsed = parseProgressFile(text);
    expect(parsed.log).toEqual(log);
    expect(parsed.version).toBe(3);
    expect(planMerge([], parsed.log)).toEqual({ add: log, duplicates: 0 });
    expect(planMerge(log, parsed.log)).toEqual({ add: [], duplicates: log.length });
  });

  it('merges by entry id, and skips the same review exported under another id', () => {
    const extra = { kind: 'review' as const, id: 'new', card: 'deck:z', rating: 3 as const, time: 5, duration: 0 };
    const copy = { ...log[2]!, id: 'other-id' };
    expect(planMerge(log, [extra, copy, log[0]!])).toEqual({ add: [extra], duplicates: 2 });
  });

  it('refuses an entry id that is stored with different content', () => {
    const clash = { ...log[2]!, rating: 1 as const };
    expect(() => planMerge(log, [clash])).toThrow(/conflicts/);
  });

  const ok = () => JSON.parse(JSON.stringify(toProgressFile('default', log, 1)));
  const bad: [string, unknown, RegExp][] = [
    ['empty', '', /empty/],
    ['not JSON', 'hello', /not valid JSON/],
    ['truncated', JSON.stringify(toProgressFile('default', log, 1)).slice(0, 200), /not valid JSON, or was cut off/],
    ['an array', '[]', /expected a JSON object/],
    ['another format', JSON.stringify({ format: 'anki', version: 1, log: [] }), /not a Marginalia progress file/],
    ['a future version', JSON.stringify({ ...ok(), version: 99 }), /version 99, newer/],
    ['version 0', JSON.stringify({ ...ok(), version: 0 }), /unknown version 0/],
    ['no log', JSON.stringify({ format: PROGRESS_FORMAT, version: 1 }), /no "log"/],
    ['a bad rating', JSON.stringify({ ...ok(), log: [{ ...log[0], rating: 9 }] }), /log entry 1 has rating 9/],
    [
      'a bad time',
      JSON.stringify({ ...ok(), log: [log[0], { ...log[1], time: 'now' }] }),
      /log entry 2 has no valid time/,
    ],
    [
      'a hostile key',
      '{"format":"marginalia-srs-progress","version":1,"log":[{"__proto__":{"polluted":1},"kind":"review","id":"x","card":"a:b","rating":3}]}',
      /log entry 1 has no valid time/,
    ],
    ['a reused id', JSON.stringify({ ...ok(), log: [log[0], { ...log[0], rating: 1 }] }), /reuses the id/],
    [
      'script in a card key',
      JSON.stringify({ ...ok(), log: [{ ...log[0], card: '<img src=x onerror=alert(1)>'.repeat(100) }] }),
      /card key/,
    ],
  ];
  for (const [name, data, message] of bad) {
    it(`refuses ${name}, naming the problem`, () => {
      expect(() => parseProgressFile(data)).toThrow(ImportError);
      expect(() => parseProgressFile(data)).toThrow(message);
    });
  }
  it('does not let __proto__ through', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('review log CSV for the FSRS optimizer', () => {
  it('has the optimizer columns, ms times, ratings, the state before each review, durations', () => {
    const { log } = knownLog();
    const csv = toOptimizerCsv(s, log).trim().split('\n');
    expect(csv[0]).toBe('card_id,review_time,review_rating,review_state,review_duration');
    expect(csv).toHaveLength(1 + 9); // 10 reviews, one of them undone
    expect(csv.some((l) => l.startsWith(`deck:b,${Date.parse('2025-03-08T08:05:00Z')},`))).toBe(false);
    const a = csv.filter((l) => l.startsWith('deck:a,'));
    expect(a).toEqual([
      `deck:a,${Date.parse('2025-03-01T10:00:00Z')},3,0,5000`,
      `deck:a,${Date.parse('2025-03-01T10:10:00Z')},3,1,2500`,
      `deck:a,${Date.parse('2025-03-04T09:00:00Z')},3,2,6000`,
      `deck:a,${Date.parse('2025-03-09T09:00:00Z')},1,2,12000`,
    ]);
  });
  it('quotes card ids that contain commas or quotes', () => {
    const csv = toOptimizerCsv(s, [{ kind: 'review', id: '1', card: 'inline:a,"b"', rating: 3, time: 1, duration: 0 }]);
    expect(csv.split('\n')[1]).toBe('"inline:a,""b""",1,3,0,0');
  });
});
