import { describe, it, expect } from 'vitest';
import * as tsfsrs from 'ts-fsrs';
import { createScheduler } from '../../../widgets/core/srs-schedule.ts';
import {
  parseLogEntry,
  replay,
  replayCard,
  effectiveReviews,
  lastEffectiveReview,
  type LogEntry,
} from '../../../widgets/core/srs-log.ts';
import { reviewsWithPhase } from '../../../widgets/core/srs-exchange.ts';
import { knownLog, T0, MIN, DAY } from './helpers.ts';

const s = createScheduler(tsfsrs);

describe('the review log', () => {
  it('card states are a replay of the log, whatever order the entries were appended in', () => {
    const { log } = knownLog();
    const forward = replay(s, log);
    const shuffled = [...log].reverse();
    expect(replay(s, shuffled)).toEqual(forward);
    expect([...forward.keys()].sort()).toEqual(['deck:a', 'deck:b', 'deck:c', 'other:d']);
  });

  it('undo restores exactly the state before the grade', () => {
    const log: LogEntry[] = [
      { kind: 'review', id: '1', card: 'k:x', rating: 3, time: T0, duration: 0 },
      { kind: 'review', id: '2', card: 'k:x', rating: 3, time: T0 + 10 * MIN, duration: 0 },
    ];
    const before = replay(s, log).get('k:x');
    const graded: LogEntry[] = [
      ...log,
      { kind: 'review', id: '3', card: 'k:x', rating: 1, time: T0 + 3 * DAY, duration: 0 },
    ];
    expect(replay(s, graded).get('k:x')).not.toEqual(before);
    const undone: LogEntry[] = [...graded, { kind: 'undo', id: '4', card: 'k:x', target: '3', time: T0 + 3 * DAY + 1 }];
    expect(replay(s, undone).get('k:x')).toEqual(before);
    expect(lastEffectiveReview(undone, 'k:x')?.id).toBe('2');
    // undoing the only review leaves the card new
    expect(replay(s, [log[0]!, { kind: 'undo', id: 'u', card: 'k:x', target: '1', time: T0 + 1 }]).has('k:x')).toBe(
      false,
    );
  });

  it('interleaved appends from two tabs replay to the same states as one sequential log', () => {
    const tabA: LogEntry[] = [];
    const tabB: LogEntry[] = [];
    for (let i = 0; i < 10; i++) {
      tabA.push({
        kind: 'review',
        id: `a${i}`,
        card: 'k:shared',
        rating: ((i % 4) + 1) as 1,
        time: T0 + i * 2 * MIN,
        duration: 0,
      });
      tabB.push({
        kind: 'review',
        id: `b${i}`,
        card: 'k:shared',
        rating: 3,
        time: T0 + (i * 2 + 1) * MIN,
        duration: 0,
      });
    }
    const interleaved = tabA.flatMap((a, i) => [a, tabB[i]!]);
    const sequential = [...tabB, ...tabA];
    expect(replay(s, interleaved)).toEqual(replay(s, sequential));
    expect(replayCard(s, effectiveReviews(interleaved))?.reps).toBe(20);
  });

  it('a log whose times go backwards replays without throwing', () => {
    const log: LogEntry[] = [
      { kind: 'review', id: '1', card: 'k:x', rating: 3, time: T0 + DAY, duration: 0 },
      { kind: 'review', id: '2', card: 'k:x', rating: 3, time: T0, duration: 0 },
    ];
    expect(() => replay(s, log)).not.toThrow();
    expect(replay(s, log).get('k:x')?.reps).toBe(2);
  });

  it('parses stored entries field by field and explains what is wrong', () => {
    expect(
      parseLogEntry({ kind: 'review', id: 'x', card: 'd:c', rating: 3, time: T0, duration: 1200.4, extra: 'dropped' }),
    ).toEqual({
      entry: { kind: 'review', id: 'x', card: 'd:c', rating: 3, time: T0, duration: 1200 },
    });
    const bad: [unknown, RegExp][] = [
      [null, /not an object/],
      [[], /not an object/],
      [{ kind: 'review', card: 'd:c', rating: 3, time: T0 }, /id/],
      [{ kind: 'review', id: 'x', card: '', rating: 3, time: T0 }, /card key/],
      [{ kind: 'review', id: 'x', card: 'd:c', rating: 5, time: T0 }, /rating 5/],
      [{ kind: 'review', id: 'x', card: 'd:c', rating: 3, time: 'yesterday' }, /time/],
      [{ kind: 'review', id: 'x', card: 'd:c', rating: 3, time: T0, duration: -1 }, /duration/],
      [{ kind: 'undo', id: 'x', card: 'd:c', time: T0 }, /undo/],
      [{ kind: 'delete', id: 'x', card: 'd:c', time: T0 }, /unknown kind "delete"/],
    ];
    for (const [value, message] of bad) {
      const r = parseLogEntry(value);
      expect('error' in r && r.error, JSON.stringify(value)).toMatch(message);
    }
  });

  it('gives each review the phase the card was in before it (the optimizer review_state)', () => {
    const { log } = knownLog();
    const a = reviewsWithPhase(s, log)
      .filter((r) => r.review.card === 'deck:a')
      .map((r) => r.phase);
    // new → learning (after Good) → review (after the second Good) → review
    expect(a).toEqual([0, 1, 2, 2]);
  });
});
