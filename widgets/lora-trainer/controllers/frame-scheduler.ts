import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What a `lora-step` event carries. */
export interface StepDetail {
  step: number;
  loss: number;
  valLoss: number | null;
}

export interface FrameSchedulerOptions {
  /** Least time between renders while `training()` is true, ms (the engine reports more often). */
  readonly intervalMs: number;
  readonly training: () => boolean;
  /** Called at most once per animation frame, with the latest progress of that frame. */
  readonly step: (detail: StepDetail) => void;
}

/**
 * Paces the element to the display: renders on the next animation frame (while training, at
 * most every `intervalMs`), and coalesces training progress to one `step` call per frame.
 * Whatever is pending is cancelled when the element leaves the page.
 */
export class FrameScheduler implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #options: FrameSchedulerOptions;
  #renderFrame = 0;
  #renderTimer = 0;
  #renderedAt = 0;
  #stepFrame = 0;
  #lastStep: StepDetail | null = null;

  constructor(host: ReactiveControllerHost, options: FrameSchedulerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Renders on the next frame; while training, at most every `intervalMs`. */
  render(): void {
    if (this.#renderFrame || this.#renderTimer) return;
    if (document.hidden) {
      this.#host.requestUpdate();
      return;
    }
    const wait = this.#options.training() ? this.#options.intervalMs - (performance.now() - this.#renderedAt) : 0;
    const frame = () => {
      this.#renderTimer = 0;
      this.#renderFrame = requestAnimationFrame(() => {
        this.#renderFrame = 0;
        this.#renderedAt = performance.now();
        this.#host.requestUpdate();
      });
    };
    if (wait > 0) this.#renderTimer = window.setTimeout(frame, wait);
    else frame();
  }

  /** Training progress: passed on to `step` on the next frame (only the latest of the frame). */
  progress(detail: StepDetail): void {
    this.#lastStep = detail;
    if (this.#stepFrame) return;
    this.#stepFrame = requestAnimationFrame(() => {
      this.#stepFrame = 0;
      const last = this.#lastStep;
      if (last) this.#options.step({ ...last });
    });
  }

  hostDisconnected(): void {
    if (this.#renderFrame) cancelAnimationFrame(this.#renderFrame);
    if (this.#stepFrame) cancelAnimationFrame(this.#stepFrame);
    clearTimeout(this.#renderTimer);
    this.#renderFrame = this.#stepFrame = this.#renderTimer = 0;
  }
}
