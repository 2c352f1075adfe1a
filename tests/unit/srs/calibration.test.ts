import { describe, it, expect } from 'vitest';
import { calibration, calibrationWarning } from '../../../widgets/core/srs-stats.ts';
import type { LogEntry, ReviewCheck } from '../../../widgets/core/srs-log.ts';
import type { Rating } from '../../../widgets/core/srs-schedule.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2025-06-30T12:00:00Z');
let n = 0;
const review = (card: string, rating: Rating, daysAgo: number, correct?: boolean): LogEntry => {
  const check: ReviewCheck | undefined =
    correct === undefined ? undefined : { correct, given: 'x', expected: 1, suggested: correct ? 3 : 1 };
  return {
    kind: 'review',
    id: `r${++n}`,
    card,
    rating,
    time: NOW - daysAgo * DAY,
    duration: 4000,
    ...(check ? { check } : {}),
  };
};

/**
 * A fixed log: lesson a has 4 checked Good/Easy reviews (3 right; one wrong 40 days ago),
 * plus an Again and a Hard (not self-confident) and an unchecked Good; lesson b has 2 Good,
 * one wrong and undone, one wrong that stands.
 */
const log: LogEntry[] = [
  review('a:n1', 3, 1, true),
  review('a:n2', 4, 2, true),
  review('a:c1::c1', 3, 10, true),
  review('a:n1', 3, 40, false),
  review('a:n2', 1, 3, false),
  review('a:n2', 2, 3, true),
  review('a:basic', 3, 1),
  review('b:n', 3, 5, false),
  review('b:m', 4, 50, false),
];
log.push({ kind: 'undo', id: 'u1', card: 'b:n', target: log[7]!.id, time: NOW - 5 * DAY + 1000 });
log.push(review('b:n', 3, 4, false));

describe('calibration of self-grades from a fixed log', () => {
  const report = calibration(log, NOW, (key) => key.slice(0, key.indexOf(':')));
  it('counts checked Good/Easy reviews and how many were right: last 30 days and all time', () => {
    expect(report.recent).toEqual({ confident: 4, right: 3, share: 0.75 });
    expect(report.allTime).toEqual({ confident: 6, right: 3, share: 0.5 });
  });
  it('per lesson, undone reviews left out', () => {
    expect(report.groups.get('a')).toEqual({
      recent: { confident: 3, right: 3, share: 1 },
      allTime: { confident: 4, right: 3, share: 0.75 },
    });
    expect(report.groups.get('b')).toEqual({
      recent: { confident: 1, right: 0, share: 0 },
      allTime: { confident: 2, right: 0, share: 0 },
    });
  });
  it('says so in a plain sentence when self-grades run ahead of results', () => {
    expect(calibrationWarning(report)).toMatch(/^You marked 3 answers Good or Easy that the check found wrong\./);
    const honest = calibration(log.slice(0, 3), NOW, () => undefined);
    expect(honest.allTime).toEqual({ confident: 3, right: 3, share: 1 });
    expect(honest.groups.size).toBe(0);
    expect(calibrationWarning(honest)).toBeNull();
    expect(calibration([], NOW, () => 'x').allTime).toEqual({ confident: 0, right: 0, share: null });
  });
});
