/**
 * Turning `<subspace-view>`'s 3D view: a Lit reactive controller for drag, the arrow/zoom keys,
 * the turn buttons, and the turntable (paused, Rotate, `prefers-reduced-motion`). Any manual turn
 * stops the turntable. Watches the motion preference while connected; a drag in progress ends on
 * disconnect.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the controller turns (the three.js view, once loaded). */
export interface Orbitable {
  orbit(dAz: number, dEl: number, factor?: number): void;
  resetView(): void;
}

/** The element: its `paused` property. */
export interface OrbitHost extends ReactiveControllerHost {
  paused: boolean;
}

/** One key press or button press turns the view by this many radians. */
export const STEP = Math.PI / 12;
/** One press of + zooms in by this factor (− by its inverse). */
const ZOOM = 0.85;

const KEYS: Record<string, [number, number, number]> = {
  ArrowLeft: [-STEP, 0, 1],
  ArrowRight: [STEP, 0, 1],
  ArrowUp: [0, STEP, 1],
  ArrowDown: [0, -STEP, 1],
  '+': [0, 0, ZOOM],
  '=': [0, 0, ZOOM],
  '-': [0, 0, 1 / ZOOM],
};

export class OrbitController implements ReactiveController {
  readonly #host: OrbitHost;
  readonly #view: () => Orbitable | undefined;
  readonly #onMotion: () => void;
  #reduced: MediaQueryList | undefined;
  #played = false;
  #drag: { id: number; x: number; y: number } | undefined;

  /** `view`: the view to turn, if loaded; `onMotion`: called when `moving` may have changed by itself. */
  constructor(host: OrbitHost, view: () => Orbitable | undefined, onMotion: () => void) {
    this.#host = host;
    this.#view = view;
    this.#onMotion = onMotion;
    host.addController(this);
  }

  hostConnected(): void {
    this.#reduced = matchMedia('(prefers-reduced-motion: reduce)');
    this.#reduced.addEventListener('change', this.#onMotion);
  }

  hostDisconnected(): void {
    this.#reduced?.removeEventListener('change', this.#onMotion);
    this.#reduced = this.#drag = undefined;
  }

  /** The user asked for reduced motion. */
  get reducedMotion(): boolean {
    return !!this.#reduced?.matches;
  }

  /** Whether the turntable runs: not paused, and not under reduced motion unless the user pressed Rotate. */
  get moving(): boolean {
    return !this.#host.paused && (!this.reducedMotion || this.#played);
  }

  /** Turns the view by `dAz` and `dEl` radians and zooms by `zoom`; stops the turntable. */
  turn(dAz: number, dEl: number, zoom = 1): void {
    const v = this.#view();
    if (!v) return;
    v.orbit(dAz, dEl, zoom);
    if (this.moving) this.#host.paused = true;
  }

  reset(): void {
    this.#view()?.resetView();
  }

  /** Pause, or Rotate (which overrides reduced motion: the user asked). */
  togglePause = (): void => {
    if (this.moving) this.#host.paused = true;
    else {
      this.#played = true;
      this.#host.paused = false;
    }
    this.#host.requestUpdate();
  };

  /** Arrow keys turn, + and − zoom, 0 or Home resets, Space pauses or rotates. */
  onKey = (e: KeyboardEvent): void => {
    const k = e.key;
    if (KEYS[k]) this.turn(...KEYS[k]);
    else if (k === '0' || k === 'Home') this.reset();
    else if (k === ' ') this.togglePause();
    else return;
    e.preventDefault();
  };

  onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0 || !this.#view()) return;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.#drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
  };

  onPointerMove = (e: PointerEvent): void => {
    const d = this.#drag;
    if (!d || d.id !== e.pointerId) return;
    this.turn(-(e.clientX - d.x) * 0.01, (e.clientY - d.y) * 0.01);
    d.x = e.clientX;
    d.y = e.clientY;
  };

  /** pointerup and pointercancel. */
  onPointerUp = (e: PointerEvent): void => {
    if (this.#drag?.id === e.pointerId) this.#drag = undefined;
  };
}
