/**
 * The lesson table of contents shows how well each section's cards are known: elements with
 * `data-srs-cards="<deck>:<card> …"` (placed by src/layouts/Lesson.astro) get "k of n known".
 *
 * This module is in every lesson page's script, so it only finds the badges and draws them. The
 * reading (the store's read-only `peekStates`, with idb) and the counting load as a separate
 * chunk when the browser is idle, and only on a lesson with cards. Updates after each grade of a
 * quiz on the page. Returns a function that stops it.
 */
import type { Mastery } from '../core/srs-stats.ts';

type SectionMastery = typeof import('./section-mastery.ts');

/** Runs `f` when the browser is idle (soon, where it has no requestIdleCallback); returns a cancel. */
function whenIdle(f: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(f, { timeout: 2000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(f, 0);
  return () => clearTimeout(id);
}

function draw(spans: HTMLElement[], figures: Map<string, Mastery>): void {
  spans.forEach((el, i) => {
    const s = figures.get(String(i));
    if (!s) return;
    el.textContent = `${s.known}/${s.cards}`;
    el.title = `${s.known} of ${s.cards} cards on this section known; ${s.reviewed} reviewed`;
    el.setAttribute('aria-label', `${s.known} of ${s.cards} cards known`);
    el.dataset.level = s.known === s.cards ? 'all' : s.reviewed ? 'some' : 'none';
    el.hidden = false;
  });
}

export function mountTocMastery(root: ParentNode = document): () => void {
  const spans = [...root.querySelectorAll<HTMLElement>('[data-srs-cards]')];
  if (!spans.length || typeof indexedDB === 'undefined') return () => undefined;
  const groups = spans.flatMap((el, i) =>
    (el.dataset.srsCards ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((key) => ({ key, group: String(i) })),
  );
  let loading: Promise<SectionMastery> | undefined;
  let latest = 0;
  const refresh = async (): Promise<void> => {
    const run = ++latest;
    const { sectionMastery } = await (loading ??= import('./section-mastery.ts'));
    const figures = await sectionMastery(groups, Date.now());
    if (run === latest) draw(spans, figures); // a later refresh (another grade) draws instead
  };
  // Without the chunk (offline) or the figures, the badges stay hidden.
  const update = () => void refresh().catch(() => undefined);
  const cancel = whenIdle(update);
  document.addEventListener('quiz-graded', update);
  return () => {
    cancel();
    document.removeEventListener('quiz-graded', update);
  };
}
