/** `<lora-trainer>`'s events: small typed classes; all bubble and are composed. */

/** Training progress, at most once per animation frame. `valLoss` is null until one was computed. */
export class LoraStepEvent extends Event {
  readonly detail: { step: number; loss: number; valLoss: number | null };
  constructor(detail: LoraStepEvent['detail']) {
    super('lora-step', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** The adapter was merged into W; `maxAbsDiff` compares outputs before and after on the probe batch. */
export class LoraMergeEvent extends Event {
  readonly detail: { maxAbsDiff: number };
  constructor(detail: LoraMergeEvent['detail']) {
    super('lora-merge', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Where training runs and why: on start, and whenever it changes (fallback, device lost). */
export class LoraBackendEvent extends Event {
  readonly detail: { backend: 'webgpu' | 'cpu'; reason: string; host: 'worker' | 'main-thread' };
  constructor(detail: LoraBackendEvent['detail']) {
    super('lora-backend', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Training recovered: a divergence was rolled back with a halved learning rate, or the device was lost. */
export class LoraRecoverEvent extends Event {
  readonly detail: { reason: string; lr: number };
  constructor(detail: LoraRecoverEvent['detail']) {
    super('lora-recover', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Something failed (an operation, the engine, an imported file); the message is also shown inline. */
export class LoraErrorEvent extends Event {
  readonly detail: { message: string };
  constructor(detail: LoraErrorEvent['detail']) {
    super('lora-error', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/**
 * A prediction was answered by its run: `predicted` is what the candidate committed (a rank, a
 * band or `yes`/`no`, or a number), `actual` what the run computed, `correct` whether they agree.
 */
export class LoraPredictionEvent extends Event {
  readonly detail: {
    id: string;
    predicted: number | string;
    actual: number | string;
    correct: boolean;
  };
  constructor(detail: LoraPredictionEvent['detail']) {
    super('lora-prediction', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lora-step': LoraStepEvent;
    'lora-merge': LoraMergeEvent;
    'lora-backend': LoraBackendEvent;
    'lora-recover': LoraRecoverEvent;
    'lora-error': LoraErrorEvent;
    'lora-prediction': LoraPredictionEvent;
  }
}
