/**
 * How many training steps fit in one slice of time. The engine trains in slices so that it can
 * notice `pause()`, report progress and — on the main thread, where no worker could start — give
 * the page back control every few milliseconds (a long task blocks input).
 *
 * The estimate of the cost of one step is an exponential moving average of measured slices; the
 * first slice runs a single step to measure. Pure: the caller measures time and passes it in.
 */
export class SliceSizer {
  /** Estimated milliseconds per step (NaN until the first measurement). */
  private msPerStep = Number.NaN;

  /**
   * @param budgetMs target length of one slice
   * @param maxSteps never more than this many steps per slice
   */
  constructor(
    readonly budgetMs: number,
    readonly maxSteps = 1024,
  ) {
    if (!(budgetMs > 0)) throw new RangeError(`SliceSizer: budget must be > 0 ms, got ${budgetMs}`);
  }

  /** Steps for the next slice, at least 1 and at most `remaining` (0 when nothing remains). */
  next(remaining: number): number {
    if (remaining <= 0) return 0;
    if (!(this.msPerStep > 0)) return 1;
    const fit = Math.floor(this.budgetMs / this.msPerStep);
    return Math.max(1, Math.min(remaining, this.maxSteps, fit));
  }

  /** Records that `steps` steps took `ms` milliseconds. */
  record(steps: number, ms: number): void {
    if (steps <= 0 || !(ms >= 0)) return;
    // A timer with coarse resolution can say 0 ms: count at least a microsecond per step.
    const per = Math.max(ms / steps, 1e-3);
    this.msPerStep = this.msPerStep > 0 ? 0.5 * this.msPerStep + 0.5 * per : per;
  }

  /** The current estimate (NaN before any measurement). */
  get estimate(): number {
    return this.msPerStep;
  }
}

/**
 * Yields to the event loop: a macrotask, so that pending messages (pause) and, on the main
 * thread, input and rendering get their turn. MessageChannel avoids setTimeout's 4 ms clamp.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.onmessage = null;
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

interface PostTaskScheduler {
  postTask(
    callback: () => void,
    options?: { priority?: 'user-blocking' | 'user-visible' | 'background' },
  ): Promise<void>;
}

/**
 * Yields between main-thread training slices at background priority where the browser has
 * `scheduler.postTask` (the page's own tasks — input, timers, rendering — go first), else with a
 * 0 ms timeout. (A MessageChannel yield, right for the worker, can starve the page's timers.)
 */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: PostTaskScheduler }).scheduler;
  if (scheduler && typeof scheduler.postTask === 'function') {
    return scheduler.postTask(() => {}, { priority: 'background' });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
