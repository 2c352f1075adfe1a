import { css } from 'lit';

/**
 * The design tokens every element uses: one place for the colours (light, and dark under
 * prefers-color-scheme), type and spacing. Each token is an internal `--_name` set on :host from
 * the public `--mg-name` an embedder (or the site, src/styles/global.css) may set, with the
 * site's own palette as the fallback, so a widget on a page that sets nothing looks like it does
 * on the site. Embedders theme through:
 *
 *  - colours: `--mg-fg`, `--mg-bg`, `--mg-surface`, `--mg-muted`, `--mg-border`, `--mg-accent`,
 *    `--mg-accent-fg`, `--mg-link`, `--mg-focus`;
 *  - type: `--mg-font`, `--mg-mono`, `--mg-font-size`;
 *  - shape: `--mg-radius`.
 *
 * Element-specific colours (chart series, heatmap ends) stay in each element's styles file,
 * next to the tokens they sit on. Spacing steps (`--_space-1` … `--_space-4`) are em-based, so
 * they follow `--mg-font-size`. (No comments inside the css literal: they would ship.)
 */
export const tokens = css`
  :host {
    --_fg: var(--mg-fg, #1c1b19);
    --_bg: var(--mg-bg, #fdfcf9);
    --_surface: var(--mg-surface, #f3f1ea);
    --_muted: var(--mg-muted, #57534a);
    --_border: var(--mg-border, #d6d2c4);
    --_accent: var(--mg-accent, #0a58ca);
    --_accent-fg: var(--mg-accent-fg, #ffffff);
    --_link: var(--mg-link, #0b5cad);
    --_focus: var(--mg-focus, #1d6fd1);
    --_error: #b3261e;
    --_font: var(--mg-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--mg-mono, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_font-size: var(--mg-font-size, medium);
    --_radius: var(--mg-radius, 0.5em);
    --_space-1: 0.25em;
    --_space-2: 0.5em;
    --_space-3: 0.75em;
    --_space-4: 1em;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--mg-fg, #e9e7e1);
      --_bg: var(--mg-bg, #15171a);
      --_surface: var(--mg-surface, #1e2126);
      --_muted: var(--mg-muted, #b4afa3);
      --_border: var(--mg-border, #3a3f46);
      --_accent: var(--mg-accent, #8ab4ff);
      --_accent-fg: var(--mg-accent-fg, #15171a);
      --_link: var(--mg-link, #8cc3ff);
      --_focus: var(--mg-focus, #8cc3ff);
      --_error: #ff8a80;
    }
  }
`;
