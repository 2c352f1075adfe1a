// @ts-check
/**
 * custom-elements.json for the npm package: @custom-elements-manifest/analyzer (with its Lit
 * plugin) over each element's source, widgets/<tag>/<tag>.ts, plus what the analyzer gets wrong
 * or leaves out for elements written the way this project writes them:
 *
 * - `static properties` entries with `state: true` are internal reactive state, never
 *   attributes (Lit does not observe them): the analyzer lists them as attributes; they go.
 * - Private members (`#x`, `private x`) are not API: they go.
 * - Each `@fires name` gets its `type`: the event class in the element's folder whose constructor
 *   passes `name` to `super`. The events the analyzer adds for `dispatchEvent(new XEvent(…))`
 *   (no text, often no name) go; an event class of the folder that is constructed but not
 *   documented with `@fires` fails the build.
 * - A property documented only by its attribute (`@attr name - …` on the class) takes that text.
 * - Module paths name the package's files (`dist-package/<tag>.js`), not the sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as analyzer from '@custom-elements-manifest/analyzer';
// @ts-expect-error: the analyzer ships no declarations for its Lit plugin's module
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';

/**
 * The analyzer's `create`, and the TypeScript it parses with (its own copy, 5.4: its syntax kinds
 * must be the ones it compares against). Its declarations name neither.
 * @type {{ create(o: { modules: import('typescript').SourceFile[], plugins: unknown[] }): unknown, ts: typeof import('typescript') }}
 */
const { create, ts } = /** @type {any} */ (analyzer);

/** The folder of the package's built files, relative to the package root. */
export const PACKAGE_DIR = 'dist-package';

/**
 * @typedef {{ name: string, description?: string, type?: { text: string } }} CemEvent
 * @typedef {{ kind: string, name: string, privacy?: string, static?: boolean, description?: string, attribute?: string }} CemMember
 * @typedef {{ name: string, description?: string, fieldName?: string }} CemAttribute
 * @typedef {{ kind: string, name: string, tagName?: string, customElement?: boolean, description?: string,
 *   summary?: string, members?: CemMember[], attributes?: CemAttribute[], events?: CemEvent[],
 *   cssParts?: { name: string, description?: string }[], cssProperties?: { name: string, description?: string }[],
 *   slots?: { name: string, description?: string }[] }} CemDeclaration
 * @typedef {{ kind: string, name: string, declaration: { name: string, module?: string } }} CemExport
 * @typedef {{ kind: string, path: string, declarations: CemDeclaration[], exports?: CemExport[] }} CemModule
 * @typedef {{ schemaVersion: string, readme: string, modules: CemModule[] }} Manifest
 */

/** Names of `static properties` entries declared `state: true`, per class name, in one source file. */
function stateProperties(/** @type {import('typescript').SourceFile} */ source) {
  /** @type {Map<string, Set<string>>} */
  const out = new Map();
  const visit = (/** @type {import('typescript').Node} */ node) => {
    if (ts.isClassDeclaration(node) && node.name) {
      const names = new Set();
      for (const member of node.members) {
        const isStatic =
          ts.canHaveModifiers(member) && ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic || !ts.isPropertyDeclaration(member) || member.name.getText(source) !== 'properties') continue;
        const init = member.initializer;
        if (!init || !ts.isObjectLiteralExpression(init)) continue;
        for (const p of init.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isObjectLiteralExpression(p.initializer)) continue;
          const isState = p.initializer.properties.some(
            (o) =>
              ts.isPropertyAssignment(o) &&
              o.name.getText(source) === 'state' &&
              o.initializer.kind === ts.SyntaxKind.TrueKeyword,
          );
          if (isState) names.add(p.name.getText(source));
        }
      }
      out.set(node.name.text, names);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/**
 * The event classes declared in an element's folder → the event type each dispatches (the string
 * its constructor passes to `super`: `class XEvent extends Event { … super('x-happened', …) }`),
 * and those some file there constructs (`new XEvent(`).
 * @param {string} dir
 */
function eventClasses(dir) {
  /** @type {Map<string, string>} */
  const classes = new Map();
  /** @type {string[]} */
  const sources = [];
  /** @type {(d: string) => void} */
  const read = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) read(join(d, e.name));
      else if (e.name.endsWith('.ts')) sources.push(readFileSync(join(d, e.name), 'utf8'));
  };
  read(dir);
  for (const text of sources)
    for (const m of text.matchAll(/class (\w+) extends (?:Custom)?Event\b[\s\S]*?\bsuper\(\s*['"]([^'"]+)['"]/g))
      classes.set(m[1], m[2]);
  const constructed = [...classes.keys()].filter((c) => sources.some((t) => new RegExp(`\\bnew ${c}\\(`).test(t)));
  return { classes, constructed };
}

