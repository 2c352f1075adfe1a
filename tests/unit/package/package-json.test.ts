/**
 * package.json as the npm package's manifest (issue 20): every element the build finds has its
 * entry point, internal files stay closed, and the dependencies are exactly what the widgets import.
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicWidgets } from '../../../scripts/widgets-integration.mjs';

const root = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  private?: boolean;
  exports: Record<string, null | string | { types: string; default: string }>;
  types: string;
  files: string[];
  customElements: string;
  sideEffects: string[];
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts: Record<string, string>;
};

/** Node's resolution of `exports` for a subpath: the exact key, else the longest matching `*` pattern. */
function target(subpath: string) {
  if (subpath in pkg.exports) return pkg.exports[subpath];
  const patterns = Object.keys(pkg.exports)
    .filter((k) => k.includes('*'))
    .sort((a, b) => b.length - a.length);
  for (const k of patterns) {
    const [head, tail] = k.split('*') as [string, string];
    if (subpath.startsWith(head) && subpath.endsWith(tail)) {
      const star = subpath.slice(head.length, subpath.length - tail.length);
      const t = pkg.exports[k];
      if (t === null || typeof t === 'string') return t && t.replace('*', star);
      return { types: t.types.replace('*', star), default: t.default.replace('*', star) };
    }
  }
  return undefined;
}

describe('package.json', () => {
  test('is the package marginalia-widgets, built before packing, shipping dist-package/', () => {
    expect(pkg.name).toBe('marginalia-widgets');
    expect(pkg.private).toBeUndefined();
    expect(pkg.scripts['prepack']).toBe('node scripts/package/build.mjs');
    expect(pkg.files).toEqual(['dist-package/']);
    expect(pkg.customElements).toBe('dist-package/custom-elements.json');
    expect(pkg.types).toBe('./dist-package/all.d.ts');
    // The entries define elements (chunks run nothing at top level). The site build reads this same
    // file: without its sources listed, Astro drops every <script> that only imports a module.
    expect(pkg.sideEffects).toEqual(expect.arrayContaining(['./dist-package/*.js', './src/**', './widgets/**']));
    expect(pkg.sideEffects.filter((p) => p.startsWith('./dist-package/'))).toEqual(['./dist-package/*.js']);
  });

  test('every element the build finds has its entry, with declarations; the main entry defines all', () => {
    for (const tag of Object.keys(publicWidgets()))
      expect(target(`./${tag}`), tag).toEqual({
        types: `./dist-package/${tag}.d.ts`,
        default: `./dist-package/${tag}.js`,
      });
    const all = { types: './dist-package/all.d.ts', default: './dist-package/all.js' };
    expect(target('.')).toEqual(all);
    expect(target('./all')).toEqual(all);
    expect(target('./custom-elements.json')).toBe('./dist-package/custom-elements.json');
  });

  test('chunks, workers, assets and the declaration tree are not entry points', () => {
    for (const p of ['./chunks/client-x.js', './workers/engine.worker-x.js', './assets/kernels-x.wasm', './types/x'])
      expect(target(p), p).toBeNull();
  });

  test('dependencies are exactly the packages the widgets import (left to the consumer to install)', () => {
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : [],
      );
    const imported = new Set<string>();
    for (const f of files(join(root, 'widgets')))
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
        const spec = m[1]!;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    // @types/three: the declarations import 'three' types; an optional peer for TypeScript users
    expect(Object.keys(pkg.peerDependencies ?? {})).toEqual(['@types/three']);
  });
});
