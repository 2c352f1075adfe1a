// @ts-check
/**
 * Builds every custom element under widgets/<tag-name>/<tag-name>.ts as a standalone ES module
 * at dist/widgets/<tag-name>.js, plus dist/widgets/all.js, after Astro has built the pages.
 * Shared code (Lit, the core) goes to dist/widgets/chunks/, workers and raw assets beside it.
 * `base: './'` makes every internal URL relative to the importing module, so the modules work
 * unchanged when a foreign origin loads them.
 *
 * With MARGINALIA_FIXTURES=1 the test-only elements under tests/fixtures/widgets/ are built too
 * (never part of all.js); the test command sets it, `npm run build` alone does not.
 */
import { readdirSync, readFileSync, existsSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateServiceWorker } from './service-worker.mjs';
import { buildKernels } from './build-wasm.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TAG = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;

/** @param {string} dir @returns {Record<string, string>} tag → entry file */
export function findWidgets(dir) {
  /** @type {Record<string, string>} */
  const out = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const entry = join(dir, name, `${name}.ts`);
    if (TAG.test(name) && existsSync(entry)) out[name] = entry;
  }
  return out;
}

/** The public elements, tag → source entry. */
export const publicWidgets = () => findWidgets(join(root, 'widgets'));
/** Test-only elements (tests/fixtures/widgets). */
export const fixtureWidgets = () => findWidgets(join(root, 'tests/fixtures/widgets'));

/** @param {string} outDir */
export async function buildWidgets(outDir, { fixtures = process.env.MARGINALIA_FIXTURES === '1' } = {}) {
  const { build } = await import('vite');
  // The CPU kernels' WebAssembly first: engine/client.ts points at it, and Vite emits it as an asset.
  await buildKernels();
  const pub = publicWidgets();
  const input = { ...pub, ...(fixtures ? fixtureWidgets() : {}) };
  const allEntry = join(root, 'node_modules/.cache/marginalia/all.ts');
  mkdirSync(join(allEntry, '..'), { recursive: true });
  writeFileSync(
    allEntry,
    '// Generated: defines every public Marginalia element.\n' +
      Object.values(pub)
        .map((f) => `import ${JSON.stringify(f)};\n`)
        .join(''),
  );
  /** @type {Record<string, string>} */
  const withAll = { ...input, all: allEntry };
  const result = await build({
    configFile: false,
    root,
    base: './',
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      modulePreload: false,
      reportCompressedSize: false,
      // kernels.wasm stays a file (a data: URL would need `connect-src data:` on embedding pages).
      assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
      rollupOptions: {
        input: withAll,
        preserveEntrySignatures: 'allow-extension',
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
          codeSplitting: { groups: CHUNK_GROUPS, includeDependenciesRecursively: false },
        },
      },
    },
    plugins: [noPreloadHelper()],
    worker: {
      format: 'es',
      rollupOptions: {
        output: { entryFileNames: 'workers/[name]-[hash].js', chunkFileNames: 'workers/[name]-[hash].js' },
      },
    },
  });
  const outputs = /** @type {import('vite').Rolldown.RolldownOutput[]} */ (Array.isArray(result) ? result : [result]);
  /** @type {Map<string, { name: string; imports: string[]; dynamicImports: string[] }>} */
  const graph = new Map();
  for (const out of outputs)
    for (const c of out.output ?? [])
      if (c.type === 'chunk')
        graph.set(c.fileName, { name: c.name, imports: c.imports, dynamicImports: c.dynamicImports });
  return { built: Object.keys(withAll), graph };
}

/**
 * Chunks by hand where the automatic split cuts too fine: every element needs Lit, the design
 * tokens and the near-viewport loader, so they are one chunk, with the one-line stand-in for Vite's
 * preload helper (`noPreloadHelper`) that every lazy `import()` calls (alone it was a chunk, and a
 * request, of its own); the spaced-repetition base (store,
 * decks, deck and log formats, the HTML allowlist) is what `<srs-quiz>`, `<srs-progress>`,
 * `<study-plan>` and `<mock-interview>` all need before they show anything, so it is one chunk too
 * instead of five small ones (each chunk costs its own gzip frame and import lines: together about
 * 0.8 KB of `<srs-quiz>`'s 25 KB first-card budget). Only the modules named are grouped, not
 * what they import (`includeDependenciesRecursively: false`): a shared helper such as the RNG must
 * not drag the SRS base into `<lora-trainer>`. Rolldown then needs entries that may export more
 * than their own (`preserveEntrySignatures: 'allow-extension'`); nothing imports an entry but pages.
 */
