/**
 * The pinned release (issue 19): /widgets/<version>/ (version from package.json) holds every
 * widget file, immutable, and /widgets/manifest.json gives each one's sha384 integrity. The
 * snippet DESIGN.md documents — `<script type="module" src="…/widgets/<version>/<tag>.js"
 * integrity="sha384-…" crossorigin="anonymous">` — works on the foreign host under the strict
 * CSP, loading nothing outside its version; a copy with one byte changed is refused.
 */
import { test, expect } from '@playwright/test';
import { createHash } from 'node:crypto';
import { embedUrl, pageErrors, violations } from './support/foreign.ts';
import { ready, type TrainerApi } from './support/lora-trainer.ts';
import { addPinned, manifest, pinnedUrl, version } from './support/pinned.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

test('the manifest lists every pinned file with its sha384, and the files are immutable and cross-origin', async ({
  page,
}) => {
  const m = await manifest(page);
  expect(m.version).toBe(version);
  const names = Object.keys(m.files);
  for (const tag of ['lora-trainer', 'subspace-view', 'srs-quiz', 'srs-progress', 'peft-calculator', 'all'])
    expect(names).toContain(`${version}/${tag}.js`);
  expect(names.some((n) => n.startsWith(`${version}/chunks/`))).toBe(true);
  expect(names.some((n) => n.startsWith(`${version}/workers/`))).toBe(true);
  for (const [name, integrity] of Object.entries(m.files)) {
    const r = await page.request.get(`${SITE}/widgets/${name}`);
    expect(r.status(), name).toBe(200);
    expect(
      `sha384-${createHash('sha384')
        .update(await r.body())
        .digest('base64')}`,
      name,
    ).toBe(integrity);
    expect(r.headers()['cache-control'], name).toMatch(/immutable/);
    expect(r.headers()['access-control-allow-origin'], name).toBe('*');
  }
  // The moving "latest" URL and the manifest itself are revalidated, never immutable.
  for (const path of ['/widgets/lora-trainer.js', '/widgets/manifest.json']) {
    const r = await page.request.get(`${SITE}${path}`);
    expect(r.headers()['cache-control'], path).not.toMatch(/immutable/);
  }
  // The pinned module is byte for byte the latest one of the same build.
  const latest = await (await page.request.get(`${SITE}/widgets/peft-calculator.js`)).body();
  const pinned = await (await page.request.get(`${SITE}/widgets/${version}/peft-calculator.js`)).body();
  expect(pinned.equals(latest)).toBe(true);
});

test('the pinned snippet with integrity runs <lora-trainer> on the foreign host under the strict CSP', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  const requested: string[] = [];
  page.on('request', (r) => r.url().startsWith(`${SITE}/widgets/`) && requested.push(r.url()));
  await page.goto(embedUrl({ tag: 'lora-trainer', attrs: { scenario: 'low-rank-shift', rank: '2' }, load: false }));
  const m = await manifest(page);
  expect(await addPinned(page, pinnedUrl('lora-trainer'), m.files[`${version}/lora-trainer.js`])).toBe('load');
  const el = page.locator('#lora-trainer-0');
  await ready(el);
  expect(await el.evaluate(async (e) => (await (e as TrainerApi).train(10)).losses.length)).toBe(10);
  // Chunks, the worker and the kernels all came from the same version.
  expect(requested.length).toBeGreaterThan(2);
  for (const url of requested) expect(url).toContain(`/widgets/${version}/`);
  expect(errors).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
  expect(await violations(page)).toEqual([]);
});

test('a pinned module with one byte changed is refused, and nothing is defined', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  const url = `${SITE}/widgets/${version}/peft-calculator.js`;
  // The served copy differs from the published one in one byte (headers as the site sends them).
  await page.route(url, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    // A space becomes a tab: still the same JavaScript, so only the integrity check can refuse it.
    const at = body.indexOf(' ');
    expect(at).toBeGreaterThan(0);
    body[at] = '\t'.charCodeAt(0);
    await route.fulfill({ response, body });
  });
  await page.goto(embedUrl({ tag: 'peft-calculator', load: false }));
  const m = await manifest(page);
  expect(await addPinned(page, pinnedUrl('peft-calculator'), m.files[`${version}/peft-calculator.js`])).toBe('error');
  expect(await page.evaluate(() => customElements.get('peft-calculator'))).toBeUndefined();
  expect(errors.join('\n')).toMatch(/integrity/i);
});

test('the same snippet without tampering defines <peft-calculator> (the control for the refusal)', async ({ page }) => {
  await page.goto(embedUrl({ tag: 'peft-calculator', load: false }));
  const m = await manifest(page);
  expect(await addPinned(page, pinnedUrl('peft-calculator'), m.files[`${version}/peft-calculator.js`])).toBe('load');
  await page.waitForFunction(() => customElements.get('peft-calculator') !== undefined);
  await expect(page.locator('#peft-calculator-0').getByRole('status').first()).toBeAttached();
});
