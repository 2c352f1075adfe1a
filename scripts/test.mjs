#!/usr/bin/env node
// @ts-check
/**
 * The one test command (`npm test`): typecheck, lint, formatting, the layer rule between folders
 * (.dependency-cruiser.mjs), unused exports (knip.config.js), unit tests, build, end-to-end tests
 * in Chromium. Prints how long each layer took and ends with a summary line; an e2e test that
 * passed only on its retry is named there as flaky and not counted as passed. Finds a Chromium (or
 * installs one: Debian's package when root on Debian, Playwright's download elsewhere).
 *
 *   npm test                 everything
 *   npm test -- --only=unit  one layer (check | lint | format | deps | exports | unit | build | package | e2e)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromiumPath } from './lib/chromium.mjs';
import { addCounts, e2eCounts, unitCounts } from './lib/test-report.mjs';

const LAYERS = ['check', 'lint', 'format', 'deps', 'exports', 'unit', 'build', 'package', 'e2e'];
/** What `deps` checks: every folder with code, and the root configs that import from them. */
const DEPS_TARGETS = [
  'widgets',
  'src',
  'scripts',
  'bench',
  'tests',
  'astro.config.mjs',
  'playwright.config.ts',
  'vitest.config.ts',
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
if (values.only && !LAYERS.includes(values.only)) {
  console.error(`--only=${values.only}: no such layer (${LAYERS.join(' | ')})`);
  process.exit(2);
}
const bin = (/** @type {string} */ name) => `node_modules/.bin/${name}`;

/** @type {{ name: string, seconds: number, ok: boolean, note: string }[]} */
const results = [];

/** @param {string} name @param {string} cmd @param {string[]} args @param {Record<string,string>} [env] */
function step(name, cmd, args, env = {}) {
  if (values.only && values.only !== name) return true;
  console.log(`\n━━ ${name}: ${[cmd, ...args].join(' ')}`);
  const t0 = performance.now();
  const run = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = (performance.now() - t0) / 1000;
  const ok = run.status === 0;
  results.push({ name, seconds, ok, note: ok ? '' : `exit ${run.status ?? run.signal}` });
  console.log(`━━ ${name}: ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s`);
  return ok;
}

function ensureChromium() {
  const found = chromiumPath();
  if (found) {
    console.log(`Chromium: ${found}`);
    return true;
  }
  const isRoot = process.getuid?.() === 0;
  const debian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
  if (isRoot && debian) {
    console.log("Chromium: none found; installing Debian's chromium package (apt-get)…");
    const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    const install =
      update.status === 0 &&
      spawnSync('apt-get', ['install', '-y', '-q', 'chromium'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    if (install && install.status === 0 && chromiumPath()) return true;
    console.error('Chromium: apt-get could not install chromium.');
    return false;
  }
  console.log("Chromium: none found; installing Playwright's Chromium (npx playwright install chromium)…");
  return spawnSync(bin('playwright'), ['install', 'chromium'], { stdio: 'inherit' }).status === 0;
}

/** Counts from this run's JSON reports: vitest's and Playwright's. */
function counts() {
  const ran = (/** @type {string} */ layer) => results.some((r) => r.name === layer && r.seconds > 0);
  const read = (/** @type {string} */ f) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined);
  const unit = ran('unit') ? read('reports/unit.json') : undefined;
  const e2e = ran('e2e') ? read('reports/e2e.json') : undefined;
  return addCounts([...(unit ? [unitCounts(unit)] : []), ...(e2e ? [e2eCounts(e2e, process.cwd())] : [])]);
}

const t0 = performance.now();
// Only this run's reports are counted: a layer that runs removes its report from an earlier run.
if (!values.only || values.only === 'unit') rmSync('reports/unit.json', { force: true });
if (!values.only || values.only === 'e2e') rmSync('reports/e2e.json', { force: true });
const haveChromium = values.only && values.only !== 'e2e' ? true : ensureChromium();
step('check', bin('astro'), ['check', '--minimumFailingSeverity', 'warning']);
step('lint', bin('eslint'), ['.', '--max-warnings', '0']);
step('format', bin('prettier'), ['--check', '.']);
step('deps', bin('depcruise'), ['--config', '.dependency-cruiser.mjs', '--output-type', 'err', ...DEPS_TARGETS]);
step('exports', bin('knip'), ['--no-progress']);
step('unit', bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile=reports/unit.json']);
const built = step('build', bin('astro'), ['build'], { MARGINALIA_FIXTURES: '1' });
// The npm package packed, installed into the consumer fixtures and built by Vite (scripts/package/fixtures.mjs);
// tests/e2e/package.spec.ts drives the result.
step('package', process.execPath, ['scripts/package/fixtures.mjs']);
if (built && haveChromium) {
  step('e2e', bin('playwright'), ['test'], { CI: process.env.CI ?? '1' });
} else if (!values.only || values.only === 'e2e') {
  results.push({
    name: 'e2e',
    seconds: 0,
    ok: false,
    note: haveChromium ? 'not run: the build failed' : 'not run: no Chromium',
  });
}

const total = (performance.now() - t0) / 1000;
console.log('\n━━ Summary');
for (const r of results)
  console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name.padEnd(7)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.note}`);
console.log(`  total          ${total.toFixed(1).padStart(7)} s`);
const { passed, failed, skipped, flaky } = counts();
const layersFailed = results.filter((r) => !r.ok).length;
console.log(`  layers: ${results.length - layersFailed} ok, ${layersFailed} failed`);
if (flaky.length) {
  console.log(`  flaky tests (failed, then passed on their retry; not counted as passed):`);
  for (const t of flaky) console.log(`    ${t.file} › ${t.title} [${t.project}]`);
  console.log(`flaky: ${flaky.length}`);
}
console.log(
  `tests: ${passed} passed, ${failed + (layersFailed && !failed ? layersFailed : 0)} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(layersFailed ? 1 : 0);
