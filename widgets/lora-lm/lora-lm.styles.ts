import { css } from 'lit';

/**
 * Shadow styles for `<lora-lm>`, on top of hostStyles and its design tokens (widgets/shared/
 * tokens.ts). No style attributes anywhere (embedders run `style-src 'self'`); no motion at all,
 * so prefers-reduced-motion has nothing to turn off beyond the focus ring's transition.
 * (No comments inside the css literal: they would ship.)
 */
export const styles = css`
  :host {
    --_line: #e2e2e8;
    --_panel: #f6f6f8;
    --_ok: #17693a;
    max-width: 72em;
    contain: layout paint style;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_line: #34343d;
      --_panel: #202027;
      --_ok: #6fd39a;
    }
  }
  .root {
    display: grid;
    gap: 0.8em;
    padding: 0.9em;
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    min-width: 0;
  }
  h2,
  h3,
  p {
    margin: 0;
  }
  h2 {
    font-size: 1.15em;
  }
  h3 {
    font-size: 1em;
  }
  .sub,
  .muted {
    color: var(--_muted);
    font-size: 0.95em;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6em 1em;
    align-items: end;
  }
  label {
    display: grid;
    gap: 0.15em;
    font-size: 0.9em;
  }
  input[type='text'] {
    width: 18em;
    max-width: 100%;
  }
  input[type='number'] {
    width: 6em;
  }
  input,
  button {
    font: inherit;
    color: inherit;
  }
  input[type='text'],
  input[type='number'] {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 0.3em;
    padding: 0.25em 0.4em;
  }
  button {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 0.3em;
    padding: 0.3em 0.8em;
    cursor: pointer;
  }
  button.primary,
  button[aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  .panels {
    display: grid;
    gap: 0.8em;
    grid-template-columns: repeat(auto-fit, minmax(16em, 1fr));
  }
  .panel {
    background: var(--_panel);
    border-radius: 0.4em;
    padding: 0.6em 0.8em;
    display: grid;
    gap: 0.4em;
    align-content: start;
    min-width: 0;
  }
  .panel.active {
    outline: 2px solid var(--_accent);
  }
  pre {
    margin: 0;
    font: 0.85em / 1.45 var(--_mono);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    height: 11em;
    overflow-y: auto;
  }
  .prompt-part {
    color: var(--_muted);
  }
  svg.curve {
    width: 100%;
    height: 5em;
    display: block;
  }
  svg.curve polyline {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 1.5;
    vector-effect: non-scaling-stroke;
  }
  svg.curve polyline.raw {
    stroke-width: 1;
    opacity: 0.35;
  }
  svg.curve line {
    stroke: var(--_line);
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.1em 0.8em;
    margin: 0;
    font-size: 0.9em;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .ok {
    color: var(--_ok);
  }
  .status {
    font-size: 0.85em;
    color: var(--_muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
