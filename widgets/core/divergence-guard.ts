/**
 * The divergence guard of a training step (steps 3 and 4 of trainer.ts's file comment). A loss ℓ
 * is rejected (the step rolls back) when it is not finite or ℓ > divergenceFactor·ref, where
 * ref = max(best, SPIKE_FLOOR·ℓ_first) and best is the lowest value so far of the running mean
 * m ← LOSS_EMA·m + (1 − LOSS_EMA)·ℓ over accepted steps (m starts at the first accepted loss
 * ℓ_first). An accepted step's tensors become the rollback point when ℓ ≤ GOOD_FACTOR·ref.
 * The GPU's guard kernel (widgets/gpu/kernels/guard.wgsl) gets these constants through gpu/plan.ts.
 */

/**
 * The guard compares with max(best running mean, SPIKE_FLOOR·ℓ_first): once training has
 * reached float32 noise (losses ~1e-10 of the first), a batch 100× worse is noise, not
 * divergence, and must not halve the learning rate again and again.
 */
export const SPIKE_FLOOR = 1e-3;
/** A step's tensors become the rollback point only if its loss is within this factor of the best. */
export const GOOD_FACTOR = 2;
/** Decay of the running mean of the loss that the guard compares with. */
export const LOSS_EMA = 0.9;

/** The guard's numbers (part of a session's TrainingState). */
export interface GuardNumbers {
  readonly bestLoss: number;
  readonly firstLoss: number;
  readonly meanLoss: number;
}

export class DivergenceGuard {
  #best = Number.POSITIVE_INFINITY;
  #first = 0;
  #mean = 0;

  /** Forgets every loss (a new run). */
  reset(): void {
    this.load({ bestLoss: Number.POSITIVE_INFINITY, firstLoss: 0, meanLoss: 0 });
  }

  numbers(): GuardNumbers {
    return { bestLoss: this.#best, firstLoss: this.#first, meanLoss: this.#mean };
  }

  load(g: GuardNumbers): void {
    this.#best = g.bestLoss;
    this.#first = g.firstLoss;
    this.#mean = g.meanLoss;
  }

  /** max(best, SPIKE_FLOOR·ℓ_first). */
  #ref(): number {
    return Math.max(this.#best, SPIKE_FLOOR * this.#first);
  }

  /** Why a step with loss ℓ must roll back, or null when it may go on. */
  reject(loss: number, divergenceFactor: number): 'non-finite loss' | 'loss spike' | null {
    if (!Number.isFinite(loss)) return 'non-finite loss';
    return loss > divergenceFactor * this.#ref() ? 'loss spike' : null;
  }

  /** Folds an accepted ℓ into the running mean and best; true when ℓ ≤ GOOD_FACTOR·ref (a new rollback point). */
  accept(loss: number): boolean {
    if (this.#first === 0) {
      this.#first = loss;
      this.#mean = loss;
    } else {
      this.#mean = LOSS_EMA * this.#mean + (1 - LOSS_EMA) * loss;
    }
    if (this.#mean < this.#best) this.#best = this.#mean;
    return loss <= GOOD_FACTOR * this.#ref();
  }
}
