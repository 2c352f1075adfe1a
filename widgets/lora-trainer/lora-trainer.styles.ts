import { css } from 'lit';

/**
 * Shadow styles for `<lora-trainer>`, on top of hostStyles and its design tokens (widgets/shared/
 * tokens.ts: theme through the --mg-* properties listed there); fallbacks follow prefers-color-scheme.
 * Canvas sizes and legend swatches are set through CSSOM in the element (never a style
 * attribute: embedders run `style-src 'self'`). No transitions under prefers-reduced-motion.
 * (No comments inside the css literal: they would ship.)
 */
export const styles = css`
  :host {
    --_grid-line: #e2e2e8;
    --_panel: #f6f6f8;
    --_ref: #5f5f6b;
    --_val: #0f766e;
    --_ok: #17693a;
    --_warn: #9a3b00;
    --_locked: #eef0f4;
    display: block !important;
    max-width: 72em;
    color: var(--_fg) !important;
    background: var(--_bg) !important;
    font: 400 var(--_font-size) / 1.5 var(--_font) !important;
    contain: layout paint style;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_grid-line: #34343d;
      --_panel: #202027;
      --_ref: #b4b4c0;
      --_val: #5eead4;
      --_ok: #6fd39a;
      --_warn: #ffb27a;
      --_locked: #25252d;
    }
  }
  .root {
    color: var(--_fg);
    background: var(--_bg);
    font: 400 var(--_font-size) / 1.5 var(--_font);
    text-align: start;
    letter-spacing: normal;
    text-transform: none;
    word-spacing: normal;
    padding: 0.9em;
    border: 1px solid var(--_grid-line);
    border-radius: 0.6em;
    display: grid;
    gap: 0.8em;
    min-width: 0;
    container-type: inline-size;
  }
  p {
    margin: 0;
  }
  .head {
    display: flex;
    justify-content: space-between;
    align-items: flex-start;
    gap: 1em;
    flex-wrap: wrap;
  }
  .title {
    font-weight: 700;
    font-size: 1.15em;
  }
  .sub {
    color: var(--_muted);
    max-width: 46em;
    font-size: 0.95em;
  }
  .badge {
    font-size: 0.8em;
    font-weight: 600;
    border: 1px solid var(--_grid-line);
    border-radius: 999px;
    padding: 0.15em 0.7em;
    white-space: nowrap;
  }
  .muted,
  /* Text that changes when the trainer starts keeps the room of its started form (no layout shift). */
  .stack {
    display: grid;
  }
  .stack > * {
    grid-area: 1 / 1;
  }
  .unset {
    visibility: hidden;
  }
  .badge.muted {
    color: var(--_muted);
  }
  .note {
    font-size: 0.88em;
    color: var(--_muted);
    border-left: 3px solid var(--_grid-line);
    padding-left: 0.6em;
  }
  .alerts:empty {
    display: none;
  }
  .error {
    list-style: none;
    margin: 0;
    border-left: 4px solid #b3261e;
    padding: 0.5em 0.75em;
    background: color-mix(in srgb, #b3261e 9%, transparent);
  }
  .error li + li {
    margin-top: 0.25em;
  }
  button,
  select,
  input {
    font: inherit;
    font-size: 0.95em;
    color: inherit;
  }
  button {
    border: 1px solid var(--_muted);
    background: var(--_bg);
    border-radius: 0.4em;
    padding: 0.35em 0.85em;
    cursor: pointer;
    min-height: 2.2em;
  }
  button:hover:not(:disabled) {
    border-color: var(--_accent);
  }
  button.primary {
    background: var(--_accent);
    color: var(--_bg);
    border-color: var(--_accent);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button.link {
    border: 0;
    background: none;
    padding: 0;
    min-height: 0;
    color: var(--_accent);
    text-decoration: underline;
  }
  select,
  input[type='number'],
  input[type='text'] {
    border: 1px solid var(--_muted);
    border-radius: 0.35em;
    background: var(--_bg);
    padding: 0.25em 0.4em;
    min-height: 2.1em;
    max-width: 100%;
  }
  a {
    color: var(--_accent);
  }
  code,
  pre {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 0.88em;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  .inline {
    display: inline-flex;
    gap: 0.4em;
    align-items: center;
  }
  .readouts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9.5em, 1fr));
    gap: 0.4em 0.9em;
    margin: 0;
    padding: 0.6em 0.8em;
    background: var(--_panel);
    border-radius: 0.5em;
  }
  .readouts dt {
    font-size: 0.78em;
    color: var(--_muted);
    text-transform: none;
  }
  .readouts dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .readouts .params {
    grid-column: span 2;
  }
  .main {
    display: grid;
    gap: 0.9em;
    min-width: 0;
  }
  @container (min-width: 760px) {
    .main.with-settings {
      grid-template-columns: minmax(0, 1fr) 280px;
    }
  }
  figure {
    margin: 0;
    min-width: 0;
  }
  figcaption {
    font-size: 0.9em;
  }
  .learning figcaption {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3em 1em;
    align-items: center;
    font-weight: 600;
    margin-bottom: 0.3em;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 0.9em;
    margin: 0;
    padding: 0;
    list-style: none;
    font-weight: 400;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .legend li {
    display: inline-flex;
    align-items: center;
    gap: 0.35em;
  }
  .key {
    display: inline-block;
    width: 1.4em;
    height: 0.2em;
    background: var(--_accent);
    border-radius: 1px;
  }
  .key.full {
    background: repeating-linear-gradient(90deg, var(--_ref) 0 5px, transparent 5px 9px);
  }
  .key.val {
    background: var(--_val);
    height: 0.45em;
    width: 0.45em;
    border-radius: 50%;
  }
  canvas {
    display: block;
    max-width: 100%;
  }
  .pair {
    display: flex;
    flex-wrap: wrap;
    gap: 1em;
    align-items: flex-start;
  }
  .chart-title {
    font-size: 0.85em;
    color: var(--_muted);
  }
  .boundary canvas {
    border: 1px solid var(--_grid-line);
    border-radius: 0.3em;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.45em;
  }
  .check.small {
    font-size: 0.88em;
    margin-top: 0.4em;
  }
  .settings {
    display: grid;
    gap: 0.6em;
    align-content: start;
    font-size: 0.92em;
  }
  .settings.minimal {
    display: flex;
  }
  fieldset {
    border: 1px solid var(--_grid-line);
    border-radius: 0.5em;
    margin: 0;
    padding: 0.4em 0.7em 0.6em;
    display: grid;
    gap: 0.4em;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 0.3em;
  }
  fieldset.targets {
    border-style: dashed;
  }
  .field {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 8.5em);
    gap: 0.5em;
    align-items: center;
  }
  .adapters .field,
  .settings.minimal .field {
    grid-template-columns: auto minmax(0, 16em);
  }
  .adapters .field {
    grid-template-columns: 1fr;
  }
  .status-line:empty {
    display: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @container (max-width: 480px) {
    .readouts .params {
      grid-column: auto;
    }
    .field {
      grid-template-columns: 1fr;
      gap: 0.15em;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
