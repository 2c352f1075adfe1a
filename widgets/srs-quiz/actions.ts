/**
 * `<srs-quiz>`'s reveal, grade and undo run one after another: a key pressed while a grade is
 * still being saved acts on the next card once it is shown, and one card is never graded twice.
 */
export class ActionQueue {
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** True while an action is queued or running. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Runs `action` after every action queued before it (whether they succeeded or not). */
  run<T>(action: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.chain.then(action, action).finally(() => {
      this.pending -= 1;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
