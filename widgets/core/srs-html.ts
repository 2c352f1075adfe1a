/**
 * The HTML a published card may carry: the elements and attributes that Markdown (headings
 * excepted) and KaTeX's MathML output produce, nothing else. The deck build sanitises to this
 * list (src/lib/deck-render.ts) and the element copies only this list into its shadow DOM, so a
 * card can never carry script, event handlers, inline styles or foreign URLs schemes.
 */

/** Elements allowed, by local name (HTML and MathML). */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  // Markdown
  'p',
  'br',
  'em',
  'strong',
  'del',
  'code',
  'pre',
  'kbd',
  'sub',
  'sup',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'span',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'hr',
  // KaTeX MathML
  'math',
  'semantics',
  'annotation',
  'mrow',
  'mi',
  'mn',
  'mo',
  'ms',
  'mtext',
  'mspace',
  'msup',
  'msub',
  'msubsup',
  'mfrac',
  'msqrt',
  'mroot',
  'mover',
  'munder',
  'munderover',
  'mtable',
  'mtr',
  'mtd',
  'mstyle',
  'mpadded',
  'mphantom',
  'menclose',
  'mmultiscripts',
  'mprescripts',
  'none',
  'merror',
]);

/** Attributes allowed on any allowed element (no style, no on*, no id). */
export const ALLOWED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href',
  'class',
  'start',
  'align',
  'colspan',
  'rowspan',
  'xmlns',
  'display',
  'displaystyle',
  'scriptlevel',
  'mathvariant',
  'stretchy',
  'fence',
  'separator',
  'accent',
  'accentunder',
  'lspace',
  'rspace',
  'width',
  'height',
  'depth',
  'voffset',
  'minsize',
  'maxsize',
  'movablelimits',
  'symmetric',
  'largeop',
  'linethickness',
  'notation',
  'columnalign',
  'rowalign',
  'columnspacing',
  'rowspacing',
  'columnlines',
  'rowlines',
  'frame',
  'encoding',
  'mathcolor',
  'mathbackground',
  'columnspan',
]);

/** Elements whose whole content is dropped with them (never shown as text either). */
export const DROP_WITH_CONTENT: ReadonlySet<string> = new Set([
  'script',
  'style',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'noscript',
]);

/** Whether an href may stay: http(s), mailto, or relative/fragment. */
export function allowedHref(href: string): boolean {
  const v = href.trim().toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(v)?.[1];
  return scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

/** Whether a class may stay: KaTeX's wrapper classes and language-* on code, nothing else. */
export function allowedClass(value: string): string | undefined {
  const kept = value
    .split(/\s+/)
    .filter((c) => c === 'katex' || c === 'katex-display' || /^language-[a-z0-9+#-]{1,32}$/.test(c));
  return kept.length ? kept.join(' ') : undefined;
}
