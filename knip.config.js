// @ts-check
/**
 * Unused exports under widgets/ (knip; layer `exports` of `npm test`, alone: `npm run exports`).
 * An export nothing imports is dead API or a leftover: remove it, or drop the `export`.
 * Entry points (their exports are the public surface, never reported): the element modules that
 * scripts/widgets-integration.mjs builds, the test-only elements, workers (`*.worker.ts`), the
 * site (src/, through knip's Astro plugin), the tools, and the tests (Vitest and Playwright plugins).
 */
import { relative } from 'node:path';
import { fixtureWidgets, publicWidgets } from './scripts/widgets-integration.mjs';

const elements = Object.values({ ...publicWidgets(), ...fixtureWidgets() }).map((f) =>
  relative(import.meta.dirname, f),
);

/** @type {import('knip').KnipConfig} */
export default {
  entry: [
    ...elements,
    'widgets/**/*.worker.ts',
    'tests/fixtures/widgets/**/*.ts',
    'scripts/**/*.mjs',
    'bench/**/*.{mjs,ts}',
    'src/**/*.{ts,mjs,astro}',
  ],
  project: ['widgets/**/*.ts', 'src/**/*.astro', 'content/**/*.mdx'],
  include: ['exports', 'types', 'nsExports', 'nsTypes', 'duplicates'],
  // A type exported beside the function whose arguments or result it describes stays exported
  // even when no other module names it yet: it is part of that function's public shape.
  ignoreExportsUsedInFile: { interface: true, type: true },
};
