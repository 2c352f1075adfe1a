// @ts-check
/**
 * remark plugin for lessons: resolves every `<Cite id="…">` against the lesson's frontmatter
 * `sources`, numbering citations by their position in that list (the Sources section uses the
 * same numbers). A key that resolves to no source, or a source that is never cited, fails the
 * build with a message naming the file and the key.
 */
import { visit } from 'unist-util-visit';

/** @param {any} node @param {string} name */
const attr = (node, name) =>
  node.attributes?.find((/** @type {any} */ a) => a.type === 'mdxJsxAttribute' && a.name === name);

export default function remarkCitations() {
  return (/** @type {any} */ tree, /** @type {any} */ file) => {
    const fm = file.data?.astro?.frontmatter;
    if (!fm || !Array.isArray(fm.sources)) return;
    /** @type {string[]} */
    const ids = fm.sources.map((/** @type {any} */ s) => s?.id);
    const cited = new Set();
    visit(tree, (node) => {
      if ((node.type !== 'mdxJsxTextElement' && node.type !== 'mdxJsxFlowElement') || node.name !== 'Cite') return;
      const id = attr(node, 'id')?.value;
      const where = file.path ?? 'a lesson';
      if (typeof id !== 'string')
        file.fail(`${where}: <Cite> needs an id attribute naming one of the lesson's sources`, node);
      const i = ids.indexOf(id);
      if (i < 0)
        file.fail(
          `${where}: citation key "${id}" does not match any source id in the frontmatter (known: ${ids.join(', ')})`,
          node,
        );
      cited.add(id);
      node.attributes.push({ type: 'mdxJsxAttribute', name: 'n', value: String(i + 1) });
      node.attributes.push({ type: 'mdxJsxAttribute', name: 'title', value: String(fm.sources[i].title ?? '') });
    });
    const uncited = ids.filter((id) => !cited.has(id));
    if (uncited.length) file.fail(`${file.path ?? 'a lesson'}: sources listed but never cited: ${uncited.join(', ')}`);
  };
}
