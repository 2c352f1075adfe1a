/** `<mock-interview>`'s events: small typed classes; both bubble and are composed. */
import type { Difficulty } from '../core/mock-interview-data.ts';
import type { MockSummary } from '../core/mock-interview.ts';
import type { MockRecord } from '../core/srs-profile.ts';

/** A question as the `mock-question` event and the element's `question` property give it. */
export interface MockQuestionInfo {
  /** `<lesson>/<qa id>`. */
  qa: string;
  lesson: string;
  lessonTitle: string;
  q: string;
  difficulty: Difficulty;
  /** The points a good answer contains; `score()` takes indices into this list. */
  rubric: string[];
  /** The cards (`<deck>:<card id>`) a score is logged against. */
  cards: string[];
  /** The question's place in the lesson (absolute URL). */
  href: string;
}

/** A question is on screen: after `start()` and after each `next()` that moved to one. */
export class MockQuestionEvent extends Event {
  readonly detail: { index: number; total: number; question: MockQuestionInfo };
  constructor(detail: MockQuestionEvent['detail']) {
    super('mock-question', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/**
 * The session ended (`finish()`, or `next()` past the last question). `saved` says whether the
 * mock was added to the history kept in this browser (it is not when no question was scored, or
 * storage failed: then `problem` says why).
 */
export class MockFinishedEvent extends Event {
  readonly detail: { summary: MockSummary; record: MockRecord; saved: boolean; problem: string | null };
  constructor(detail: MockFinishedEvent['detail']) {
    super('mock-finished', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mock-question': MockQuestionEvent;
    'mock-finished': MockFinishedEvent;
  }
}
