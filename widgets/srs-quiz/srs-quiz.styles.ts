import { css } from 'lit';
import { hostStyles } from '../shared/host-styles.ts';

export const styles = [
  hostStyles,
  css`
    :host {
      border: 1px solid var(--_border) !important;
      border-radius: 8px;
      padding: 1em !important;
      max-width: 46em;
    }
    :host(:focus-visible) {
      outline: 3px solid var(--_focus) !important;
      outline-offset: 2px;
    }
    h2,
    h3 {
      font-size: 1.05em;
      margin: 0 0 0.5em;
    }
    p {
      margin: 0 0 0.75em;
    }
    button,
    textarea,
    input {
      font: inherit;
      color: inherit;
    }
    button {
      cursor: pointer;
      border: 1px solid var(--mg-border, #8a857a);
      background: var(--mg-button, #f1eee6);
      border-radius: 6px;
      padding: 0.45em 0.8em;
      min-height: 44px;
      min-width: 44px;
    }
    button:hover {
      background: var(--mg-button-hover, #e6e1d4);
    }
    .top {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5em 1em;
      margin-bottom: 0.75em;
      font-size: 0.9em;
    }
    .top .title {
      font-weight: 600;
      flex: 1 1 auto;
    }
    progress {
      flex: 1 1 8em;
      height: 0.6em;
      accent-color: var(--_accent);
    }
    .side {
      border-top: 1px solid var(--_border);
      padding-top: 0.75em;
      margin-bottom: 0.75em;
      overflow-wrap: anywhere;
    }
    .side :is(p, ul, ol, pre):last-child {
      margin-bottom: 0;
    }
    .side pre {
      overflow-x: auto;
    }
    .label {
      display: block;
      font-size: 0.8em;
      text-transform: uppercase !important;
      letter-spacing: 0.05em !important;
      opacity: 0.8;
      margin-bottom: 0.25em;
    }
    .plain {
      white-space: pre-wrap;
    }
    math[display='block'] {
      overflow-x: auto;
      overflow-y: hidden;
      padding: 0.25em 0;
    }
    textarea {
      display: block;
      width: 100%;
      min-height: 4.5em;
      padding: 0.5em;
      border: 1px solid var(--mg-border, #8a857a);
      border-radius: 6px;
      background: transparent;
      margin-bottom: 0.5em;
    }
    .compare {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 0.75em;
    }
    @media (min-width: 36em) {
      .compare.both {
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      }
    }
    .grades {
      display: grid;
      grid-template-columns: repeat(4, minmax(0, 1fr));
      gap: 0.4em;
    }
    .grades button {
      display: flex;
      flex-direction: column;
      align-items: center;
      padding: 0.35em 0.25em;
    }
    .grades .ivl {
      font-size: 0.8em;
      opacity: 0.85;
    }
    .again {
      border-color: #b3261e;
    }
    .good {
      border-color: #1b7f3b;
    }
    kbd {
      font: inherit;
      font-size: 0.75em;
      border: 1px solid currentColor;
      border-radius: 3px;
      padding: 0 0.25em;
      opacity: 0.8;
    }
    .links {
      font-size: 0.9em;
      display: flex;
      flex-wrap: wrap;
      gap: 0.25em 1em;
    }
    a {
      color: var(--_link);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5em;
      align-items: center;
      margin-top: 0.75em;
    }
    .counts {
      list-style: none;
      padding: 0;
      margin: 0 0 0.75em;
    }
    .counts li {
      display: flex;
      justify-content: space-between;
      gap: 1em;
      padding: 0.25em 0;
      align-items: center;
      border-bottom: 1px solid var(--_border);
    }
    .counts button {
      flex: 1;
      text-align: left;
    }
    .counts .n {
      white-space: nowrap;
      min-width: 7ch;
      text-align: right;
    }
    details {
      margin-top: 1em;
      font-size: 0.9em;
    }
    summary {
      cursor: pointer;
      min-height: 24px;
    }
    .notice {
      border-left: 4px solid var(--_accent);
      padding: 0.5em 0.75em;
      margin: 0 0 0.75em;
      background: color-mix(in srgb, var(--_accent) 8%, transparent);
    }
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      margin: -1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    @media (prefers-color-scheme: dark) {
      :host {
        border-color: var(--_border) !important;
      }
      button {
        background: var(--mg-button, #262a30);
        border-color: var(--mg-border, #6b717b);
      }
      button:hover {
        background: var(--mg-button-hover, #30353c);
      }
      a {
        color: var(--_link);
      }
      .again {
        border-color: #ff8a80;
      }
      .good {
        border-color: #7ad99a;
      }
    }
  `,
];
