import { css } from 'lit';
import { tokens } from './tokens.ts';

/**
 * Base styles for every element's shadow root: the design tokens (tokens.ts), then the host box.
 * `!important` on :host makes the element immune to a host page's `* { … !important }` rules (in
 * the cascade, important declarations from the shadow context win over the page's). Theme comes
 * only from the --mg-* custom properties, through the tokens.
 */
export const hostStyles = [
  tokens,
  css`
    :host {
      display: block !important;
      box-sizing: border-box !important;
      color: var(--_fg) !important;
      background: var(--_bg) !important;
      font: 400 var(--_font-size) / 1.5 var(--_font) !important;
      letter-spacing: normal !important;
      text-align: start !important;
      text-transform: none !important;
      -webkit-text-size-adjust: 100%;
      contain: content;
    }
    :host([hidden]) {
      display: none !important;
    }
    *,
    *::before,
    *::after {
      box-sizing: border-box;
    }
    :focus-visible {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
    .error {
      border-left: 4px solid var(--_error);
      padding: var(--_space-2) var(--_space-3);
      margin: 0 0 var(--_space-3);
      background: color-mix(in srgb, var(--_error) 10%, transparent);
    }
  `,
];
