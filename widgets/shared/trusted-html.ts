import {
  ALLOWED_ELEMENTS,
  ALLOWED_ATTRIBUTES,
  DROP_WITH_CONTENT,
  allowedHref,
  allowedClass,
} from '../core/srs-html.ts';

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

/**
 * HTML published by this module's own site (deck cards, interview answers; already sanitised when
 * the site was built) → DOM nodes, copied element by element through the same allowlist
 * (widgets/core/srs-html.ts). DOMParser makes an inert document: nothing in it runs or loads.
 * Only HTML and MathML elements survive; no style, no event handlers, no unsafe URLs.
 */
export function trustedFragment(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const out = document.createDocumentFragment();
  copyChildren(parsed.body, out);
  return out;
}

function copyChildren(from: Node, to: Node): void {
  for (const child of Array.from(from.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (!(child instanceof Element)) continue;
    const name = child.localName;
    if (DROP_WITH_CONTENT.has(name)) continue;
    const ns = child.namespaceURI;
    if (!ALLOWED_ELEMENTS.has(name) || (ns !== HTML_NS && ns !== MATHML_NS)) {
      copyChildren(child, to);
      continue;
    }
    const el = document.createElementNS(ns, name);
    for (const attr of Array.from(child.attributes)) {
      const a = attr.name.toLowerCase();
      if (!ALLOWED_ATTRIBUTES.has(a) || a === 'xmlns') continue;
      if (a === 'href' && !allowedHref(attr.value)) continue;
      const value = a === 'class' ? allowedClass(attr.value) : attr.value;
      if (value !== undefined) el.setAttribute(a, value);
    }
    copyChildren(child, el);
    to.appendChild(el);
  }
}
