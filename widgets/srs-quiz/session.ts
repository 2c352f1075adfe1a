/**
 * One study session of `<srs-quiz>`: the queue of card keys still to study, how many were
 * reviewed (and graded Again), and the undo steps, each remembering the session as it was before
 * its grade. Plain state: the element saves to the store and draws.
 */
import { buildQueue, afterGrade, nextDue, type QueueMode } from '../core/srs-queue.ts';
import type { ReviewEntry } from '../core/srs-log.ts';
import type { MemoryState } from '../core/srs-schedule.ts';

/** A grade about to be recorded, with the session as it was before it. */
export interface UndoStep {
  review: ReviewEntry;
  queue: string[];
  reviewed: number;
  again: number;
}

export class ReviewSession {
  private keys: string[] = [];
  private queue: string[] = [];
  private undoStack: UndoStep[] = [];
  private counts = { reviewed: 0, again: 0 };

  /** Starts over `keys`: the cards due now then new ones (`due`), or every card (`all`). */
  begin(keys: string[], states: ReadonlyMap<string, MemoryState>, now: number, mode: QueueMode): void {
    this.keys = keys;
    this.queue = buildQueue(keys, states, now, mode);
    this.counts = { reviewed: 0, again: 0 };
    this.undoStack = [];
  }

  /** The key of the card to show, if any is left. */
  get currentKey(): string | undefined {
    return this.queue[0];
  }
  get left(): number {
    return this.queue.length;
  }
  get reviewed(): number {
    return this.counts.reviewed;
  }
  get again(): number {
    return this.counts.again;
  }
  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** The session before `review` is recorded (pass it to `graded` once it is). */
  before(review: ReviewEntry): UndoStep {
    return { review, queue: [...this.queue], ...this.counts };
  }

  /** `step`'s card was graded and comes back at `due`: it moves in the queue (or leaves it). */
  graded(step: UndoStep, due: number, now: number): void {
    this.undoStack.push(step);
    this.counts.reviewed += 1;
    if (step.review.rating === 1) this.counts.again += 1;
    this.queue = afterGrade(this.queue, step.review.card, due, now);
  }

  /** Takes back the last grade: the session is as it was before it; returns that step. */
  takeBack(): UndoStep | undefined {
    const step = this.undoStack.pop();
    if (!step) return undefined;
    this.queue = step.queue;
    this.counts = { reviewed: step.reviewed, again: step.again };
    return step;
  }

  /** The earliest next review of the session's cards (epoch ms), or null. */
  nextDue(states: ReadonlyMap<string, MemoryState>, now: number): number | null {
    return nextDue(this.keys, states, now);
  }
}
