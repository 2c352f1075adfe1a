import { describe, it, expect } from 'vitest';
import { applyAttributes, baseSettings, toStored, type PlanAttributes } from '../../../widgets/study-plan/settings.ts';
import { readToday, saveToday, todaySentence, type TodayDay } from '../../../widgets/study-plan/today.ts';
import { parseTrack } from '../../../widgets/study-plan/sources.ts';
import { parsePlanSettings, type PlanSettings } from '../../../widgets/core/srs-profile.ts';

const none: PlanAttributes = {
  interviewDate: null,
  minutesPerDay: null,
  lessons: null,
  daysOff: null,
  retention: null,
};
const track = ['lora-peft', 'qlora', 'peft-family'];
const stored: PlanSettings = {
  interviewDate: '2027-01-15',
  minutesPerDay: 45,
  daysOff: ['saturday'],
  lessons: ['qlora'],
  retention: 0.85,
  updatedAt: 1,
};

describe('<study-plan> settings: defaults ← stored ← attributes', () => {
  it('defaults before anything is stored: no date, 30 minutes, no day off, the whole track, 90%', () => {
    expect(baseSettings(null)).toEqual({
      interviewDate: '',
      minutesPerDay: 30,
      daysOff: [],
      lessons: null,
      retention: 0.9,
    });
  });

  it('an attribute wins over the stored field; fields without one keep the stored value', () => {
    const got = applyAttributes(
      baseSettings(stored),
      { ...none, minutesPerDay: '20', daysOff: 'Sunday, saturday' },
      track,
    );
    expect(got).toEqual({
      settings: {
        interviewDate: '2027-01-15',
        minutesPerDay: 20,
        daysOff: ['saturday', 'sunday'],
        lessons: ['qlora'],
        retention: 0.85,
      },
    });
    expect(
      applyAttributes(baseSettings(stored), { ...none, lessons: 'lora-peft qlora,lora-peft' }, track),
    ).toMatchObject({
      settings: { lessons: ['lora-peft', 'qlora'] },
    });
  });

  it.each([
    [
      'interview-date',
      { interviewDate: '2027-02-30' },
      'interview-date "2027-02-30" is not a date: write it as YYYY-MM-DD.',
    ],
    ['minutes-per-day 0', { minutesPerDay: '0' }, 'minutes-per-day "0" must be a whole number from 1 to 600.'],
    ['minutes-per-day text', { minutesPerDay: 'lots' }, 'minutes-per-day "lots" must be a whole number from 1 to 600.'],
    [
      'days-off',
      { daysOff: 'funday' },
      'days-off "funday" is not a weekday: use monday, tuesday, wednesday, thursday, friday, saturday, sunday.',
    ],
    [
      'every day off',
      { daysOff: 'monday tuesday wednesday thursday friday saturday sunday' },
      'days-off names every day of the week: leave at least one to study.',
    ],
    [
      'an unknown lesson',
      { lessons: 'qlora, cooking' },
      'Unknown lesson "cooking": the track\'s lessons are lora-peft, qlora, peft-family.',
    ],
    ['retention', { retention: '1.5' }, 'retention "1.5" must be a number from 0.70 to 0.99.'],
  ])('a bad %s is named in a sentence', (_n, attrs, error) => {
    expect(applyAttributes(baseSettings(null), { ...none, ...attrs }, track)).toEqual({ error });
  });

  it('checks lesson names only once the track is known', () => {
    expect(applyAttributes(baseSettings(null), { ...none, lessons: 'cooking' }, null)).toMatchObject({
      settings: { lessons: ['cooking'] },
    });
  });

  it('what it saves is what the store accepts', () => {
    const s = applyAttributes(baseSettings(null), { ...none, interviewDate: '2027-03-01' }, track);
    if (!('settings' in s)) throw new Error(s.error);
    const saved = toStored(s.settings, 1234);
    expect(parsePlanSettings(saved)).toEqual({ value: saved });
  });
});

describe("/review/'s line of the plan", () => {
  const day = (date: string, o: Partial<TodayDay> = {}): TodayDay => ({
    date,
    newCards: 12,
    reviews: 30,
    minutes: 17.6,
    dayOff: false,
    ...o,
  });

  it('reads like the issue asks', () => {
    expect(todaySentence(day('2026-03-07'), 9)).toBe(
      'Today: 12 new, 30 reviews, about 18 min — 9 days to your interview',
    );
    expect(todaySentence(day('2026-03-07', { newCards: 0, reviews: 1, minutes: 0.3 }), 1)).toBe(
      'Today: 0 new, 1 review, about 1 min — 1 day to your interview',
    );
    expect(todaySentence(day('2026-03-07', { dayOff: true }), 2)).toBe('Today: a day off — 2 days to your interview');
    expect(todaySentence(day('2026-03-07', { newCards: 0, reviews: 0, minutes: 0 }), 3)).toBe(
      'Today: nothing due — 3 days to your interview',
    );
  });

  it('is kept per namespace and read for the local date; damaged copies give nothing', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
    } as Storage;
    saveToday(storage, 'default', '2026-03-16', [
      day('2026-03-07'),
      day('2026-03-08', { newCards: 2, reviews: 5, minutes: 2.4 }),
    ]);
    const at = (iso: string) => Date.parse(iso);
    expect(readToday(storage, 'default', at('2026-03-07T10:00:00Z'), 0)).toBe(
      'Today: 12 new, 30 reviews, about 18 min — 9 days to your interview',
    );
    // 23:30 UTC on the 7th is already the 8th at UTC+1
    expect(readToday(storage, 'default', at('2026-03-07T23:30:00Z'), 60)).toBe(
      'Today: 2 new, 5 reviews, about 2 min — 8 days to your interview',
    );
    expect(readToday(storage, 'other', at('2026-03-07T10:00:00Z'), 0)).toBeNull();
    expect(readToday(storage, 'default', at('2026-03-09T10:00:00Z'), 0)).toBeNull();
    data.set(
      'marginalia-plan-today:default',
      '{"interviewDate":"2026-03-16","days":[{"date":"2026-03-07","newCards":-1}]}',
    );
    expect(readToday(storage, 'default', at('2026-03-07T10:00:00Z'), 0)).toBeNull();
    data.set('marginalia-plan-today:default', 'not json');
    expect(readToday(storage, 'default', at('2026-03-07T10:00:00Z'), 0)).toBeNull();
    saveToday(storage, 'default', '', []);
    expect(data.size).toBe(0);
    expect(readToday(undefined, 'default', 0, 0)).toBeNull();
  });
});

describe('the track index', () => {
  it('keeps valid lessons in order and drops the rest', () => {
    expect(
      parseTrack({
        lessons: [
          { slug: 'lora-peft', title: 'LoRA', deck: 'lora-peft' },
          { slug: 'Bad Slug', title: 'x', deck: 'x' },
          { slug: 'no-deck', title: '', deck: null },
          'junk',
        ],
      }),
    ).toEqual([
      { slug: 'lora-peft', title: 'LoRA', deck: 'lora-peft' },
      { slug: 'no-deck', title: 'no-deck', deck: null },
    ]);
    expect(() => parseTrack({})).toThrow(/no list of lessons/);
  });
});
