/**
 * `<srs-quiz>`'s keyboard (Anki's habits), whenever focus is on the element or inside it:
 * Space/Enter reveal, 1–4 grade (Again/Hard/Good/Easy), U undo; in the answer box only
 * Ctrl/Cmd+Enter, which reveals. Listens on the element while it is connected.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Rating } from '../core/srs-schedule.ts';
import type { ActionQueue } from './actions.ts';

/** What the keys do; `revealNow`/`gradeNow` run inside the queue, `reveal`/`undo` queue themselves. */
export interface KeyActions {
  /** The screen shown: `front` (question), `back` (answer) or another. */
  phase(): string;
  canUndo(): boolean;
  reveal(): Promise<void>;
  undo(): Promise<void>;
  revealNow(): Promise<void>;
  gradeNow(rating: Rating): Promise<void>;
}

export class QuizKeyboard implements ReactiveController {
  private readonly host: ReactiveControllerHost & HTMLElement;
  private readonly queue: ActionQueue;
  private readonly actions: KeyActions;

  constructor(host: ReactiveControllerHost & HTMLElement, queue: ActionQueue, actions: KeyActions) {
    this.host = host;
    this.queue = queue;
    this.actions = actions;
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKey);
  }

  private onKey = (e: KeyboardEvent): void => {
    if (e.altKey || e.defaultPrevented) return;
    const a = this.actions;
    const target = e.composedPath()[0];
    const inField = target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement;
    const onControl =
      inField ||
      target instanceof HTMLButtonElement ||
      target instanceof HTMLAnchorElement ||
      (target instanceof HTMLElement && target.localName === 'summary');
    if (inField) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && a.phase() === 'front') {
        e.preventDefault();
        void a.reveal();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey) return;
    // A key pressed while a grade is still being saved is queued behind it and acts on the card
    // that is then shown (the phase is checked when the queued action runs).
    const busy = this.queue.busy;
    if ((e.key === ' ' || e.key === 'Enter') && !onControl && (busy || a.phase() === 'front')) {
      e.preventDefault();
      void this.queue.run(async () => {
        if (a.phase() === 'front') await a.revealNow();
      });
    } else if (/^[1-4]$/.test(e.key) && (busy || a.phase() === 'back')) {
      e.preventDefault();
      const rating = Number(e.key) as Rating;
      void this.queue.run(async () => {
        if (a.phase() === 'back') await a.gradeNow(rating);
      });
    } else if ((e.key === 'u' || e.key === 'U') && a.canUndo()) {
      e.preventDefault();
      void a.undo();
    }
  };
}
