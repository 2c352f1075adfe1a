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
 * - Custom properties: besides an element's own `@cssproperty` lines, the theme tokens of
 *   widgets/shared/tokens.ts (with their defaults) for every element that takes them; a `--mg-*`
 *   an element's styles read that is neither fails the build.
 * - A property documented only by its attribute (`@attr name - …` on the class) takes that text.
 * - Module paths name the package's files (`dist-package/<tag>.js`), not the sources.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
 *   cssParts?: { name: string, description?: string }[], cssProperties?: { name: string, description?: string, default?: string }[],
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
 * What an element's folder says about its events and custom properties: the event classes it
 * declares → the event type each dispatches (the string its constructor passes to `super`:
 * `class XEvent extends Event { … super('x-happened', …) }`), those some file there constructs
 * (`new XEvent(`), the `--mg-*` custom properties its styles read, and whether it takes the
 * shared tokens (widgets/shared/host-styles.ts or tokens.ts).
 * @param {string} dir
 */
function folderFacts(dir) {
  /** @type {string[]} */
  const sources = [];
  /** @type {(d: string) => void} */
  const read = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) read(join(d, e.name));
      else if (e.name.endsWith('.ts')) sources.push(readFileSync(join(d, e.name), 'utf8'));
  };
  read(dir);
  /** @type {Map<string, string>} */
  const classes = new Map();
  for (const text of sources)
    for (const m of text.matchAll(/class (\w+) extends (?:Custom)?Event\b[\s\S]*?\bsuper\(\s*['"]([^'"]+)['"]/g))
      classes.set(m[1], m[2]);
  const constructed = [...classes.keys()].filter((c) => sources.some((t) => new RegExp(`\\bnew ${c}\\(`).test(t)));
  const cssVars = new Set(sources.flatMap((t) => [...t.matchAll(/var\((--mg-[\w-]+)/g)].map((m) => m[1])));
  const usesTokens = sources.some((t) => /shared\/(?:host-styles|tokens)\.ts['"]/.test(t));
  return { classes, constructed, cssVars, usesTokens };
}

/**
 * The theme tokens every element takes (widgets/shared/tokens.ts): `--mg-name` → its light and
 * dark defaults, read from the `--_name: var(--mg-name, default);` lines.
 * @param {string} root @returns {Map<string, { light: string, dark?: string }>}
 */
function sharedTokens(root) {
  const file = join(root, 'widgets/shared/tokens.ts');
  /** @type {Map<string, { light: string, dark?: string }>} */
  const out = new Map();
  if (!existsSync(file)) return out;
  for (const m of readFileSync(file, 'utf8').matchAll(/--_[\w-]+:\s*var\((--mg-[\w-]+),\s*([^;]+)\);/g)) {
    const seen = out.get(m[1]);
    if (!seen) out.set(m[1], { light: m[2].trim() });
    else if (seen.dark === undefined && m[2].trim() !== seen.light) seen.dark = m[2].trim();
  }
  return out;
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
  const tokens = sharedTokens(root);
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
      const { classes, constructed, cssVars, usesTokens } = folderFacts(dirname(join(root, mod.path)));
      const named = (d.events ?? []).filter((e) => e.name && e.description !== undefined);
      for (const e of named) {
        const cls = [...classes].find(([, type]) => type === e.name)?.[0];
        if (cls) e.type = { text: cls };
      }
      for (const cls of constructed)
        if (!named.some((n) => n.name === classes.get(cls)))
          problems.push(`<${d.tagName}> dispatches ${cls} (${classes.get(cls)}) with no @fires for it`);
      d.events = named;
      // Custom properties: the element's own @cssproperty lines, then every shared theme token
      // it takes; a --mg-* its styles read that is neither fails the build.
      const css = (d.cssProperties ??= []);
      const shared = usesTokens ? tokens : new Map();
      for (const v of cssVars)
        if (!shared.has(v) && !css.some((p) => p.name === v))
          problems.push(`<${d.tagName}> reads ${v} with no @cssproperty for it`);
      for (const [name, t] of shared)
        if (!css.some((p) => p.name === name))
          css.push({
            name,
            description: `Theme token every element takes; default ${t.light}${t.dark ? ` (${t.dark} under a dark colour scheme)` : ''}.`,
            default: t.light,
          });
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
