/**
 * Predict, then run: the questions a lesson asks before a `<lora-trainer>` run, and how the run's
 * numbers answer them. Pure: the element (widgets/lora-trainer/predict.ts) runs the experiment a
 * measure names and hands its numbers to `evaluate`; nothing here trains, draws or stores.
 *
 * A lesson never writes the answer. It names a **measure**, and the run computes the answer:
 *
 * | measure                | kind    | the run                                                       | the answer                                                     |
 * |------------------------|---------|---------------------------------------------------------------|----------------------------------------------------------------|
 * | `rank-reaches-full`    | choice  | a fresh adapter per rank in `choices`, and full fine-tuning,  | the smallest rank whose loss (mean of the last 10 steps) is at |
 * |                        |         | `steps` steps each, same data and seed                        | or below full fine-tuning's, or `none`                         |
 * | `merge-output-change`  | choice  | train `steps` steps, merge W ← W + (α/r)·B·A, unmerge         | the band of max \|h_merged(x) − h_unmerged(x)\| on the probes  |
 * | `high-rank-lower-val`  | yes/no  | r = `ranks[1]` and r = `ranks[0]` on `trainSize` noisy        | yes when the higher rank ends with the lower validation loss  |
 * |                        |         | examples (the overfit task), `steps` steps each                |                                                                |
 * | `final-loss`           | numeric | train a fresh adapter `steps` steps                           | the loss of the last step (right within `tolerance`, relative) |
 * | `trainable-params`     | numeric | configure the adapter                                         | the engine's count of trainable numbers (exact by default)     |
 *
 * Every run uses the trainer's settings at commit time, with the prediction's `rank`, `ranks`,
 * `trainSize` and `steps` in their place.
 *
 * The `predict` attribute is JSON: one prediction object or an array of them (at most
 * `MAX_PREDICTIONS`). `parsePredictions` never throws: a prediction with a bad field is left out
 * and a sentence says why.
 */
import { parseNumber, withinTolerance } from './srs-answer.ts';
import type { ReviewEntry } from './srs-log.ts';

export const MEASURE_IDS = [
  'rank-reaches-full',
  'merge-output-change',
  'high-rank-lower-val',
  'final-loss',
  'trainable-params',
] as const;
export type MeasureId = (typeof MEASURE_IDS)[number];
export type PredictionKind = 'choice' | 'yes-no' | 'numeric';

/** What a prediction answers with: a rank, a band or yes/no id, or a number. */
export type PredictionValue = number | string;

export interface PredictionChoice {
  readonly value: PredictionValue;
  readonly label: string;
}

export interface Prediction {
  readonly id: string;
  readonly measure: MeasureId;
  readonly kind: PredictionKind;
  readonly question: string;
  /** The options of a choice or yes/no prediction (empty for numeric ones). */
  readonly choices: readonly PredictionChoice[];
  /** Steps each run trains. */
  readonly steps: number;
  /** The adapter's rank for the run (null: the trainer's). */
  readonly rank: number | null;
  /** high-rank-lower-val: [lower, higher] ranks. */
  readonly ranks: readonly number[];
  /** high-rank-lower-val: training examples of the overfit task. */
  readonly trainSize: number;
  /** numeric: right when |predicted − actual| ≤ tolerance·|actual|. */
  readonly tolerance: number;
  /** The card whose review the outcome is logged as (`<deck>:<card>`), or null. */
  readonly cardKey: string | null;
}

/** The field names a prediction object may have (what MDX and embedders write). */
export interface PredictionSpec {
  id?: string;
  measure: MeasureId;
  question?: string;
  /** rank-reaches-full: the ranks offered (2–6 of 1…64). */
  choices?: number[];
  steps?: number;
  rank?: number;
  ranks?: [number, number];
  trainSize?: number;
  tolerance?: number;
  deck?: string;
  card?: string;
}

export const MAX_PREDICTIONS = 8;
/** Losses averaged at the end of a run to say where it ended (one step's batch is noisy). */
export const TAIL_STEPS = 10;
const MAX_STEPS = 3000;
const MAX_TEXT = 300;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CARD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const FIELDS = new Set([
  'id',
  'measure',
  'question',
  'choices',
  'steps',
  'rank',
  'ranks',
  'trainSize',
  'tolerance',
  'deck',
  'card',
]);

