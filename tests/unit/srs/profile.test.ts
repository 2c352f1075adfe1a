import { describe, it, expect } from 'vitest';
import * as tsfsrs from 'ts-fsrs';
import { createScheduler } from '../../../widgets/core/srs-schedule.ts';
import { toProgressFile, parseProgressFile, PROGRESS_FORMAT, ImportError } from '../../../widgets/core/srs-exchange.ts';
import {
  isIsoDate,
  mergeProfile,
  parseMockRecord,
  parsePlanSettings,
  type MockRecord,
  type PlanSettings,
} from '../../../widgets/core/srs-profile.ts';
import { readProfile } from '../../../widgets/srs-store/profile-check.ts';
import { MemoryStore } from '../../../widgets/srs-store/memory-store.ts';

const plan: PlanSettings = {
  interviewDate: '2027-01-15',
  minutesPerDay: 20,
  daysOff: ['saturday'],
  lessons: ['lora-peft', 'qlora'],
  retention: 0.9,
  updatedAt: 1_760_000_000_000,
};
const mock: MockRecord = {
  id: 'm1',
  startedAt: 1_760_000_000_000,
  finishedAt: 1_760_001_200_000,
  minutes: 20,
  lessons: null,
  answers: [
    {
      qa: 'lora-peft/why-low-rank',
      lesson: 'lora-peft',
      difficulty: 'medium',
      points: 3,
      covered: [0, 2],
      ms: 95_000,
      grade: 3,
    },
  ],
};
const review = {
  kind: 'review' as const,
  id: 'r1',
  card: 'lora-peft:params',
  rating: 3 as const,
  time: 5,
  duration: 4000,
};

