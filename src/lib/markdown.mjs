// @ts-check
/**
 * The remark/rehype plugins every lesson goes through, shared by astro.config.mjs and the unit
 * tests (which prove a bad formula or citation fails instead of shipping).
 */
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import remarkCitations from './remark-citations.mjs';

/** KaTeX settings; `strict: 'error'` also refuses LaTeX that KaTeX would only warn about. */
export const katexOptions = { strict: 'error' };

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
      file.fail(`${where}: KaTeX could not render a formula: ${bad.cause instanceof Error ? bad.cause.message : bad.reason}`);
    }
  };
}

/**
 * Display math that is wider than the column scrolls sideways; a scrollable region must be
 * reachable by keyboard, so every .katex-display gets tabindex="0".
 */
export function rehypeFocusableMath() {
  /** @param {any} node */
  const visit = (node) => {
    const cls = node.properties?.className;
    if (node.type === 'element' && Array.isArray(cls) && cls.includes('katex-display')) node.properties.tabIndex = 0;
    for (const child of node.children ?? []) visit(child);
  };
  return visit;
}

export const remarkPlugins = [remarkMath, remarkCitations];
/** @type {any[]} */
export const rehypePlugins = [[rehypeKatex, katexOptions], rehypeFailOnMathErrors, rehypeFocusableMath];
