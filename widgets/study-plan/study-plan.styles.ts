import { css } from 'lit';
import { hostStyles } from '../shared/host-styles.ts';

/** `<study-plan>`'s shadow styles: the form, the figure, the chart and the table; nothing leaks out. */
export const studyPlanStyles = [
  hostStyles,
  css`
    form {
      display: grid;
      gap: var(--_space-3);
      margin: 0 0 var(--_space-3);
    }
    .fields {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space-3);
    }
    .field {
      display: grid;
      gap: var(--_space-1);
      flex: 1 1 9em;
      min-width: 0;
    }
    input[type='date'],
    input[type='number'] {
      font: inherit;
      color: inherit;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.4em 0.5em;
      min-height: 44px;
      width: 100%;
    }
    fieldset {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      margin: 0;
      padding: var(--_space-2) var(--_space-3);
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space-1) var(--_space-3);
      min-width: 0;
    }
    legend {
      padding: 0 var(--_space-1);
    }
    .check {
      display: inline-flex;
      align-items: center;
      gap: var(--_space-1);
      min-height: 44px;
    }
    .check input {
      flex: none;
      width: 1.2em;
      height: 1.2em;
      margin: 0;
    }
    .empty {
      margin: var(--_space-3) 0 0;
      padding: var(--_space-3);
      min-height: 10rem;
      display: grid;
      place-content: center;
      text-align: center;
      color: var(--_muted);
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
    }
    .lessons .check {
      flex: 1 1 100%;
    }
    .message {
      margin: 0 0 var(--_space-3);
      font-weight: 600;
    }
    .recall {
      margin: 0 0 var(--_space-3);
    }
    .recall strong {
      font-size: 1.4em;
    }
    meter {
      display: block;
      width: 100%;
      height: 0.8em;
      margin-top: var(--_space-1);
    }
    h3 {
      font-size: 1.05em;
      margin: var(--_space-3) 0 var(--_space-2);
    }
    .legend {
      margin: 0 0 var(--_space-1);
      font-size: 0.85em;
      color: var(--_muted);
    }
    .key {
      display: inline-block;
      width: 0.9em;
      height: 0.9em;
      margin: 0 0.3em 0 0.6em;
      vertical-align: -0.1em;
      border-radius: 2px;
    }
    .key:first-child {
      margin-left: 0;
    }
    .key.new,
    .chart .new {
      background: var(--_accent);
      fill: var(--_accent);
    }
    .key.reviews,
    .chart .reviews {
      background: color-mix(in srgb, var(--_fg) 45%, transparent);
      fill: color-mix(in srgb, var(--_fg) 45%, transparent);
    }
    .key.minutes {
      height: 0;
      border-top: 2px solid var(--_fg);
    }
    .chart {
      display: block;
      width: 100%;
      height: 120px;
      margin-bottom: var(--_space-2);
    }
    .chart .off {
      fill: color-mix(in srgb, var(--_fg) 6%, transparent);
    }
    .chart .minutes {
      fill: none;
      stroke: var(--_fg);
      stroke-width: 2;
    }
    .chart .budget {
      stroke: var(--_muted);
      stroke-width: 1;
      stroke-dasharray: 4 3;
    }
    .wrap {
      overflow: auto;
      max-height: 22em;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.9em;
    }
    th,
    td {
      text-align: start;
      padding: 0.2em 0.5em 0.2em 0;
      border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent);
      font-weight: 400;
    }
    thead th {
      font-weight: 600;
    }
    tr.off {
      color: var(--_muted);
    }
  `,
];