const CHUNK_GROUPS = [
  {
    name: 'lit',
    test: /node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/]|widgets[\\/]shared[\\/](tokens|near-viewport|host-styles)\.ts|^\0vite\/preload-helper\.js$/,
    priority: 20,
  },
  {
    name: 'srs-base',
    test: /node_modules[\\/]idb[\\/]|widgets[\\/](srs-store[\\/](store|progress-store|migrations|state-pack|db)|srs-decks[\\/][^\\/]+|core[\\/]srs-(deck|cloze|html|schedule|memory|log)|shared[\\/]trusted-html)\.ts/,
    priority: 10,
  },
];

/**
 * The files to fetch at once for a widget shown on load: its module, every chunk it imports
 * statically, and the lazily imported chunks named in `lazy` (chunk names, from their source files,
 * like `overview` or `srs-fsrs`) with their own static imports. A name that matches no chunk the
 * widget can import fails the build, so a renamed file cannot quietly stop being preloaded.
 * @param {Map<string, { name: string; imports: string[]; dynamicImports: string[] }>} graph
 * @param {string} tag
 * @param {string[]} lazy
 */
export function preloadFiles(graph, tag, lazy = []) {
  const entry = `${tag}.js`;
  if (!graph.has(entry)) throw new Error(`data-mg-eager: no widget module ${entry} was built`);
  const files = new Set();
  const dynamic = new Set();
  const walk = (/** @type {string} */ f) => {
    if (files.has(f)) return;
    files.add(f);
    const c = graph.get(f);
    c?.imports.forEach(walk);
    c?.dynamicImports.forEach((d) => dynamic.add(d));
  };
  walk(entry);
  for (const name of lazy) {
    const found = [...dynamic].find((f) => graph.get(f)?.name === name);
    if (!found)
      throw new Error(
        `data-mg-eager on <${tag}>: it imports no lazy chunk named "${name}" (has: ${[...dynamic].map((f) => graph.get(f)?.name).join(', ')})`,
      );
    walk(found);
  }
  return [...files];
}

const EAGER = /<([a-z][a-z0-9]*(?:-[a-z0-9]+)+)\b[^>]*?\sdata-mg-eager(?:="([^"]*)")?/g;

/**
 * Pages whose widget shows on load (an element with `data-mg-eager`, as on /review/) fetch its
 * modules with the page: an async module script for the widget and `<link rel="modulepreload">`
 * for each of its files, at the top of the head, instead of the chain page script → observer →
 * module → its imports → lazy parts. Returns the pages changed.
 * @param {string} dir the built site @param {string} base @param {Parameters<typeof preloadFiles>[0]} graph
 */
export function addModulePreloads(dir, base, graph) {
  const changed = [];
  /** @type {(d: string) => string[]} */
  const pages = (d) =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? pages(join(d, e.name)) : e.name.endsWith('.html') ? [join(d, e.name)] : [],
    );
  for (const page of pages(dir)) {
    const html = readFileSync(page, 'utf8');
    const files = new Set();
    const tags = new Set();
    for (const [, tag, lazy] of html.matchAll(EAGER)) {
      tags.add(tag);
      for (const f of preloadFiles(graph, tag, (lazy ?? '').split(/\s+/).filter(Boolean))) files.add(f);
    }
    if (!files.size) continue;
    // `async`: the element is defined as soon as its modules are here, not after the page's other
    // scripts and the loader's observer (the loader then finds it defined and does nothing).
    const scripts = [...tags].map((t) => `<script type="module" async src="${base}widgets/${t}.js"></script>`);
    const links = [...scripts, ...[...files].map((f) => `<link rel="modulepreload" href="${base}widgets/${f}">`)].join(
      '',
    );
    const at = html.indexOf('<link');
    if (at < 0 || at > html.indexOf('</head>'))
      throw new Error(`${page}: no <link> in its head to put module preloads before`);
    writeFileSync(page, html.slice(0, at) + links + html.slice(at));
    changed.push(page);
  }
  return changed;
}

/**
 * The pinned release: every file of `widgetsDir` (modules, chunks, workers, assets) copied
 * byte for byte to `widgetsDir/<version>/` (internal URLs are relative, so they resolve inside
 * the version), `widgetsDir/manifest.json` = `{ version, files: { "<version>/<file>": "sha384-…" } }`
 * for Subresource Integrity, and an immutable-cache rule for the version in `<site>/_headers`.
 * @param {string} widgetsDir @param {string} version
 */
