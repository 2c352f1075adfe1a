// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import { widgets } from './scripts/widgets-integration.mjs';
import { remarkPlugins, rehypePlugins } from './src/lib/markdown.mjs';

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
});
