/**
 * /embed/ (issue 19): snippets name the host the page is served from; the configurator picks an
 * element and its attributes by keyboard, shows the element's own messages on the fields, keeps a
 * live preview, and copies the pinned snippet with its integrity, which then works on the foreign
 * host under the strict CSP. Axe finds nothing, in the invalid state too. Each of the elements
 * added last (<study-plan>, <mock-interview>, <lora-lm>, <srs-progress>) is picked and set by
 * keyboard, and its snippet, pasted as it is into a page of the foreign host, renders it there;
 * axe finds nothing on the configurator with each of them, in light and dark. The "Copy snippet" button's text
 * stands out from its background by at least 4.5:1 in both.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { embedUrl, pageErrors, violations } from './support/foreign.ts';
import { manifest, pasteSnippet, version } from './support/pinned.ts';
import { SITE } from '../../scripts/lib/ports.mjs';
import { WIDGET_CATALOG } from '../../src/lib/widget-catalog.ts';

/** Every element /embed/ offers, in the order of its radio group. */
const TAGS: readonly string[] = WIDGET_CATALOG.map((w) => w.tag);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

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
  const m = await manifest(page);
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
  const rank = form.getByRole('spinbutton', { name: /Rank r \(1 to 3\)/ });
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

  expect(integrity).toBe(m.files[`${version}/subspace-view.js`]);

  // Pasted as it is into a page on the foreign host.
  await page.goto(embedUrl({ tag: 'subspace-view', count: 0, load: false }));
  expect(await pasteSnippet(page, text)).toBe('load');
  await page.waitForFunction(() => customElements.get('subspace-view') !== undefined);
  await expect(page.locator('#mount > subspace-view')).toHaveAttribute('rank', '3');
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
  await expect(page.locator(`[data-mg-preview] > :is(${TAGS.join(', ')})`)).toHaveCount(1);
  expect(await new AxeBuilder({ page }).analyze().then((r) => r.violations.map((v) => v.id))).toEqual([]);
});

/** `days` after today, `YYYY-MM-DD` (an interview date that stays in the future). */
function daysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Picks `tag` in the element radio group by keyboard (arrow keys from the default), then Tab. */
async function pickByKeyboard(page: Page, tag: string): Promise<void> {
  const form = page.locator('[data-mg-configurator] form');
  await form.getByRole('radio', { name: /peft-calculator/ }).focus();
  const steps = TAGS.indexOf(tag) - TAGS.indexOf('peft-calculator');
  for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps > 0 ? 'ArrowDown' : 'ArrowUp');
  await expect(form.getByRole('radio', { name: new RegExp(`<${tag}>`) })).toBeChecked();
  await expect(form.locator(`fieldset[data-tag="${tag}"]`)).toBeVisible();
  await page.keyboard.press('Tab');
}

/** Selects what the focused box holds and types `text` over it, key by key. */
async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** The element's own message `said` is on `field` and in the status line; then `fix` clears it. */
async function rejectsThenTakes(page: Page, field: Locator, bad: string, said: string, fix: string): Promise<void> {
  await typeOver(page, bad);
  // In sight, as one looks at it: some elements read their data, and judge, only near the viewport.
  await page.locator('[data-mg-preview]').scrollIntoViewIfNeeded();
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute('aria-invalid', 'true', { timeout: 20_000 });
  await expect(page.locator('[data-mg-messages]')).toContainText(said);
  expect(await field.evaluate((e: HTMLInputElement) => e.validationMessage)).toContain(said);
  await typeOver(page, fix);
  await expect(field).toHaveAttribute('aria-invalid', 'false', { timeout: 20_000 });
}

interface NewElement {
  tag: string;
  /** Sets a field by keyboard (focus is on the fieldset's first field); returns the attributes expected. */
  configure(page: Page): Promise<Record<string, string>>;
  /** The element as pasted on the foreign host shows it runs with those attributes. */
  rendered(page: Page): Promise<void>;
}

