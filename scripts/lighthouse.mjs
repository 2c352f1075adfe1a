#!/usr/bin/env node
// @ts-check
/**
 * `npm run lighthouse` (issue 21; not part of `npm test`): Lighthouse 12 on every built page,
 * mobile with simulated throttling (its defaults), against the project's own server, with the
 * project's Chromium. Each page runs three times; the table shows the run with the median
 * performance score: performance, accessibility, best practices, SEO, cumulative layout shift and
 * total blocking time. Build first (`npm run build`).
 *
 *   node scripts/lighthouse.mjs [--dir dist] [--runs 3] [--port 4480] [/path/ ...]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { createSiteServer } from './serve.mjs';
import { chromiumPath } from './lib/chromium.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: process.env.MARGINALIA_OUT_DIR ?? 'dist' },
    runs: { type: 'string', default: '3' },
    port: { type: 'string', default: '4480' },
  },
});
const dir = resolve(values.dir ?? 'dist');
if (!existsSync(join(dir, 'index.html'))) {
  console.error(`No built site in ${dir}: run \`npm run build\` first.`);
  process.exit(1);
}

/** Every page of the site (test fixtures and the 404 page left out). @param {string} d @returns {string[]} */
const pages = (d) =>
  readdirSync(d).flatMap((name) => {
    const full = join(d, name);
    if (statSync(full).isDirectory())
      return ['widgets', 'pagefind', '_astro', 'decks', 'fixtures'].includes(name) ? [] : pages(full);
    return name === 'index.html' ? [`/${relative(dir, d)}/`.replace(/^\/\/$/, '/').replace('//', '/')] : [];
  });
const paths = positionals.length ? positionals : pages(dir).sort();

const server = createSiteServer(dir).listen(Number(values.port), '127.0.0.1');
await once(server, 'listening');
const origin = `http://127.0.0.1:${values.port}`;
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? chromiumPath(),
  chromeFlags: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
});

/** @param {number | null | undefined} s */
const pct = (s) => (s == null ? '–' : String(Math.round(s * 100)));
const rows = [];
try {
  for (const path of paths) {
    const runs = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const result = await lighthouse(`${origin}${path}`, { port: chrome.port, output: 'json', logLevel: 'error' });
      if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
      const { categories: c, audits: a } = result.lhr;
      runs.push({
        path,
        performance: c.performance?.score ?? 0,
        accessibility: c.accessibility?.score,
        bestPractices: c['best-practices']?.score,
        seo: c.seo?.score,
        cls: a['cumulative-layout-shift']?.numericValue ?? NaN,
        tbt: a['total-blocking-time']?.numericValue ?? NaN,
      });
    }
    runs.sort((x, y) => x.performance - y.performance);
    const median = runs[Math.floor(runs.length / 2)];
    rows.push(median);
    console.error(`${path}: performance ${runs.map((r) => pct(r.performance)).join(', ')}`);
  }
} finally {
  await chrome.kill();
  server.close();
}

const header = ['Page', 'Performance', 'Accessibility', 'Best practices', 'SEO', 'CLS', 'TBT (ms)'];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
for (const r of rows) {
  const cells = [
    r.path,
    pct(r.performance),
    pct(r.accessibility),
    pct(r.bestPractices),
    pct(r.seo),
    r.cls.toFixed(3),
    String(Math.round(r.tbt)),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
