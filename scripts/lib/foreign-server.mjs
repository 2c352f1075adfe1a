// @ts-check
/**
 * The foreign host: a page on a second local port that embeds widgets from the site's port, sent
 * with the product contract's strict CSP as an HTTP header. Pages live in tests/fixtures/foreign/; in them,
 * %SITE% becomes the site's origin.
 *
 *   GET /embed.html?tag=peft-calculator&attrs=<urlencoded attribute string>&count=2&hostile=1&worker=0
 *
 * `worker=0` drops `worker-src` from the policy (the trainer must then train on the main thread).
 * `wasm=1` adds `'wasm-unsafe-eval'` to `script-src` (the engine may then compile its WebAssembly).
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../tests/fixtures/foreign/', import.meta.url));

/**
 * The product contract's policy for embedders, with or without worker-src and 'wasm-unsafe-eval'.
 * @param {string} siteOrigin @param {boolean} withWorker @param {boolean} [withWasm]
 */
export function strictCsp(siteOrigin, withWorker, withWasm = false) {
  return [
    "default-src 'self'",
    `script-src 'self' ${siteOrigin}${withWasm ? " 'wasm-unsafe-eval'" : ''}`,
    "style-src 'self'",
    `connect-src 'self' ${siteOrigin}`,
    "img-src 'self' data: blob:",
    ...(withWorker ? [`worker-src 'self' ${siteOrigin} blob:`] : []),
  ].join('; ');
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** An http.Server for the foreign host embedding `site` (not yet listening). @param {string} site */
export function createForeignServer(site) {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const name = url.pathname.replace(/^\/+/, '') || 'embed.html';
    if (!/^[a-z0-9-]+\.(html|js|css)$/.test(name)) return void res.writeHead(404).end('not found');
    try {
      let body = await readFile(join(dir, name), 'utf8');
      body = body.replaceAll('%SITE%', site);
      res.writeHead(200, {
        'Content-Type': TYPES[/** @type {keyof typeof TYPES} */ (extname(name))],
        'Content-Security-Policy': strictCsp(
          site,
          url.searchParams.get('worker') !== '0',
          url.searchParams.get('wasm') === '1',
        ),
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
}