const date = daysAhead(60);
const NEW_ELEMENTS: NewElement[] = [
  {
    tag: 'study-plan',
    async configure(page) {
      const form = page.locator('fieldset[data-tag="study-plan"]');
      const when = form.getByLabel(/Interview date/);
      await expect(when).toBeFocused();
      await when.fill(date);
      const minutes = form.getByRole('spinbutton', { name: /Minutes a day/ });
      await minutes.focus();
      // Judged once the element has read the progress store: the message still finds its field.
      await rejectsThenTakes(page, minutes, '0', 'minutes-per-day "0" must be a whole number from 1 to 600.', '45');
      return { 'interview-date': date, 'minutes-per-day': '45', 'days-off': 'sunday' };
    },
    async rendered(page) {
      const el = page.locator('#mount > study-plan');
      await el.scrollIntoViewIfNeeded();
      await expect(el.getByRole('status')).toContainText(date, { timeout: 30_000 });
      expect(await el.evaluate((e: HTMLElementTagNameMap['study-plan']) => e.plan.days.length)).toBeGreaterThan(0);
    },
  },
  {
    tag: 'mock-interview',
    async configure(page) {
      const minutes = page.locator('fieldset[data-tag="mock-interview"]').getByRole('spinbutton', { name: /Session/ });
      await expect(minutes).toBeFocused();
      await rejectsThenTakes(page, minutes, '30', 'minutes="30" is not a session length', '45');
      return { minutes: '45' };
    },
    async rendered(page) {
      const el = page.locator('#mount > mock-interview');
      await el.scrollIntoViewIfNeeded();
      await expect(el.getByRole('radio', { name: '45 minutes' })).toBeChecked({ timeout: 30_000 });
      await expect(el.getByRole('button', { name: 'Start the mock interview' })).toBeVisible();
    },
  },
  {
    tag: 'lora-lm',
    async configure(page) {
      const prompt = page.locator('fieldset[data-tag="lora-lm"]').getByRole('textbox', { name: /Prompt/ });
      await expect(prompt).toBeFocused();
      await typeOver(page, 'Once upon a ');
      await page.keyboard.press('Tab');
      const seed = page.locator('fieldset[data-tag="lora-lm"]').getByRole('spinbutton', { name: /Seed/ });
      await expect(seed).toBeFocused();
      await rejectsThenTakes(page, seed, '-1', 'seed="-1" must be a whole number', '7');
      return { prompt: 'Once upon a ', seed: '7' };
    },
    async rendered(page) {
      const el = page.locator('#mount > lora-lm');
      await el.scrollIntoViewIfNeeded();
      await expect(el.locator('[part~="controls"]')).toBeVisible({ timeout: 30_000 });
      expect(await el.evaluate((e: HTMLElementTagNameMap['lora-lm']) => [e.prompt, String(e.seed)])).toEqual([
        'Once upon a ',
        '7',
      ]);
    },
  },
  {
    tag: 'srs-progress',
    async configure(page) {
      const form = page.locator('fieldset[data-tag="srs-progress"]');
      const deck = form.getByRole('textbox', { name: /Decks counted for mastery/ });
      await expect(deck).toBeFocused();
      await typeOver(page, 'lora-peft');
      await page.keyboard.press('Tab');
      const retention = form.getByRole('spinbutton', { name: /Desired retention/ });
      await expect(retention).toBeFocused();
      // It falls back to 0.9 and says so in a status line: that still lands on the field, and the
      // preview reads again when the value changes.
      await rejectsThenTakes(page, retention, '2', 'retention "2" must be from 0.8 to 0.95; using 0.9.', '0.85');
      return { deck: 'lora-peft', retention: '0.85' };
    },
    async rendered(page) {
      const el = page.locator('#mount > srs-progress');
      await el.scrollIntoViewIfNeeded();
      await expect(el.locator('.retention')).toContainText('Desired retention: 85%.', { timeout: 30_000 });
      // The one deck it was given, fetched from the site that serves the module.
      await expect(el.locator('table.mastery tbody tr')).toHaveCount(1);
      await expect(el.getByRole('status')).toHaveCount(0);
      await expect(el.getByRole('button', { name: 'Export progress (JSON)' })).toBeVisible();
    },
  },
];

