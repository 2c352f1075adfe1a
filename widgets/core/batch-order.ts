/**
 * The data order of training (step 1 of trainer.ts's file comment): a step's batch is the rows
 * perm[c … c+n−1] of the training set, where perm is a permutation of its rows drawn from the
 * order stream (`permutation`: identity, then Fisher–Yates); when fewer than n rows remain
 * (c + n > rows) a new permutation is drawn and c = 0.
 */
import type { Matrix } from './matrix.ts';
import { createRng, permutation, reseed, type Rng } from './rng.ts';

/** Where the order stands: the permutation, the next batch's start in it, the stream's state. */
export interface OrderPosition {
  readonly perm: Uint32Array;
  readonly cursor: number;
  readonly order: Uint32Array;
}

export class BatchOrder {
  /** The current permutation of the training set's rows (read it, never write it). */
  readonly perm: Uint32Array;
  #cursor = 0;
  readonly #rng: Rng;

  constructor(rows: number, seed: number) {
    this.perm = new Uint32Array(rows);
    this.#rng = createRng(seed);
    this.restart(seed);
  }

  /** The order from the start of the stream `seed`. */
  restart(seed: number): void {
    reseed(this.#rng, seed);
    permutation(this.#rng, this.perm);
    this.#cursor = 0;
  }

  /** The start in `perm` of the next batch of n rows, drawing a new permutation when needed. */
  next(n: number): number {
    if (this.#cursor + n > this.perm.length) {
      permutation(this.#rng, this.perm);
      this.#cursor = 0;
    }
    const start = this.#cursor;
    this.#cursor += n;
    return start;
  }

  /** A copy of where the order stands. */
  position(): OrderPosition {
    return { perm: this.perm.slice(), cursor: this.#cursor, order: this.#rng.s.slice() };
  }

  /** Puts the order back where `position()` found it (same number of rows). */
  setPosition(p: OrderPosition): void {
    this.perm.set(p.perm);
    this.#cursor = p.cursor;
    this.#rng.s.set(p.order);
  }
}

/** dst row b ← src row idx[start + b], for every row of dst. */
export function gatherRows(src: Matrix, idx: Uint32Array, start: number, dst: Matrix): void {
  const c = src.cols;
  const s = src.data;
  const d = dst.data;
  for (let b = 0; b < dst.rows; b++) {
    const from = idx[start + b] * c;
    const to = b * c;
    for (let j = 0; j < c; j++) d[to + j] = s[from + j];
  }
}
