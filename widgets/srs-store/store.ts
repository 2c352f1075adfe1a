/**
 * Where spaced-repetition progress lives: IndexedDB (through `idb`), one database per namespace,
 * schema in migrations.ts. The review log is the source of truth; the `cards` store caches
 * replay(log) per card and is rewritten, in the same transaction as every append, from that
 * card's whole log, so two tabs appending at once (IndexedDB serialises overlapping readwrite
 * transactions) always leave cache == replay(log).
 *
 * Reading 10,000 `cards` records takes Chromium about half a second, so `states()` reads the
 * state pack instead (state-pack.ts: every state in two values), plus the records of the cards
 * marked dirty since the pack was written; the same transaction that rewrites a card marks it.
 * Without a pack, or with many dirty cards, it reads every record, and then rewrites the pack
 * (in the background, in one readwrite transaction, so a tab appending meanwhile waits for it).
 *
 * Failure policy, in order:
 * - a damaged record is moved to `quarantine`, reported in `problems`, and the card rebuilt;
 * - QuotaExceededError / AbortError: close, reopen, retry once; then StorageWriteError, whose
 *   message tells the reader to export (the caller keeps the review in memory meanwhile);
 * - no IndexedDB at all (blocked, private mode, opening fails or hangs): `openStore` returns a
 *   MemoryStore (memory-store.ts, loaded only then; `persistent: false`), which works the same
 *   and keeps nothing.
 *
 * `peekStates` reads card states without opening a store, for displays that must not create one.
 *
 * What a review session never needs is loaded on first use, so it stays out of the first card's
 * modules: repairs (repair.ts: quarantine and rebuilds; if it cannot be fetched, the damaged
 * records are left out and stay where they are until the next open, and the reader is still
 * told), imports (merge.ts), plan settings and mock interviews (profile-check.ts), and the
 * upgrade of a version-1 database (from-v1.ts: the first open stops before changing anything and
 * opens again with it). db.ts holds what they share with this module.
 *
 * The scheduler arrives as a promise: ts-fsrs is only needed to replay (on a write, a repair or a
 * damaged record), so opening the store and reading the states never waits for it.
 */
import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { parseLogEntry, type LogEntry } from '../core/srs-log.ts';
import type { MemoryState, Scheduler } from '../core/srs-schedule.ts';
import type { MockRecord, PlanSettings, Profile } from '../core/srs-profile.ts';
import { DB_VERSION, parseCardRecord } from './migrations.ts';
import type { upgradeFromV1 } from './from-v1.ts';
import { packStates, unpackStates } from './state-pack.ts';
import {
  DIRTY,
  DIRTY_RANGE,
  MOCK,
  PACK,
  PLAN,
  REPACK_AT,
  quiet,
  rewriteCard,
  watched,
  type Damaged,
  type SrsDB,
  type StoreAccess,
} from './db.ts';
import type { ImportResult, ProgressStore } from './progress-store.ts';

const MOCK_RANGE = (): IDBKeyRange => IDBKeyRange.bound(MOCK, 'mock;', false, true);
/** More dirty cards than this: read every record (faster than one get each) and repack. */
const READ_ALL_AT = 2000;

type CardsTx = IDBPTransaction<SrsDB, ('cards' | 'meta')[], IDBTransactionMode>;
interface StoredStates {
  /** The pack's states with the dirty cards removed (empty when every record was read). */
  base: Map<string, MemoryState>;
  /** Records to check and add: the dirty cards' (absent ones left out), or every record. */
  records: unknown[];
  /** Dirty keys whose records were read. */
  dirty: string[];
  /** Every record was read (no usable pack, or too many dirty cards). */
  full: boolean;
  /** The stored pack, when it was there but malformed. */
  badPack?: unknown;
}

export const DEFAULT_NAMESPACE = 'default';
export const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The database name for a namespace ("default" keeps the plain name). */
const dbName = (namespace: string): string =>
  namespace === DEFAULT_NAMESPACE ? 'marginalia-srs' : `marginalia-srs--${namespace}`;

export class StorageWriteError extends Error {
  override name = 'StorageWriteError';
}

const retryable = (e: unknown): boolean =>
  e instanceof DOMException && (e.name === 'QuotaExceededError' || e.name === 'AbortError');

