// @ts-check
/**
 * The remark/rehype plugins every lesson goes through, shared by astro.config.mjs and the unit
 * tests (which prove a bad formula or citation fails instead of shipping).
 */
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import remarkCitations from './remark-citations.mjs';

/**
 * KaTeX settings; `strict: 'error'` also refuses LaTeX that KaTeX would only warn about.
 * `output: 'mathml'` (issue 21): browsers lay out MathML Core themselves, so a page carries one
 * tree per formula instead of KaTeX's MathML plus its HTML twin (the LoRA lesson went from about
 * 8,400 elements to under half that) and needs neither KaTeX's CSS nor its fonts.
 */
export const katexOptions = { strict: 'error', output: 'mathml' };

/**
 * rehype-katex reports a formula it cannot parse as a file message and renders red
 * `katex-error` text in its place. This plugin, run right after it, turns any such message into
 * a build failure naming the file, the line and the formula's error.
 */
export function rehypeFailOnMathErrors() {
  return (/** @type {unknown} */ _tree, /** @type {import('vfile').VFile} */ file) => {
    const bad = file.messages.find((m) => m.source === 'rehype-katex');
    if (bad) {
      const where = `${file.path ?? 'a lesson'}${bad.line ? `:${bad.line}` : ''}`;
      file.fail(
        `${where}: KaTeX could not render a formula: ${bad.cause instanceof Error ? bad.cause.message : bad.reason}`,
      );
    }
  };
}

/**
 * Display math that is wider than the column scrolls sideways; a scrollable region must be
 * reachable by keyboard, so every display formula's box is a `.katex-display` with tabindex="0",
 * and so is a long inline formula's (`.katex-wide`).
 * (KaTeX's MathML output has no such wrapper: the `.katex` span around `<math display="block">`
 * gets the class.)
 */
const WIDE_TEX = 40;
export function rehypeFocusableMath() {
  /** @param {any} node @returns {string} */
  const text = (node) => (node.type === 'text' ? node.value : (node.children ?? []).map(text).join(''));
  /** @param {any} node @param {string} tag @returns {any} */
  const find = (node, tag) =>
    node.tagName === tag ? node : (node.children ?? []).map((/** @type {any} */ c) => find(c, tag)).find(Boolean);
  /** @param {any} node */
  const isBlockMath = (node) =>
    node.type === 'element' && node.tagName === 'math' && node.properties?.display === 'block';
  /** Inline math that may not fit a phone's line: a matrix, or more than WIDE_TEX characters of TeX. @param {any} node */
  const isWide = (node) =>
    Boolean(find(node, 'mtable')) || text(find(node, 'annotation') ?? { type: 'text', value: '' }).length > WIDE_TEX;
  /** @param {any} node */
  const visit = (node) => {
    const cls = node.properties?.className;
    if (node.type === 'element' && Array.isArray(cls) && cls.includes('katex')) {
      if ((node.children ?? []).some(isBlockMath)) {
        if (!cls.includes('katex-display')) cls.push('katex-display');
      } else if (isWide(node)) {
        // MathML never breaks a line inside a formula: a long inline one scrolls in its own box.
        cls.push('katex-wide');
      }
    }
    if (
      node.type === 'element' &&
      Array.isArray(cls) &&
      (cls.includes('katex-display') || cls.includes('katex-wide'))
    ) {
      node.properties.tabIndex = 0;
    }
    for (const child of node.children ?? []) visit(child);
  };
  return visit;
}

/**
 * Tables wider than a phone scroll inside their own box instead of the page: each is wrapped in
 * a keyboard-focusable region labelled by its caption or first header row.
 */
export function rehypeScrollableTables() {
  /** @param {any} node */
  const text = (node) => (node.type === 'text' ? node.value : (node.children ?? []).map(text).join(''));
  /** @param {any} parent */
  const visit = (parent) => {
    const kids = parent.children ?? [];
    for (let i = 0; i < kids.length; i++) {
      const node = kids[i];
      if (node.type === 'element' && node.tagName === 'table') {
        const head = (node.children ?? []).find((/** @type {any} */ c) => c.tagName === 'thead');
        const label = (head ? text(head) : 'Table').replace(/\s+/g, ' ').trim().slice(0, 80);
        kids[i] = {
          type: 'element',
          tagName: 'div',
          properties: { className: ['table-wrap'], role: 'region', tabIndex: 0, ariaLabel: `Table: ${label}` },
          children: [node],
        };
      } else {
        visit(node);
      }
    }
  };
  return visit;
}

