/**
 * The export/import panel of `<srs-quiz>`: loaded when the reader opens it, or exports from a
 * storage warning, so a review session never downloads it. Everything goes through the element's
 * public methods; `say` shows the outcome (an announcement, or a message in the element).
 */
import { html, type TemplateResult } from 'lit';
import type { ProgressFile } from '../core/srs-exchange.ts';

type Say = (outcome: { announcement: string } | { message: string }) => void;

/** What the panel uses of `<srs-quiz>`: its public methods and its shadow root (for the download link). */
interface ProgressHost {
  readonly shadowRoot: ShadowRoot | null;
  exportProgress(): Promise<ProgressFile>;
  exportReviewLogCsv(): Promise<string>;
  importProgress(data: string): Promise<{ added: number; duplicates: number }>;
}

/** The export/import panel; srs-quiz.ts loads this module lazily (hence `@public` for knip). @public */
export function renderProgressFiles(quiz: ProgressHost, say: Say): TemplateResult {
  return html`<div class="row">
    <button type="button" @click=${() => void download(quiz, 'json')}>Export progress (JSON)</button>
    <button type="button" @click=${() => void download(quiz, 'csv')}>
      Export review log (CSV for the FSRS optimizer)
    </button>
    <label
      >Import progress
      <input
        type="file"
        accept="application/json,.json"
        @change=${(e: Event) => void importFile(quiz, e.target as HTMLInputElement, say)}
    /></label>
  </div>`;
}

async function importFile(quiz: ProgressHost, input: HTMLInputElement, say: Say): Promise<void> {
  const file = input.files?.[0];
  if (!file) return;
  try {
    const r = await quiz.importProgress(await file.text());
    say({ announcement: `Imported ${r.added} review${r.added === 1 ? '' : 's'}; ${r.duplicates} already here.` });
  } catch (err) {
    say({ message: `Import refused, nothing was changed: ${(err as Error).message}.` });
  }
  input.value = '';
}

/** Saves this namespace's progress as JSON, or its review log as the optimizer's CSV. */
export async function download(quiz: ProgressHost, kind: 'json' | 'csv'): Promise<void> {
  const file = kind === 'json' ? await quiz.exportProgress() : undefined;
  const text = file ? JSON.stringify(file, null, 1) : await quiz.exportReviewLogCsv();
  const url = URL.createObjectURL(new Blob([text], { type: file ? 'application/json' : 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file ? `marginalia-progress-${file.namespace}.json` : 'marginalia-revlog.csv';
  quiz.shadowRoot?.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
