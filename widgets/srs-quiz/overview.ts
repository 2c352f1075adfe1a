/**
 * The overview `<srs-quiz>` shows over several decks (as on /review/): cards due per lesson and
 * "Study now" for all of them; a lesson's row (a button when it has cards due) studies that lesson.
 * Loaded, beside the decks, only when there are several.
 */
import { html, type TemplateResult } from 'lit';
import { dueCounts } from '../core/srs-queue.ts';
import type { StudyCard, StudyDeck } from '../core/srs-deck.ts';
import type { MemoryState } from '../core/srs-schedule.ts';

export function renderOverview(
  decks: readonly StudyDeck[],
  cards: ReadonlyMap<string, StudyCard>,
  states: ReadonlyMap<string, MemoryState>,
  now: number,
  studyNow: (deck: string | null) => void,
): TemplateResult {
  const counts = dueCounts([...cards.keys()], (k) => cards.get(k)!.deck, states, now);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return html`<h2>${total ? `${total} card${total === 1 ? '' : 's'} to review` : 'Nothing due right now'}</h2>
    <ul class="counts" part="overview" aria-label="Cards due per lesson">
      ${decks.map((d) => {
        const title = d.lessonTitle ?? d.title;
        const n = counts.get(d.id) ?? 0;
        return html`<li>
          ${
            n
              ? html`<button type="button" aria-label="Study ${title}" @click=${() => studyNow(d.id)}>${title}</button>`
              : html`<span>${title}</span>`
          }
          <span class="n">${n} due</span>
        </li>`;
      })}
    </ul>
    <div class="row">
      <button type="button" class="study" ?disabled=${!total} @click=${() => studyNow(null)}>Study now</button>
    </div>`;
}
