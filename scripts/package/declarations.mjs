// @ts-check
/**
 * Tidies the declarations tsc writes for the package (scripts/package/build.mjs):
 *
 * - `static properties` is Lit's reactive-property table, an implementation detail whose emitted
 *   type can even name private members (`typeof X.#num`, which no consumer can parse). It is
 *   declared as Lit's `PropertyDeclarations` instead.
 * - The JSDoc line each entry of that table carries (the project documents properties there) moves
 *   to the matching field declaration, so editors show it on `el.rank`.
 * - Relative `.ts` specifiers (the sources' style, kept by tsc) become `.js`.
 */
import ts from 'typescript';

/** @param {string} emitted a .d.ts file as tsc wrote it @returns {string} */
export function tidyDeclarations(emitted) {
  // tsc (5.x–6.0) writes a private static member referenced in a type as `typeof X.__#12@#num`:
  // not TypeScript. Made parseable first; the table that holds it is replaced below.
  const text = emitted.replace(/typeof [\w.$]+\.__#\d+@#[\w$]+/g, 'unknown');
  const source = ts.createSourceFile('x.d.ts', text, ts.ScriptTarget.ES2022, true);
  /** @type {{ start: number, end: number, text: string }[]} */
  const edits = [];
  const visit = (/** @type {ts.Node} */ node) => {
    if (ts.isClassDeclaration(node)) {
      /** @type {Map<string, string>} */
      const docs = new Map();
      for (const m of node.members) {
        const isStatic =
          ts.canHaveModifiers(m) && ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic || !ts.isPropertyDeclaration(m) || m.name.getText(source) !== 'properties') continue;
        if (m.type && ts.isTypeLiteralNode(m.type))
          for (const p of m.type.members) {
            const doc = ts.getJSDocCommentsAndTags(p).find(ts.isJSDoc);
            if (p.name && doc) docs.set(p.name.getText(source), doc.getText(source));
          }
        edits.push({
          start: m.getStart(source),
          end: m.getEnd(),
          text: "static properties: import('lit').PropertyDeclarations;",
        });
      }
      for (const m of node.members) {
        if (!ts.isPropertyDeclaration(m) || !m.name) continue;
        const doc = docs.get(m.name.getText(source));
        if (!doc || ts.getJSDocCommentsAndTags(m).length) continue;
        const at = m.getStart(source);
        const indent = text.slice(text.lastIndexOf('\n', at) + 1, at);
        edits.push({ start: at, end: at, text: `${doc}\n${indent}` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out.replace(
    /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g,
    (_m, pre, spec, q) => `${pre}${spec}.js${q}`,
  );
}
