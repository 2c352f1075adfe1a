/**
 * Dependency arrows point down (DESIGN.md: widgets/<tag> → widgets/engine → widgets/{gpu, wasm} → widgets/core):
 * the core imports nothing outside itself, and the GPU backend does not import the engine that
 * uses it (their contract is core/train-backend.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const widgets = resolve(dirname(fileURLToPath(import.meta.url)), '../../../widgets');

/** Every relative module a folder's .ts files import (static or dynamic), as paths under widgets/. */
function importsOf(folder: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  const dir = join(widgets, folder);
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!name.endsWith('.ts')) continue;
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(widgets, resolve(dirname(file), m[1].replace(/\?.*$/, '')));
      out.push({ file: relative(widgets, file), target });
    }
  }
  return out;
}

describe('dependency direction', () => {
  it('finds the imports it checks', () => {
    expect(importsOf('gpu').some((i) => i.target.startsWith('core/'))).toBe(true);
    expect(importsOf('core').some((i) => i.target === 'core/matrix.ts')).toBe(true);
  });

  it('widgets/core imports nothing outside widgets/core', () => {
    expect(importsOf('core').filter((i) => !i.target.startsWith('core/'))).toEqual([]);
  });

  it('widgets/gpu imports only itself and widgets/core', () => {
    expect(importsOf('gpu').filter((i) => !/^(gpu|core)\//.test(i.target))).toEqual([]);
  });

  it('widgets/engine imports only itself, widgets/gpu, widgets/wasm, widgets/core and widgets/shared', () => {
    expect(importsOf('engine').filter((i) => !/^(engine|gpu|wasm|core|shared)\//.test(i.target))).toEqual([]);
    expect(importsOf('engine').some((i) => i.target.startsWith('wasm/'))).toBe(true);
  });

  it('widgets/wasm (the WebAssembly kernels and their loader) imports only itself and widgets/core', () => {
    expect(importsOf('wasm').filter((i) => !/^(wasm|core)\//.test(i.target))).toEqual([]);
  });
});
