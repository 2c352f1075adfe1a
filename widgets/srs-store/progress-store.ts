/**
 * What every progress store does, whether it keeps progress in IndexedDB (store.ts) or only in
 * memory (memory-store.ts). Its own module so that neither implementation imports the other.
 */
import type { LogEntry } from '../core/srs-log.ts';
import type { MemoryState } from '../core/srs-schedule.ts';
import type { MergePlan } from '../core/srs-exchange.ts';
import type { MockRecord, PlanSettings, Profile } from '../core/srs-profile.ts';

/** What an import changed: the log's merge plan, and the plan settings and mock interviews. */
export interface ImportResult extends MergePlan {
  /** Mock interviews added (those already stored are not counted). */
  mocksAdded: number;
  /** The file's plan settings replaced the stored ones (they were newer, or none were stored). */
  planChanged: boolean;
}

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
  /**
   * Appends what `planMerge` says is new, and the profile's newer plan settings and unknown mock
   * interviews (`mergeProfile`), all or nothing: a conflict rejects with ImportError, nothing written.
   */
  merge(incoming: readonly LogEntry[], profile?: Profile): Promise<ImportResult>;
  /** The study plan's settings and the finished mock interviews, oldest first (damaged records set aside). */
  profile(): Promise<Profile>;
  /** Stores the plan settings (null clears them). Rejects with a sentence if they are not valid. */
  setPlan(plan: PlanSettings | null): Promise<void>;
  /** Stores one finished mock interview. Rejects if it is not valid or its id is already stored. */
  addMock(mock: MockRecord): Promise<void>;
  close(): void;
}
