/**
 * `<srs-quiz>`'s attributes, parsed: each invalid value is replaced by its default and named in
 * `problems` (shown to the reader), so a typo never stops the cards.
 */
import { DEFAULT_RETENTION, MIN_RETENTION, MAX_RETENTION } from '../core/srs-schedule.ts';
import { DECK_ID } from '../core/srs-deck.ts';
import type { QueueMode } from '../core/srs-queue.ts';
import { NAMESPACE, DEFAULT_NAMESPACE } from '../srs-store/store.ts';

export interface QuizSettings {
  /** Deck ids and http(s) URLs, in attribute order. */
  decks: string[];
  mode: QueueMode;
  namespace: string;
  retention: number;
  problems: string[];
}

export function parseSettings(attrs: {
  deck: string;
  mode: string;
  namespace: string;
  retention: string;
}): QuizSettings {
  const problems: string[] = [];
  let mode: QueueMode = 'due';
  if (attrs.mode === 'due' || attrs.mode === 'all') mode = attrs.mode;
  else problems.push(`mode "${attrs.mode}" is not "due" or "all"; using "due".`);
  let namespace = DEFAULT_NAMESPACE;
  if (NAMESPACE.test(attrs.namespace)) namespace = attrs.namespace;
  else
    problems.push(
      `namespace "${attrs.namespace}" must be 1–64 letters, digits, ".", "_" or "-"; using "${DEFAULT_NAMESPACE}".`,
    );
  let retention = DEFAULT_RETENTION;
  const r = Number(attrs.retention);
  if (attrs.retention !== '' && Number.isFinite(r) && r >= MIN_RETENTION && r <= MAX_RETENTION) retention = r;
  else
    problems.push(
      `retention "${attrs.retention}" must be a number from ${MIN_RETENTION} to ${MAX_RETENTION}; using ${DEFAULT_RETENTION}.`,
    );
  const decks: string[] = [];
  for (const token of attrs.deck.split(/\s+/).filter(Boolean)) {
    if (DECK_ID.test(token) || /^https?:\/\//.test(token)) decks.push(token);
    else problems.push(`deck "${token}" is neither a deck id (like "lora-peft") nor an http(s) URL; left out.`);
  }
  return { decks, mode, namespace, retention, problems };
}
