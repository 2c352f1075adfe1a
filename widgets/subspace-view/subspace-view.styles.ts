import { css } from 'lit';
import { hostStyles } from '../shared/host-styles.ts';
import { panelStyles } from '../shared/panel-styles.ts';

/**
 * Shadow styles for `<subspace-view>`, on top of the shared hostStyles and design tokens (theme
 * through the --mg-* properties widgets/shared/tokens.ts lists) and the panel rules it shares with
 * `<peft-calculator>` (widgets/shared/panel-styles.ts). The --_in … --_sig colours are
 * read by the element for the 3D materials too, so one place sets both. Label positions are set through CSSOM
 * (`translate`), never a style attribute (embedders run `style-src 'self'`).
 */
export const styles = [
  hostStyles,
  panelStyles,
  css`
    :host {
      --_in: #7d8590;
      --_base: #1d4ed8;
      --_moved: #c2410c;
      --_arrow: #b45309;
      --_colb: #0f766e;
      --_sig: #7c3aed;
      --_guide: #6b7280;
      --_lo: #f4f1ea;
      --_hi: #1e3a8a;
      max-width: 48em;
      color: var(--_fg) !important;
      background: var(--_bg) !important;
      font: 400 var(--_font-size) / 1.45 var(--_font) !important;
    }
    @media (prefers-color-scheme: dark) {
      :host {
        --_in: #9aa3ad;
        --_base: #7aa7ff;
        --_moved: #ffa057;
        --_arrow: #f5b041;
        --_colb: #2dd4bf;
        --_sig: #c4a1ff;
        --_guide: #9aa3ad;
        --_lo: #1f2128;
        --_hi: #9cc3ff;
      }
    }
    .root {
      container-type: inline-size;
      padding: 0.75em;
      border: 1px solid var(--_muted);
      border-radius: 0.5em;
      display: grid;
      gap: 0.625em;
    }
    .errors {
      border-color: #b3261e;
    }
    .stage {
      position: relative;
      aspect-ratio: 16 / 10;
      border-radius: 0.375em;
      background: radial-gradient(circle at 50% 45%, color-mix(in srgb, var(--_fg) 5%, var(--_bg)), var(--_bg) 70%);
      overflow: hidden;
      cursor: grab;
      touch-action: pan-y pinch-zoom;
      user-select: none;
    }
    @container (max-width: 32em) {
      .stage {
        aspect-ratio: 1;
      }
    }
    .stage:active {
      cursor: grabbing;
    }
    canvas.gl {
      display: block;
      width: 100%;
      height: 100%;
    }
    .lab {
      position: absolute;
      left: 0;
      top: 0;
      transform: translate(-50%, -130%);
      padding: 0 0.3em;
      border-radius: 0.25em;
      background: color-mix(in srgb, var(--_bg) 82%, transparent);
      font-size: 0.875em;
      font-weight: 600;
      white-space: nowrap;
      pointer-events: none;
      color: var(--_c);
    }
    .lab[hidden] {
      display: none;
    }
    /* One colour per drawn object, for its label (.lab) and its legend swatch (.sw). */
    .in {
      --_c: var(--_in);
    }
    .base {
      --_c: var(--_base);
    }
    .moved {
      --_c: var(--_moved);
    }
    .arrow {
      --_c: var(--_arrow);
    }
    .colb {
      --_c: var(--_colb);
    }
    .sig {
      --_c: var(--_sig);
    }
    .msg {
      position: absolute;
      inset: auto 0 0 0;
      padding: 0.5em 0.75em;
      text-align: center;
      color: var(--_muted);
    }
    .nav,
    fieldset {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.375em 0.75em;
    }
    .nav {
      gap: 0.375em;
    }
    button {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_muted);
      border-radius: 0.375em;
      padding: 0.2em 0.6em;
      min-width: 2.25em;
      min-height: 2.25em;
      cursor: pointer;
    }
    button:hover {
      border-color: var(--_accent);
    }
    .play {
      margin-inline-start: auto;
      font-weight: 600;
    }
    .legend {
      gap: 0.25em 1em;
    }
    .legend li {
      gap: 0.35em;
    }
    .sw {
      background: var(--_c);
      display: inline-block;
      width: 0.8em;
      height: 0.8em;
      border-radius: 50%;
    }
    .sw.arrow,
    .sw.sig,
    .sw.colb {
      height: 0.25em;
      width: 1.2em;
      border-radius: 0.125em;
    }
    .nums {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25em 1.75em;
      font-variant-numeric: tabular-nums;
    }
    form {
      display: grid;
      gap: 0.5em;
    }
    fieldset {
      margin: 0;
      padding: 0.375em 0.75em 0.5em;
      border: 1px solid var(--_muted);
      border-radius: 0.375em;
      min-width: 0;
    }
    label {
      display: inline-flex;
      align-items: center;
      gap: 0.3em;
    }
    input {
      accent-color: var(--_accent);
      margin: 0;
      width: 1.05em;
      height: 1.05em;
    }
    summary {
      font-weight: 600;
    }
    .phi-fig {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 0.25em 0.5em;
      align-items: center;
    }
    .ylab {
      writing-mode: vertical-rl;
      transform: rotate(180deg);
      font-size: 0.875em;
      color: var(--_muted);
    }
    canvas.phi {
      width: 100%;
      height: auto;
    }
    .ticks,
    .phi-fig figcaption,
    .phi-fig details {
      grid-column: 2;
      font-size: 0.875em;
    }
    .ticks {
      display: flex;
      justify-content: space-between;
      color: var(--_muted);
      margin-top: -0.25em;
    }
    .scale {
      display: inline-flex;
      align-items: center;
      gap: 0.3em;
      margin-inline-end: 0.75em;
      font-weight: 600;
    }
    .bar {
      display: inline-block;
      width: 5em;
      height: 0.7em;
      border: 1px solid var(--_muted);
      background: linear-gradient(to right, var(--_lo), var(--_hi));
    }
    th,
    td {
      padding: 0.1em 0.4em;
    }
  `,
];
