#!/usr/bin/env node
// @ts-check
/**
 * Builds the npm package (`marginalia-widgets`) into dist-package/ (git-ignored). `npm pack` and
 * `npm publish` run it as `prepack`; `npm run build:package` runs it alone.
 *
 * - `<tag>.js` for every element the site build finds (widgets/<tag>/<tag>.ts, the rule of
 *   scripts/widgets-integration.mjs, so a new element joins by existing) and `all.js`, which
 *   defines them all; `package.json` `exports` maps `marginalia-widgets/<tag>` to them.
 * - The dependencies (lit, three, ts-fsrs, idb: `dependencies` in package.json) stay bare imports,
 *   for the consumer's bundler to resolve and share with the rest of the app.
 * - Shared code in chunks/. The training worker is one self-contained file in workers/ and the
 *   CPU kernels' WebAssembly (and any other file an element fetches, like <lora-lm>'s checkpoint)
 *   a file in assets/; the modules point at them with
 *   `new URL('<relative path>', import.meta.url)` literals, which Vite, webpack 5 and Parcel turn
 *   into emitted files of the consumer's build with no configuration. Shaders (`.wgsl?raw`) are
 *   inlined as strings. Not minified: the consumer's build minifies.
 * - `<tag>.d.ts`, `all.d.ts` over types/ (tsc from the sources, tidied by declarations.mjs):
 *   the element classes, their event classes, and the `HTMLElementTagNameMap` and
 *   `GlobalEventHandlersEventMap` entries each element module declares.
 * - `custom-elements.json` (scripts/package/manifest.mjs), named by `customElements`.
 *
 *   node scripts/package/build.mjs     builds dist-package/, prints what and how long (on stderr)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicWidgets } from '../widgets-integration.mjs';
import { buildKernels } from '../build-wasm.mjs';
import { buildManifest, PACKAGE_DIR } from './manifest.mjs';
import { tidyDeclarations } from './declarations.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Bare specifiers the package leaves to the consumer: its `dependencies` and their subpaths. */
function externals() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const deps = Object.keys(pkg.dependencies ?? {});
  return (/** @type {string} */ id) => deps.some((d) => id === d || id.startsWith(`${d}/`));
}

/**
 * The ES modules: one per element, all.js, chunks, the worker and the wasm.
 * @param {string} out @param {Record<string, string>} entries tag → source
 */
