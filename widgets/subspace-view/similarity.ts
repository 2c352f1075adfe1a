/**
 * The subspace-similarity section of `<subspace-view>` (LoRA §7.2): which φ table to show, its
 * template, and its heatmap painted on a 2D canvas. φ(A₁, A₂, i, j) itself is computed by the
 * core's `similarityMatrix`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Matrix } from '../core/matrix.ts';
import { similarityMatrix, type SimilarityMatrix } from '../core/subspace.ts';
import { demoAdapters } from './demo.ts';
import { fmt } from './format.ts';

/** Two saved adapters' A matrices (r₁×d and r₂×d), by name, as pulled from a trainer. */
export interface AdapterPair {
  names: [string, string];
  A: [Matrix<Float64Array>, Matrix<Float64Array>];
}

/** The φ table shown and what it was computed from: the example pair of a seed, or two saved adapters. */
export interface SimilarityTable {
  /** φ(i, j), rows i (the first adapter), columns j (the second). */
  phi: SimilarityMatrix;
  /** How the two axes are named. */
  names: [string, string];
  from: number | AdapterPair;
}

/**
 * The φ table for `adapters` when given (φ for i ≤ 8, j ≤ 64), else for the example pair of
 * `seed` (A₁ of rank 8, A₂ of rank 64). Returns `prev` when it was computed from the same input.
 */
export function similarityFor(
  prev: SimilarityTable | undefined,
  seed: number,
  adapters?: AdapterPair,
): SimilarityTable {
  const from = adapters ?? seed;
  if (prev?.from === from) return prev;
  if (!adapters) {
    const { A1, A2 } = demoAdapters(seed);
    return { phi: similarityMatrix(A1, A2), names: ['A₁, r = 8', 'A₂, r = 64'], from };
  }
  const [A1, A2] = adapters.A;
  const [a, b] = adapters.names;
  return { phi: similarityMatrix(A1, A2, 8, 64), names: [`“${a}” (r = ${A1.rows})`, `“${b}” (r = ${A2.rows})`], from };
}

/** The lesson section that explains §7.2, on the site that served this module (whichever chunk this code is in). */
function lessonUrl(): string {
  const u = new URL(import.meta.url);
  const i = u.pathname.lastIndexOf('/widgets/');
  return new URL(`${i >= 0 ? u.pathname.slice(0, i) : '.'}/lessons/lora-peft/#rank-is-the-capacity-dial`, u).href;
}

/** The collapsible section: the formula, a link to the lesson, `error` if any, and the φ heatmap with its numbers. */
export function renderSimilarity(
  s: SimilarityTable | undefined,
  error: string | undefined,
  open: boolean,
  onToggle: (e: Event) => void,
): TemplateResult {
  const phi = s?.phi;
  const cols = Math.min(8, phi?.cols ?? 0);
  const upTo = Array.from({ length: cols }, (_, j) => j);
  return html`<details class="sim" part="similarity" ?open=${open} @toggle=${onToggle}>
    <summary>Subspace similarity of two adapters (LoRA §7.2)</summary>
    <p>
      φ(A₁, A₂, i, j) = ‖U<sub>A₁</sub><sup>i⊤</sup>U<sub>A₂</sub><sup>j</sup>‖²<sub>F</sub> / min(i, j) compares the
      top i right-singular directions of one adapter's A with the top j of another's: 1 when one subspace contains the
      other, near 0 when they are unrelated. <a href=${lessonUrl()}>Why this matters: rank is the capacity dial</a>.
    </p>
    ${error ? html`<p class="error">${error}</p>` : nothing}
    ${
      s && phi
        ? html`<figure class="phi-fig">
            <div class="ylab">i: ${s.names[0]}</div>
            <canvas
              class="phi"
              role="img"
              aria-label=${`Grid of φ for i = 1…${phi.rows} and j = 1…${phi.cols}: φ(1, 1) = ${fmt(phi.data[0]!)}; φ(${phi.rows}, ${phi.cols}) = ${fmt(phi.data[phi.data.length - 1]!)}.`}
            ></canvas>
            <div class="ticks" aria-hidden="true"><span>j = 1</span><span>${phi.cols}</span></div>
            <figcaption>
              <span class="scale" aria-hidden="true">φ = 0 <span class="bar"></span> 1</span>
              Rows i = 1…${phi.rows} from the top, columns j = 1…${phi.cols}; j: ${s.names[1]}.
              ${
                typeof s.from === 'number'
                  ? 'Synthetic adapters made to behave as the paper reports for r = 8 and r = 64 on GPT-3: one strongly shared direction, the rest noise. Follow a trainer with compare="a,b" to see your own.'
                  : nothing
              }
            </figcaption>
            <details>
              <summary>φ as numbers (j ≤ 8)</summary>
              <table>
                <thead>
                  <tr>
                    <th scope="col">i \\ j</th>
                    ${upTo.map((j) => html`<th scope="col">${j + 1}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${Array.from(
                    { length: phi.rows },
                    (_, i) =>
                      html`<tr>
                        <th scope="row">${i + 1}</th>
                        ${upTo.map((j) => html`<td>${phi.data[i * phi.cols + j]!.toFixed(2)}</td>`)}
                      </tr>`,
                  )}
                </tbody>
              </table>
            </details>
          </figure>`
        : nothing
    }
  </details>`;
}

/**
 * Paints φ on `canvas` as cells of 10×18 device pixels with a 1 px gap (so the table reads as
 * cells), each coloured from `lo` (φ = 0) to `hi` (φ = 1), on `bg`. Colours are CSS colours.
 */
export function paintSimilarity(
  canvas: HTMLCanvasElement,
  phi: SimilarityMatrix,
  lo: string,
  hi: string,
  bg: string,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || !phi.rows || !phi.cols) return;
  // The canvas normalises any CSS colour to #rrggbb: read the channels back from it.
  const rgb = (css: string): number[] => {
    ctx.fillStyle = css || '#000';
    const hex = String(ctx.fillStyle);
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  };
  const [from, to] = [rgb(lo), rgb(hi)];
  const [CW, CH] = [10, 18];
  canvas.width = phi.cols * CW;
  canvas.height = phi.rows * CH;
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < phi.rows; i++)
    for (let j = 0; j < phi.cols; j++) {
      const t = Math.max(0, Math.min(1, phi.data[i * phi.cols + j]!));
      ctx.fillStyle = `rgb(${from.map((c, k) => Math.round(c + (to[k]! - c) * t)).join(',')})`;
      ctx.fillRect(j * CW, i * CH, CW - 1, CH - 1);
    }
}
