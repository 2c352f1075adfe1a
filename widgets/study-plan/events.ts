/** `<study-plan>`'s event: a small typed class; it bubbles and is composed. */
import type { StudyPlan } from '../core/study-plan.ts';

/**
 * The plan changed: recomputed after a setting changed (attribute or form) or a review was
 * logged, here or in another tab. `detail.plan` is the new `plan` (also when it is infeasible or a
 * setting is invalid, with its `message`).
 */
export class PlanChangeEvent extends Event {
  readonly detail: { plan: StudyPlan };
  constructor(detail: PlanChangeEvent['detail']) {
    super('plan-change', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'plan-change': PlanChangeEvent;
  }
}
