/**
 * `<srs-quiz>`'s keyboard (Anki's habits), whenever focus is on the element or inside it:
 * Space/Enter reveal, 1–4 grade (Again/Hard/Good/Easy), U undo; in the typed-answer box only
 * Ctrl/Cmd+Enter, which reveals; in a numeric or cloze card's answer box Enter checks (and
 * reveals). Listens on the element while it is connected.
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
  /** Checks a numeric or cloze card's typed answer (queues itself). */
  check(text: string): Promise<unknown>;
  /** A numeric or cloze card's answer box, when one is showing. */
  answerBox(): HTMLElement | null;
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
      const box = target instanceof HTMLInputElement && target.classList.contains('answer-box');
      if (box && e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.shiftKey && a.phase() === 'front') {
        e.preventDefault();
        void a.check(target.value).catch(() => undefined);
        return;
      }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && a.phase() === 'front') {
        e.preventDefault();
        void a.reveal();
      }
      return;
    }
    if (e.ctrlKey || e.metaKey) return;
    // On a checked card's question, typing goes into its answer box (the key lands there).
    const box = a.phase() === 'front' && !onControl && e.key.length === 1 && e.key !== ' ' ? a.answerBox() : null;
    if (box) return box.focus();
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
