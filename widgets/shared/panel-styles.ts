import { css } from 'lit';

/**
 * Shadow styles the panel elements share (`<peft-calculator>`, `<subspace-view>`: a form, a
 * summary line, a legend, readouts in a list or a table, details to open): flow content without
 * margins, accent links and focus ring, the boxed error list, fieldset legends, term labels,
 * disclosures and numeric table cells. An element lists it after its tokens (or hostStyles) and
 * before its own rules, which add what differs: gaps and paddings, and the error box's colour
 * (`.errors { border-color }`). Uses the tokens' --_accent and --_muted. (No comments inside the
 * css literal: they would ship.)
 */
export const panelStyles = css`
  p,
  ul,
  dl,
  dd,
  figure,
  table {
    margin: 0;
  }
  a {
    color: var(--_accent);
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .errors {
    padding: 0.5em 0.75em 0.5em 2em;
    border: 2px solid;
    border-radius: 0.375em;
  }
  .summary {
    font-weight: 600;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    padding: 0;
    list-style: none;
    font-size: 0.875em;
  }
  .legend li {
    display: flex;
    align-items: center;
  }
  dt {
    color: var(--_muted);
    font-size: 0.875em;
  }
  legend {
    font-weight: 600;
    padding: 0 0.25em;
  }
  summary {
    cursor: pointer;
    width: fit-content;
  }
  details > :not(summary) {
    margin-top: 0.5em;
  }
  table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: end;
    border-bottom: 1px solid var(--_muted);
  }
`;