/**
 * MathML Core (what Chromium lays out) ignores `mathvariant` except "normal", so KaTeX's
 * `<mi mathvariant="double-struck">R</mi>` for \\mathbb{R} would show a plain R. The letters are
 * rewritten to Unicode's mathematical alphanumerics (R → ℝ) and the attribute dropped, as MathML
 * Core recommends. Offsets: the first capital, small letter and digit of each alphabet, and the
 * letters that live in the Letterlike Symbols block instead.
 */
const VARIANTS = {
  bold: { A: 0x1d400, a: 0x1d41a, 0: 0x1d7ce, holes: {} },
  'bold-italic': { A: 0x1d468, a: 0x1d482, holes: {} },
  'double-struck': {
    A: 0x1d538,
    a: 0x1d552,
    0: 0x1d7d8,
    holes: { C: 'ℂ', H: 'ℍ', N: 'ℕ', P: 'ℙ', Q: 'ℚ', R: 'ℝ', Z: 'ℤ' },
  },
  script: {
    A: 0x1d49c,
    a: 0x1d4b6,
    holes: { B: 'ℬ', E: 'ℰ', F: 'ℱ', H: 'ℋ', I: 'ℐ', L: 'ℒ', M: 'ℳ', R: 'ℛ', e: 'ℯ', g: 'ℊ', o: 'ℴ' },
  },
  fraktur: { A: 0x1d504, a: 0x1d51e, holes: { C: 'ℭ', H: 'ℌ', I: 'ℑ', R: 'ℜ', Z: 'ℨ' } },
  'sans-serif': { A: 0x1d5a0, a: 0x1d5ba, 0: 0x1d7e2, holes: {} },
  monospace: { A: 0x1d670, a: 0x1d68a, 0: 0x1d7f6, holes: {} },
};

/** @param {string} ch @param {keyof typeof VARIANTS} variant @returns {string | null} */
export function mathVariantChar(ch, variant) {
  const v = /** @type {{ A: number; a: number; 0?: number; holes: Record<string, string> }} */ (VARIANTS[variant]);
  if (v.holes[ch]) return v.holes[ch];
  if (ch >= 'A' && ch <= 'Z') return String.fromCodePoint(v.A + ch.charCodeAt(0) - 65);
  if (ch >= 'a' && ch <= 'z') return String.fromCodePoint(v.a + ch.charCodeAt(0) - 97);
  if (ch >= '0' && ch <= '9' && v[0] !== undefined) return String.fromCodePoint(v[0] + ch.charCodeAt(0) - 48);
  return null;
}

export function rehypeMathVariants() {
  /** @param {any} node */
  const visit = (node) => {
    const variant = node.properties?.mathVariant ?? node.properties?.mathvariant;
    if (
      node.type === 'element' &&
      variant in VARIANTS &&
      node.children?.every((/** @type {any} */ c) => c.type === 'text')
    ) {
      const chars = [...node.children.map((/** @type {any} */ c) => c.value).join('')];
      const mapped = chars.map((ch) => mathVariantChar(ch, variant));
      if (mapped.every((m) => m !== null)) {
        node.children = [{ type: 'text', value: mapped.join('') }];
        delete node.properties.mathVariant;
        delete node.properties.mathvariant;
      }
    }
    for (const child of node.children ?? []) visit(child);
  };
  return visit;
}

export const remarkPlugins = [remarkMath, remarkCitations];
/** @type {any[]} */
export const rehypePlugins = [
  [rehypeKatex, katexOptions],
  rehypeFailOnMathErrors,
  rehypeMathVariants,
  rehypeFocusableMath,
  rehypeScrollableTables,
];