for (const spec of NEW_ELEMENTS) {
  test(`<${spec.tag}>: set by keyboard; its pinned snippet, pasted on the foreign host, renders it`, async ({
    page,
    context,
  }) => {
    test.setTimeout(120_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: SITE });
    await page.goto('/embed/');
    const m = await manifest(page);
    await pickByKeyboard(page, spec.tag);
    const attrs = await spec.configure(page);
    const preview = page.locator(`[data-mg-preview] > ${spec.tag}`);
    for (const [name, value] of Object.entries(attrs)) await expect(preview).toHaveAttribute(name, value);
    const snippet = page.locator('[data-mg-snippet]');
    const written = Object.entries(attrs)
      .map(([k, v]) => ` ${k}="${v}"`)
      .join('');
    await expect(snippet).toContainText(`<${spec.tag}${written}></${spec.tag}>`);
    await expect(snippet).toContainText(`src="${SITE}/widgets/${version}/${spec.tag}.js"`);
    await expect(snippet).toContainText(`integrity="${m.files[`${version}/${spec.tag}.js`]}" crossorigin="anonymous"`);
    await expect(page.locator('[data-mg-messages]')).not.toBeEmpty();
    for (const field of await page.locator(`fieldset[data-tag="${spec.tag}"] input`).all())
      await expect(field).not.toHaveAttribute('aria-invalid', 'true');

    // Copied by keyboard, pasted into a page of the foreign host under the strict CSP.
    await page.getByRole('button', { name: 'Copy snippet' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByText('Copied.')).toBeVisible();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    expect(text).toBe(await snippet.textContent());
    await page.goto(embedUrl({ tag: spec.tag, count: 0, load: false }));
    expect(await pasteSnippet(page, text)).toBe('load');
    await spec.rendered(page);
    expect(await violations(page)).toEqual([]);
    expect(await pageErrors(page)).toEqual([]);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds nothing on the configurator with each element added last (${scheme})`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto('/embed/');
    const form = page.locator('[data-mg-configurator] form');
    for (const spec of NEW_ELEMENTS) {
      await form.getByRole('radio', { name: new RegExp(`<${spec.tag}>`) }).check();
      // Its element is defined and has said what it makes of its attributes.
      await expect(page.locator('[data-mg-messages]')).toContainText(`<${spec.tag}>`);
      await form.locator(`fieldset[data-tag="${spec.tag}"] summary`).click();
      const results = await new AxeBuilder({ page }).include('[data-mg-configurator]').withTags(AXE_TAGS).analyze();
      expect(
        results.violations.map((v) => `${spec.tag} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
    }
    await context.close();
  });

  test(`the Copy snippet button's text has a contrast of at least 4.5:1 (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto('/embed/');
    const button = page.getByRole('button', { name: 'Copy snippet' });
    const ratio = await button.evaluate((b) => {
      /** sRGB relative luminance (WCAG 2) of a computed `rgb(…)` colour. */
      const luminance = (c: string) => {
        const [r, g, b] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
          const s = Number(v) / 255;
          return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const style = getComputedStyle(b);
      // An unpainted background would make the figure meaningless.
      if (!/^rgb\(/.test(style.backgroundColor)) return `background ${style.backgroundColor}`;
      const [hi, lo] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    });
    expect(ratio).toBeGreaterThanOrEqual(4.5);
    const axe = await new AxeBuilder({ page }).include('[data-mg-copy]').withRules(['color-contrast']).analyze();
    expect(axe.violations).toEqual([]);
    expect(axe.passes.map((p) => p.id)).toContain('color-contrast');
    await context.close();
  });
}
