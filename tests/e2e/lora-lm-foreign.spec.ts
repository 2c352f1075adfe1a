/**
 * <lora-lm> embedded on another origin under DESIGN.md's strict CSP (tests/e2e/support/
 * foreign.ts), with and without `worker-src`, two instances on one page, the hostile stylesheet
 * on: the checkpoint and corpora come from the module's own origin, the model trains and samples,
 * and the page gets no errors and no styles.
 */
import { test, expect, type Page } from '@playwright/test';
import { addWidgetScript, documentStyles, embedUrl, pageErrors } from './support/foreign.ts';
import { expectMainThreadEmbed, expectWorkerEmbed } from './support/foreign-training.ts';
import type { LoraLm } from '../../widgets/lora-lm/lora-lm.ts';

const T = 'lora-lm';
type Api = LoraLm;

/** Both instances train a few steps at once, sample, swap and merge; each keeps its own state. */
async function exercise(page: Page) {
  const a = page.locator('#lora-lm-0');
  const b = page.locator('#lora-lm-1');
  await a.scrollIntoViewIfNeeded();
  const [ra, rb] = await Promise.all([
    a.evaluate(async (e) => (await (e as Api).train('code', 40)).losses.length),
    b.evaluate(async (e) => (await (e as Api).train('cards', 30)).losses.length),
  ]);
  expect([ra, rb]).toEqual([40, 30]);
  const out = await a.evaluate(async (e) => {
    const lm = e as Api;
    await lm.use('code');
    const m = await lm.merge();
    await lm.unmerge();
    const blob = await lm.exportAdapter('code');
    return {
      m,
      size: blob.size,
      type: blob.type,
      adapters: lm.adapters,
      text: await lm.sample({ adapter: 'code', length: 40 }),
    };
  });
  expect(out.m.maxLogitDiff).toBeLessThanOrEqual(1e-4);
  expect(out.m.identical).toBe(true);
  expect(out).toMatchObject({ type: 'application/zip', adapters: ['code', 'cards'] });
  expect(out.size).toBeGreaterThan(40_000);
  expect(out.text.length).toBeGreaterThan(0);
  expect(await b.evaluate((e) => (e as Api).adapter)).toBeNull();
  await expect(a.locator('pre[data-sample="base"]')).not.toContainText('no sample yet', { timeout: 30_000 });
}

test.describe('<lora-lm> on a foreign host under the strict CSP', () => {
  test.describe.configure({ timeout: 120_000 });

  test('with worker-src: two instances in the page’s one worker; no violations, errors or leaked styles', async ({
    page,
  }) => {
    await expectWorkerEmbed(page, {
      tag: T,
      backendEvent: 'lm-backend',
      hostile: true,
      attrs: { prompt: 'The ' },
      exercise,
    });
  });

  test('without worker-src: runs on the main thread and says why; the only violations are worker-src and the wasm compile', async ({
    page,
  }) => {
    await expectMainThreadEmbed(page, { tag: T, backendEvent: 'lm-backend', exercise });
  });

  test('an invalid attribute shows its message; nothing throws; no document styles added', async ({ page }) => {
    await page.goto(embedUrl({ tag: T, load: false, attrs: { temperature: 'hot', steps: '0' } }));
    const before = await documentStyles(page);
    await addWidgetScript(page, T);
    const el = page.locator('#lora-lm-0');
    await el.scrollIntoViewIfNeeded();
    await expect(el.getByRole('alert')).toHaveCount(2);
    const alerts = (await el.getByRole('alert').allTextContents()).join(' ');
    expect(alerts).toContain('temperature="hot" must be a number in 0…2; using 0.8');
    expect(alerts).toContain('steps="0" must be a whole number in 1…5000; using 300');
    await expect.poll(() => el.evaluate((e) => (e as Api).adapters.length), { timeout: 30_000 }).toBe(2);
    expect(await el.evaluate((e) => (e as Api).train('cards').then((r) => r.losses.length))).toBe(300);
    expect(await documentStyles(page)).toEqual(before);
    expect(await pageErrors(page)).toEqual([]);
  });
});
