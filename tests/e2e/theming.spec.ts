/**
 * Theming from the embedding page (issue 19): the design tokens (widgets/shared/tokens.ts) take
 * the embedder's `--mg-accent` and `--mg-font`, and its `::part` rules style the documented parts
 * (tests/fixtures/foreign/theme.css), on the foreign host under the strict CSP, with and without
 * the hostile stylesheet, which must still not reach inside.
 */
import { test, expect, type Page } from '@playwright/test';
import { embedUrl, violations } from './support/foreign.ts';

interface Case {
  tag: string;
  attrs: Record<string, string>;
  /** Parts the theme outlines (documented with @csspart on the element's class). */
  parts: string[];
  /** A selector inside the shadow root that exists once the element has drawn. */
  drawn: string;
}

const CASES: Case[] = [
  {
    tag: 'lora-trainer',
    attrs: { scenario: 'low-rank-shift', rank: '2' },
    parts: ['root', 'toolbar'],
    drawn: '[part~="toolbar"] button',
  },
  {
    tag: 'subspace-view',
    attrs: { rank: '2' },
    parts: ['controls'],
    drawn: '[part~="controls"] label',
  },
  { tag: 'peft-calculator', attrs: {}, parts: ['form'], drawn: '[part~="form"] input' },
  { tag: 'srs-quiz', attrs: { deck: 'srs-fixture' }, parts: ['front'], drawn: '[part~="front"] .label' },
  { tag: 'srs-progress', attrs: { deck: 'srs-fixture' }, parts: ['files'], drawn: '[part~="files"] button' },
];

const MAGENTA = 'rgb(255, 0, 255)';

async function look(page: Page, c: Case) {
  const el = page.locator(`#${c.tag}-0`);
  await el.scrollIntoViewIfNeeded();
  await expect
    .poll(() => el.evaluate((e, sel) => !!e.shadowRoot?.querySelector(sel), c.drawn), { timeout: 30_000 })
    .toBe(true);
  return el.evaluate(
    (e, { sel, parts }) => {
      const cs = getComputedStyle(e);
      const inner = e.shadowRoot!.querySelector(sel)!;
      return {
        accent: cs.getPropertyValue('--_accent').trim(),
        hostFont: cs.fontFamily,
        innerFont: getComputedStyle(inner).fontFamily,
        innerColor: getComputedStyle(inner).color,
        innerSize: getComputedStyle(inner).fontSize,
        parts: parts.map((p) => getComputedStyle(e.shadowRoot!.querySelector(`[part~="${p}"]`)!).outlineColor),
      };
    },
    { sel: c.drawn, parts: c.parts },
  );
}

for (const c of CASES) {
  test(`<${c.tag}> takes the embedder's --mg-accent, --mg-font and ::part styles, and no hostile rule`, async ({
    page,
  }) => {
    await page.goto(`${embedUrl({ tag: c.tag, attrs: c.attrs })}&theme=1`);
    const themed = await look(page, c);
    expect(themed.accent).toBe('rgb(0, 128, 0)');
    expect(themed.hostFont).toContain('Courier New');
    expect(themed.innerFont).toContain('Courier New');
    expect(themed.parts).toEqual(c.parts.map(() => MAGENTA));
    expect(await violations(page)).toEqual([]);

    // The same page with the hostile stylesheet on top: identical inside.
    await page.goto(`${embedUrl({ tag: c.tag, attrs: c.attrs, hostile: true })}&theme=1`);
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(255, 0, 0)');
    const hostile = await look(page, c);
    expect(hostile).toEqual(themed);
    expect(hostile.innerColor).not.toBe('rgb(255, 0, 0)');
  });
}

test('without a theme the tokens fall back to the site palette, the same in every element', async ({ page }) => {
  const seen = new Set<string>();
  for (const c of CASES) {
    await page.goto(embedUrl({ tag: c.tag, attrs: c.attrs }));
    const el = page.locator(`#${c.tag}-0`);
    await expect.poll(() => el.evaluate((e) => !!e.shadowRoot), { timeout: 20_000 }).toBe(true);
    const t = await el.evaluate((e) => {
      const cs = getComputedStyle(e);
      return ['--_fg', '--_bg', '--_accent', '--_muted', '--_border', '--_font']
        .map((p) => cs.getPropertyValue(p).trim())
        .join('|');
    });
    seen.add(t);
  }
  // One set of tokens: every element resolves them to the same values (no drifted copies).
  expect([...seen]).toHaveLength(1);
  expect([...seen][0]).toContain('#fdfcf9');
});
