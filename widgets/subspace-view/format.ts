/** How `<subspace-view>` writes numbers in its text: subscripts, three significant digits, percentages. */

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

/** `n` in subscript digits: 12 → ₁₂. */
export const sub = (n: number): string => String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]!);

/** Three significant digits; exponent form outside [10⁻³, 10⁴). */
export const fmt = (x: number): string =>
  x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(3);

/** A share as a percentage, with two decimals just below 100% so it never reads as 100.0%. */
export const pct = (x: number): string => `${(100 * x).toFixed(x > 0.999 && x < 1 ? 2 : 1)}%`;
