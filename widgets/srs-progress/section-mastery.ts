/**
 * The lesson outline's figures (toc-mastery.ts loads this chunk when idle): how well each
 * section's cards are known, from the states the default namespace's store holds, read through
 * its read-only `peekStates` (no database is created for a reader who has reviewed nothing).
 */
import { mastery, type Mastery } from '../core/srs-stats.ts';
import { peekStates, DEFAULT_NAMESPACE } from '../srs-store/store.ts';

/** `groups`: each card key with its section; the result is keyed by section. */
export async function sectionMastery(
  groups: readonly { key: string; group: string }[],
  now: number,
): Promise<Map<string, Mastery>> {
  const states = await peekStates(
    DEFAULT_NAMESPACE,
    groups.map((g) => g.key),
  );
  return mastery(groups, states, now);
}