async function buildModules(out, entries) {
  const { build } = await import('vite');
  await buildKernels();
  await build({
    configFile: false,
    root,
    base: './',
    logLevel: 'warn',
    publicDir: false,
    plugins: [assetsAsFiles()],
    build: {
      outDir: out,
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      reportCompressedSize: false,
      // Library mode: dynamic imports stay plain `import()` (an app build wraps them in Vite's
      // preload helper, whose `__vitePreload` binding then clashes in the consumer's Vite build).
      lib: { entry: entries, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rollupOptions: {
        external: externals(),
        output: { chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
      },
    },
    worker: {
      format: 'es',
      rollupOptions: {
        output: { entryFileNames: 'workers/[name]-[hash].js', chunkFileNames: 'workers/[name]-[hash].js' },
      },
    },
  });
  // all.js is written, not bundled: as a build entry beside the others it would move each
  // element's code (and its customElements.define) out of <tag>.js into a shared chunk.
  const tags = Object.keys(entries);
  writeFileSync(
    join(out, 'all.js'),
    '// Defines every element of the package.\n' + tags.map((t) => `import './${t}.js';\n`).join(''),
  );
  return tags;
}

/**
 * Library mode inlines every asset as a data: URL. Files the code points at with
 * `new URL('./x', import.meta.url)` (kernels.wasm, a checkpoint, corpora) stay files (`?no-inline`):
 * a megabyte of base64 in a module would be parsed by every page that imports it, and a strict
 * CSP would need `connect-src data:` to fetch them.
 * @returns {import('vite').Plugin}
 */
function assetsAsFiles() {
  return {
    name: 'marginalia-package-assets-as-files',
    enforce: 'pre',
    transform: {
      filter: { code: /import\.meta\.url/ },
      handler: (code) =>
        code.replace(
          /new URL\((['"])(\.{1,2}\/[^'"?]+)\1,\s*import\.meta\.url\)/g,
          (_m, q, path) => `new URL(${q}${path}?no-inline${q}, import.meta.url)`,
        ),
    },
  };
}

/** Every file under `dir`, relative to it. @param {string} dir @returns {string[]} */
const filesUnder = (dir, rel = '') =>
  readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`],
  );

/**
 * Workers must be single files (a consumer's bundler copies each as an asset, and
 * widgets/shared/worker.ts may start one from a blob: URL): none may import another file.
 * @param {string} out
 */
function checkWorkers(out) {
  for (const f of filesUnder(out).filter((x) => x.startsWith('workers/'))) {
    const code = readFileSync(join(out, f), 'utf8');
    if (/\bimport\s*(?:[\w{*][^'"]*from\s*)?['"]|\bimport\(/.test(code))
      throw new Error(`${PACKAGE_DIR}/${f}: a worker must be one self-contained file, and this one imports another`);
  }
}

/** Declarations: tsc from the sources into types/, then one .d.ts per entry. @param {string} out @param {Record<string, string>} entries */
function buildTypes(out, entries) {
  // Only what the elements import; not type-checked again here (`npm test`'s check layer does that).
  const config = join(root, 'node_modules/.cache/marginalia/tsconfig.package.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        noCheck: true,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: join(root, 'widgets'),
        outDir: join(out, 'types'),
        types: ['@webgpu/types', 'vite/client'],
      },
      files: Object.values(entries),
      include: [],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('tsc could not write the declarations');
  const types = join(out, 'types');
  for (const f of filesUnder(types).filter((x) => x.endsWith('.d.ts'))) {
    const path = join(types, f);
    const text = tidyDeclarations(readFileSync(path, 'utf8'));
    writeFileSync(path, text);
  }
  const tags = Object.keys(entries);
  for (const tag of tags) {
    // The element's module may not import every file that declares its globals (an events.ts
    // whose classes it does not re-export): the entry loads each one, for the event map.
    const globals = filesUnder(join(types, tag)).filter(
      (f) =>
        f !== `${tag}.d.ts` &&
        f.endsWith('.d.ts') &&
        /^declare global\b/m.test(readFileSync(join(types, tag, f), 'utf8')),
    );
    writeFileSync(
      join(out, `${tag}.d.ts`),
      `export * from './types/${tag}/${tag}.js';\n` +
        globals.map((f) => `import './types/${tag}/${f.replace(/\.d\.ts$/, '.js')}';\n`).join(''),
    );
  }
  writeFileSync(
    join(out, 'all.d.ts'),
    '// Defines every element; the types of each come with it.\n' +
      tags.map((t) => `import './${t}.js';\n`).join('') +
      'export {};\n',
  );
}

/** Builds the whole package into dist-package/; returns what it built. */
export async function buildPackage(out = join(root, PACKAGE_DIR)) {
  rmSync(out, { recursive: true, force: true });
  const entries = publicWidgets();
  const tags = await buildModules(out, entries);
  checkWorkers(out);
  buildTypes(out, entries);
  const manifest = buildManifest(root, entries);
  writeFileSync(join(out, 'custom-elements.json'), JSON.stringify(manifest, null, 2) + '\n');
  const files = filesUnder(out);
  const bytes = files.reduce((s, f) => s + statSync(join(out, f)).size, 0);
  return { tags, files: files.length, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const t0 = performance.now();
  const { tags, files, bytes } = await buildPackage();
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  // stderr: `npm pack --json` prints its report on stdout, after this prepack step.
  console.error(
    `${PACKAGE_DIR}/: ${tags.length} elements (${tags.join(', ')}) + all, ${files} files, ${Math.round(bytes / 1024)} KB, in ${s} s`,
  );
}
