/**
 * Where spaced-repetition progress lives: IndexedDB (through `idb`), one database per namespace,
 * schema in migrations.ts. The review log is the source of truth; the `cards` store caches
 * replay(log) per card and is rewritten, in the same transaction as every append, from that
 * card's whole log, so two tabs appending at once (IndexedDB serialises overlapping readwrite
 * transactions) always leave cache == replay(log).
 *
 * Failure policy, in order:
 * - a damaged record is moved to `quarantine`, reported in `problems`, and the card rebuilt;
 * - QuotaExceededError / AbortError: close, reopen, retry once; then StorageWriteError, whose
 *   message tells the reader to export (the caller keeps the review in memory meanwhile);
 * - no IndexedDB at all (blocked, private mode, opening fails or hangs): `openStore` returns a
 *   MemoryStore (`persistent: false`), which works the same and keeps nothing.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction, type DBSchema } from 'idb';
import { parseLogEntry, replayCard, reviewsByCard, type LogEntry } from '../core/srs-log.ts';
import type { MemoryState, Scheduler } from '../core/srs-schedule.ts';
import { planMerge, type MergePlan } from '../core/srs-exchange.ts';
import { DB_VERSION, migrateV1Review, parseCardRecord } from './migrations.ts';

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
interface SrsDB extends DBSchema {
  log: { key: string; value: LogEntry; indexes: { card: string } };
  cards: { key: string; value: CardRecord };
  quarantine: { key: number; value: QuarantineRecord };
  meta: { key: string; value: { key: string; value: unknown } };
}

export const DEFAULT_NAMESPACE = 'default';
export const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The database name for a namespace ("default" keeps the plain name). */
export const dbName = (namespace: string): string => (namespace === DEFAULT_NAMESPACE ? 'marginalia-srs' : `marginalia-srs--${namespace}`);

export class StorageWriteError extends Error {
  override name = 'StorageWriteError';
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
  /** Appends what `planMerge` says is new, all or nothing. */
  merge(incoming: readonly LogEntry[]): Promise<MergePlan>;
  close(): void;
}

/** A request whose failure the transaction's `done` reports: don't report it twice. */
const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);

const retryable = (e: unknown): boolean => e instanceof DOMException && (e.name === 'QuotaExceededError' || e.name === 'AbortError');

