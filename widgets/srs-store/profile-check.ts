/**
 * Plan settings and mock records checked before a store keeps them (a bad one rejects with the
 * parser's sentence), read back from their stored records, and written by IdbStore (store.ts's
 * `setPlan` and `addMock` delegate here). Loaded on first use: a review session never needs it.
 */
import {
  parseMockRecord,
  parsePlanSettings,
  type MockRecord,
  type PlanSettings,
  type Profile,
} from '../core/srs-profile.ts';
import { MOCK, PLAN, quiet, watched, type StoreAccess } from './db.ts';

export function checkedPlan(plan: PlanSettings): PlanSettings {
  const p = parsePlanSettings(plan);
  if ('error' in p) throw new Error(`These plan settings cannot be saved: the settings ${p.error}.`);
  return p.value;
}

export function checkedMock(mock: MockRecord): MockRecord {
  const p = parseMockRecord(mock);
  if ('error' in p) throw new Error(`This mock interview cannot be saved: it ${p.error}.`);
  return p.value;
}

/**
 * The profile from its stored records (the plan settings' value, the mock records filed under
 * `prefix + id`), oldest mock first, and the records that are damaged, to be set aside.
 */
export function readProfile(
  plan: unknown,
  mocks: readonly { key: string; value: unknown }[],
  prefix: string,
): { profile: Profile; bad: { key: string; value: unknown; reason: string }[] } {
  const bad: { key: string; value: unknown; reason: string }[] = [];
  let settings: PlanSettings | null = null;
  if (plan !== null) {
    const p = parsePlanSettings(plan);
    if ('value' in p) settings = p.value;
    else bad.push({ key: 'plan', value: plan, reason: `the stored plan settings ${p.error}` });
  }
  const good: MockRecord[] = [];
  for (const { key, value } of mocks) {
    const m = parseMockRecord(value);
    if ('value' in m && key === prefix + m.value.id) good.push(m.value);
    else
      bad.push({
        key,
        value,
        reason: `a stored mock interview ${'error' in m ? m.error : 'is filed under another id'}`,
      });
  }
  return { profile: { plan: settings, mocks: good.sort((a, b) => a.startedAt - b.startedAt) }, bad };
}

/** IdbStore's `setPlan`: stores the plan settings once checked (null clears them). */
export async function storePlan(store: StoreAccess, plan: PlanSettings | null): Promise<void> {
  const value = plan && checkedPlan(plan);
  await store.run(
    async (db) => void (value ? await db.put('meta', { key: PLAN, value }) : await db.delete('meta', PLAN)),
  );
}

/** IdbStore's `addMock`: stores one mock interview once checked; rejects if its id is already stored. */
export async function storeMock(store: StoreAccess, mock: MockRecord): Promise<void> {
  const m = checkedMock(mock);
  await store.run(async (db) => {
    const tx = watched(db.transaction('meta', 'readwrite'));
    if (await tx.store.get(MOCK + m.id)) throw new Error(`a mock interview with the id "${m.id}" is already stored`);
    quiet(tx.store.put({ key: MOCK + m.id, value: m }));
    await tx.done;
  });
}
