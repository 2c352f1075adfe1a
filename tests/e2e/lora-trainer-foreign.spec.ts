/**
 * <lora-trainer> embedded on another origin under DESIGN.md's strict CSP (tests/e2e/support/
 * foreign-server.mjs), with and without `worker-src`, two instances on one page.
 */
import { test, expect, type Page } from '@playwright/test';
import { addWidgetScript, documentStyles, embedUrl, openEmbed, pageErrors, violations } from './support/foreign.ts';
import { expectMainThreadEmbed, expectWorkerEmbed } from './support/foreign-training.ts';
import { ready, type TrainerApi } from './support/lora-trainer.ts';

const T = 'lora-trainer';

/** Trains both instances at once through the API, then merges, saves, exports and imports on the first. */
async function exercise(page: Page) {
  const a = page.locator('#lora-trainer-0');
  const b = page.locator('#lora-trainer-1');
  await ready(a);
  await ready(b);
  const [ra, rb] = await Promise.all([
    a.evaluate(async (e) => (await (e as TrainerApi).train(120)).losses.length),
    b.evaluate(async (e) => (await (e as TrainerApi).train(80)).losses.length),
  ]);
  expect([ra, rb]).toEqual([120, 80]);
  // Independent trainers: each keeps its own step and its own rank.
  expect(await a.evaluate((e) => [(e as TrainerApi).step, (e as TrainerApi).trainableParams])).toEqual([
    120,
    2 * 4 * 128,
  ]);
  expect(await b.evaluate((e) => [(e as TrainerApi).step, (e as TrainerApi).trainableParams])).toEqual([
    80,
    2 * 4 * 128,
  ]);
  const out = await a.evaluate(async (e) => {
    const t = e as TrainerApi;
    const m = await t.merge();
    await t.unmerge();
    await t.saveAdapter('mine');
    const blob = await t.exportAdapter('mine');
    const name = await t.importAdapter(blob, 'copy');
    return { diff: m.maxAbsDiff, type: blob.type, size: blob.size, name, adapters: t.adapters };
  });
  expect(out.diff).toBeLessThan(1e-4);
  expect(out).toMatchObject({ type: 'application/zip', name: 'copy', adapters: ['mine', 'copy'] });
  // Through the UI as well.
  await a.getByRole('tab', { name: 'Adapters' }).click();
  await expect(a.getByRole('link', { name: /Download mine\.zip/ })).toBeVisible();
  await a.getByRole('tab', { name: 'Pitfalls' }).click();
  await a.getByRole('switch', { name: 'Learning rate 10× too low' }).click();
  await expect(a.locator('[data-pitfall="low-lr"] .num')).toBeVisible({ timeout: 60_000 });
}

test.describe('<lora-trainer> on a foreign host under the strict CSP', () => {
  // Two trainers, a pitfall experiment and axe over two large shadow trees: slow on a small CI machine.
  test.describe.configure({ timeout: 180_000 });
  test('with worker-src: two instances train in the page’s one worker; no violations, errors or leaked styles', async ({
    page,
  }) => {
    await expectWorkerEmbed(page, { tag: T, backendEvent: 'lora-backend', attrs: { rank: '4' }, exercise });
  });

  test('without worker-src: trains on the main thread and says so through lora-backend; the only violation is worker-src', async ({
    page,
  }) => {
    const v = await expectMainThreadEmbed(page, {
      tag: T,
      backendEvent: 'lora-backend',
      attrs: { rank: '4' },
      exercise,
    });
    await expect(page.locator('#lora-trainer-0').getByText(/Training on the main thread/)).toBeVisible();
    // …and the engine's one refused WebAssembly compile (no 'wasm-unsafe-eval': it trains on JS)
    expect(v.filter((x) => x.blocked === 'wasm-eval')).toHaveLength(1);
  });

  test('an invalid attribute shows its message on the foreign page too; nothing throws', async ({ page }) => {
    await openEmbed(page, { tag: T, attrs: { rank: 'lots', controls: 'minimal' } });
    const el = page.locator('#lora-trainer-0');
    await ready(el);
    await expect(el.getByRole('alert')).toContainText('rank="lots"');
    expect(await el.evaluate((e) => (e as TrainerApi).settings.config['rank'])).toBe(8);
    expect(await pageErrors(page)).toEqual([]);
    expect(await violations(page)).toEqual([]);
  });

  test('adds no document-level styles', async ({ page }) => {
    await page.goto(embedUrl({ tag: T, load: false }));
    const before = await documentStyles(page);
    await addWidgetScript(page, 'lora-trainer');
    await ready(page.locator('#lora-trainer-0'));
    expect(await documentStyles(page)).toEqual(before);
  });

  test('the engine starts only near the viewport', async ({ page }) => {
    await page.goto(embedUrl({ tag: T, load: false }));
    // Push the element far below the fold (with text: the host's CSP allows no inline styles).
    await page.evaluate(() => {
      const spacer = document.createElement('div');
      for (let i = 0; i < 150; i++)
        spacer.append(Object.assign(document.createElement('p'), { textContent: `Host paragraph ${i}.` }));
      document.getElementById('mount')!.prepend(spacer);
    });
    const el = page.locator('#lora-trainer-0');
    expect(await el.evaluate((e) => e.getBoundingClientRect().top)).toBeGreaterThan(3 * page.viewportSize()!.height);
    await addWidgetScript(page, 'lora-trainer');
    await page.waitForFunction(() => customElements.get('lora-trainer') !== undefined);
    // Settled: an IntersectionObserver made after the element's (which it made on upgrade) has
    // had its first report, and observers are notified in the order they were made, in one task:
    // so the element's own observer has answered too, and the element has rendered that answer.
    await el.evaluate(async (e) => {
      await new Promise<void>((resolve) => {
        const io = new IntersectionObserver(() => (io.disconnect(), resolve()), { rootMargin: '300px 0px' });
        io.observe(e);
      });
      await (e as TrainerApi).updateComplete;
    });
    expect(await el.evaluate((e) => e.shadowRoot!.querySelector('.badge')?.textContent?.trim())).toBe(
      'starts when visible',
    );
    expect(await el.evaluate((e) => (e as TrainerApi).resolvedBackend)).toBeNull();
    const loaded = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((r) => r.name)
        .filter((n) => /\/widgets\/.*(client|engine\.worker|host)-/.test(n)),
    );
    expect(loaded).toEqual([]);
    await ready(el);
    expect(await el.evaluate((e) => (e as TrainerApi).resolvedBackend)).toBe('cpu');
  });
});
