import { css } from 'lit';

/**
 * Shadow styles of `<lora-trainer>`'s lower half: the anatomy heatmaps and the tabbed panels
 * (story, sweep, adapters, pitfalls, PEFT config), on top of lora-trainer.styles.ts, whose
 * custom properties (--_fg, --_muted, --_grid-line, --_accent, …) they use.
 * (No comments inside the css literal: they would ship.)
 */
export const panelStyles = css`
  .anatomy {
    display: grid;
    gap: 0.5em;
    min-width: 0;
  }
  .section-head {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 1em;
    align-items: center;
    justify-content: space-between;
  }
  .section-title {
    font-weight: 600;
  }
  .eq {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.6em 0.5em;
    padding: 0.7em;
    background: var(--_panel);
    border-radius: 0.5em;
    overflow-x: auto;
  }
  .op {
    font-size: 1.3em;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  .op.scale {
    font-size: 0.95em;
  }
  .heat {
    display: grid;
    justify-items: center;
    gap: 0.25em;
    width: min-content;
    min-width: 6.5em;
  }
  .heat canvas {
    image-rendering: pixelated;
    border: 1px solid var(--_grid-line);
    background: var(--_bg);
  }
  .heat.locked canvas {
    border: 2px solid var(--_muted);
  }
  .heat figcaption {
    display: grid;
    justify-items: center;
    line-height: 1.25;
    font-size: 0.8em;
  }
  .heat .name {
    font-weight: 700;
    font-size: 1.1em;
    display: inline-flex;
    gap: 0.25em;
    align-items: center;
  }
  .heat .shape {
    font-variant-numeric: tabular-nums;
  }
  .lock {
    color: var(--_muted);
  }
  .placeholder {
    width: 3em;
    height: 3em;
    display: grid;
    place-items: center;
    color: var(--_muted);
  }
  .cell {
    font-size: 0.85em;
    font-variant-numeric: tabular-nums;
    min-height: 1.5em;
  }
  [role='tablist'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em;
    border-bottom: 1px solid var(--_grid-line);
  }
  [role='tab'] {
    border: 1px solid transparent;
    border-bottom: 0;
    border-radius: 0.4em 0.4em 0 0;
    background: none;
    margin-bottom: -1px;
    color: var(--_muted);
  }
  [role='tab'][aria-selected='true'] {
    border-color: var(--_grid-line);
    background: var(--_bg);
    color: var(--_fg);
    font-weight: 600;
    box-shadow: inset 0 3px 0 var(--_accent);
  }
  .panel {
    padding: 0.8em 0.2em 0.2em;
    display: grid;
    gap: 0.6em;
  }
  .story {
    margin: 0;
    padding-left: 1.4em;
    display: grid;
    gap: 0.7em;
  }
  .story li {
    padding: 0.5em 0.7em;
    border-left: 3px solid var(--_grid-line);
    display: grid;
    gap: 0.3em;
    justify-items: start;
  }
  .story li.current {
    border-left-color: var(--_accent);
    background: var(--_panel);
  }
  .step-title {
    font-weight: 700;
  }
  .inv strong,
  .num {
    font-variant-numeric: tabular-nums;
  }
  .ok {
    color: var(--_ok);
    font-weight: 600;
  }
  .ok::before {
    content: '✓ ';
  }
  .warn {
    color: var(--_warn);
  }
  .sweep,
  .adapters,
  .peft {
    display: grid;
    gap: 0.6em;
    justify-items: start;
    min-width: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  table.compact {
    border-collapse: collapse;
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
    max-width: 100%;
  }
  table.compact caption {
    text-align: start;
    font-weight: 600;
    padding-bottom: 0.3em;
  }
  table.compact th,
  table.compact td {
    border-bottom: 1px solid var(--_grid-line);
    padding: 0.3em 0.7em 0.3em 0;
    text-align: start;
  }
  .actions {
    display: flex;
    gap: 0.3em;
  }
  .pitfalls {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.6em;
  }
  .pitfalls li {
    border: 1px solid var(--_grid-line);
    border-radius: 0.5em;
    padding: 0.5em 0.7em;
    display: grid;
    gap: 0.35em;
  }
  .switch {
    display: flex;
    align-items: center;
    gap: 0.6em;
    font-weight: 600;
    cursor: pointer;
  }
  .switch input {
    appearance: none;
    width: 2.4em;
    height: 1.35em;
    border-radius: 999px;
    background: var(--_muted);
    position: relative;
    margin: 0;
    flex: none;
    cursor: pointer;
    transition: background 0.15s;
  }
  .switch input::after {
    content: '';
    position: absolute;
    top: 0.15em;
    left: 0.15em;
    width: 1.05em;
    height: 1.05em;
    border-radius: 50%;
    background: var(--_bg);
    transition: transform 0.15s;
  }
  .switch input:checked {
    background: var(--_accent);
  }
  .switch input:checked::after {
    transform: translateX(1.05em);
  }
  .result {
    font-size: 0.95em;
  }
  .result .num {
    font-size: 1.1em;
    color: var(--_accent);
  }
  pre {
    margin: 0;
    padding: 0.7em 0.9em;
    background: var(--_panel);
    border-radius: 0.5em;
    overflow-x: auto;
    max-width: 100%;
  }
  .predictions {
    display: grid;
    gap: 0.6em;
  }
  .predict {
    border: 1px solid var(--_accent);
    border-radius: 0.5em;
    padding: 0.6em 0.8em;
    display: grid;
    gap: 0.5em;
    background: var(--_panel);
  }
  .predict form {
    display: grid;
    gap: 0.5em;
    justify-items: start;
  }
  .predict fieldset {
    width: 100%;
    box-sizing: border-box;
  }
  .predict .kicker {
    display: block;
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--_muted);
  }
  .predict .choices {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em 1.2em;
  }
  .predict .choices label {
    display: inline-flex;
    gap: 0.35em;
    align-items: center;
  }
  .predict input[type='text'] {
    max-width: 10em;
  }
  .predict-result {
    display: grid;
    gap: 0.4em;
    justify-items: start;
  }
  .predict-result:empty {
    display: none;
  }
  .predict-result p {
    margin: 0;
  }
  .verdict strong {
    font-variant-numeric: tabular-nums;
  }
`;