/** Random entry ids, time-prefixed so they sort roughly by creation. */
export function newEntryId(now: number): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `${Math.max(0, Math.floor(now)).toString(36)}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Progress kept in memory only: same behaviour, nothing survives the page. */
export class MemoryStore implements ProgressStore {
  readonly persistent = false;
  readonly problems: string[] = [];
  private entries: LogEntry[] = [];
  private cache = new Map<string, MemoryState>();
  readonly namespace: string;
  private readonly scheduler: Scheduler;
  constructor(namespace: string, scheduler: Scheduler) {
    this.namespace = namespace;
    this.scheduler = scheduler;
  }
  async states() {
    return new Map(this.cache);
  }
  async statesOf(keys: readonly string[]) {
    return new Map(keys.flatMap((k) => (this.cache.has(k) ? [[k, this.cache.get(k)!] as const] : [])));
  }
  async log() {
    return [...this.entries];
  }
  async append(entry: LogEntry) {
    this.entries.push(entry);
    return this.rebuild(entry.card);
  }
  async merge(incoming: readonly LogEntry[]) {
    const plan = planMerge(this.entries, incoming);
    this.entries.push(...plan.add);
    for (const card of new Set(plan.add.map((e) => e.card))) this.rebuild(card);
    return plan;
  }
  close() {}
  private rebuild(card: string): MemoryState | undefined {
    const s = replayCard(this.scheduler, reviewsByCard(this.entries.filter((e) => e.card === card)).get(card) ?? []);
    if (s) this.cache.set(card, s);
    else this.cache.delete(card);
    return s;
  }
}

export class IdbStore implements ProgressStore {
  readonly persistent = true;
  readonly problems: string[] = [];
  readonly namespace: string;
  private readonly scheduler: Scheduler;
  private db: IDBPDatabase<SrsDB> | undefined;
  private persistAsked = false;

  private constructor(namespace: string, scheduler: Scheduler, db: IDBPDatabase<SrsDB>) {
    this.namespace = namespace;
    this.scheduler = scheduler;
    this.db = db;
  }

  /** Opens (creating or migrating) the namespace's database. Rejects if IndexedDB is unusable. */
  static async open(namespace: string, scheduler: Scheduler, timeoutMs = 5000): Promise<IdbStore> {
    const store = new IdbStore(namespace, scheduler, await IdbStore.connect(namespace, timeoutMs));
    await store.repairIfAsked();
    return store;
  }

  private static connect(namespace: string, timeoutMs: number): Promise<IDBPDatabase<SrsDB>> {
    let db: IDBPDatabase<SrsDB> | undefined;
    const opening = openDB<SrsDB>(dbName(namespace), DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, tx) {
        const raw = database as unknown as IDBPDatabase;
        const log = database.createObjectStore('log', { keyPath: 'id' });
        log.createIndex('card', 'card');
        database.createObjectStore('cards', { keyPath: 'key' });
        database.createObjectStore('quarantine', { autoIncrement: true });
        database.createObjectStore('meta', { keyPath: 'key' });
        if (oldVersion === 1 && raw.objectStoreNames.contains('reviews')) {
          // Version 1 → 2: each review becomes a log entry; the card cache is rebuilt on open.
          const old = (tx as unknown as { objectStore(n: string): { getAll(): Promise<unknown[]>; getAllKeys(): Promise<IDBValidKey[]> } }).objectStore('reviews');
          void Promise.all([old.getAll(), old.getAllKeys()]).then(async ([values, keys]) => {
            const quarantine = tx.objectStore('quarantine');
            for (let i = 0; i < values.length; i++) {
              const m = migrateV1Review(values[i], keys[i]!);
              if ('entry' in m) await log.put(m.entry);
              else await quarantine.add({ from: 'reviews (version 1)', key: String(keys[i]), value: values[i], reason: m.error, at: 0 });
            }
            await tx.objectStore('meta').put({ key: 'rebuild', value: true });
            raw.deleteObjectStore('reviews');
          });
        }
      },
      blocking() {
        // Another tab wants a newer version: let it; we reopen on the next operation.
        db?.close();
      },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('IndexedDB did not open in time')), timeoutMs);
      opening.then(
        (d) => {
          clearTimeout(timer);
          db = d;
          resolve(d);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  /** Runs `op`, and on a quota or abort error reopens the database and runs it once more. */
  private async run<T>(op: (db: IDBPDatabase<SrsDB>) => Promise<T>): Promise<T> {
    try {
      return await op(await this.handle());
    } catch (e) {
      if (!retryable(e) && !(e instanceof DOMException && e.name === 'InvalidStateError')) throw e;
      this.db?.close();
      this.db = undefined;
      try {
        return await op(await this.handle());
      } catch (again) {
        const name = again instanceof DOMException ? again.name : 'Error';
        const why = name === 'QuotaExceededError' ? 'the browser says its storage is full' : `the browser refused the write (${name})`;
        throw new StorageWriteError(`Your progress could not be saved: ${why}. Export your progress to keep it, then free some space or allow this site more storage.`);
      }
    }
  }

  private async handle(): Promise<IDBPDatabase<SrsDB>> {
    this.db ??= await IdbStore.connect(this.namespace, 5000);
    return this.db;
  }

  private quarantineNote(n: number, what: string, sample: string): void {
    this.problems.push(`${n} damaged ${what}${n === 1 ? ' was' : 's were'} set aside (${sample}); your other progress is intact.`);
  }

  /** Rebuilds the whole card cache from the log when a migration or repair asked for it. */
  private async repairIfAsked(): Promise<void> {
    const db = await this.handle();
    const flag = await db.get('meta', 'rebuild');
    const moved = await db.count('quarantine');
    if (moved && flag) this.quarantineNote(moved, 'record', 'found while upgrading the stored data');
    if (!flag) return;
    const entries = await this.log();
    const tx = db.transaction(['cards', 'meta'], 'readwrite');
    await tx.objectStore('cards').clear();
    for (const [card, reviews] of reviewsByCard(entries)) {
      const state = replayCard(this.scheduler, reviews);
      if (state) quiet(tx.objectStore('cards').put({ key: card, state }));
    }
    quiet(tx.objectStore('meta').delete('rebuild'));
    await tx.done;
  }

  async log(): Promise<LogEntry[]> {
    const raw = await this.run((db) => db.getAll('log'));
    const good: LogEntry[] = [];
    const bad: { key: string; value: unknown; reason: string }[] = [];
    for (const value of raw) {
      const p = parseLogEntry(value);
      if ('entry' in p) good.push(p.entry);
      else bad.push({ key: String((value as { id?: unknown } | null)?.id ?? '?'), value, reason: `log entry ${p.error}` });
    }
    if (bad.length) await this.setAside('log', bad);
    return good;
  }

  async states(): Promise<Map<string, MemoryState>> {
    return this.readStates(await this.run((db) => db.getAll('cards')));
  }

  async statesOf(keys: readonly string[]): Promise<Map<string, MemoryState>> {
    const raw = await this.run(async (db) => {
      const tx = db.transaction('cards');
      const out = await Promise.all(keys.map((k) => tx.store.get(k)));
      await tx.done;
      return out.filter((r) => r !== undefined);
    });
    return this.readStates(raw);
  }

  private async readStates(raw: unknown[]): Promise<Map<string, MemoryState>> {
    const out = new Map<string, MemoryState>();
    const bad: { key: string; value: unknown; reason: string }[] = [];
    for (const value of raw) {
      const rec = parseCardRecord(value);
      if (rec) out.set(rec.key, rec.state);
      else bad.push({ key: String((value as { key?: unknown } | null)?.key ?? '?'), value, reason: 'card state is malformed' });
    }
    if (bad.length) {
      await this.setAside('cards', bad);
      // Rebuild those cards from the log (the source of truth).
      for (const b of bad) {
        const s = await this.rebuildCard(b.key);
        if (s) out.set(b.key, s);
      }
    }
    return out;
  }

  /** Moves damaged records into `quarantine`, and says so in `problems`. */
  private async setAside(from: 'log' | 'cards', bad: { key: string; value: unknown; reason: string }[]): Promise<void> {
    await this.run(async (db) => {
      const tx = db.transaction([from, 'quarantine'], 'readwrite');
      for (const b of bad) {
        quiet(tx.objectStore('quarantine').add({ from, key: b.key, value: b.value, reason: b.reason, at: Date.now() }));
        if (b.key !== '?') quiet(tx.objectStore(from).delete(b.key));
      }
      await tx.done;
    });
    this.quarantineNote(bad.length, from === 'log' ? 'review record' : 'card record', bad[0]!.reason);
  }

  private async rebuildCard(card: string): Promise<MemoryState | undefined> {
    return this.run(async (db) => {
      const tx = db.transaction(['log', 'cards'], 'readwrite');
      const state = await this.rewriteCard(tx, card);
      await tx.done;
      return state;
    });
  }

  /** Inside a readwrite transaction on log + cards: card cache := replay(that card's log). */
  private async rewriteCard(tx: IDBPTransaction<SrsDB, ('log' | 'cards')[], 'readwrite'>, card: string): Promise<MemoryState | undefined> {
    const raw = await tx.objectStore('log').index('card').getAll(card);
    const entries = raw.flatMap((v) => {
      const p = parseLogEntry(v);
      return 'entry' in p ? [p.entry] : [];
    });
    const state = replayCard(this.scheduler, reviewsByCard(entries).get(card) ?? []);
    if (state) await tx.objectStore('cards').put({ key: card, state });
    else await tx.objectStore('cards').delete(card);
    return state;
  }

  async append(entry: LogEntry): Promise<MemoryState | undefined> {
    this.askPersistence();
    return this.run(async (db) => {
      const tx = db.transaction(['log', 'cards'], 'readwrite');
      quiet(tx.objectStore('log').add(entry));
      const state = await this.rewriteCard(tx, entry.card);
      await tx.done;
      return state;
    });
  }

  async merge(incoming: readonly LogEntry[]): Promise<MergePlan> {
    const stored = await this.log();
    const plan = planMerge(stored, incoming); // throws ImportError before anything is written
    if (!plan.add.length) return plan;
    await this.run(async (db) => {
      const tx = db.transaction(['log', 'cards'], 'readwrite');
      for (const e of plan.add) quiet(tx.objectStore('log').add(e));
      for (const card of new Set(plan.add.map((e) => e.card))) await this.rewriteCard(tx, card);
      await tx.done;
    });
    return plan;
  }

  /** navigator.storage.persist(), asked once, at the first review. */
  private askPersistence(): void {
    if (this.persistAsked) return;
    this.persistAsked = true;
    void navigator.storage?.persist?.().catch(() => false);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

/** Opens the namespace's IndexedDB store, or falls back to memory, saying why. */
export async function openStore(namespace: string, scheduler: Scheduler): Promise<{ store: ProgressStore; fallbackReason?: string }> {
  try {
    if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('this browser has no IndexedDB');
    return { store: await IdbStore.open(namespace, scheduler) };
  } catch (e) {
    return { store: new MemoryStore(namespace, scheduler), fallbackReason: e instanceof Error ? e.message : String(e) };
  }
}
