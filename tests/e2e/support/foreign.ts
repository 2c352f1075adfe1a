import { expect, type Page } from '@playwright/test';
import { FOREIGN, SITE } from '../../../scripts/lib/ports.mjs';

export interface EmbedOptions {
  tag: string;
  attrs?: Record<string, string>;
  count?: number;
  hostile?: boolean;
  /** false drops worker-src from the CSP. */
  worker?: boolean;
  /** false mounts the elements without loading the module (to snapshot the page first). */
  load?: boolean;
}

/** URL of the foreign host page embedding `tag` from the site under the strict CSP. */
export function embedUrl(o: EmbedOptions): string {
  const q = new URLSearchParams({ tag: o.tag, count: String(o.count ?? 1) });
  if (o.attrs) q.set('attrs', new URLSearchParams(o.attrs).toString());
  if (o.hostile) q.set('hostile', '1');
  if (o.worker === false) q.set('worker', '0');
  if (o.load === false) q.set('load', '0');
  return `${FOREIGN}/embed.html?${q}`;
}

/** Adds `<script type="module" src="SITE/widgets/<tag>.js">` to the page, as an embedding site does. */
export function addWidgetScript(page: Page, tag: string): Promise<void> {
  return page.evaluate(
    ([site, tag]) => {
      const s = document.createElement('script');
      s.type = 'module';
      s.src = `${site}/widgets/${tag}.js`;
      document.head.append(s);
    },
    [SITE, tag] as const,
  );
}

/** Opens the foreign page, collecting console errors from the first moment. */
export async function openEmbed(page: Page, o: EmbedOptions) {
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(embedUrl(o));
  await page.waitForFunction((tag) => customElements.get(tag) !== undefined, o.tag);
  return { consoleErrors };
}

/** What the page itself holds in styles: sheets, adopted sheets and <style>/<link> elements. */
export async function documentStyles(page: Page) {
  return page.evaluate(() => ({
    sheets: document.styleSheets.length,
    adopted: document.adoptedStyleSheets.length,
    styleElements: document.querySelectorAll('style, link[rel="stylesheet"]').length,
    rules: [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0),
  }));
}

export async function violations(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __violations: unknown[] }).__violations);
}

export async function pageErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
}

/** Screenshots of one element, with and without the hostile stylesheet, must be identical. */
export async function expectImmuneToHostileCss(
  page: Page,
  o: EmbedOptions,
  selector: string,
  ready: (p: Page) => Promise<void>,
) {
  await openEmbed(page, o);
  await ready(page);
  const plain = await page.locator(selector).screenshot({ animations: 'disabled' });
  await openEmbed(page, { ...o, hostile: true });
  await ready(page);
  expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(255, 0, 0)');
  const hostile = await page.locator(selector).screenshot({ animations: 'disabled' });
  expect(hostile.equals(plain), 'widget looks different under the hostile host stylesheet').toBe(true);
}
