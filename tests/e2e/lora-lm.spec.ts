/**
 * <lora-lm> on the built site (the LoRA lesson's hot-swap section): loads, trains an adapter in
 * the worker with the default steps while a long-task observer watches the main thread, shows
 * the style change, swaps by keyboard, merges with identical samples, refuses bad input without
 * changing anything, survives being removed and re-inserted, and passes axe.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import type { LoraLm } from '../../widgets/lora-lm/lora-lm.ts';

type Api = LoraLm;

/** Records lm-* events and every long task on the main thread from the first moment. */
async function observe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __lm: { type: string; detail: unknown }[]; __long: number[] };
    w.__lm = [];
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    for (const type of ['lm-step', 'lm-sample', 'lm-swap', 'lm-merge', 'lm-backend', 'lm-error']) {
      document.addEventListener(type, (e) =>
        w.__lm.push({ type, detail: JSON.parse(JSON.stringify((e as CustomEvent).detail)) }),
      );
    }
  });
}

const lmEvents = (page: Page, type: string) =>
  page.evaluate(
    (t) =>
      (window as unknown as { __lm: { type: string; detail: Record<string, unknown> }[] }).__lm.filter(
        (e) => e.type === t,
      ),
    type,
  );

async function loaded(el: Locator): Promise<void> {
  await el.scrollIntoViewIfNeeded();
  await expect.poll(() => el.evaluate((e) => (e as Api).adapters?.length ?? 0), { timeout: 30_000 }).toBeGreaterThan(1);
}

/** The LoRA lesson's `<lora-lm>`, events observed from the start, once its model has loaded. */
async function onLesson(page: Page): Promise<Locator> {
  await observe(page);
  await page.goto('/lessons/lora-peft/');
  const el = page.locator('lora-lm#lm');
  await loaded(el);
  return el;
}

