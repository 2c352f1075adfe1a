import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every built HTML page as a URL path ("/", "/lessons/x/", "/404.html"), pagefind excluded. */
export function builtPages(dist = process.env.MARGINALIA_OUT_DIR ?? 'dist'): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        if (!['widgets', 'pagefind', '_astro', 'decks'].includes(name)) walk(full);
      } else if (name.endsWith('.html')) {
        const rel = '/' + relative(dist, full).replaceAll('\\', '/');
        out.push(rel.endsWith('/index.html') || rel === '/index.html' ? rel.replace(/index\.html$/, '') : rel);
      }
    }
  };
  walk(dist);
  return out.sort();
}

export const DIST = process.env.MARGINALIA_OUT_DIR ?? 'dist';

/** The built HTML of a page path ("/" or "/lessons/x/" or "/404.html"). */
export function builtHtml(path: string): string {
  return readFileSync(join(DIST, path.endsWith('/') ? `${path}index.html` : path), 'utf8');
}