describe('plan settings and mock interviews (progress file version 3)', () => {
  it('valid settings and records parse to themselves', () => {
    expect(parsePlanSettings(plan)).toEqual({ value: plan });
    expect(parsePlanSettings({ ...plan, lessons: null })).toEqual({ value: { ...plan, lessons: null } });
    expect(parseMockRecord(mock)).toEqual({ value: mock });
  });

  it.each([
    ['not an object', [], /is not an object/],
    ['a date that does not exist', { ...plan, interviewDate: '2027-02-30' }, /interviewDate/],
    ['a date in another format', { ...plan, interviewDate: '15/01/2027' }, /interviewDate/],
    ['0 minutes', { ...plan, minutesPerDay: 0 }, /minutesPerDay/],
    ['NaN minutes', { ...plan, minutesPerDay: NaN }, /minutesPerDay/],
    ['an unknown weekday', { ...plan, daysOff: ['caturday'] }, /daysOff/],
    [
      'every day off',
      { ...plan, daysOff: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] },
      /every day/,
    ],
    ['a lesson that is not a slug', { ...plan, lessons: ['Lora Peft'] }, /lessons/],
    ['retention 0.5', { ...plan, retention: 0.5 }, /retention/],
    ['no updatedAt', { ...plan, updatedAt: undefined }, /updatedAt/],
  ])('plan settings with %s are refused', (_name, value, message) => {
    const p = parsePlanSettings(value);
    expect('error' in p && p.error).toMatch(message);
  });

  it.each([
    ['no id', { ...mock, id: '' }, /has no "id"/],
    ['finished before it started', { ...mock, finishedAt: 1 }, /startedAt/],
    ['30 minutes', { ...mock, minutes: 30 }, /20, 45 or 60/],
    [
      'a covered index outside the rubric',
      { ...mock, answers: [{ ...mock.answers[0], covered: [3] }] },
      /answer 1 .*covered/,
    ],
    ['a repeated covered index', { ...mock, answers: [{ ...mock.answers[0], covered: [1, 1] }] }, /covered/],
    ['grade 5', { ...mock, answers: [{ ...mock.answers[0], grade: 5 }] }, /grade/],
    ['a difficulty of "expert"', { ...mock, answers: [{ ...mock.answers[0], difficulty: 'expert' }] }, /difficulty/],
  ])('a mock record with %s is refused', (_name, value, message) => {
    const p = parseMockRecord(value);
    expect('error' in p && p.error).toMatch(message);
  });

  it('isIsoDate accepts leap days only in leap years', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
  });

  it('export → import keeps the plan settings and the mock history', () => {
    const text = JSON.stringify(toProgressFile('default', [review], 9, { plan, mocks: [mock] }));
    const parsed = parseProgressFile(text);
    expect(parsed.version).toBe(3);
    expect(parsed.plan).toEqual(plan);
    expect(parsed.mocks).toEqual([mock]);
    expect(parsed.log).toEqual([review]);
  });

  it('a version-2 file migrates to version 3 with no plan and no mocks (stray fields dropped)', () => {
    const v2 = { format: PROGRESS_FORMAT, version: 2, log: [review], plan: { junk: 1 }, mocks: 'x' };
    const parsed = parseProgressFile(v2);
    expect(parsed).toMatchObject({ version: 3, plan: null, mocks: [], log: [review] });
  });

  it.each([
    [
      'bad plan settings',
      { plan: { ...plan, minutesPerDay: -1 } },
      'the file\'s study plan has no valid "minutesPerDay" (1 to 600)',
    ],
    ['mocks that are not a list', { mocks: {} }, 'the file has a "mocks" field that is not a list of mock interviews'],
    [
      'a bad mock',
      { mocks: [mock, { ...mock, id: 'm2', minutes: 7 }] },
      'mock interview 2 has "minutes" other than 20, 45 or 60',
    ],
    [
      'one mock id for two interviews',
      { mocks: [mock, { ...mock, finishedAt: mock.finishedAt + 1 }] },
      /reuses the id "m1"/,
    ],
  ])('a version-3 file with %s is refused with a sentence', (_name, extra, message) => {
    const file = { format: PROGRESS_FORMAT, version: 3, log: [], plan: null, mocks: [], ...extra };
    expect(() => parseProgressFile(file)).toThrow(ImportError);
    expect(() => parseProgressFile(file)).toThrow(message);
  });

  it('mergeProfile keeps the newer plan and adds unknown mocks; a changed mock under a known id conflicts', () => {
    const newer = { ...plan, minutesPerDay: 45, updatedAt: plan.updatedAt + 1 };
    expect(mergeProfile({ plan, mocks: [mock] }, { plan: newer, mocks: [mock] })).toEqual({
      plan: newer,
      addMocks: [],
      conflict: null,
    });
    const older = { ...plan, updatedAt: 1 };
    expect(mergeProfile({ plan, mocks: [] }, { plan: older, mocks: [mock] }).plan).toBe(plan);
    expect(mergeProfile({ plan: null, mocks: [] }, { plan: null, mocks: [mock] }).addMocks).toEqual([mock]);
    expect(mergeProfile({ plan, mocks: [mock] }, { plan: null, mocks: [{ ...mock, minutes: 45 }] }).conflict).toMatch(
      /mock interview "m1" conflicts/,
    );
  });

  it('readProfile sets aside damaged stored records and sorts the rest', () => {
    const m0 = { ...mock, id: 'm0', startedAt: 1, finishedAt: 2 };
    const { profile, bad } = readProfile(
      { ...plan, retention: 2 },
      [
        { key: 'mock:m1', value: mock },
        { key: 'mock:m0', value: m0 },
        { key: 'mock:zz', value: mock },
        { key: 'mock:broken', value: { id: 'broken' } },
      ],
      'mock:',
    );
    expect(profile).toEqual({ plan: null, mocks: [m0, mock] });
    expect(bad.map((b) => b.key)).toEqual(['plan', 'mock:zz', 'mock:broken']);
    expect(bad[1]!.reason).toMatch(/filed under another id/);
  });

  it('the memory store imports all or nothing, and refuses bad settings and duplicate mocks', async () => {
    const s = new MemoryStore('t', async () => createScheduler(tsfsrs));
    await s.setPlan(plan);
    await s.addMock(mock);
    await expect(s.addMock(mock)).rejects.toThrow(/already stored/);
    await expect(s.setPlan({ ...plan, minutesPerDay: 0 })).rejects.toThrow(/minutesPerDay/);
    expect(await s.profile()).toEqual({ plan, mocks: [mock] });
    await expect(s.merge([review], { plan: null, mocks: [{ ...mock, minutes: 60 }] })).rejects.toThrow(/conflicts/);
    expect(await s.log()).toEqual([]); // nothing written by the refused import
    const m2 = { ...mock, id: 'm2', startedAt: mock.startedAt + 10 };
    const newer = { ...plan, minutesPerDay: 30, updatedAt: plan.updatedAt + 5 };
    const r = await s.merge([review], { plan: newer, mocks: [mock, m2] });
    expect(r).toMatchObject({ mocksAdded: 1, planChanged: true, duplicates: 0 });
    expect(await s.profile()).toEqual({ plan: newer, mocks: [mock, m2] });
    expect(await s.log()).toEqual([review]);
  });
});
