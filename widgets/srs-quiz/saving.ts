/**
 * `<srs-quiz>`'s writes to the review log. Failure policy: on a failed write the entry is kept in
 * memory (`pending`, exported with the rest) and the reader is told how to keep it.
 */
import { replayCard, reviewsByCard, type LogEntry } from '../core/srs-log.ts';
import type { MemoryState, Scheduler } from '../core/srs-schedule.ts';
import { StorageWriteError } from '../srs-store/store.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';
import type { ProgressSync } from './sync.ts';

export interface SaveContext {
  store: ProgressStore;
  /** Entries whose write failed, kept for export. */
  pending: LogEntry[];
  sync: ProgressSync;
  scheduler(): Promise<Scheduler | undefined>;
  warn(message: string): void;
}

/** Appends `entry`; returns the card's state (from the store, or `fallback` when the write failed). */
export async function saveEntry(
  ctx: SaveContext,
  entry: LogEntry,
  fallback: MemoryState | undefined,
): Promise<MemoryState | undefined> {
  try {
    const state = await ctx.store.append(entry);
    ctx.sync.post([entry.card]);
    return state;
  } catch (e) {
    ctx.pending.push(entry);
    ctx.warn(
      e instanceof StorageWriteError
        ? e.message
        : `Your progress could not be saved (${e instanceof Error ? e.message : String(e)}). Export your progress to keep it.`,
    );
    if (entry.kind === 'undo') {
      // Replay what we hold for that card, the pending entries included.
      const log = [...(await ctx.store.log().catch(() => [])), ...ctx.pending].filter((x) => x.card === entry.card);
      const scheduler = await ctx.scheduler();
      return scheduler && replayCard(scheduler, reviewsByCard(log).get(entry.card) ?? []);
    }
    return fallback;
  }
}
