/** `<lora-lm>`'s events: small typed classes; all bubble and are composed. */

/** Training progress of an adapter (once per training slice). */
export class LmStepEvent extends Event {
  readonly detail: { adapter: string; step: number; loss: number; stepsPerSecond: number };
  constructor(detail: LmStepEvent['detail']) {
    super('lm-step', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** A sample was drawn; `adapter` null is the base, `merged` says it ran through merged weights. */
export class LmSampleEvent extends Event {
  readonly detail: { adapter: string | null; prompt: string; seed: number; text: string; merged: boolean };
  constructor(detail: LmSampleEvent['detail']) {
    super('lm-sample', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** The adapter in use changed (null: the base alone). */
export class LmSwapEvent extends Event {
  readonly detail: { adapter: string | null };
  constructor(detail: LmSwapEvent['detail']) {
    super('lm-swap', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** The adapter in use was merged: the largest logit change, and whether a sample came out the same. */
export class LmMergeEvent extends Event {
  readonly detail: { adapter: string; maxLogitDiff: number; identical: boolean };
  constructor(detail: LmMergeEvent['detail']) {
    super('lm-merge', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/**
 * Where adapters train and why: once loaded (WebGPU in the worker, or the CPU kernels, in a
 * worker or not), and again with `backend: 'cpu'` as soon as WebGPU fails during training, before
 * the steps that run on the CPU (`reason`: why, and from which step; the steps done are kept).
 * Sampling always runs on the CPU kernels.
 */
export class LmBackendEvent extends Event {
  readonly detail: { backend: 'cpu' | 'webgpu'; reason: string; host: 'worker' | 'main-thread'; kernels: string };
  constructor(detail: LmBackendEvent['detail']) {
    super('lm-backend', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Something failed (bad input, a file for another model, loading); the message is also shown inline. */
export class LmErrorEvent extends Event {
  readonly detail: { message: string };
  constructor(detail: LmErrorEvent['detail']) {
    super('lm-error', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lm-step': LmStepEvent;
    'lm-sample': LmSampleEvent;
    'lm-swap': LmSwapEvent;
    'lm-merge': LmMergeEvent;
    'lm-backend': LmBackendEvent;
    'lm-error': LmErrorEvent;
  }
}
