#!/usr/bin/env node
// @ts-check
/**
 * Serves the built site (dist/) on 127.0.0.1 — the `npm start` server and the one the e2e tests
 * use. It applies dist/_headers (the file static hosts read), so /widgets/ and /decks/ carry
 * Access-Control-Allow-Origin: * here exactly as they would there, and like a static host it
 * sends ETags (304 on a match) and gzips text to browsers that accept it.
 *
 *   node scripts/serve.mjs [--port 4321] [--host 127.0.0.1] [--dir dist]
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync, existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

/** Sent gzipped to a browser that accepts it, as static hosts do (above a kilobyte). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.xml', '.wasm']);
const MIN_GZIP = 1024;
const gzipAsync = promisify(gzip);

/**
 * Parses the Netlify-style _headers file: a path pattern line, then indented `Name: value` lines.
 * @param {string} text
 */
function parseHeaders(text) {
  /** @type {{ pattern: RegExp, headers: [string, string][] }[]} */
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const rx =
        '^' +
        line
          .trim()
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*') +
        '$';
      rules.push({ pattern: new RegExp(rx), headers: [] });
    } else if (rules.length) {
      const i = line.indexOf(':');
      if (i > 0) rules[rules.length - 1].headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  }
  return rules;
}
/** @param {string} root @param {string} urlPath */
async function resolveFile(root, urlPath) {
  const clean = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, clean);
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const s = await stat(file);
    if (s.isDirectory()) {
      const index = join(file, 'index.html');
      const i = await stat(index).catch(() => null);
      return i?.isFile() ? { file: index, redirect: !urlPath.endsWith('/'), stats: i } : null;
    }
    return s.isFile() ? { file, redirect: false, stats: s } : null;
  } catch {
    return null;
  }
}

/** An http.Server for the built site in `root` (not yet listening). @param {string} root */
export function createSiteServer(root) {
  const headerFile = join(root, '_headers');
  const rules = existsSync(headerFile) ? parseHeaders(readFileSync(headerFile, 'utf8')) : [];
  /** @type {Map<string, Buffer>} gzip of each file version served so far */
  const compressed = new Map();
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // As static hosts do: revalidate by default (with an ETag, below), unless _headers says otherwise.
    res.setHeader('Cache-Control', 'no-cache');
    for (const rule of rules) {
      if (rule.pattern.test(url.pathname)) for (const [k, v] of rule.headers) res.setHeader(k, v);
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS' }).end();
      return;
    }
    const found = await resolveFile(root, url.pathname);
    if (found?.redirect) {
      res.writeHead(301, { Location: url.pathname + '/' + url.search }).end();
      return;
    }
    const file = found?.file ?? join(root, '404.html');
    const status = found ? 200 : 404;
    try {
      const ext = extname(file);
      /** @type {Record<string, string | number>} */
      const headers = { 'Content-Type': TYPES[/** @type {keyof typeof TYPES} */ (ext)] ?? 'application/octet-stream' };
      let gzipped = false;
      let etag = '';
      if (found) {
        const { size, mtimeMs } = found.stats;
        gzipped =
          COMPRESSIBLE.has(ext) && size >= MIN_GZIP && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
        if (COMPRESSIBLE.has(ext)) res.setHeader('Vary', 'Accept-Encoding');
        // each encoding of a version is its own representation, with its own validator
        etag = `W/"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}${gzipped ? '-gz' : ''}"`;
        res.setHeader('ETag', etag);
        if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
          res.writeHead(304).end();
          return;
        }
      }
      /** @type {Buffer} */
      let body = await readFile(file);
      if (gzipped) {
        const key = `${file}\n${etag}`;
        let packed = compressed.get(key);
        if (!packed) compressed.set(key, (packed = await gzipAsync(body)));
        body = packed;
        headers['Content-Encoding'] = 'gzip';
      }
      headers['Content-Length'] = body.length;
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '4321' },
      host: { type: 'string', default: '127.0.0.1' },
      dir: { type: 'string', default: 'dist' },
    },
  });
  const root = resolve(values.dir ?? 'dist');
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`No built site in ${root}: run \`npm run build\` first.`);
    process.exit(1);
  }
  const server = createSiteServer(root);
  const port = Number(values.port);
  server.listen(port, values.host, () => {
    console.log(`Marginalia is being served at http://${values.host}:${port}/  (Ctrl+C to stop)`);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
