/**
 * Progress kept in memory only, where IndexedDB is unavailable: the same behaviour as the
 * IndexedDB store, and nothing survives the page. Loaded by `openStore` only when needed.
 */
import { replayCard, reviewsByCard, type LogEntry } from '../core/srs-log.ts';
import type { MemoryState, Scheduler } from '../core/srs-schedule.ts';
import { ImportError, planMerge } from '../core/srs-exchange.ts';
import { mergeProfile, type MockRecord, type PlanSettings, type Profile } from '../core/srs-profile.ts';
import { checkedMock, checkedPlan } from './profile-check.ts';
import type { ImportResult, ProgressStore } from './progress-store.ts';

export class MemoryStore implements ProgressStore {
  readonly persistent = false;
  readonly problems: string[] = [];
  private entries: LogEntry[] = [];
  private cache = new Map<string, MemoryState>();
  private plan: PlanSettings | null = null;
  private mocks: MockRecord[] = [];
  readonly namespace: string;
  /** Starts loading ts-fsrs if nobody has yet (openStore's; only replaying needs it). */
  private readonly scheduler: () => Promise<Scheduler>;
  constructor(namespace: string, scheduler: () => Promise<Scheduler>) {
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
    const scheduler = await this.scheduler();
    this.entries.push(entry);
    return this.rebuild(scheduler, entry.card);
  }
  async merge(incoming: readonly LogEntry[], profile: Profile = { plan: null, mocks: [] }): Promise<ImportResult> {
    const scheduler = await this.scheduler();
    const plan = planMerge(this.entries, incoming);
    const merged = mergeProfile({ plan: this.plan, mocks: this.mocks }, profile);
    if (merged.conflict) throw new ImportError(merged.conflict);
    this.entries.push(...plan.add);
    for (const card of new Set(plan.add.map((e) => e.card))) this.rebuild(scheduler, card);
    const planChanged = merged.plan !== this.plan;
    this.plan = structuredClone(merged.plan);
    this.mocks.push(...structuredClone(merged.addMocks));
    return { ...plan, mocksAdded: merged.addMocks.length, planChanged };
  }
  async profile(): Promise<Profile> {
    const mocks = [...this.mocks].sort((a, b) => a.startedAt - b.startedAt);
    return structuredClone({ plan: this.plan, mocks });
  }
  async setPlan(plan: PlanSettings | null) {
    this.plan = plan && checkedPlan(plan);
  }
  async addMock(mock: MockRecord) {
    const m = checkedMock(mock);
    if (this.mocks.some((x) => x.id === m.id))
      throw new Error(`a mock interview with the id "${m.id}" is already stored`);
    this.mocks.push(m);
  }
  close() {}
  private rebuild(scheduler: Scheduler, card: string): MemoryState | undefined {
    const s = replayCard(scheduler, reviewsByCard(this.entries.filter((e) => e.card === card)).get(card) ?? []);
    if (s) this.cache.set(card, s);
    else this.cache.delete(card);
    return s;
  }
}