/** Random entry ids, time-prefixed so they sort roughly by creation. */
export function newEntryId(now: number): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `${Math.max(0, Math.floor(now)).toString(36)}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The repairs' module (repair.ts), or undefined when it cannot be fetched: the damage then stays
 * where it is, left out of what the store returns, until the next open.
 */
const repairs = () => import('./repair.ts').catch(() => undefined);

class IdbStore implements ProgressStore, StoreAccess {
  readonly persistent = true;
  readonly problems: string[] = [];
  readonly namespace: string;
  /** Starts loading ts-fsrs if nobody has yet; only replaying needs it. */
  readonly scheduler: () => Promise<Scheduler>;
  private db: IDBPDatabase<SrsDB> | undefined;
  private persistAsked = false;
  private closed = false;
  private repacking: Promise<void> | undefined;

  private constructor(namespace: string, scheduler: () => Promise<Scheduler>, db: IDBPDatabase<SrsDB>) {
    this.namespace = namespace;
    this.scheduler = scheduler;
    this.db = db;
  }

  /** Opens (creating or migrating) the namespace's database. Rejects if IndexedDB is unusable. */
  static async open(namespace: string, scheduler: () => Promise<Scheduler>, timeoutMs = 5000): Promise<IdbStore> {
    const store = new IdbStore(namespace, scheduler, await IdbStore.connect(namespace, timeoutMs));
    await store.repairIfAsked();
    return store;
  }

  private static connect(namespace: string, timeoutMs: number): Promise<IDBPDatabase<SrsDB>> {
    let db: IDBPDatabase<SrsDB> | undefined;
    let needV1 = false;
    const open = (fromV1?: typeof upgradeFromV1) =>
      openDB<SrsDB>(dbName(namespace), DB_VERSION, {
        upgrade(database, oldVersion, _newVersion, tx) {
          const v1 = oldVersion === 1 && (database as unknown as IDBPDatabase).objectStoreNames.contains('reviews');
          // A version-1 database: stop before anything changes, and open again with from-v1.ts.
          if (v1 && !fromV1) {
            needV1 = true;
            watched(tx).abort();
            return;
          }
          const log = database.createObjectStore('log', { keyPath: 'id' });
          log.createIndex('card', 'card');
          database.createObjectStore('cards', { keyPath: 'key' });
          database.createObjectStore('quarantine', { autoIncrement: true });
          database.createObjectStore('meta', { keyPath: 'key' });
          if (v1) fromV1!(database, tx);
        },
        blocking() {
          // Another tab wants a newer version: let it; we reopen on the next operation.
          db?.close();
        },
      });
    const opening = open().catch(async (e: unknown) => {
      if (!needV1) throw e;
      return open((await import('./from-v1.ts')).upgradeFromV1);
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

  /**
   * Runs `op`, and on a quota or abort error reopens the database and runs it once more; if that
   * fails too, throws a StorageWriteError whose message fits a `read` or a write.
   */
  async run<T>(op: (db: IDBPDatabase<SrsDB>) => Promise<T>, read = false): Promise<T> {
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
        const why =
          name === 'QuotaExceededError'
            ? 'the browser says its storage is full'
            : name === 'VersionError'
              ? 'a newer version of this site is open in another tab; reload this page'
              : `the browser refused the ${read ? 'read' : 'write'} (${name})`;
        throw new StorageWriteError(
          read
            ? `Your progress could not be read: ${why}.`
            : `Your progress could not be saved: ${why}. Export your progress to keep it, then free some space or allow this site more storage.`,
        );
      }
    }
  }

  private async handle(): Promise<IDBPDatabase<SrsDB>> {
    if (this.closed) throw new Error('the progress store was closed');
    this.db ??= await IdbStore.connect(this.namespace, 5000);
    return this.db;
  }

  private quarantineNote(n: number, what: string, sample: string): void {
    this.problems.push(
      `${n} damaged ${what}${n === 1 ? ' was' : 's were'} set aside (${sample}); your other progress is intact.`,
    );
  }

  /** Rebuilds the whole card cache from the log when a migration or repair asked for it (repair.ts). */
  private async repairIfAsked(): Promise<void> {
    const db = await this.handle();
    if (await db.get('meta', 'rebuild'))
      await (await repairs())?.rebuildAll(this, db, (n, what, sample) => this.quarantineNote(n, what, sample));
  }

  async log(): Promise<LogEntry[]> {
    const raw = await this.run((db) => db.getAll('log'), true);
    const good: LogEntry[] = [];
    const bad: Damaged[] = [];
    for (const value of raw) {
      const p = parseLogEntry(value);
      if ('entry' in p) good.push(p.entry);
      else
        bad.push({ key: String((value as { id?: unknown } | null)?.id ?? '?'), value, reason: `log entry ${p.error}` });
    }
    if (bad.length) await this.setAside('log', bad);
    return good;
  }

  /**
   * Every card's state: the pack's, updated from the records of the cards marked dirty since it
   * was written (or every record, when there is no usable pack or too much is dirty).
   */
  async states(): Promise<Map<string, MemoryState>> {
    const stored = await this.run(async (db) => {
      const tx = watched(db.transaction(['cards', 'meta']));
      const out = await IdbStore.readStored(tx);
      await tx.done;
      return out;
    }, true);
    if (stored.badPack !== undefined)
      await this.setAside('meta', [{ key: PACK, value: stored.badPack, reason: 'the state pack is malformed' }]);
    const out = stored.base;
    for (const [key, state] of await this.readStates(stored.records)) out.set(key, state);
    if (stored.full ? stored.records.length > 0 : stored.dirty.length > REPACK_AT) this.repackSoon();
    return out;
  }

  /** Reads the pack and the dirty cards' records, or every record, inside `tx`. */
  private static async readStored(tx: CardsTx): Promise<StoredStates> {
    const meta = tx.objectStore('meta');
    const [pack, marks] = await Promise.all([meta.get(PACK), meta.getAllKeys(DIRTY_RANGE())]);
    const dirty = marks.map((m) => m.slice(DIRTY.length));
    const base = pack === undefined ? undefined : unpackStates(pack.value);
    const badPack = pack !== undefined && !base ? pack.value : undefined;
    if (!base || dirty.length > READ_ALL_AT)
      return { base: new Map(), records: await tx.objectStore('cards').getAll(), dirty, full: true, badPack };
    const cards = tx.objectStore('cards');
    const records = await Promise.all(dirty.map((k) => cards.get(k)));
    for (const k of dirty) base.delete(k);
    return { base, records: records.filter((r) => r !== undefined), dirty, full: false };
  }

  /** Rewrites the pack a moment after opening (not in the way of the first card), once at a time. */
  private repackSoon(): void {
    this.repacking ??= new Promise<void>((resolve) => setTimeout(resolve, 1000))
      .then(() => this.repack())
      .catch(() => undefined)
      .finally(() => (this.repacking = undefined));
  }

  /**
   * One readwrite transaction: reads what `states()` reads, writes it as the new pack and clears
   * the dirty marks. A damaged record stays out of the pack and keeps (or gets) its dirty mark, so
   * the next `states()` reads it, sets it aside and says so.
   */
  async repack(): Promise<void> {
    if (this.closed) return;
    await this.run(async (db) => {
      const tx = watched(db.transaction(['cards', 'meta'], 'readwrite'));
      const stored = await IdbStore.readStored(tx);
      const meta = tx.objectStore('meta');
      const states = stored.base;
      const bad = new Set<string>();
      for (const value of stored.records) {
        const rec = parseCardRecord(value);
        if (rec) states.set(rec.key, rec.state);
        else bad.add(String((value as { key?: unknown } | null)?.key ?? '?'));
      }
      quiet(meta.put({ key: PACK, value: packStates(states) }));
      quiet(meta.delete(DIRTY_RANGE()));
      for (const key of bad) quiet(meta.put({ key: DIRTY + key, value: true }));
      await tx.done;
    });
  }

  async statesOf(keys: readonly string[]): Promise<Map<string, MemoryState>> {
    const raw = await this.run(async (db) => {
      const tx = watched(db.transaction('cards'));
      const out = await Promise.all(keys.map((k) => tx.store.get(k)));
      await tx.done;
      return out.filter((r) => r !== undefined);
    }, true);
    return this.readStates(raw);
  }

  private async readStates(raw: unknown[]): Promise<Map<string, MemoryState>> {
    const out = new Map<string, MemoryState>();
    const bad: Damaged[] = [];
    for (const value of raw) {
      const rec = parseCardRecord(value);
      if (rec) out.set(rec.key, rec.state);
      else
        bad.push({
          key: String((value as { key?: unknown } | null)?.key ?? '?'),
          value,
          reason: 'card state is malformed',
        });
    }
    if (bad.length) {
      await this.setAside('cards', bad);
      // Rebuild those cards from the log (the source of truth).
      const keys = bad.map((b) => b.key);
      const rebuilt = await (await repairs())?.rebuildCards(this, keys);
      for (const [key, state] of rebuilt ?? []) out.set(key, state);
    }
    return out;
  }

  /** Moves damaged records into `quarantine` (repair.ts), and says so in `problems`. */
  async setAside(from: 'log' | 'cards' | 'meta', bad: Damaged[]): Promise<void> {
    await (await repairs())?.quarantine(this, from, bad);
    this.quarantineNote(
      bad.length,
      { log: 'review record', cards: 'card record', meta: 'stored summary' }[from],
      bad[0]!.reason,
    );
  }

  async append(entry: LogEntry): Promise<MemoryState | undefined> {
    this.askPersistence();
    const scheduler = await this.scheduler();
    return this.run(async (db) => {
      const tx = watched(db.transaction(['log', 'cards', 'meta'], 'readwrite'));
      quiet(tx.objectStore('log').add(entry));
      const state = await rewriteCard(tx, scheduler, entry.card);
      await tx.done;
      return state;
    });
  }

  /** Merges an import (merge.ts, loaded with the first import), all or nothing. */
  async merge(incoming: readonly LogEntry[], profile: Profile = { plan: null, mocks: [] }): Promise<ImportResult> {
    return (await import('./merge.ts')).merge(this, incoming, profile);
  }

  async profile(): Promise<Profile> {
    const [{ readProfile }, [plan, mocks]] = await Promise.all([
      import('./profile-check.ts'),
      this.run((db) => Promise.all([db.get('meta', PLAN), db.getAll('meta', MOCK_RANGE())]), true),
    ]);
    const { profile, bad } = readProfile(plan?.value ?? null, mocks, MOCK);
    if (bad.length) await this.setAside('meta', bad);
    return profile;
  }

  /** Stores the plan settings, checked (profile-check.ts, loaded on first use). */
  async setPlan(plan: PlanSettings | null): Promise<void> {
    return (await import('./profile-check.ts')).storePlan(this, plan);
  }

  /** Stores one mock interview, checked (profile-check.ts, loaded on first use). */
  async addMock(mock: MockRecord): Promise<void> {
    return (await import('./profile-check.ts')).storeMock(this, mock);
  }

  /** navigator.storage.persist(), asked once, at the first review. */
  private askPersistence(): void {
    if (this.persistAsked) return;
    this.persistAsked = true;
    void navigator.storage?.persist?.().catch(() => false);
  }

  close(): void {
    this.closed = true;
    this.db?.close();
    this.db = undefined;
  }
}

/**
 * Stored states of some cards, read-only, for what shows progress beside the element (the lesson
 * outline's badges): it never creates, upgrades or repairs a database, so it opens no IdbStore.
 * No IndexedDB, no database yet (the open's upgrade is aborted, so none is created), a
 * version-1 database or any failure: an empty map. Damaged records are left out; the next
 * IdbStore to open the database sets them aside.
 */
export async function peekStates(namespace: string, keys: readonly string[]): Promise<Map<string, MemoryState>> {
  const out = new Map<string, MemoryState>();
  if (typeof indexedDB === 'undefined' || !indexedDB) return out;
  let db: IDBPDatabase<SrsDB> | undefined;
  try {
    db = await openDB<SrsDB>(dbName(namespace), undefined, {
      upgrade: (_db, _old, _new, tx) => watched(tx).abort(),
      blocking: () => db?.close(), // an element upgrading the database goes first
    });
    if (!db.objectStoreNames.contains('cards')) return out;
    const tx = watched(db.transaction('cards'));
    const records = await Promise.all(keys.map((k) => tx.store.get(k)));
    await tx.done;
    for (const value of records) {
      const rec = parseCardRecord(value);
      if (rec) out.set(rec.key, rec.state);
    }
    return out;
  } catch {
    return new Map();
  } finally {
    db?.close();
  }
}

/**
 * Opens the namespace's IndexedDB store, or falls back to memory (loading that store's module
 * only then), saying why. `scheduler` may still be loading, or not started: given as a function,
 * it is called the first time the store has to replay (a write, a repair, an import), so a page
 * can show its first card before ts-fsrs has loaded.
 */
export async function openStore(
  namespace: string,
  scheduler: Scheduler | Promise<Scheduler> | (() => Promise<Scheduler>),
): Promise<{ store: ProgressStore; fallbackReason?: string }> {
  let ready: Promise<Scheduler> | undefined;
  const need = () => {
    if (!ready) {
      ready = typeof scheduler === 'function' ? scheduler() : Promise.resolve(scheduler);
      ready.catch(() => undefined); // whoever needs it sees the failure
    }
    return ready;
  };
  try {
    if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('this browser has no IndexedDB');
    return { store: await IdbStore.open(namespace, need) };
  } catch (e) {
    const { MemoryStore } = await import('./memory-store.ts');
    return { store: new MemoryStore(namespace, need), fallbackReason: e instanceof Error ? e.message : String(e) };
  }
}
