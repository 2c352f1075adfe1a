import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preloadFiles, addModulePreloads } from '../../../scripts/widgets-integration.mjs';

type Graph = Parameters<typeof preloadFiles>[0];
const chunk = (name: string, imports: string[] = [], dynamicImports: string[] = []) => ({
  name,
  imports,
  dynamicImports,
});
const graph: Graph = new Map([
  ['srs-quiz.js', chunk('srs-quiz', ['chunks/srs-quiz-1.js'])],
  [
    'chunks/srs-quiz-1.js',
    chunk('srs-quiz', ['chunks/lit-1.js', 'chunks/decks-1.js'], ['chunks/overview-1.js', 'chunks/srs-exchange-1.js']),
  ],
  ['chunks/lit-1.js', chunk('lit')],
  ['chunks/decks-1.js', chunk('decks', ['chunks/lit-1.js'], ['chunks/srs-fsrs-1.js'])],
  ['chunks/overview-1.js', chunk('overview', ['chunks/shared-1.js'])],
  ['chunks/shared-1.js', chunk('shared')],
  ['chunks/srs-fsrs-1.js', chunk('srs-fsrs')],
  ['chunks/srs-exchange-1.js', chunk('srs-exchange')],
]);

describe('module preloads for a widget shown on load', () => {
  it('lists the module, its static imports, and the named lazy chunks with their imports; nothing else', () => {
    expect(preloadFiles(graph, 'srs-quiz').sort()).toEqual([
      'chunks/decks-1.js',
      'chunks/lit-1.js',
      'chunks/srs-quiz-1.js',
      'srs-quiz.js',
    ]);
    expect(preloadFiles(graph, 'srs-quiz', ['overview', 'srs-fsrs']).sort()).toEqual(
      [
        'chunks/decks-1.js',
        'chunks/lit-1.js',
        'chunks/overview-1.js',
        'chunks/shared-1.js',
        'chunks/srs-fsrs-1.js',
        'chunks/srs-quiz-1.js',
        'srs-quiz.js',
      ].sort(),
    );
  });

  it('fails the build for an unknown widget or a lazy chunk name it cannot import', () => {
    expect(() => preloadFiles(graph, 'no-such-widget')).toThrow(/no widget module no-such-widget\.js/);
    expect(() => preloadFiles(graph, 'srs-quiz', ['overveiw'])).toThrow(/no lazy chunk named "overveiw".*overview/);
  });

  it('puts an async module script and the preloads at the top of the head of pages that mark a widget eager, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mg-preload-'));
    try {
      mkdirSync(join(dir, 'review'));
      const head =
        '<head><meta charset="utf-8"><link rel="icon" href="/favicon.svg"><link rel="preload" as="fetch" href="/decks/a.json"></head>';
      writeFileSync(
        join(dir, 'review/index.html'),
        `<!doctype html><html>${head}<body><srs-quiz class="mg-widget" data-mg-widget data-mg-eager="overview" deck="a"></srs-quiz></body></html>`,
      );
      writeFileSync(
        join(dir, 'index.html'),
        `<!doctype html><html>${head}<body><srs-quiz data-mg-widget deck="a"></srs-quiz></body></html>`,
      );
      const changed = addModulePreloads(dir, '/base/', graph);
      expect(changed).toEqual([join(dir, 'review/index.html')]);
      const html = readFileSync(join(dir, 'review/index.html'), 'utf8');
      const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((m) => m[0]);
      expect(tags.slice(0, 7)).toEqual([
        '<script type="module" async src="/base/widgets/srs-quiz.js">',
        '<link rel="modulepreload" href="/base/widgets/srs-quiz.js">',
        '<link rel="modulepreload" href="/base/widgets/chunks/srs-quiz-1.js">',
        '<link rel="modulepreload" href="/base/widgets/chunks/lit-1.js">',
        '<link rel="modulepreload" href="/base/widgets/chunks/decks-1.js">',
        '<link rel="modulepreload" href="/base/widgets/chunks/overview-1.js">',
        '<link rel="modulepreload" href="/base/widgets/chunks/shared-1.js">',
      ]);
      expect(tags[7]).toBe('<link rel="icon" href="/favicon.svg">');
      expect(readFileSync(join(dir, 'index.html'), 'utf8')).not.toContain('modulepreload');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