test.describe('<lora-lm> on the LoRA lesson', () => {
  test.describe.configure({ timeout: 120_000 });

  test('trains the code adapter in the worker within 30 s, samples change, the main thread never blocks over 50 ms', async ({
    page,
  }) => {
    const el = await onLesson(page);
    expect(await el.evaluate((e) => (e as Api).adapters)).toEqual(['code', 'cards']);
    const backend = await lmEvents(page, 'lm-backend');
    expect(backend[0]?.detail).toMatchObject({ backend: 'cpu', host: 'worker' });
    // The base's samples are on screen once loaded.
    await expect(el.locator('pre[data-sample="base"]')).not.toContainText('no sample yet', { timeout: 30_000 });
    const before = await el.evaluate((e) => (e as Api).sample({ adapter: 'code', seed: 3, length: 120 }));
    const base = await el.evaluate((e) => (e as Api).sample({ adapter: null, seed: 3, length: 120 }));
    expect(before).toBe(base); // an untrained adapter is the base (B = 0)
    await page.evaluate(() => {
      (window as unknown as { __long: number[] }).__long.length = 0;
    });
    const t0 = Date.now();
    await el
      .getByRole('button', { name: /Train 300 steps/ })
      .first()
      .click();
    await expect(el.locator('[data-stat="step"]')).toHaveText('300', { timeout: 30_000 });
    const seconds = (Date.now() - t0) / 1000;
    expect(seconds).toBeLessThanOrEqual(30);
    const after = await el.evaluate((e) => (e as Api).sample({ adapter: 'code', seed: 3, length: 120 }));
    expect(after).not.toBe(before);
    // The code column shows the trained adapter's own sample, not the one it showed untrained.
    await expect(el.locator('pre[data-sample="code"]')).not.toHaveText(
      (await el.locator('pre[data-sample="base"]').textContent()) ?? '',
    );
    const steps = await lmEvents(page, 'lm-step');
    expect(steps.length).toBeGreaterThan(3);
    expect(steps.at(-1)?.detail).toMatchObject({ adapter: 'code', step: 300 });
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    expect(Math.max(0, ...long)).toBeLessThanOrEqual(50);
    await expect(el.locator('[data-stat="trainable"]')).toContainText('rank 8');
    await expect(el.locator('[data-stat="frozen"]')).toContainText('E and every W');
    // Each step's loss faint, its running average over it; the label reads the average's fall.
    await expect(el.locator('svg.curve polyline.raw')).toHaveCount(1);
    await expect(el.locator('svg.curve polyline.smooth')).toHaveCount(1);
    const label = (await el.locator('svg.curve').getAttribute('aria-label')) ?? '';
    const [, from, to] = /from ([\d.]+) to ([\d.]+) nats/.exec(label) ?? [];
    expect(Number(to)).toBeLessThan(Number(from));
  });

  test('swap by keyboard, merge gives identical samples, unmerge; bad input changes nothing; axe clean', async ({
    page,
  }) => {
    const el = await onLesson(page);
    await expect(el.locator('pre[data-sample="cards"]')).not.toContainText('no sample yet', { timeout: 30_000 });
    const untrained = await el.locator('pre[data-sample="cards"]').textContent();
    await el.evaluate((e) => (e as Api).train('cards', 60));
    // Trained through the API, not the button: the column is redrawn all the same.
    await expect(el.locator('pre[data-sample="cards"]')).not.toHaveText(untrained ?? '');
    // Keyboard: focus the cards column's Use button and press Enter.
    const use = el.getByRole('button', { name: 'Use cards' });
    await use.focus();
    await page.keyboard.press('Enter');
    // The cards column's button (the base's reads "In use" too until the swap lands).
    await expect(el.locator('[data-model="cards"]').getByRole('button', { name: 'In use' })).toBeVisible();
    await expect(el.locator('[data-model="base"]').getByRole('button', { name: 'In use' })).toHaveCount(0);
    expect((await lmEvents(page, 'lm-swap')).map((e) => e.detail)).toEqual([{ adapter: 'cards' }]);
    const merged = await el.evaluate((e) => (e as Api).merge());
    expect(merged.adapter).toBe('cards');
    expect(merged.maxLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(merged.identical).toBe(true);
    await expect(el.locator('[data-stat="merge"]')).toContainText('identical');
    await expect(el.getByRole('button', { name: 'Use code' })).toBeDisabled();
    expect(await el.evaluate((e) => (e as Api).unmerge().then((r) => r.drift))).toBeLessThan(1e-5);

    const probe = () => el.evaluate((e) => (e as Api).sample({ adapter: 'cards', seed: 5, length: 80 }));
    const reference = await probe();
    const errors = await el.evaluate(async (e) => {
      const lm = e as Api;
      const out: string[] = [];
      for (const f of [
        () => lm.train('cards', 0),
        () => lm.train('cards', -3),
        () => lm.sample({ prompt: 'café → ' }),
        () => lm.importAdapter(new Blob([new Uint8Array([80, 75, 1, 2])]), 'junk'),
        () => lm.use('nope'),
      ]) {
        out.push(
          await f().then(
            () => 'resolved',
            (err: Error) => err.message,
          ),
        );
      }
      return out;
    });
    expect(errors[0]).toMatch(/steps must be a whole number ≥ 1/);
    expect(errors[1]).toMatch(/steps must be a whole number ≥ 1/);
    expect(errors[2]).toMatch(/vocabulary: "é", "→"/);
    expect(errors[3]).not.toBe('resolved');
    expect(errors[4]).toMatch(/unknown adapter "nope"/);
    await expect(el.getByRole('alert')).toContainText('unknown adapter');
    expect((await lmEvents(page, 'lm-error')).length).toBeGreaterThanOrEqual(5);
    expect(await probe()).toBe(reference);
    expect(await el.evaluate((e) => [(e as Api).adapters, (e as Api).adapter])).toEqual([['code', 'cards'], 'cards']);

    // Export, import under a new name: the same samples.
    const copy = await el.evaluate(async (e) => {
      const lm = e as Api;
      const blob = await lm.exportAdapter('cards');
      const info = await lm.importAdapter(blob, 'cards copy');
      return {
        info,
        a: await lm.sample({ adapter: 'cards', seed: 9 }),
        b: await lm.sample({ adapter: 'cards copy', seed: 9 }),
      };
    });
    expect(copy.info).toMatchObject({ name: 'cards copy', rank: 8 });
    expect(copy.b).toBe(copy.a);

    const axe = await new AxeBuilder({ page }).include('lora-lm').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  });

  test('survives removal and re-insertion', async ({ page }) => {
    await page.goto('/lessons/serving-adapters/');
    const el = page.locator('lora-lm#lm');
    await loaded(el);
    const first = await el.evaluate((e) => (e as Api).sample({ seed: 2, length: 60 }));
    await el.evaluate(async (e) => {
      const parent = e.parentElement!;
      const next = e.nextSibling;
      e.remove();
      // Past the element's release delay: its session is closed, then it is put back.
      await new Promise((r) => setTimeout(r, 1500));
      parent.insertBefore(e, next);
    });
    await loaded(el);
    expect(await el.evaluate((e) => (e as Api).sample({ seed: 2, length: 60 }))).toBe(first);
    await expect(el.locator('pre[data-sample="base"]')).not.toContainText('no sample yet', { timeout: 30_000 });
  });

  test('its module stays within a 20 KB gzip budget until it samples; worker and model files separate', async ({
    page,
  }) => {
    // Counted like lora-trainer's: every /widgets/ module Chromium fetches for one <lora-lm> on an
    // otherwise empty page until it has loaded and sampled (element, Lit, the client), gzip -9;
    // the worker's modules and the checkpoint and corpora (data, fetched once) are counted apart.
    const { gzipSync } = await import('node:zlib');
    const sizes = new Map<string, Promise<number>>();
    const data = new Map<string, Promise<number>>();
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (!path.startsWith('/widgets/')) return;
      const size = r.body().then((b) => gzipSync(b, { level: 9 }).length);
      if (path.endsWith('.js') && !path.startsWith('/widgets/workers/')) sizes.set(path, size);
      else if (/\.(safetensors|txt)$/.test(path))
        data.set(
          path,
          r.body().then((b) => b.length),
        );
    });
    await page.goto('/');
    await page.evaluate(() =>
      (document.querySelector('main') ?? document.body).prepend(document.createElement('lora-lm')),
    );
    await page.addScriptTag({ url: '/widgets/lora-lm.js', type: 'module' });
    const el = page.locator('lora-lm');
    await loaded(el);
    expect((await el.evaluate((e) => (e as Api).sample({ length: 20 }))).length).toBeGreaterThan(0);
    const sum = async (m: Map<string, Promise<number>>) =>
      (await Promise.all([...m.values()])).reduce((a, b) => a + b, 0);
    const total = await sum(sizes);
    const bytes = await sum(data);
    console.log(
      `lora-lm until it samples: ${(total / 1024).toFixed(1)} KB gzip in ${sizes.size} files; model files ${(bytes / 1024).toFixed(0)} KB`,
    );
    expect(total, JSON.stringify([...sizes.keys()])).toBeLessThanOrEqual(20 * 1024);
    expect(data.size).toBe(3);
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
  });
});
