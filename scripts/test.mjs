#!/usr/bin/env node
// @ts-check
/**
 * The one test command (`npm test`): typecheck, lint, unit tests, build, end-to-end tests in
 * Chromium. Prints how long each layer took and ends with a summary line. Finds a Chromium (or
 * installs one: Debian's package when root on Debian, Playwright's download elsewhere).
 *
 *   npm test                 everything
 *   npm test -- --only=unit  one layer (check | lint | unit | build | e2e)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromiumPath } from './lib/chromium.mjs';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
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

/** Counts from the JSON reports: vitest's and Playwright's. */
function counts() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let flaky = 0;
  if (existsSync('reports/unit.json')) {
    const u = JSON.parse(readFileSync('reports/unit.json', 'utf8'));
    passed += u.numPassedTests ?? 0;
    failed += (u.numFailedTests ?? 0) + (u.numTotalTests === 0 ? 1 : 0);
    skipped += (u.numPendingTests ?? 0) + (u.numTodoTests ?? 0);
  }
  if (existsSync('reports/e2e.json')) {
    const e = JSON.parse(readFileSync('reports/e2e.json', 'utf8')).stats ?? {};
    passed += e.expected ?? 0;
    failed += e.unexpected ?? 0;
    flaky += e.flaky ?? 0;
    passed += e.flaky ?? 0;
    skipped += e.skipped ?? 0;
  }
  return { passed, failed, skipped, flaky };
}

const t0 = performance.now();
rmSync('reports', { recursive: true, force: true });
const haveChromium = values.only && values.only !== 'e2e' ? true : ensureChromium();
step('check', bin('astro'), ['check', '--minimumFailingSeverity', 'warning']);
step('lint', bin('eslint'), ['.', '--max-warnings', '0']);
step('unit', bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile=reports/unit.json']);
const built = step('build', bin('astro'), ['build'], { MARGINALIA_FIXTURES: '1' });
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
  console.log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name.padEnd(6)} ${r.seconds.toFixed(1).padStart(7)} s  ${r.note}`);
console.log(`  total         ${total.toFixed(1).padStart(7)} s`);
const { passed, failed, skipped, flaky } = counts();
if (flaky) console.log(`  flaky: ${flaky} e2e test(s) passed only on their retry (see the list above)`);
const layersFailed = results.filter((r) => !r.ok).length;
console.log(`  layers: ${results.length - layersFailed} ok, ${layersFailed} failed`);
console.log(
  `tests: ${passed} passed, ${failed + (layersFailed && !failed ? layersFailed : 0)} failed${skipped ? `, ${skipped} skipped` : ''}`,
);
process.exit(layersFailed ? 1 : 0);
