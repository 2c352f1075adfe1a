/**
 * What to study, and in which order: pure functions of the cards, their states and the time.
 *
 * - `due` mode (Anki's "study now"): cards whose due time has come, most overdue first, then
 *   cards never reviewed, in deck order.
 * - `all` mode: every card: the due ones and new ones as above, then the rest by due time.
 *
 * In a session, a card graded into a short (re)learning step comes back before the session
 * ends when its next due time is within `LEARN_AHEAD_MS` (Anki's "learn ahead limit", 20 min).
 */
import type { MemoryState } from './srs-schedule.ts';

export type QueueMode = 'due' | 'all';
export const LEARN_AHEAD_MS = 20 * 60_000;

/** Keys of the cards to study at `now`, in order. `keys` is the deck order. */
export function buildQueue(
  keys: readonly string[],
  states: ReadonlyMap<string, MemoryState>,
  now: number,
  mode: QueueMode,
): string[] {
  const due: { key: string; due: number }[] = [];
  const fresh: string[] = [];
  const later: { key: string; due: number }[] = [];
  for (const key of keys) {
    const s = states.get(key);
    if (!s) fresh.push(key);
    else if (s.due <= now) due.push({ key, due: s.due });
    else if (mode === 'all') later.push({ key, due: s.due });
  }
  const byDue = (a: { due: number }, b: { due: number }) => a.due - b.due;
  due.sort(byDue);
  later.sort(byDue);
  const out = due.map((d) => d.key);
  for (const k of fresh) out.push(k);
  for (const l of later) out.push(l.key);
  return out;
}

/** How many cards are due at `now` (new cards count as due), per group (deck or lesson). */
export function dueCounts(
  keys: readonly string[],
  groupOf: (key: string) => string,
  states: ReadonlyMap<string, MemoryState>,
  now: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of keys) {
    const g = groupOf(key);
    if (!out.has(g)) out.set(g, 0);
    const s = states.get(key);
    if (!s || s.due <= now) out.set(g, out.get(g)! + 1);
  }
  return out;
}

/** The earliest due time among `keys` after `now` (the summary's "next review"), or null. */
export function nextDue(keys: readonly string[], states: ReadonlyMap<string, MemoryState>, now: number): number | null {
  let best: number | null = null;
  for (const k of keys) {
    const s = states.get(k);
    if (s && s.due > now && (best === null || s.due < best)) best = s.due;
  }
  return best;
}

/** The session queue after grading its head: the card leaves, or returns later if due soon. */
export function afterGrade(queue: readonly string[], key: string, newDue: number, now: number): string[] {
  const at = queue.indexOf(key);
  const rest = at < 0 ? [...queue] : [...queue.slice(0, at), ...queue.slice(at + 1)];
  return newDue - now <= LEARN_AHEAD_MS ? [...rest, key] : rest;
}

/** A short human interval: "1m", "10m", "3h", "4d", "2mo", "1.5y" (Anki's button labels). */
export function formatInterval(ms: number): string {
  const m = Math.max(0, ms) / 60_000;
  if (m < 1) return '<1m';
  if (m < 60) return `${Math.round(m)}m`;
  const h = m / 60;
  if (h < 24) return `${Math.round(h)}h`;
  const d = h / 24;
  if (d < 30) return `${Math.round(d)}d`;
  if (d < 365) return `${round1(d / 30)}mo`;
  return `${round1(d / 365)}y`;
}
const round1 = (x: number): string => String(Math.round(x * 10) / 10);

/** The same interval in words for screen readers and summaries: "10 minutes", "4 days". */
export function describeInterval(ms: number): string {
  const m = Math.max(0, ms) / 60_000;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (m < 1) return 'less than a minute';
  if (m < 60) return unit(Math.round(m), 'minute');
  const h = m / 60;
  if (h < 24) return unit(Math.round(h), 'hour');
  const d = h / 24;
  if (d < 30) return unit(Math.round(d), 'day');
  if (d < 365) return unit(Math.round(d / 30), 'month');
  return unit(Math.round((d / 365) * 10) / 10, 'year');
}
