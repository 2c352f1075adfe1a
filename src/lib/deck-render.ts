/**
 * Card Markdown → sanitised HTML at build time. Math goes through KaTeX with MathML output only
 * (no inline styles: embedders' CSP is `style-src 'self'`); raw HTML in the Markdown is dropped
 * (remark-rehype's default); what remains is cut down to the allowlist in widgets/core/srs-html.ts,
 * the same list the element enforces when it copies the HTML into its shadow DOM.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMath from 'remark-math';
import remarkRehype from 'remark-rehype';
import rehypeKatex from 'rehype-katex';
import rehypeStringify from 'rehype-stringify';
import type { Root, Element, ElementContent, RootContent } from 'hast';
import {
  ALLOWED_ELEMENTS,
  ALLOWED_ATTRIBUTES,
  DROP_WITH_CONTENT,
  allowedHref,
  allowedClass,
} from '../../widgets/core/srs-html.ts';

export class CardRenderError extends Error {
  override name = 'CardRenderError';
}

// hast property names for the attributes that differ from their HTML spelling.
const PROPERTY_TO_ATTRIBUTE: Record<string, string> = { className: 'class', colSpan: 'colspan', rowSpan: 'rowspan' };

function cleanChildren(children: (ElementContent | RootContent)[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const child of children) {
    if (child.type === 'text') out.push(child);
    else if (child.type === 'element') {
      if (DROP_WITH_CONTENT.has(child.tagName)) continue;
      const inner = cleanChildren(child.children);
      if (!ALLOWED_ELEMENTS.has(child.tagName)) {
        out.push(...inner); // unwrap: keep the text, lose the element
        continue;
      }
      out.push({ ...child, properties: cleanProperties(child), children: inner });
    }
    // comments, doctypes and raw nodes are dropped
  }
  return out;
}

function cleanProperties(el: Element): Element['properties'] {
  const props: Element['properties'] = {};
  for (const [name, value] of Object.entries(el.properties ?? {})) {
    const attr = PROPERTY_TO_ATTRIBUTE[name] ?? name.toLowerCase();
    if (!ALLOWED_ATTRIBUTES.has(attr) || value === null || value === undefined || value === false) continue;
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    if (attr === 'href' && !allowedHref(text)) continue;
    if (attr === 'class') {
      const kept = allowedClass(text);
      if (kept) props.className = kept.split(' ');
      continue;
    }
    props[name] = value;
  }
  return props;
}

/** Cuts a hast tree down to the allowlist (exported for the tests). */
export function rehypeSanitizeCard() {
  return (tree: Root) => {
    tree.children = cleanChildren(tree.children);
  };
}

const processor = unified()
  .use(remarkParse)
  .use(remarkMath)
  .use(remarkRehype)
  .use(rehypeKatex, { output: 'mathml', strict: 'error' })
  .use(rehypeSanitizeCard)
  .use(rehypeStringify);

/** Renders one side of a card; `where` ("deck "x", card "y", back") starts any error message. */
export function renderCardMarkdown(markdown: string, where: string): string {
  const file = processor.processSync(markdown);
  const bad = file.messages.find((m) => m.source === 'rehype-katex');
  if (bad)
    throw new CardRenderError(
      `${where}: KaTeX could not render a formula: ${bad.cause instanceof Error ? bad.cause.message : bad.reason}`,
    );
  const html = String(file).trim();
  if (!html) throw new CardRenderError(`${where}: renders to nothing`);
  return html;
}
