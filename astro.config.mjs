// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import { widgets } from './scripts/widgets-integration.mjs';
import { remarkPlugins, rehypePlugins } from './src/lib/markdown.mjs';

/** Replaces Vite's dynamic-import preload helper by a plain call of the import. @returns {any} */
function noPreloadHelper() {
  const id = '\0vite/preload-helper.js';
  return {
    name: 'marginalia-site-no-preload-helper',
    enforce: 'pre',
    load: (/** @type {string} */ source) =>
      source === id ? 'export const __vitePreload = (load) => load();\n' : undefined,
  };
}

// One static site. Widgets are built as standalone ES modules into dist/widgets/ by the
// `widgets` integration, so lessons and foreign embedders load the very same files.
export default defineConfig({
  site: 'http://127.0.0.1:4321',
  output: 'static',
  // MARGINALIA_OUT_DIR lets parallel work build elsewhere; the test server reads the same variable.
  outDir: process.env.MARGINALIA_OUT_DIR ?? './dist',
  trailingSlash: 'always',
  build: { format: 'directory' },
  markdown: {
    // Astro 7 runs remark/rehype plugins only through the unified processor.
    // See src/lib/markdown.mjs: KaTeX at build time, citations resolved against frontmatter.
    processor: unified({ remarkPlugins, rehypePlugins }),
    shikiConfig: {
      // High-contrast themes: every token meets WCAG AA on the code background.
      themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
      defaultColor: false,
    },
  },
  integrations: [mdx(), widgets()],
  devToolbar: { enabled: false },
  // The site's scripts lazily import only plain JS (search-ui, section mastery): Vite's preload
  // helper, which would preload a lazy chunk's CSS, is 0.9 KB gzip of the 2 KB every page may ship.
  vite: { plugins: [noPreloadHelper()] },
});
