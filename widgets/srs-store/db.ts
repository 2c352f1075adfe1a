/**
 * The IndexedDB side that store.ts (`IdbStore`, always loaded) shares with the parts of the store
 * it loads only when needed (repair.ts: damaged records and rebuilds; profile-ops.ts: imports, plan
 * settings, mock interviews): the database's shape, its `meta` keys, the transaction helpers, the
 * one write every change of a card makes (`rewriteCard`), and what those parts use of the store
 * (`StoreAccess`). The record formats, version by version, are in migrations.ts.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import { parseLogEntry, replayCard, reviewsByCard, type LogEntry } from '../core/srs-log.ts';
import type { MemoryState, Scheduler } from '../core/srs-schedule.ts';

interface CardRecord {
  key: string;
  state: MemoryState;
}
interface QuarantineRecord {
  from: string;
  key: string;
  value: unknown;
  reason: string;
  at: number;
}
export interface SrsDB extends DBSchema {
  log: { key: string; value: LogEntry; indexes: { card: string } };
  cards: { key: string; value: CardRecord };
  quarantine: { key: number; value: QuarantineRecord };
  meta: { key: string; value: { key: string; value: unknown } };
}

/** `meta` keys: the state pack, and one dirty mark per card changed since it was written. */
export const PACK = 'pack';
export const DIRTY = 'dirty:';
export const DIRTY_RANGE = (): IDBKeyRange => IDBKeyRange.bound(DIRTY, 'dirty;', false, true);
/** `meta` keys of the profile (issues 17, 18): the plan settings, and one record per mock interview. */
export const PLAN = 'plan';
export const MOCK = 'mock:';
/** More dirty cards than this after opening (or importing): rewrite the pack. */
export const REPACK_AT = 64;

/** A damaged record on its way to `quarantine`: where it was, its key, its value and what is wrong. */
export interface Damaged {
  key: string;
  value: unknown;
  reason: string;
}

/** What repair.ts and profile-ops.ts use of an open IdbStore (store.ts). */
export interface StoreAccess {
  /** Sentences about damaged records set aside since opening (ProgressStore's `problems`). */
  readonly problems: string[];
  /** Starts loading ts-fsrs if nobody has yet; only replaying needs it. */
  readonly scheduler: () => Promise<Scheduler>;
  /** Runs `op`, retrying once on a reopened connection (`read`: the message says "read"). */
  run<T>(op: (db: IDBPDatabase<SrsDB>) => Promise<T>, read?: boolean): Promise<T>;
  log(): Promise<LogEntry[]>;
  repack(): Promise<void>;
  /** Moves damaged records into `quarantine`, and says so in `problems`. */
  setAside(from: 'log' | 'cards' | 'meta', bad: Damaged[]): Promise<void>;
}

/** A request whose failure the transaction's `done` reports: don't report it twice. */
export const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);
/**
 * A transaction whose `done` cannot become an unhandled rejection: when a step inside it throws
 * first (an aborted request), `done` is never awaited; whoever awaits it still sees the error.
 */
export const watched = <T extends { done: Promise<void> }>(tx: T): T => (quiet(tx.done), tx);

/**
 * Inside a readwrite transaction on log + cards + meta: card cache := replay(that card's log),
 * and the card is marked dirty (the pack no longer holds its state).
 */
export async function rewriteCard(
  tx: IDBPTransaction<SrsDB, ('log' | 'cards' | 'meta')[], 'readwrite'>,
  scheduler: Scheduler,
  card: string,
): Promise<MemoryState | undefined> {
  quiet(tx.objectStore('meta').put({ key: DIRTY + card, value: true }));
  const raw = await tx.objectStore('log').index('card').getAll(card);
  const entries = raw.flatMap((v) => {
    const p = parseLogEntry(v);
    return 'entry' in p ? [p.entry] : [];
  });
  const state = replayCard(scheduler, reviewsByCard(entries).get(card) ?? []);
  if (state) await tx.objectStore('cards').put({ key: card, state });
  else await tx.objectStore('cards').delete(card);
  return state;
}