/**
 * The manifest for the elements `entries` (tag → absolute source path), paths relative to `root`.
 * @param {string} root @param {Record<string, string>} entries @returns {Manifest}
 */
export function buildManifest(root, entries) {
  /** @type {Map<string, string>} source path (relative) → package file */
  const shipped = new Map(
    Object.entries(entries).map(([tag, file]) => [relative(root, file), `${PACKAGE_DIR}/${tag}.js`]),
  );
  const modules = [...shipped.keys()].map((path) =>
    ts.createSourceFile(path, readFileSync(`${root}/${path}`, 'utf8'), ts.ScriptTarget.ES2022, true),
  );
  /** @type {Map<string, Set<string>>} */
  const state = new Map();
  for (const m of modules) for (const [cls, names] of stateProperties(m)) state.set(`${m.fileName}#${cls}`, names);

  const manifest = /** @type {Manifest} */ (create({ modules, plugins: litPlugin() }));
  /** @type {string[]} */
  const problems = [];
  for (const mod of manifest.modules) {
    for (const d of mod.declarations) {
      if (d.kind !== 'class') continue;
      const internal = state.get(`${mod.path}#${d.name}`) ?? new Set();
      d.members = (d.members ?? []).filter(
        (m) => m.privacy !== 'private' && !m.name.startsWith('#') && !internal.has(m.name),
      );
      if (!d.customElement) continue;
      d.attributes = (d.attributes ?? []).filter((a) => !internal.has(a.fieldName ?? a.name));
      for (const m of d.members) {
        const attr = d.attributes.find((a) => a.fieldName === m.name);
        if (!m.description && attr?.description) m.description = attr.description;
        if (attr && !attr.description && m.description) attr.description = m.description;
      }
      // The documented events are the ones with @fires text. What the element fires is every
      // event class of its folder that some file there constructs: the analyzer's own finds
      // (only `dispatchEvent(new X(…))` in the element's file, and only the first with no string
      // name) are not enough.
      const { classes, constructed } = eventClasses(dirname(join(root, mod.path)));
      const named = (d.events ?? []).filter((e) => e.name && e.description !== undefined);
      for (const e of named) {
        const cls = [...classes].find(([, type]) => type === e.name)?.[0];
        if (cls) e.type = { text: cls };
      }
      for (const cls of constructed)
        if (!named.some((n) => n.name === classes.get(cls)))
          problems.push(`<${d.tagName}> dispatches ${cls} (${classes.get(cls)}) with no @fires for it`);
      d.events = named;
    }
  }
  if (problems.length) throw new Error(`custom-elements.json:\n  ${problems.join('\n  ')}`);

  // Paths: the package's files, not the sources.
  for (const mod of manifest.modules) {
    mod.path = shipped.get(mod.path) ?? mod.path;
    for (const x of mod.exports ?? [])
      if (x.declaration.module) x.declaration.module = shipped.get(x.declaration.module) ?? x.declaration.module;
  }
  return manifest;
}
