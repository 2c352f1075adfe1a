/**
 * /embed/ (issue 19): snippets name the host the page is served from; the configurator picks an
 * element and its attributes by keyboard, shows the element's own messages on the fields, keeps a
 * live preview, and copies the pinned snippet with its integrity, which then works on the foreign
 * host under the strict CSP. Axe finds nothing, in the invalid state too.
 */
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { embedUrl, violations } from './support/foreign.ts';
import { SITE } from '../../scripts/lib/ports.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

test('the snippets on /embed/ name the host the page is served from', async ({ page }) => {
  await page.goto('/embed/');
  const code = page.locator('pre code').first();
  await expect(code).toContainText(`<script type="module" src="${SITE}/widgets/`);
  const all = await page.locator('pre code').allTextContents();
  for (const text of all) expect(text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1:\d+)[^\s"']+\/widgets\//);
  // The CSP names the same host.
  expect(all.join('\n')).toContain(`script-src 'self' ${SITE};`);
});

test('configure by keyboard: the element validates, the preview follows, the pinned snippet copies', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: SITE });
  await page.goto('/embed/');
  const form = page.locator('[data-mg-configurator] form');
  const snippet = page.locator('[data-mg-snippet]');
  const m = (await (await page.request.get(`${SITE}/widgets/manifest.json`)).json()) as {
    files: Record<string, string>;
  };
  // The default: <peft-calculator>, pinned, with its integrity.
  await expect(snippet).toContainText(`src="${SITE}/widgets/${version}/peft-calculator.js"`);
  await expect(snippet).toContainText(
    `integrity="${m.files[`${version}/peft-calculator.js`]}" crossorigin="anonymous"`,
  );

  // Keyboard only: into the radio group, up to <subspace-view>, on to its rank field.
  await form.getByRole('radio', { name: /peft-calculator/ }).focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(form.getByRole('radio', { name: /subspace-view/ })).toBeChecked();
  await page.keyboard.press('Tab');
  const rank = form.getByRole('textbox', { name: /Rank r \(1 to 3\)/ });
  await expect(rank).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('7');
  const preview = page.locator('[data-mg-preview] subspace-view');
  await expect(preview).toHaveAttribute('rank', '7');
  // The element's own message, on the field and in the status line.
  const said = 'rank="7" is not 1, 2 or 3; showing rank 1.';
  await expect(page.locator('[data-mg-messages]')).toContainText(said);
  await expect(rank).toHaveAttribute('aria-invalid', 'true');
  expect(await rank.evaluate((e: HTMLInputElement) => e.validationMessage)).toContain(said);
  await expect(snippet).toContainText(`<subspace-view rank="7" seed="1"></subspace-view>`);
  await expect(snippet).toContainText(`integrity="${m.files[`${version}/subspace-view.js`]}"`);
  expect(await new AxeBuilder({ page }).include('[data-mg-configurator]').analyze()).toHaveProperty('violations', []);

  // A valid value clears the message.
  await rank.fill('3');
  await expect(rank).toHaveAttribute('aria-invalid', 'false');
  await expect(page.locator('[data-mg-messages]')).toContainText('<subspace-view> accepts these attributes.');
  await expect(preview).toHaveAttribute('rank', '3');

  // Copy (by keyboard), then paste it into the foreign host: it works there under the strict CSP.
  await page.getByRole('button', { name: 'Copy snippet' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Copied.')).toBeVisible();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(text).toBe(await snippet.textContent());
  const src = /src="([^"]+)"/.exec(text)![1];
  const integrity = /integrity="([^"]+)"/.exec(text)![1];
  expect(src).toBe(`${SITE}/widgets/${version}/subspace-view.js`);

  await page.goto(embedUrl({ tag: 'subspace-view', attrs: { rank: '3' }, load: false }));
  const loaded = await page.evaluate(
    ([src, integrity]) =>
      new Promise<string>((resolve) => {
        const s = document.createElement('script');
        s.type = 'module';
        s.src = src;
        s.integrity = integrity;
        s.crossOrigin = 'anonymous';
        s.onload = () => resolve('load');
        s.onerror = () => resolve('error');
        document.head.append(s);
      }),
    [src, integrity] as const,
  );
  expect(loaded).toBe('load');
  await page.waitForFunction(() => customElements.get('subspace-view') !== undefined);
  expect(await violations(page)).toEqual([]);
});

test('switching the element replaces the preview, and the old one is released', async ({ page }) => {
  await page.goto('/embed/');
  const form = page.locator('[data-mg-configurator] form');
  await form.getByRole('radio', { name: /srs-quiz/ }).check();
  await expect(page.locator('[data-mg-preview] srs-quiz')).toHaveAttribute('deck', 'lora-peft');
  await expect(page.locator('[data-mg-preview] peft-calculator')).toHaveCount(0);
  await expect(page.locator('[data-mg-snippet]')).toContainText('<srs-quiz deck="lora-peft" mode="due"></srs-quiz>');
  await form.getByRole('radio', { name: /peft-calculator/ }).check();
  await expect(page.locator('[data-mg-preview] peft-calculator')).toHaveAttribute('model', 'llama2-7b');
  await expect(
    page.locator('[data-mg-preview] > :is(peft-calculator, srs-quiz, lora-trainer, subspace-view)'),
  ).toHaveCount(1);
  expect(await new AxeBuilder({ page }).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);
});
