/**
 * What every progress store does, whether it keeps progress in IndexedDB (store.ts) or only in
 * memory (memory-store.ts). Its own module so that neither implementation imports the other.
 */
import type { LogEntry } from '../core/srs-log.ts';
import type { MemoryState } from '../core/srs-schedule.ts';
import type { MergePlan } from '../core/srs-exchange.ts';

export interface ProgressStore {
  /** False when progress is only kept in memory (lost when the page closes). */
  readonly persistent: boolean;
  readonly namespace: string;
  /** Sentences about damaged records that were set aside since opening. */
  readonly problems: readonly string[];
  states(): Promise<Map<string, MemoryState>>;
  /** States of some cards (what another tab changed). */
  statesOf(keys: readonly string[]): Promise<Map<string, MemoryState>>;
  log(): Promise<LogEntry[]>;
  /** Appends one entry and returns its card's state afterwards (undefined: no reviews left). */
  append(entry: LogEntry): Promise<MemoryState | undefined>;
  /** Appends what `planMerge` says is new, all or nothing. */
  merge(incoming: readonly LogEntry[]): Promise<MergePlan>;
  close(): void;
}
