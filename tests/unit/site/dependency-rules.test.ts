import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The layer rule's checker (.dependency-cruiser.mjs, the `deps` layer of `npm test`) run on small
 * trees in a temporary folder: a clean tree passes, and each planted wrong import is reported by
 * its rule. That the real tree passes is checked by `npm test` itself.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.mjs');
const TARGETS = ['widgets', 'src', 'scripts', 'bench', 'tests', 'content'];

/** A tree every rule accepts: the real layering in miniature. */
const CLEAN: Record<string, string> = {
  'package.json': JSON.stringify({
    type: 'module',
    dependencies: { 'good-dep': '1.0.0' },
    devDependencies: { 'dev-dep': '1.0.0' },
  }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', allowImportingTsExtensions: true, noEmit: true },
  }),
  'node_modules/good-dep/package.json': JSON.stringify({ name: 'good-dep', version: '1.0.0', main: 'index.js' }),
  'node_modules/good-dep/index.js': 'export const good = 1;\n',
  'node_modules/dev-dep/package.json': JSON.stringify({ name: 'dev-dep', version: '1.0.0', main: 'index.js' }),
  'node_modules/dev-dep/index.js': 'export const dev = 1;\n',
  'widgets/core/matrix.ts': "import { good } from 'good-dep';\nexport const one = good;\n",
  'widgets/gpu/kernels/add.wgsl': '// a kernel\n',
  'widgets/gpu/kernels.ts':
    "import addSrc from './kernels/add.wgsl?raw';\nimport { one } from '../core/matrix.ts';\nexport const src = addSrc + one;\n",
  'widgets/shared/near.ts': "import { one } from '../core/matrix.ts';\nexport const near = one;\n",
  'widgets/engine/engine.worker.ts': "import { src } from '../gpu/kernels.ts';\nexport const w = src;\n",
  'widgets/engine/host.ts':
    "import workerUrl from './engine.worker.ts?worker&url';\nimport type { near } from '../shared/near.ts';\nexport const host = (n: typeof near) => workerUrl + n;\n",
  'widgets/alpha-view/alpha-view.ts':
    "import { host } from '../engine/host.ts';\nimport { near } from '../shared/near.ts';\nexport const alpha = host(near);\n",
  'widgets/beta-view/beta-view.ts': "import { one } from '../core/matrix.ts';\nexport const beta = one;\n",
  'content/notes.ts': 'export const notes = 1;\n',
  'src/lib/page.ts': "import { alpha } from '../../widgets/alpha-view/alpha-view.ts';\nexport const page = alpha;\n",
  'scripts/lib/ports.mjs': 'export const PORT = 1;\n',
  'scripts/tool.mjs': "import { PORT } from './lib/ports.mjs';\nexport const tool = PORT;\n",
  'bench/x.bench.mjs': "import { PORT } from '../scripts/lib/ports.mjs';\nexport const b = PORT;\n",
  'tests/helpers.mjs': "import { PORT } from '../scripts/lib/ports.mjs';\nexport const h = PORT;\n",
  'tests/a.test.ts':
    "import { h } from './helpers.mjs';\nimport { page } from '../src/lib/page.ts';\nexport const t = [h, page];\n",
};

