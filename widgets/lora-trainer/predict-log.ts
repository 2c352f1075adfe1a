/**
 * Logs a linked prediction's outcome as a review of its card in the reader's progress (the
 * default namespace, as `<srs-quiz>` keeps it), and tells the page's other elements through the
 * namespace's BroadcastChannel. Loaded with the first linked outcome; the store and ts-fsrs with it.
 *
 * Failure policy: a review that cannot be stored is not retried here; the caller shows why.
 */
import type { ReviewEntry } from '../core/srs-log.ts';
import { loadScheduler, RATING_NAMES } from '../core/srs-schedule.ts';
import { DEFAULT_NAMESPACE, newEntryId, openStore } from '../srs-store/store.ts';

export { newEntryId };

/** Appends `review`; resolves with a sentence for the reader (kept, or kept only in memory). */
export async function logReview(review: ReviewEntry): Promise<string> {
  const { store, fallbackReason } = await openStore(DEFAULT_NAMESPACE, () => loadScheduler());
  try {
    await store.append(review);
  } finally {
    store.close();
  }
  if (typeof BroadcastChannel !== 'undefined') {
    const channel = new BroadcastChannel(`marginalia-srs:${DEFAULT_NAMESPACE}`);
    channel.postMessage({ keys: [review.card] });
    channel.close();
  }
  const card = review.card.slice(review.card.indexOf(':') + 1);
  const graded = `Counted as a review of the card “${card}”: ${RATING_NAMES[review.rating]}.`;
  return fallbackReason ? `${graded} This browser does not let the page keep it (${fallbackReason}).` : graded;
}
