import { readFileSync } from 'node:fs';
import type { LogEntry } from '../../../widgets/core/srs-log.ts';

/** The fixture log with ISO times turned into epoch ms. */
export function knownLog(): {
  now: number;
  log: LogEntry[];
  answers: { reviewsInYear: number; perDay: Record<string, number>; recalls: number; achieved: number };
} {
  const raw = JSON.parse(readFileSync('tests/fixtures/srs/log-known.json', 'utf8'));
  return {
    now: Date.parse(raw.now),
    log: raw.log.map((e: Record<string, unknown>) => ({ ...e, time: Date.parse(String(e.time)) })),
    answers: raw.answers,
  };
}

export const T0 = Date.parse('2025-01-01T09:00:00Z');
export const MIN = 60_000;
export const DAY = 86_400_000;
