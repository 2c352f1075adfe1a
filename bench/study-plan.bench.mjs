// Benchmark (not a test): the study plan with 10,000 logged reviews.
//   MARGINALIA_FIXTURES=1 astro build && node bench/study-plan.bench.mjs
// Builds a log of 10,000 reviews over every card of the track's published decks (15 months of
// studying: each card learnt, then reviewed at growing intervals, 1 in 10 forgotten, 5–40 s each),
// then measures:
//   - in Chromium, on the built /plan/: a setting changed → `plan-change` (the card states read
//     from IndexedDB, the log as the element read it at load — it is read again only after a
//     review is logged — the plan computed, the event sent), median of 9, timed in the page;
//     once with a plan that fits and once with one that does not (the advice searches run then)
//   - in Node, the pure computePlan alone on the same states (median of 9)
// Serves the built site (MARGINALIA_OUT_DIR or dist/) on MARGINALIA_SITE_PORT (default 4400).
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tsfsrs from 'ts-fsrs';
import { chromiumPath, BASE_ARGS } from '../scripts/lib/chromium.mjs';
import { startTestServer } from '../scripts/lib/start-test-server.mjs';
import { SITE } from '../scripts/lib/ports.mjs';
import { settle, report } from './load.mjs';
import { createScheduler } from '../widgets/core/srs-schedule.ts';
import { replay } from '../widgets/core/srs-log.ts';
import { computePlan } from '../widgets/core/study-plan.ts';
import { measurePace, secondsOn } from '../widgets/core/study-plan-calendar.ts';

const N = 10_000;
const DAY = 86_400_000;
const dist = resolve(process.env.MARGINALIA_OUT_DIR ?? 'dist');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every card of the track, in order: `{ key, lesson }`. */
function trackCards() {
  const { lessons } = JSON.parse(readFileSync(resolve(dist, 'decks/index.json'), 'utf8'));
  return lessons
    .filter((l) => l.deck)
    .flatMap((l) => {
      const deck = JSON.parse(readFileSync(resolve(dist, `decks/${l.deck}.json`), 'utf8'));
      return deck.cards.map((c) => ({ key: `${l.deck}:${c.id}`, lesson: l.slug }));
    });
}

/** Some 15 months of reviews ending yesterday, `N` in all, spread over the cards (seeded, deterministic). */
function makeLog(cards, now) {
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  // a card's reviews stop a day before now: the log ends yesterday, so today starts unstudied
  const per = Math.ceil(N / cards.length) + 3;
  const log = [];
  for (const [i, c] of cards.entries()) {
    let t = now - 460 * DAY - (i % 30) * DAY;
    let gap = 1;
    for (let k = 0; k < per && log.length < N && t < now - DAY; k++) {
      log.push({
        kind: 'review',
        id: `b${i}-${k}`,
        card: c.key,
        rating: rand() < 0.1 ? 1 : 3,
        time: t,
        duration: 5000 + Math.floor(rand() * 35_000),
      });
      gap = Math.min(gap * 1.3 + 0.5, 12);
      t += gap * DAY;
    }
  }
  return log.sort((a, b) => a.time - b.time);
}

// BENCH_SETTLE=0 skips the wait for an idle machine (a quick trend; figures under load say so).
const before = await settle({ wait: process.env.BENCH_SETTLE !== '0' });
const cards = trackCards();
const now = Date.now();
const log = makeLog(cards, now);
const iso = (t) => new Date(t).toISOString().slice(0, 10);
const interview = iso(now + 30 * DAY);

// The pure core, in Node.
const scheduler = createScheduler(tsfsrs, 0.9);
const states = replay(scheduler, log);
const pace = measurePace(log);
for (const minutes of [60, 3]) {
  const times = [];
  let plan;
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    plan = computePlan({
      settings: { interviewDate: interview, minutesPerDay: minutes, daysOff: ['sunday'], retention: 0.9 },
      cards,
      states,
      scheduler,
      now,
      offsetMinutes: 0,
      secondsPerReview: pace.secondsPerReview,
      secondsToday: secondsOn(log, now, 0),
    });
    times.push(performance.now() - t);
  }
  console.log(
    `Node, computePlan alone: ${cards.length} cards, ${log.length} reviews, ${minutes} min a day (${plan.feasible ? 'fits' : 'does not fit: advice searched'}): median ${median(times).toFixed(1)} ms of 9`,
    process.env.BENCH_VERBOSE ? plan.message : '',
  );
}

const server = await startTestServer();
try {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BASE_ARGS });
  const page = await browser.newPage();
  await page.goto(`${SITE}/review/`);
  await page.locator('srs-quiz').getByRole('button', { name: 'Study now' }).waitFor({ timeout: 60_000 });
  await page
    .locator('srs-quiz')
    .evaluate(
      (el, text) => el.importProgress(text),
      JSON.stringify({ format: 'marginalia-srs-progress', version: 1, namespace: 'default', exportedAt: 0, log }),
    );
  await page.goto(`${SITE}/plan/`);
  const el = page.locator('study-plan');
  await el.evaluate((e, date) => {
    e.setAttribute('interview-date', date);
    e.setAttribute('days-off', 'sunday');
  }, interview);
  await el
    .getByRole('status')
    .filter({ hasText: /On track|not enough/ })
    .waitFor({ timeout: 60_000 });
  for (const minutes of [60, 3]) {
    const { times, feasible } = await el.evaluate(async (e, m) => {
      const out = [];
      let last;
      for (let i = 0; i < 9; i++) {
        const done = new Promise((res) =>
          e.addEventListener('plan-change', (ev) => res(ev.detail.plan), { once: true }),
        );
        const t = performance.now();
        // alternate between two values so every run is a change
        e.setAttribute('minutes-per-day', String(i % 2 ? m + 1 : m));
        last = await done;
        out.push(performance.now() - t);
      }
      return { times: out, feasible: last.feasible };
    }, minutes);
    console.log(
      `Chromium, /plan/: setting changed → plan-change with ${log.length} logged reviews, ${minutes} min a day (${feasible ? 'fits' : 'does not fit: advice searched'}): median ${median(times).toFixed(1)} ms of 9 (card states read from IndexedDB, the log as read at load, plan computed)`,
    );
  }
  await browser.close();
} finally {
  server.kill();
}
report(before);