/** merge-output-change's bands, in order: upper bound (exclusive) and label. */
export const MERGE_BANDS: readonly { value: string; below: number; label: string }[] = [
  { value: 'zero', below: Number.MIN_VALUE, label: 'Exactly 0' },
  { value: 'rounding', below: 1e-4, label: 'Above 0 but below 10⁻⁴ (float rounding)' },
  { value: 'small', below: 0.1, label: 'Between 10⁻⁴ and 0.1' },
  { value: 'large', below: Number.POSITIVE_INFINITY, label: '0.1 or more' },
];
const YES_NO: readonly PredictionChoice[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

interface MeasureSpec {
  readonly kind: PredictionKind;
  readonly steps: number;
  readonly tolerance: number;
  question(p: { steps: number; rank: number | null; ranks: readonly number[]; trainSize: number }): string;
}

const atRank = (rank: number | null) => (rank === null ? '' : ` at r = ${rank}`);

export const MEASURES: Readonly<Record<MeasureId, MeasureSpec>> = {
  'rank-reaches-full': {
    kind: 'choice',
    steps: 300,
    tolerance: 0,
    question: (p) => `Which rank first reaches the full fine-tuning loss after ${p.steps} steps?`,
  },
  'merge-output-change': {
    kind: 'choice',
    steps: 300,
    tolerance: 0,
    question: (p) =>
      `After ${p.steps} steps${atRank(p.rank)}, merging B·A into W: what is the largest change in any output?`,
  },
  'high-rank-lower-val': {
    kind: 'yes-no',
    steps: 300,
    tolerance: 0,
    question: (p) =>
      `On ${p.trainSize} noisy examples, does r = ${p.ranks[1]} end ${p.steps} steps with a lower validation loss than r = ${p.ranks[0]}?`,
  },
  'final-loss': {
    kind: 'numeric',
    steps: 300,
    tolerance: 0.25,
    question: (p) => `What will the training loss be after ${p.steps} steps${atRank(p.rank)}?`,
  },
  'trainable-params': {
    kind: 'numeric',
    steps: 0,
    tolerance: 0,
    question: (p) => `How many numbers will the adapter train${atRank(p.rank)}?`,
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRank = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 64;
const isMeasure = (v: unknown): v is MeasureId => (MEASURE_IDS as readonly unknown[]).includes(v);

/** One prediction object → a Prediction, or a sentence saying what is wrong with it. */
function parseOne(raw: unknown, where: string): Prediction | string {
  if (!isRecord(raw)) return `${where} is not an object like {"measure": "final-loss"}`;
  const unknown = Object.keys(raw).filter((k) => !FIELDS.has(k));
  if (unknown.length) return `${where} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`;
  const { measure } = raw;
  if (!isMeasure(measure))
    return `${where} has measure ${JSON.stringify(measure)}; use one of ${MEASURE_IDS.join(', ')}`;
  const spec = MEASURES[measure];
  const id = raw.id ?? measure;
  if (typeof id !== 'string' || !ID.test(id))
    return `${where}: id ${JSON.stringify(raw.id)} must be 1–64 lowercase letters, digits or "-"`;
  const steps = raw.steps ?? spec.steps;
  if (!Number.isInteger(steps) || (steps as number) < (spec.steps > 0 ? 1 : 0) || (steps as number) > MAX_STEPS)
    return `${where}: steps must be a whole number from 1 to ${MAX_STEPS}`;
  const rank = raw.rank ?? null;
  if (rank !== null && !isRank(rank)) return `${where}: rank must be a whole number from 1 to 64`;
  const ranks = raw.ranks ?? [4, 32];
  if (!Array.isArray(ranks) || ranks.length !== 2 || !ranks.every(isRank) || ranks[0] >= ranks[1])
    return `${where}: ranks must be two ranks, lower first, like [4, 32]`;
  const trainSize = raw.trainSize ?? 40;
  if (!Number.isInteger(trainSize) || (trainSize as number) < 8 || (trainSize as number) > 4096)
    return `${where}: trainSize must be a whole number from 8 to 4096`;
  const tolerance = raw.tolerance ?? spec.tolerance;
  if (typeof tolerance !== 'number' || !(tolerance >= 0 && tolerance <= 1))
    return `${where}: tolerance must be a number from 0 to 1 (relative: 0.1 is 10%)`;
  const question =
    raw.question ?? spec.question({ steps: steps as number, rank, ranks, trainSize: trainSize as number });
  if (typeof question !== 'string' || !question.trim() || question.length > MAX_TEXT)
    return `${where}: question must be text of at most ${MAX_TEXT} characters`;
  let choices: PredictionChoice[] = [];
  if (measure === 'rank-reaches-full') {
    const list = raw.choices ?? [1, 2, 4, 8];
    if (!Array.isArray(list) || list.length < 2 || list.length > 6 || !list.every(isRank))
      return `${where}: choices must list 2–6 ranks from 1 to 64, like [1, 2, 4, 8]`;
    const sorted = [...new Set(list)].sort((a, b) => a - b);
    choices = [
      ...sorted.map((r) => ({ value: r, label: `r = ${r}` })),
      { value: 'none', label: `None of them within ${String(steps)} steps` },
    ];
  } else if (raw.choices !== undefined) {
    return `${where}: only rank-reaches-full takes choices (${measure} has its own answers)`;
  } else if (measure === 'merge-output-change') {
    choices = MERGE_BANDS.map(({ value, label }) => ({ value, label }));
  } else if (spec.kind === 'yes-no') {
    choices = [...YES_NO];
  }
  const { deck, card } = raw;
  if ((deck === undefined) !== (card === undefined)) return `${where}: give both deck and card, or neither`;
  if (deck !== undefined && (typeof deck !== 'string' || !ID.test(deck)))
    return `${where}: deck ${JSON.stringify(deck)} is not a deck id (like "lora-peft")`;
  if (card !== undefined && (typeof card !== 'string' || !CARD_ID.test(card)))
    return `${where}: card ${JSON.stringify(card)} is not a card id (like "overfit-rank")`;
  return {
    id,
    measure,
    kind: spec.kind,
    question: question.trim(),
    choices,
    steps: steps as number,
    rank,
    ranks: [...ranks] as number[],
    trainSize: trainSize as number,
    tolerance,
    cardKey: deck === undefined ? null : `${deck as string}:${card as string}`,
  };
}

/**
 * The `predict` attribute (JSON text) or property (an object or an array of them) → the valid
 * predictions, and one sentence per problem. Empty or absent: no predictions, no problems.
 */
export function parsePredictions(value: unknown): { predictions: Prediction[]; errors: string[] } {
  if (value === null || value === undefined || (typeof value === 'string' && !value.trim()))
    return { predictions: [], errors: [] };
  let data: unknown = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return { predictions: [], errors: [`predict is not valid JSON (${why}); no prediction is asked.`] };
    }
  }
  const list = Array.isArray(data) ? data : [data];
  const errors: string[] = [];
  if (list.length > MAX_PREDICTIONS)
    errors.push(`predict lists ${list.length} predictions; only the first ${MAX_PREDICTIONS} are asked.`);
  const predictions: Prediction[] = [];
  list.slice(0, MAX_PREDICTIONS).forEach((raw, i) => {
    const where = list.length > 1 ? `predict[${i}]` : 'predict';
    const p = parseOne(raw, where);
    if (typeof p === 'string') errors.push(`${p}; it is left out.`);
    else if (predictions.some((q) => q.id === p.id))
      errors.push(`${where}: id "${p.id}" is used twice; give each prediction its own id. It is left out.`);
    else predictions.push(p);
  });
  return { predictions, errors };
}

/** What a measure's run measured (the element builds one; tests give fixed ones). */
export type RunResult =
  | {
      readonly measure: 'rank-reaches-full';
      /** One loss per step for each rank, and for full fine-tuning on the same data and seed. */
      readonly runs: readonly { readonly rank: number; readonly losses: readonly number[] }[];
      readonly full: readonly number[];
    }
  | { readonly measure: 'merge-output-change'; readonly maxAbsDiff: number }
  | { readonly measure: 'high-rank-lower-val'; readonly valLow: number; readonly valHigh: number }
  | { readonly measure: 'final-loss'; readonly losses: readonly number[] }
  | { readonly measure: 'trainable-params'; readonly trainable: number };

export interface Evaluation {
  readonly actual: PredictionValue;
  /** The numbers behind the answer, by name (shown beside it). */
  readonly figures: Readonly<Record<string, number>>;
}

/** Mean of the last `TAIL_STEPS` finite losses (NaN when there are none). */
export function endLoss(losses: readonly number[]): number {
  const tail = losses.filter(Number.isFinite).slice(-TAIL_STEPS);
  return tail.length ? tail.reduce((s, x) => s + x, 0) / tail.length : Number.NaN;
}

/** The band a merge's output change falls in (MERGE_BANDS). */
export function mergeBand(maxAbsDiff: number): string {
  return (MERGE_BANDS.find((b) => Math.abs(maxAbsDiff) < b.below) ?? MERGE_BANDS[MERGE_BANDS.length - 1]).value;
}

/** The answer the run gives to `p`. Throws when the run does not fit the prediction (a bug, or a stopped run). */
export function evaluate(p: Prediction, run: RunResult): Evaluation {
  if (run.measure !== p.measure) throw new Error(`a ${run.measure} run cannot answer a ${p.measure} prediction`);
  switch (run.measure) {
    case 'rank-reaches-full': {
      const full = endLoss(run.full);
      if (!Number.isFinite(full)) throw new Error('full fine-tuning gave no finite loss');
      const figures: Record<string, number> = { full };
      let actual: PredictionValue = 'none';
      for (const r of [...run.runs].sort((a, b) => a.rank - b.rank)) {
        figures[`r${r.rank}`] = endLoss(r.losses);
        if (actual === 'none' && endLoss(r.losses) <= full) actual = r.rank;
      }
      return { actual, figures };
    }
    case 'merge-output-change':
      return { actual: mergeBand(run.maxAbsDiff), figures: { maxAbsDiff: run.maxAbsDiff } };
    case 'high-rank-lower-val':
      return { actual: run.valHigh < run.valLow ? 'yes' : 'no', figures: { valLow: run.valLow, valHigh: run.valHigh } };
    case 'final-loss': {
      const last = [...run.losses].reverse().find(Number.isFinite);
      if (last === undefined) throw new Error('the run gave no finite loss');
      return { actual: last, figures: { loss: last, steps: run.losses.length } };
    }
    case 'trainable-params':
      return { actual: run.trainable, figures: { trainable: run.trainable } };
  }
}

/**
 * What the candidate committed, read for `p`: a choice's value, or a typed number (`2048`,
 * `2,048`, `2k`, `1.5e-2` — srs-answer.ts's formats). Unknown text gives a sentence to show.
 */
export function readPredicted(p: Prediction, given: string): { value: PredictionValue } | { error: string } {
  if (p.kind === 'numeric') {
    const n = parseNumber(given.trim());
    return 'value' in n ? n : { error: `${n.error.charAt(0).toUpperCase()}${n.error.slice(1)}.` };
  }
  const c = p.choices.find((x) => String(x.value) === given);
  return c ? { value: c.value } : { error: 'Choose one of the answers first.' };
}

/** Whether `predicted` is right: the same choice, or a number within the relative tolerance. */
export function isCorrect(p: Prediction, predicted: PredictionValue, actual: PredictionValue): boolean {
  if (p.kind === 'numeric')
    return (
      typeof predicted === 'number' && typeof actual === 'number' && withinTolerance(predicted, actual, p.tolerance)
    );
  return predicted === actual;
}

/** The label of a choice value (the value itself for numbers and unknown values). */
export function labelOf(p: Prediction, value: PredictionValue): string {
  return p.choices.find((c) => c.value === value)?.label ?? String(value);
}

/**
 * One sentence per prediction whose `deck`/`card` names no card of `decks` (deck id → its card
 * ids): the site's build checks the lessons' links with it.
 */
export function unknownCards(
  predictions: readonly Prediction[],
  decks: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const out: string[] = [];
  for (const p of predictions) {
    if (!p.cardKey) continue;
    const [deck, card] = [p.cardKey.slice(0, p.cardKey.indexOf(':')), p.cardKey.slice(p.cardKey.indexOf(':') + 1)];
    if (!decks.has(deck)) out.push(`prediction "${p.id}" links deck "${deck}", which does not exist.`);
    else if (!decks.get(deck)!.has(card))
      out.push(`prediction "${p.id}" links card "${card}", which deck "${deck}" does not have.`);
  }
  return out;
}

/** Reviews an hour long are someone who walked away (srs-log.ts caps durations the same). */
const MAX_DURATION = 3_600_000;

/**
 * The review a linked prediction logs on its card: Good (3) when right, Again (1) when wrong, with
 * the outcome as the entry's `check` (what was predicted, what the run computed, the grade it
 * suggests). `shownAt` is when the question was first shown; null when `p` links no card.
 */
export function predictionReview(
  p: Prediction,
  outcome: { predicted: PredictionValue; actual: PredictionValue; correct: boolean },
  entry: { id: string; now: number; shownAt: number },
): ReviewEntry | null {
  if (!p.cardKey) return null;
  const rating = outcome.correct ? 3 : 1;
  return {
    kind: 'review',
    id: entry.id,
    card: p.cardKey,
    rating,
    time: entry.now,
    duration: Math.max(0, Math.min(entry.now - entry.shownAt, MAX_DURATION)),
    check: { correct: outcome.correct, given: String(outcome.predicted), expected: outcome.actual, suggested: rating },
  };
}