/** Each wrong import planted on top of CLEAN. */
const PLANTED: Record<string, string> = {
  // Upward, type-only: gpu → engine (engine already imports gpu, so the two folders form a cycle).
  'widgets/gpu/backend.ts': "import type { host } from '../engine/host.ts';\nexport type H = typeof host;\n",
  'widgets/alpha-view/uses-beta.ts': "import { beta } from '../beta-view/beta-view.ts';\nexport const ab = beta;\n",
  'widgets/core/bad.ts': "import { notes } from '../../content/notes.ts';\nexport const bad = notes;\n",
  'widgets/srs-store/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
  'widgets/srs-store/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  'widgets/shared/missing.ts': "import { nope } from './nope.ts';\nexport const m = nope;\n",
  'widgets/shared/dev.ts': "import { dev } from 'dev-dep';\nexport const d = dev;\n",
  'widgets/extra-lib/x.ts': "import { near } from '../shared/near.ts';\nexport const x = near;\n",
  'bench/y.bench.mjs': "import { h } from '../tests/helpers.mjs';\nexport const y = h;\n",
  'src/a/one.ts': "import { two } from '../b/two.ts';\nexport const one = two;\n",
  'src/b/two.ts': 'export const two = 2;\n',
  'src/b/three.ts': "import { four } from '../a/four.ts';\nexport const three = four;\n",
  'src/a/four.ts': 'export const four = 4;\n',
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const dirs: string[] = [];
function tree(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'mg-deps-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The checker as `npm test` runs it (`err` report: its exit code) and as JSON (what it found). */
function check(dir: string) {
  const run = (report: string) =>
    spawnSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', report, ...TARGETS], {
      cwd: dir,
      encoding: 'utf8',
    });
  const json = run('json');
  if (!json.stdout) throw new Error(`dependency-cruiser printed nothing: ${json.stderr}`);
  const out = JSON.parse(json.stdout) as { modules: { source: string }[]; summary: { violations: Violation[] } };
  return {
    status: run('err').status,
    violations: out.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })),
    modules: out.modules.map((m) => m.source),
  };
}

describe('the dependency check (.dependency-cruiser.mjs)', () => {
  let clean: ReturnType<typeof check>;
  let planted: ReturnType<typeof check>;
  // Two runs of the real checker (a Node process each): seconds on an idle 2-core machine, far
  // more while a build or a browser shares it, so the hook gets its own generous limit.
  beforeAll(() => {
    clean = check(tree(CLEAN));
    planted = check(tree({ ...CLEAN, ...PLANTED }));
  }, 120_000);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a tree that keeps the layers (.ts extensions, ?raw and ?worker&url imports resolve)', () => {
    expect(clean.violations).toEqual([]);
    expect(clean.status).toBe(0);
    // It passed by reading every file (the .wgsl, the worker and the package too), not by seeing nothing.
    const code = Object.keys(CLEAN).filter((f) => !f.endsWith('.json') && !f.includes('dev-dep'));
    expect([...clean.modules].sort()).toEqual(code.sort());
  });

  it('fails the run on a planted wrong import', () => {
    expect(planted.status).not.toBe(0);
  });

  it.each([
    [
      'an upward type import (gpu → engine)',
      'widgets-gpu-imports-only-core',
      'widgets/gpu/backend.ts',
      'widgets/engine/host.ts',
    ],
    ['the folder cycle it makes (gpu ↔ engine)', 'folder-cycle', 'widgets/gpu', 'widgets/engine'],
    [
      'an element folder importing another',
      'widgets-tag-imports-tag',
      'widgets/alpha-view/uses-beta.ts',
      'widgets/beta-view/beta-view.ts',
    ],
    ['widgets importing content/', 'widgets-import-upward', 'widgets/core/bad.ts', 'content/notes.ts'],
    ['a file cycle under widgets/', 'widgets-file-cycle', 'widgets/srs-store/a.ts', 'widgets/srs-store/b.ts'],
    ['an import that does not resolve', 'unresolvable-import', 'widgets/shared/missing.ts', './nope.ts'],
    [
      'a widget importing a devDependency',
      'widgets-import-dev-dependency',
      'widgets/shared/dev.ts',
      'node_modules/dev-dep/index.js',
    ],
    [
      'an unlisted lower folder importing more than core',
      'widgets-extra-lib-imports-only-core',
      'widgets/extra-lib/x.ts',
      'widgets/shared/near.ts',
    ],
    ['a tool importing tests/', 'tools-import-tests', 'bench/y.bench.mjs', 'tests/helpers.mjs'],
    ['a folder cycle with no file cycle', 'folder-cycle', 'src/a', 'src/b'],
  ])('reports %s', (_what, rule, from, to) => {
    expect(planted.violations).toContainEqual({ rule, from, to });
  });
});
