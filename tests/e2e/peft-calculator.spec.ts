import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import {
  openEmbed,
  documentStyles,
  violations,
  pageErrors,
  expectImmuneToHostileCss,
  embedUrl,
  addWidgetScript,
} from './support/foreign.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

type Calc = HTMLElement & {
  result: {
    trainableParams: number;
    totalParams: number;
    activeParams: number;
    adapterBytes: number;
    memory: Record<string, { total: number }>;
    fits: Record<string, number[]>;
  };
  updateComplete: Promise<boolean>;
};

async function result(page: Page, selector = 'peft-calculator') {
  return page
    .locator(selector)
    .first()
    .evaluate(async (el) => {
      const c = el as Calc;
      await c.updateComplete;
      return JSON.parse(JSON.stringify(c.result));
    });
}

const ready = async (page: Page) => {
  await page.waitForFunction(() => {
    const el = document.querySelector('peft-calculator') as Calc | null;
    return !!el?.shadowRoot?.querySelector('[role="status"]');
  });
};

test.describe('<peft-calculator> on the site', () => {
  test('computes LLaMA-2-7B, r = 8 on q and v, and recomputes when an attribute changes', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/playground/');
    await page.locator('peft-calculator').scrollIntoViewIfNeeded();
    await ready(page);
    const r = await result(page);
    // 32 layers × 2 matrices × 8 × (4096 + 4096)
    expect(r.trainableParams).toBe(4_194_304);
    expect(r.adapterBytes).toBe(4_194_304 * 2);
    await page.locator('peft-calculator').evaluate((el) => el.setAttribute('rank', '16'));
    expect((await result(page)).trainableParams).toBe(8_388_608);
    expect(errors).toEqual([]);
  });

  test('is operable by keyboard and by role', async ({ page }) => {
    await page.goto('/playground/');
    const calc = page.locator('peft-calculator');
    await calc.scrollIntoViewIfNeeded();
    await ready(page);
    const rank = calc.getByRole('spinbutton', { name: /rank/i });
    await rank.focus();
    await rank.fill('4');
    await rank.press('Enter');
    await expect(calc).toHaveAttribute('rank', '4');
    expect((await result(page)).trainableParams).toBe(2_097_152);
    const k = calc.getByRole('checkbox', { name: /^W\s*k$/i });
    await k.focus();
    await page.keyboard.press('Space');
    await expect(calc).toHaveAttribute('targets', /k/);
    expect((await result(page)).trainableParams).toBe(32 * 3 * 4 * 8192);
    await calc.getByRole('combobox', { name: /^model$/i }).selectOption('mistral-7b');
    await expect(calc).toHaveAttribute('model', 'mistral-7b');
    // Mistral 7B: grouped-query attention, k and v project 4096 → 1024
    expect((await result(page)).trainableParams).toBe(32 * 4 * (4096 + 4096 + 4096 + 1024 + 4096 + 1024));
  });

  for (const [attr, value, message] of [
    ['rank', '-3', /rank/i],
    ['model', 'gpt-9', /model/i],
    ['targets', '', /targets/i],
    ['bits', '3', /bits/i],
  ] as const) {
    test(`an invalid ${attr}="${value}" shows a message and falls back to the default`, async ({ page }) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto('/playground/');
      const calc = page.locator('peft-calculator');
      await calc.scrollIntoViewIfNeeded();
      await ready(page);
      const before = await result(page);
      await calc.evaluate((el, [a, v]) => el.setAttribute(a, v), [attr, value]);
      await expect(calc.getByRole('alert')).toContainText(message);
      expect((await result(page)).trainableParams).toBe(before.trainableParams);
      const axe = await new AxeBuilder({ page }).include('peft-calculator').analyze();
      expect(axe.violations.map((v) => v.id)).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  test('its module stays within the 15 KB gzip budget', async ({ request }) => {
    const { gzipSync } = await import('node:zlib');
    const seen = new Set<string>();
    let total = 0;
    const visit = async (url: string) => {
      if (seen.has(url)) return;
      seen.add(url);
      const text = await (await request.get(url)).text();
      total += gzipSync(text, { level: 9 }).length;
      for (const m of text.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"`()]*?\sfrom\s*)?["'`](\.[^"'`]+)["'`]/g))
        await visit(new URL(m[1]!, url).href);
    };
    await visit(`${SITE}/widgets/peft-calculator.js`);
    expect(total).toBeLessThanOrEqual(15 * 1024);
  });
});

test.describe('<peft-calculator> embedded on a foreign host under the strict CSP', () => {
  test('renders two instances with no violations, errors or leaked styles', async ({ page }) => {
    const { consoleErrors } = await openEmbed(page, {
      tag: 'peft-calculator',
      count: 2,
      attrs: { model: 'llama2-70b', rank: '16' },
    });
    await ready(page);
    await expect(page.locator('#peft-calculator-1').getByRole('status')).toContainText('Llama 2 70B');
    // LLaMA-2-70B: 80 layers, GQA k/v 8192 → 1024; r = 16 on q, v
    expect((await result(page, '#peft-calculator-0')).trainableParams).toBe(80 * 16 * (8192 + 8192 + 8192 + 1024));
    expect(await violations(page)).toEqual([]);
    expect(await pageErrors(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('mixtral-8x7b: q, v adapters at r = 16 as on Mistral 7B; all 8 experts in memory, 2 in compute', async ({
    page,
  }) => {
    await openEmbed(page, { tag: 'peft-calculator', attrs: { model: 'mixtral-8x7b', rank: '16', targets: 'q,v' } });
    await ready(page);
    const calc = page.locator('#peft-calculator-0');
    await expect(calc.getByRole('status')).toContainText('Mixtral 8x7B');
    // 32 layers × 16 × ((4096 + 4096) + (4096 + 1024)): attention adapters, shared by the experts.
    const r = await result(page, '#peft-calculator-0');
    expect(r.trainableParams).toBe(32 * 16 * (8192 + 5120));
    expect(r.trainableParams).toBe(6_815_744);
    // 32 × (attention + 8 experts + router) + untied embeddings; 2 experts active.
    expect(r.totalParams).toBe(46_702_526_464);
    expect(r.activeParams).toBe(12_879_659_008);
    await expect(calc.getByText(/12\.9B parameters active per token: 2 of\s+8 expert MLPs/)).toBeVisible();
    expect(await pageErrors(page)).toEqual([]);
  });

  test('adds no document-level styles', async ({ page }) => {
    await page.goto(embedUrl({ tag: 'peft-calculator', load: false }));
    const before = await documentStyles(page);
    await addWidgetScript(page, 'peft-calculator');
    await ready(page);
    expect(await documentStyles(page)).toEqual(before);
  });

  test('looks the same under a hostile host stylesheet', async ({ page }) => {
    await expectImmuneToHostileCss(page, { tag: 'peft-calculator' }, '#peft-calculator-0', ready);
  });

  test('is axe-clean in the foreign page', async ({ page }) => {
    await openEmbed(page, { tag: 'peft-calculator' });
    await ready(page);
    const axe = await new AxeBuilder({ page }).include('peft-calculator').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  });
});
