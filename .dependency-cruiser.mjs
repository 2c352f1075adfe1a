// @ts-check
/**
 * The layer rule (CONTRIBUTING.md), checked by dependency-cruiser in `npm test`
 * (layer `deps`; alone: `npm run deps`). Imports point down, never back:
 *
 *   content → src → widgets/<tag> → widgets/{engine, gpu, shared, srs-store, …} → widgets/core
 *
 * - A tag folder is widgets/<name>/ holding <name>.ts (one custom element; the same test as
 *   scripts/widgets-integration.mjs). It may import any lower folder, never another tag folder.
 * - A lower folder is any other folder under widgets/. LOWER says which lower folders each may
 *   import; one that is not listed may import widgets/core only (add it to LOWER to say more).
 * - Nothing in widgets/ imports src/, scripts/, bench/, tests/ or content/, nor a devDependency.
 * - scripts/ and bench/ (tools) never import tests/; src/ imports neither tools nor tests.
 * - No cycle between folders anywhere, and no cycle between files under widgets/.
 * `import type` counts as an import; `.ts` extensions and `?raw`/`?worker&url` imports resolve.
 *
 * Paths are relative to the working directory (the repository root in `npm test`), so the unit
 * test (tests/unit/site/dependency-rules.test.ts) can run the same rules on a small tree.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Lower folders under widgets/ → the other lower folders each may import (core always may be). */
export const LOWER = {
  core: [],
  gpu: ['core'],
  shared: ['core'],
  engine: ['gpu', 'shared', 'wasm', 'core'],
  wasm: ['core'],
  'srs-store': ['core'],
  'srs-decks': ['core'],
};

const TAG = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;

/** Folders under `<root>/widgets/`, split into tag folders and lower folders. @param {string} root */
export function widgetFolders(root) {
  const dir = join(root, 'widgets');
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];
  const isTag = (/** @type {string} */ n) => TAG.test(n) && existsSync(join(dir, n, `${n}.ts`));
  return { tags: names.filter(isTag), lower: names.filter((n) => !isTag(n)) };
}

/** @param {string[]} names */
const anyOf = (names) => `^widgets/(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})/`;

/**
 * The configuration for a tree rooted at `root`.
 * @param {string} root
 * @returns {import('dependency-cruiser').IConfiguration}
 */
export function dependencyConfig(root) {
  const { tags, lower } = widgetFolders(root);
  /** @type {Record<string, string[]>} */
  const allowed = LOWER;
  /** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
  const forbidden = [
    {
      name: 'widgets-import-upward',
      comment: 'widgets/ is below src/, content/ and the tools: it never imports them.',
      severity: 'error',
      from: { path: '^widgets/' },
      to: { path: '^(src|scripts|bench|tests|content)/' },
    },
    {
      name: 'widgets-import-dev-dependency',
      comment: 'Widgets ship to pages: they import only packages under "dependencies".',
      severity: 'error',
      from: { path: '^widgets/' },
      to: { dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'tools-import-tests',
      comment: 'scripts/ and bench/ are tools: what they share with tests lives in scripts/lib/.',
      severity: 'error',
      from: { path: '^(scripts|bench)/' },
      to: { path: '^tests/' },
    },
    {
      name: 'src-import-tools-or-tests',
      comment: 'The site (src/) imports widgets and packages, never the tools or the tests.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(scripts|bench|tests|content)/' },
    },
    {
      name: 'folder-cycle',
      comment: 'Folders form layers: no two folders import each other, directly or through others.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'widgets-file-cycle',
      comment: 'No import cycle between files under widgets/ (split the shared part into its own file).',
      severity: 'error',
      from: { path: '^widgets/' },
      to: { circular: true },
    },
    {
      name: 'unresolvable-import',
      comment: 'Every import resolves (astro:* modules are virtual, made by Astro at build time).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^astro:' },
    },
  ];
  if (tags.length > 1) {
    forbidden.push({
      name: 'widgets-tag-imports-tag',
      comment: 'An element folder never imports another element folder: move what both need to a lower folder.',
      severity: 'error',
      from: { path: anyOf(tags) },
      to: { path: anyOf(tags), pathNot: '^widgets/$1/' },
    });
  }
  for (const name of lower) {
    const may = [name, 'core', ...(allowed[name] ?? [])];
    forbidden.push({
      name: `widgets-${name}-imports-only-${[...new Set(may.slice(1))].join('-')}`,
      comment: `widgets/${name}/ may import only widgets/{${[...new Set(may)].join(',')}}/ (LOWER in .dependency-cruiser.mjs).`,
      severity: 'error',
      from: { path: anyOf([name]) },
      to: { path: '^widgets/', pathNot: anyOf(may) },
    });
  }
  return {
    forbidden,
    options: {
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '^(dist|reports|\\.astro|tests/fixtures/package/)' }, // the package fixtures import the packed package: they resolve only once it is installed
      tsPreCompilationDeps: true,
      ...(existsSync(join(root, 'tsconfig.json')) ? { tsConfig: { fileName: 'tsconfig.json' } } : {}),
      enhancedResolveOptions: {
        exportsFields: ['exports'],
        conditionNames: ['import', 'require', 'node', 'default', 'types'],
        mainFields: ['module', 'main', 'types', 'typings'],
        extensions: ['.ts', '.mjs', '.js', '.json', '.d.ts'],
      },
      reporterOptions: { text: { highlightFocused: true } },
    },
  };
}

export default dependencyConfig(process.cwd());