function pinWidgets(widgetsDir, version) {
  if (!/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version)) throw new Error(`package.json version "${version}" is not x.y.z`);
  const pinned = join(widgetsDir, version);
  /** @type {(d: string) => string[]} paths relative to widgetsDir, the version folder and the manifest left out */
  const files = (d) =>
    readdirSync(join(widgetsDir, d), { withFileTypes: true }).flatMap((e) => {
      const rel = d ? `${d}/${e.name}` : e.name;
      if (!d && (e.name === version || e.name === 'manifest.json')) return [];
      return e.isDirectory() ? files(rel) : [rel];
    });
  /** @type {Record<string, string>} */
  const integrity = {};
  for (const rel of files('').sort()) {
    const bytes = readFileSync(join(widgetsDir, rel));
    mkdirSync(join(pinned, rel, '..'), { recursive: true });
    writeFileSync(join(pinned, rel), bytes);
    integrity[`${version}/${rel}`] = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
  }
  writeFileSync(join(widgetsDir, 'manifest.json'), JSON.stringify({ version, files: integrity }, null, 1) + '\n');
  const headers = join(widgetsDir, '..', '_headers');
  if (existsSync(headers))
    writeFileSync(
      headers,
      readFileSync(headers, 'utf8').trimEnd() +
        `\n# The pinned release (scripts/widgets-integration.mjs): never changes once published.\n/widgets/${version}/*\n  Cache-Control: public, max-age=31536000, immutable\n`,
    );
  return Object.keys(integrity).length;
}

/**
 * Vite wraps every dynamic `import()` in its preload helper (about 1 KB gzip, in its own chunk),
 * which preloads the imported chunk's CSS and, with `modulePreload`, its JS dependencies. The
 * widget modules have neither (styles live in JS, `modulePreload: false`), so the helper is dead
 * weight on every widget that loads a part lazily; it is replaced by a call of the loader, which
 * travels in the `lit` chunk (CHUNK_GROUPS).
 * @returns {import('vite').Plugin}
 */
function noPreloadHelper() {
  const id = '\0vite/preload-helper.js';
  return {
    name: 'marginalia-no-preload-helper',
    enforce: 'pre',
    load: (source) => (source === id ? 'export const __vitePreload = (load) => load();\n' : undefined),
    transform: {
      // The real helper is what loads a lazily imported chunk's CSS file: there must be none.
      filter: { id: /\.css(?:$|\?(?!.*\b(?:inline|raw)\b))/ },
      handler(_code, source) {
        this.error(`${source}: widgets keep their styles in JS (Lit css); a CSS file would need Vite's preload helper`);
      },
    },
  };
}

/**
 * Indexes the built pages with Pagefind into <dir>/pagefind/ (lesson bodies only: they carry
 * data-pagefind-body). The site's search box loads that index on first focus.
 * @param {string} dir
 */
export async function buildSearchIndex(dir) {
  const pagefind = await import('pagefind');
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`Pagefind: ${errors.join('; ')}`);
  const added = await index.addDirectory({ path: dir });
  if (added.errors.length) throw new Error(`Pagefind: ${added.errors.join('; ')}`);
  const written = await index.writeFiles({ outputPath: join(dir, 'pagefind') });
  if (written.errors.length) throw new Error(`Pagefind: ${written.errors.join('; ')}`);
  await pagefind.close();
  return added.page_count;
}

/** @returns {import('astro').AstroIntegration} */
export function widgets() {
  let base = '/';
  return {
    name: 'marginalia-widgets',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = join(fileURLToPath(dir), 'widgets');
        const { built, graph } = await buildWidgets(outDir);
        const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
        logger.info(
          `pinned release /widgets/${version}/: ${pinWidgets(outDir, version)} files in widgets/manifest.json`,
        );
        const preloaded = addModulePreloads(fileURLToPath(dir), base, graph);
        logger.info(`module preloads added to ${preloaded.length} page(s) with a widget shown on load`);
        if (process.env.MARGINALIA_FIXTURES === '1') {
          const decks = join(fileURLToPath(dir), 'decks');
          mkdirSync(decks, { recursive: true });
          copyFileSync(join(root, 'tests/fixtures/decks/test-probe.json'), join(decks, 'test-probe.json'));
        }
        logger.info(`built ${built.length} widget modules into ${outDir}: ${built.join(', ')}`);
        const pages = await buildSearchIndex(fileURLToPath(dir));
        logger.info(`search index: ${pages} pages`);
        // Last: the offline precache lists every file built above (scripts/service-worker.mjs).
        const sw = await generateServiceWorker(fileURLToPath(dir));
        logger.info(`service worker: ${sw.count} files precached (${Math.round(sw.size / 1024)} KB)`);
      },
    },
  };
}
