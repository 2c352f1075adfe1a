import { css } from 'lit';

/**
 * Base styles for every element's shadow root. `!important` on :host makes the element immune to
 * a host page's `* { … !important }` rules (in the cascade, important declarations from the
 * shadow context win over the page's). Theme comes only from the --mg-* custom properties.
 */
export const hostStyles = css`
  :host {
    display: block !important;
    box-sizing: border-box !important;
    color: var(--mg-fg, #1c1b19) !important;
    background: var(--mg-bg, #fdfcf9) !important;
    font: 400 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif !important;
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
  @media (prefers-color-scheme: dark) {
    :host {
      color: var(--mg-fg, #e9e7e1) !important;
      background: var(--mg-bg, #15171a) !important;
    }
  }
  :focus-visible {
    outline: 3px solid var(--mg-focus, #1d6fd1);
    outline-offset: 2px;
  }
  .error {
    border-left: 4px solid #b3261e;
    padding: 0.5rem 0.75rem;
    margin: 0 0 0.75rem;
    background: color-mix(in srgb, #b3261e 10%, transparent);
  }
`;
