import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { get, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createSiteServer } from '../../../scripts/serve.mjs';

const BIG = JSON.stringify({
  cards: Array.from({ length: 500 }, (_, i) => ({ id: `c${i}`, front: `Question ${i}?` })),
});

/** One raw request (Node's fetch would decode gzip itself): status, headers and the bytes sent. */
function raw(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    },
  );
}

/** The static server the tests and `npm start` use: caching headers as a static host sends them. */
describe('scripts/serve.mjs caching', () => {
  let dir: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mg-serve-'));
    mkdirSync(join(dir, 'decks'));
    mkdirSync(join(dir, 'widgets/chunks'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'decks/a.json'), '{"cards":[]}');
    writeFileSync(join(dir, 'widgets/chunks/lit-AbCd1234.js'), 'export{}');
    writeFileSync(join(dir, 'decks/big.json'), BIG);
    writeFileSync(
      join(dir, '_headers'),
      '/widgets/chunks/*\n  Cache-Control: public, max-age=31536000, immutable\n/decks/*\n  Access-Control-Allow-Origin: *\n',
    );
    server = createSiteServer(dir).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('revalidates by default: no-cache with an ETag, and a matching If-None-Match gets 304 with no body', async () => {
    const first = await fetch(`${base}/decks/a.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await fetch(`${base}/decks/a.json`, { headers: { 'If-None-Match': `"other", ${etag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await fetch(`${base}/decks/a.json`, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
  });

  it('a changed file gets a new ETag, so a stale copy is never revalidated as current', async () => {
    const before = (await fetch(`${base}/decks/a.json`)).headers.get('etag')!;
    writeFileSync(join(dir, 'decks/a.json'), '{"cards":[1]}');
    utimesSync(join(dir, 'decks/a.json'), new Date(), new Date(Date.now() + 5000));
    const after = await fetch(`${base}/decks/a.json`, { headers: { 'If-None-Match': before } });
    expect(after.status).toBe(200);
    expect(await after.text()).toBe('{"cards":[1]}');
  });

  it('_headers can override the default: hashed chunks are immutable', async () => {
    const r = await fetch(`${base}/widgets/chunks/lit-AbCd1234.js`);
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('a missing file is a 404 page without an ETag', async () => {
    const r = await fetch(`${base}/nope.json`);
    expect(r.status).toBe(404);
    expect(r.headers.get('etag')).toBeNull();
  });

  it('gzips text to a client that accepts it, with its own ETag, and sends it as is to one that does not', async () => {
    const packed = await raw(`${base}/decks/big.json`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(packed.headers['content-encoding']).toBe('gzip');
    expect(packed.headers['vary']).toBe('Accept-Encoding');
    expect(Number(packed.headers['content-length'])).toBe(packed.body.length);
    expect(packed.body.length).toBeLessThan(BIG.length / 4);
    expect(gunzipSync(packed.body).toString()).toBe(BIG);
    const plain = await raw(`${base}/decks/big.json`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(BIG);
    expect(packed.headers['etag']).not.toBe(plain.headers['etag']);
    const again = await raw(`${base}/decks/big.json`, {
      'Accept-Encoding': 'gzip',
      'If-None-Match': String(packed.headers['etag']),
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // a small file is not worth compressing
    expect(
      (await raw(`${base}/decks/a.json`, { 'Accept-Encoding': 'gzip' })).headers['content-encoding'],
    ).toBeUndefined();
  });
});
