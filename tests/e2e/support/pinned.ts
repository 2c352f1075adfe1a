/**
 * The pinned release as an embedding page meets it: the version (package.json), the manifest of
 * integrities (/widgets/manifest.json), and a `<script type="module" integrity crossorigin>` added
 * to the page the way a pasted snippet adds it. Used by pinned.spec.ts and embed-page.spec.ts.
 */
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SITE } from '../../../scripts/lib/ports.mjs';

export const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export interface Manifest {
  version: string;
  files: Record<string, string>;
}

/** /widgets/manifest.json of the site under test. */
export const manifest = async (page: Page): Promise<Manifest> =>
  (await (await page.request.get(`${SITE}/widgets/manifest.json`)).json()) as Manifest;

/** The pinned URL of `tag`'s module. */
export const pinnedUrl = (tag: string): string => `${SITE}/widgets/${version}/${tag}.js`;

/**
 * Adds `<script type="module" src integrity crossorigin="anonymous">` to the page; resolves with
 * 'load' or 'error' (the script element's event: an integrity mismatch is an 'error').
 */
export function addPinned(page: Page, src: string, integrity: string): Promise<'load' | 'error'> {
  return page.evaluate(
    ([src, integrity]) =>
      new Promise<'load' | 'error'>((resolve) => {
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
}

/**
 * Pastes a snippet from /embed/ into the page (the foreign host's, opened with `load: false`):
 * its element, with the attributes as written, goes into `#mount`, and its script (src,
 * integrity, crossorigin as written) into the head. Resolves with the script's 'load' or 'error'.
 * A script parsed from text never runs, so it is written out again, attribute for attribute.
 */
export async function pasteSnippet(page: Page, snippet: string): Promise<'load' | 'error'> {
  const script = await page.evaluate((snippet) => {
    const doc = new DOMParser().parseFromString(snippet, 'text/html');
    const parsed = doc.querySelector('script[type="module"]');
    const element = doc.body.firstElementChild;
    if (!parsed || !element) throw new Error(`not a snippet: ${snippet}`);
    document.getElementById('mount')!.append(document.importNode(element, true));
    return {
      src: parsed.getAttribute('src') ?? '',
      integrity: parsed.getAttribute('integrity') ?? '',
      crossOrigin: parsed.getAttribute('crossorigin'),
    };
  }, snippet);
  if (script.crossOrigin !== 'anonymous') throw new Error(`the snippet's script is not crossorigin="anonymous"`);
  return addPinned(page, script.src, script.integrity);
}
