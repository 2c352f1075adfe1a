import type { Rating } from '../core/srs-schedule.ts';

/** Fired after each grade is recorded. `due` is when the card comes back (epoch ms). */
export class QuizGradedEvent extends Event {
  readonly detail: { cardId: string; deck: string; rating: Rating; due: number };
  constructor(detail: QuizGradedEvent['detail']) {
    super('quiz-graded', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired when a session runs out of cards. `nextDue`: the earliest next review (epoch ms), or null. */
export class QuizCompleteEvent extends Event {
  readonly detail: { reviewed: number; again: number; nextDue: number | null };
  constructor(detail: QuizCompleteEvent['detail']) {
    super('quiz-complete', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/**
 * Fired when `answer()` (or Enter in the answer box) checks a numeric or cloze card. `expected`
 * is the number itself for numeric cards, the hidden text(s) for cloze cards.
 */
export class QuizCheckedEvent extends Event {
  readonly detail: { cardId: string; deck: string; correct: boolean; expected: number | string; given: string };
  constructor(detail: QuizCheckedEvent['detail']) {
    super('quiz-checked', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'quiz-checked': QuizCheckedEvent;
    'quiz-graded': QuizGradedEvent;
    'quiz-complete': QuizCompleteEvent;
  }
}
