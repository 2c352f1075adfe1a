// Benchmark (not a test): <srs-quiz> in Chromium with 10,000 stored cards.
//   MARGINALIA_FIXTURES=1 astro build && node bench/srs-review.bench.mjs
// Serves the built site (MARGINALIA_OUT_DIR or dist/) on MARGINALIA_SITE_PORT (default 4400),
// replaces the fixture deck /decks/srs-fixture.json with a 10,000-card deck (1.6 MB, written into
// the built site for the run and put back afterwards: served by the real static server, as a
// published deck would be, not through Playwright's request interception, which delivers big
// bodies slowly and one at a time), stores a review for every card (10,000 card states, 10,000
// log entries), then measures on /review/:
//   - time to first card: navigation start → the overview is on screen → "Study now" clicked at
//     once → first card on screen (timed in the page, frame by frame: median of 7), with the HTTP
//     cache warm (a returning reader) and emptied before the run (cold)
//   - saving one review: grade() until the log entry and card state are stored (median of 20)
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromiumPath, BASE_ARGS } from '../scripts/lib/chromium.mjs';
import { startTestServer } from '../scripts/lib/start-test-server.mjs';
import { SITE } from '../scripts/lib/ports.mjs';

const N = 10_000;
const deckFile = resolve(process.env.MARGINALIA_OUT_DIR ?? 'dist', 'decks/srs-fixture.json');
const original = readFileSync(deckFile);
const server = await startTestServer();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BASE_ARGS });
  const page = await browser.newPage();
  const deck = {
    version: 1,
    id: 'srs-fixture',
    title: 'Bench',
    lesson: 'srs-fixture',
    lessonTitle: 'Bench lesson',
    cards: Array.from({ length: N }, (_, i) => ({
      id: `c${i}`,
      front: `Question ${i}?`,
      back: `Answer ${i}.`,
      frontHtml: `<p>Question ${i}?</p>`,
      backHtml: `<p>Answer ${i}.</p>`,
      tags: [],
      section: 'theory',
    })),
  };
  writeFileSync(deckFile, JSON.stringify(deck));
  await page.goto(`${SITE}/review/`);
  await page.locator('srs-quiz').getByRole('button', { name: 'Study now' }).waitFor({ timeout: 60_000 });
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  const log = deck.cards.map((c, i) => ({
    kind: 'review',
    id: `seed-${i}`,
    card: `srs-fixture:${c.id}`,
    rating: 3,
    time: t0 + i * 1000,
    duration: 4000,
  }));
  await page
    .locator('srs-quiz')
    .evaluate(
      (el, text) => el.importProgress(text),
      JSON.stringify({ format: 'marginalia-srs-progress', version: 1, namespace: 'default', exportedAt: 0, log }),
    );
  // Timed in the page, frame by frame, so Playwright's round trips are not counted: the moment
  // "Study now" is on screen it is clicked (as a reader who came to study would), and the first
  // card counts from the frame that shows its "Show answer" button.
  await page.addInitScript(() => {
    const find = (name) =>
      [...(document.querySelector('srs-quiz')?.shadowRoot?.querySelectorAll('button') ?? [])].find(
        (b) => b.textContent.trim().startsWith(name) && b.checkVisibility(),
      );
    const watch = () => {
      const study = find('Study now');
      if (study && !window.__overview) {
        window.__overview = performance.now();
        study.click();
      }
      if (window.__overview && find('Show answer')) window.__card = performance.now();
      else requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  // Warm: the HTTP cache holds the last visit's files (a returning reader: 10,000 stored cards are
  // not a first visit); the server's ETags turn deck requests into 304s and the hashed modules are
  // immutable. Cold: the cache is emptied before the run, so everything comes over the wire.
  const cdp = await page.context().newCDPSession(page);
  const runs = { warm: { overview: [], card: [] }, cold: { overview: [], card: [] } };
  for (let run = 0; run < 14; run++) {
    const kind = run % 2 ? 'cold' : 'warm';
    if (kind === 'cold') await cdp.send('Network.clearBrowserCache');
    await page.goto(`${SITE}/review/`);
    await page.waitForFunction(() => window.__card, null, { timeout: 60_000 });
    const t = await page.evaluate(() => ({ overview: window.__overview, card: window.__card }));
    runs[kind].overview.push(t.overview);
    runs[kind].card.push(t.card);
  }
  const saves = await page.locator('srs-quiz').evaluate(async (el) => {
    const out = [];
    for (let i = 0; i < 21; i++) {
      await el.reveal();
      const t = performance.now();
      await el.grade(3);
      out.push(performance.now() - t);
    }
    return out;
  });
  for (const [kind, r] of Object.entries(runs)) {
    console.log(
      `with ${N} stored cards, ${kind} HTTP cache: overview on screen ${median(r.overview).toFixed(0)} ms after navigation start; first card on screen ${median(r.card).toFixed(0)} ms ("Study now" clicked the frame it appeared); median of 7, timed in the page`,
    );
  }
  console.log(
    `saving one review (grade() → log entry + card state stored, re-rendered): median ${median(saves).toFixed(1)} ms of 21`,
  );
  await browser.close();
} finally {
  server.kill();
  writeFileSync(deckFile, original);
}
