import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Lit controller that reports when its element first comes near the viewport, so an element can
 * defer its heavy parts (worker, GPU, three.js) until then. Observes on connect, disconnects on
 * disconnect; `near` stays true once reached.
 */
export class NearViewportController implements ReactiveController {
  near = false;
  private observer: IntersectionObserver | undefined;
  private readonly host: ReactiveControllerHost & Element;
  private readonly onNear: () => void;
  private readonly margin: string;

  constructor(host: ReactiveControllerHost & Element, onNear: () => void, margin = '300px 0px') {
    this.host = host;
    this.onNear = onNear;
    this.margin = margin;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.near) return;
    this.observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.near = true;
        this.observer?.disconnect();
        this.observer = undefined;
        this.onNear();
        this.host.requestUpdate();
      },
      { rootMargin: this.margin },
    );
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }
}
