import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * What the canvases are painted for: the element's width (a ResizeObserver) and the colour
 * scheme (canvases use the scheme's colours). Either change re-renders the host. Observes while
 * connected.
 */
export class LayoutController implements ReactiveController {
  /** The element's content width, px (640 until measured). */
  width = 640;
  readonly #host: ReactiveControllerHost & Element;
  #resize: ResizeObserver | null = null;
  #scheme: MediaQueryList | null = null;
  #frame = 0;
  readonly #onScheme = (): void => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost & Element) {
    this.#host = host;
    host.addController(this);
  }

  /** Whether the page is in dark mode. */
  get dark(): boolean {
    return this.#scheme?.matches ?? matchMedia('(prefers-color-scheme: dark)').matches;
  }

  hostConnected(): void {
    this.#resize = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && Math.abs(w - this.width) > 2) {
        this.width = w;
        // Re-render in the next frame: a render that resized the element inside this frame would
        // make the observer report again before paint ("ResizeObserver loop" error on the page).
        cancelAnimationFrame(this.#frame);
        this.#frame = requestAnimationFrame(() => this.#host.requestUpdate());
      }
    });
    this.#resize.observe(this.#host);
    this.#scheme = matchMedia('(prefers-color-scheme: dark)');
    this.#scheme.addEventListener('change', this.#onScheme);
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.#frame);
    this.#resize?.disconnect();
    this.#resize = null;
    this.#scheme?.removeEventListener('change', this.#onScheme);
    this.#scheme = null;
  }
}
