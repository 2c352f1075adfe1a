#!/usr/bin/env node
// @ts-check
/**
 * The npm package, used the way a consumer uses it (layer `package` of `npm test`; the e2e spec
 * tests/e2e/package.spec.ts drives the result in Chromium):
 *
 * 1. `npm pack` in the repository root (its `prepack` builds dist-package/, scripts/package/build.mjs).
 * 2. A copy of tests/fixtures/package (a consumer: package.json with React 19, a plain Vite app
 *    in TypeScript, a React app in JSX) in <tmp>/marginalia-package-fixtures/app/, where `npm install <tarball>`
 *    installs the package and its dependencies (`--prefer-offline`: from npm's cache when it
 *    has them, so it works offline once the repository's own install has run).
 * 3. `tsc` on the Vite app against the installed declarations (skipLibCheck off), then
 *    `vite build` of each app with no config file: whatever the package needs (worker, wasm,
 *    chunks, three.js) must resolve through Vite's defaults.
 *
 *   node scripts/package/fixtures.mjs     prints each step's time; exits 1 on the first failure
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/**
 * Where the tarball, the installed consumer and its builds go: outside the repository, so the
 * consumer resolves nothing from it (not the repository's node_modules, not its tsconfig.json).
 */
export const FIXTURES_DIR = join(tmpdir(), 'marginalia-package-fixtures');
/** The consumer apps, each built to `<app>/dist`. */
export const APPS = ['vite-app', 'react-app'];

/** Runs one step; returns its stdout. @param {string} name @param {string[]} cmd @param {string} cwd */
function run(name, cmd, cwd) {
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    throw new Error(`${name} failed (exit ${r.status ?? r.signal}) after ${s} s`);
  }
  console.log(`  ${name}: ${s} s`);
  return r.stdout;
}

export function buildFixtures() {
  const t0 = performance.now();
  rmSync(FIXTURES_DIR, { recursive: true, force: true });
  const app = join(FIXTURES_DIR, 'app');
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  const packed = JSON.parse(
    run('npm pack (builds the package)', [npm, 'pack', '--json', '--pack-destination', FIXTURES_DIR], root),
  );
  const tarball = join(FIXTURES_DIR, packed[0].filename);

  cpSync(join(root, 'tests/fixtures/package'), app, { recursive: true });
  for (const a of APPS) {
    mkdirSync(join(app, a, 'public/decks'), { recursive: true });
    cpSync(join(app, 'deck.json'), join(app, a, 'public/decks/package-fixture.json'));
  }
  run(
    'npm install <tarball>',
    [npm, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
    app,
  );
  run(
    'tsc (the Vite app, against the installed declarations)',
    [process.execPath, join(root, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'vite-app/tsconfig.json')],
    app,
  );
  for (const a of APPS)
    run(`vite build ${a}`, [process.execPath, join(root, 'node_modules/vite/bin/vite.js'), 'build'], join(app, a));

  const seconds = (performance.now() - t0) / 1000;
  const info = { tarball: packed[0].filename, files: packed[0].entryCount, size: packed[0].size, seconds };
  writeFileSync(join(FIXTURES_DIR, 'fixtures.json'), JSON.stringify(info, null, 1) + '\n');
  return info;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const info = buildFixtures();
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  console.log(
    `package fixtures: ${info.tarball} (v${version}, ${info.files} files, ${Math.round(info.size / 1024)} KB) installed and built in ${info.seconds.toFixed(1)} s`,
  );
}
