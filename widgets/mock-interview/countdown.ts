import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { countdownCues } from '../core/mock-interview.ts';

/**
 * The session's countdown: redraws the host once a second while a session runs and the element is
 * in the page, and sets `cue` (for a polite live region) only at the moments countdownCues names —
 * half time, 5 and 1 minute left, time up — never every second. The interval is taken on connect
 * and on `run`, and released on disconnect and on `stop`; the clock keeps counting while the
 * element is out of the page, so a re-inserted element shows the right time.
 */
export class CountdownController implements ReactiveController {
  /** The latest announcement ('' until the first). */
  cue = '';
  private host: ReactiveControllerHost;
  private startedAt = 0;
  private limitMs = 0;
  private running = false;
  private cues: { at: number; text: string }[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Starts counting down `limitMs` from `startedAt` (epoch ms). */
  run(startedAt: number, limitMs: number): void {
    this.startedAt = startedAt;
    this.limitMs = limitMs;
    this.running = true;
    this.cue = '';
    this.cues = countdownCues(limitMs);
    this.listen();
  }

  stop(): void {
    this.running = false;
    this.cue = '';
    this.unlisten();
  }

  /** Milliseconds left (negative once over time). */
  remaining(now = Date.now()): number {
    return this.limitMs - (now - this.startedAt);
  }

  hostConnected(): void {
    if (this.running) this.listen();
  }

  hostDisconnected(): void {
    this.unlisten();
  }

  private tick = (): void => {
    const left = this.remaining();
    let due: string | undefined;
    while (this.cues.length && left <= this.cues[0]!.at) due = this.cues.shift()!.text;
    if (due) this.cue = due;
    this.host.requestUpdate();
  };

  private listen(): void {
    this.unlisten();
    this.timer = setInterval(this.tick, 1000);
  }

  private unlisten(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
