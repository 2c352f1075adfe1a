// @ts-check
/**
 * The offline service worker (issue 21): after the build, Workbox's generateSW writes <dir>/sw.js
 * with a precache of the whole built site: every page (lessons never opened included), /review/,
 * /progress/, the Pagefind index and fragments, every deck, the widget modules, their workers and
 * .wasm files, figures, icons and the manifest (and /widgets/<version>/ once pinned builds land:
 * the glob takes every file under widgets/). Every entry carries its content hash as revision, so
 * one sw.js is one build: a page is served decks and modules from the build it came from, and a
 * new build installs beside the old and waits until the page lets it take over
 * (src/scripts/pwa.ts), which it does on the next navigation or on a click.
 *
 * Registration happens only from the site's own pages (src/layouts/Base.astro); nothing under
 * widgets/ knows about it, so a foreign page embedding a widget never gets a service worker.
 */
import { join } from 'node:path';

/** Files precached, relative to the built site. `_headers` and the worker itself stay out. */
const GLOB = ['**/*.{html,js,mjs,css,json,svg,png,webmanifest,wasm,woff2,txt}', 'pagefind/**/*'];

/**
 * Writes <dir>/sw.js. Returns the number of files and bytes it precaches.
 * @param {string} dir the built site
 */
export async function generateServiceWorker(dir) {
  const { generateSW } = await import('workbox-build');
  const { count, size, warnings } = await generateSW({
    globDirectory: dir,
    globPatterns: GLOB,
    globIgnores: ['sw.js', '_headers'],
    swDest: join(dir, 'sw.js'),
    mode: 'production',
    sourcemap: false,
    // One file: the worker imports nothing at run time (and nothing from a CDN).
    inlineWorkboxRuntime: true,
    // A new build waits for the page's go-ahead (a SKIP_WAITING message), never swaps files
    // under an open page.
    skipWaiting: false,
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    // "/lessons/x/" is precached as "lessons/x/index.html"; any query (?lt.rank=4, ?q=) is the same page.
    directoryIndex: 'index.html',
    ignoreURLParametersMatching: [/.*/],
    // A path the site does not have gets the site's 404 page, offline too.
    navigateFallback: null,
    maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
    // Files whose names carry a content hash need no revision of their own.
    dontCacheBustURLsMatching: /(?:^|\/)(?:_astro|widgets\/chunks|widgets\/workers|widgets\/assets)\//,
  });
  if (warnings.length) throw new Error(`Workbox: ${warnings.join('; ')}`);
  return { count, size };
}
