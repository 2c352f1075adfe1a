import { css } from 'lit';
import { hostStyles } from '../shared/host-styles.ts';

/** `<mock-interview>`'s shadow styles: the shared tokens and host box, then its own. */
export const styles = [
  hostStyles,
  css`
    h2 {
      font-size: 1.2em;
      margin: 0.25em 0 0.5em;
    }
    h3 {
      font-size: 1.05em;
      margin: 1.25em 0 0.5em;
    }
    h2:focus,
    h3:focus {
      outline: none;
    }
    h2:focus-visible,
    h3:focus-visible {
      outline: 3px solid var(--_focus);
    }
    .scope {
      min-height: 3em;
    }
    fieldset {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      margin: 0 0 var(--_space-4);
      padding: var(--_space-2) var(--_space-3) var(--_space-3);
      min-width: 0;
    }
    legend {
      font-weight: 600;
      padding: 0 var(--_space-1);
    }
    .choice {
      display: flex;
      gap: var(--_space-2);
      align-items: flex-start;
      min-height: 44px;
      padding-top: var(--_space-2);
      cursor: pointer;
    }
    .choice input {
      width: 1.2em;
      height: 1.2em;
      margin: 0.15em 0 0;
      flex: none;
      accent-color: var(--_accent);
    }
    button {
      font: inherit;
      color: inherit;
      background: transparent;
      border: 1px solid currentColor;
      border-radius: var(--_radius);
      padding: 0.4em 0.9em;
      min-height: 44px;
      cursor: pointer;
    }
    button.primary {
      background: var(--_accent);
      color: var(--_accent-fg);
      border-color: var(--_accent);
      margin-top: var(--_space-3);
    }
    button:disabled {
      opacity: 0.55;
      cursor: not-allowed;
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_space-2) var(--_space-3);
      padding-bottom: var(--_space-2);
      border-bottom: 1px solid var(--_border);
    }
    .bar progress {
      flex: 1 1 5em;
      min-width: 4em;
      accent-color: var(--_accent);
    }
    .clock {
      font: 600 1.15em var(--_mono);
      font-variant-numeric: tabular-nums;
    }
    .clock.over {
      color: var(--_error);
    }
    .meta {
      color: var(--_muted);
      margin: var(--_space-3) 0 0;
      font-size: 0.9em;
    }
    .label {
      display: block;
      margin: var(--_space-3) 0 var(--_space-1);
    }
    textarea {
      display: block;
      width: 100%;
      font: inherit;
      color: inherit;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: var(--_space-2);
      resize: vertical;
    }
    .answer {
      background: var(--_surface);
      border-radius: var(--_radius);
      padding: var(--_space-2) var(--_space-3);
      margin-bottom: var(--_space-3);
      overflow-x: auto;
    }
    .answer > :first-child {
      margin-top: 0;
    }
    .answer > :last-child {
      margin-bottom: 0;
    }
    a {
      color: var(--_link);
    }
    .wrap {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.9em;
    }
    th,
    td {
      text-align: start;
      vertical-align: top;
      padding: 0.25em 0.5em 0.25em 0;
      border-bottom: 1px solid var(--_border);
    }
    tbody th {
      font-weight: 400;
    }
    .weakest li {
      margin-bottom: var(--_space-2);
    }
    .from {
      color: var(--_muted);
    }
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
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
  `,
];
