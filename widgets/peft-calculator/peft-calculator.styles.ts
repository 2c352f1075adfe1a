import { css } from 'lit';
import { panelStyles } from '../shared/panel-styles.ts';
import { tokens } from '../shared/tokens.ts';

/**
 * Shadow styles for `<peft-calculator>`, on the design tokens (widgets/shared/tokens.ts: theme
 * through the --mg-* properties listed there) and the panel rules it shares with `<subspace-view>`
 * (widgets/shared/panel-styles.ts); the fallbacks follow prefers-color-scheme. Bar segment widths are set through
 * CSSOM in the element (never a style attribute: embedders run `style-src 'self'`).
 * Text properties are set on .root rather than inherited, so a host page's text styles stop at
 * the shadow boundary. (No comments inside the css literal: they would ship.)
 */
export const styles = [
  tokens,
  panelStyles,
  css`
    :host {
      --_weights: #3b6fd8;
      --_quant: #8a4fd1;
      --_grads: #c0650f;
      --_opt: #c2405a;
      --_act: #22876a;
      display: block !important;
      max-width: 56em;
      color: var(--_fg) !important;
      font: 400 var(--_font-size) / 1.5 var(--_font) !important;
      letter-spacing: normal !important;
      text-transform: none !important;
    }
    @media (prefers-color-scheme: dark) {
      :host {
        --_weights: #7aa2f7;
        --_quant: #b78af0;
        --_grads: #f0a050;
        --_opt: #f07a8e;
        --_act: #5cc9a7;
      }
    }
    :host([hidden]) {
      display: none !important;
    }
    .root {
      box-sizing: border-box;
      color: var(--_fg);
      background: var(--_bg);
      font: 400 var(--_font-size) / 1.45 var(--_font);
      text-align: start;
      letter-spacing: normal;
      text-transform: none;
      padding: 0.75em;
      border: 1px solid var(--_muted);
      border-radius: 0.5em;
    }
    *,
    *::before,
    *::after {
      box-sizing: inherit;
    }
    .muted,
    .note,
    caption {
      color: var(--_muted);
      font-size: 0.875em;
    }
    form {
      display: grid;
      gap: 0.75em;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 15em), 1fr));
    }
    fieldset {
      margin: 0;
      padding: 0.5em 0.75em 0.75em;
      border: 1px solid var(--_muted);
      border-radius: 0.375em;
      min-width: 0;
      display: grid;
      gap: 0.5em;
      align-content: start;
    }
    .field {
      display: grid;
      gap: 0.125em;
    }
    label.check {
      display: flex;
      align-items: center;
      gap: 0.375em;
    }
    .targets {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25em 0.75em;
      border: 0;
      padding: 0;
    }
    .targets legend {
      font-weight: 400;
      padding: 0;
      margin-bottom: 0.25em;
    }
    input,
    select {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_muted);
      border-radius: 0.25em;
      padding: 0.25em 0.375em;
      min-width: 0;
      width: 100%;
    }
    input[type='checkbox'] {
      width: 1.125em;
      height: 1.125em;
      margin: 0;
      accent-color: var(--_accent);
    }
    input:disabled + span {
      color: var(--_muted);
    }
    .errors {
      margin-top: 0.75em;
      border-color: var(--_opt);
    }
    .out {
      margin-top: 1em;
      display: grid;
      gap: 1em;
    }
    .stats {
      display: grid;
      gap: 0.5em 1em;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 14em), 1fr));
    }
    dd {
      font-variant-numeric: tabular-nums;
    }
    figcaption {
      font-weight: 600;
      margin-bottom: 0.5em;
    }
    .legend {
      gap: 0.25em 0.75em;
      margin-bottom: 0.5em;
    }
    .legend li {
      gap: 0.25em;
    }
    .swatch {
      display: inline-block;
      width: 0.75em;
      height: 0.75em;
      border-radius: 2px;
    }
    .method + .method {
      margin-top: 0.75em;
    }
    .method-head {
      display: flex;
      justify-content: space-between;
      gap: 0.5em;
      flex-wrap: wrap;
    }
    .bar {
      display: flex;
      height: 1.25em;
      margin: 0.25em 0;
      border: 1px solid var(--_muted);
      border-radius: 0.25em;
      overflow: hidden;
    }
    .seg {
      flex: none;
      height: 100%;
      width: 0;
    }
    .seg + .seg {
      box-shadow: inset 1px 0 0 var(--_bg);
    }
    @media (prefers-reduced-motion: no-preference) {
      .seg {
        transition: width 0.15s ease-out;
      }
    }
    .weights {
      background: var(--_weights);
    }
    .quantConstants {
      background: var(--_quant);
    }
    .gradients {
      background: var(--_grads);
    }
    .optimizer {
      background: var(--_opt);
    }
    .activations {
      background: var(--_act);
    }
    .fits {
      display: flex;
      flex-wrap: wrap;
      gap: 0.375em;
      padding: 0;
      list-style: none;
      font-size: 0.875em;
    }
    .fits li {
      border: 1px solid var(--_muted);
      border-radius: 1em;
      padding: 0 0.5em;
    }
    .fits .yes {
      border: 2px solid var(--_accent);
      font-weight: 600;
    }
    .fits .no {
      border-style: dashed;
      color: var(--_muted);
    }
    table {
      font-size: 0.875em;
      width: 100%;
    }
    th,
    td {
      padding: 0.125em 0.375em;
    }
    th[scope='row'],
    thead th:first-child {
      text-align: start;
    }
    .notes {
      padding-inline-start: 1.25em;
      font-size: 0.875em;
      color: var(--_muted);
    }
    .notes li + li {
      margin-top: 0.25em;
    }
  `,
];
