/**
 * The lesson table of contents shows how well each section's cards are known: elements with
 * `data-srs-cards="<deck>:<card> …"` (placed by src/layouts/Lesson.astro) get "k of n known".
 * Reads the default namespace's card states straight from IndexedDB, read-only: if the database
 * does not exist yet it is not created (the open is aborted), and nothing is shown until the
 * reader has reviewed something. Updates after each grade of a quiz on the page.
 */
import { mastery } from '../core/srs-stats.ts';
import { parseCardRecord } from './migrations.ts';
import { dbName, DEFAULT_NAMESPACE } from './store.ts';
import type { MemoryState } from '../core/srs-schedule.ts';

function readStates(keys: string[]): Promise<Map<string, MemoryState>> {
  return new Promise((resolve) => {
    const out = new Map<string, MemoryState>();
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(dbName(DEFAULT_NAMESPACE));
    } catch {
      return resolve(out);
    }
    req.onupgradeneeded = () => req.transaction?.abort(); // no database yet: don't create one
    req.onerror = () => resolve(out);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('cards')) {
        db.close();
        return resolve(out);
      }
      const store = db.transaction('cards').objectStore('cards');
      for (const key of keys) {
        const get = store.get(key);
        get.onsuccess = () => {
          const rec = parseCardRecord(get.result);
          if (rec) out.set(rec.key, rec.state);
        };
      }
      store.transaction.oncomplete = () => {
        db.close();
        resolve(out);
      };
      store.transaction.onerror = () => resolve(out);
    };
  });
}

async function refresh(spans: HTMLElement[]): Promise<void> {
  const groups = spans.flatMap((el, i) =>
    (el.dataset.srsCards ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((key) => ({ key, group: String(i) })),
  );
  const m = mastery(groups, await readStates(groups.map((g) => g.key)), Date.now());
  spans.forEach((el, i) => {
    const s = m.get(String(i));
    if (!s) return;
    el.textContent = `${s.known}/${s.cards}`;
    el.title = `${s.known} of ${s.cards} cards on this section known; ${s.reviewed} reviewed`;
    el.setAttribute('aria-label', `${s.known} of ${s.cards} cards known`);
    el.dataset.level = s.known === s.cards ? 'all' : s.reviewed ? 'some' : 'none';
    el.hidden = false;
  });
}

export function mountTocMastery(root: ParentNode = document): void {
  const spans = [...root.querySelectorAll<HTMLElement>('[data-srs-cards]')];
  if (!spans.length || typeof indexedDB === 'undefined') return;
  void refresh(spans);
  document.addEventListener('quiz-graded', () => void refresh(spans));
}
