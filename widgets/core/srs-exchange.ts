/**
 * Progress files: export (versioned JSON of the review log), import (validated, merged by entry
 * id so a re-import adds nothing) and the review log as CSV in the FSRS optimizer's layout
 * (https://github.com/open-spaced-repetition/fsrs-optimizer, "Review Logs Schema"):
 * card_id, review_time (epoch ms), review_rating (1–4), review_state (0 New, 1 Learning,
 * 2 Review, 3 Relearning, before the review), review_duration (ms).
 */
import {
  parseLogEntry,
  reviewsByCard,
  byTimeThenId,
  type LogEntry,
  type ReviewCheck,
  type ReviewEntry,
} from './srs-log.ts';
import type { CardPhase, MemoryState, Scheduler } from './srs-schedule.ts';
import { parseMockRecord, parsePlanSettings, type MockRecord, type PlanSettings, type Profile } from './srs-profile.ts';

export const PROGRESS_FORMAT = 'marginalia-srs-progress';
/**
 * 1: reviews and undos. 2 (issue 16): a review may carry `check` (typed answer, expected answer,
 * outcome, suggested grade). 3 (issues 17 and 18): the file carries `plan` (the study plan's
 * settings, or null) and `mocks` (finished mock interviews). Later versions add a step to
 * MIGRATIONS; each migrates to the next.
 */
const PROGRESS_VERSION = 3;

type FileObject = Record<string, unknown>;
const isObject = (v: unknown): v is FileObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MIGRATIONS[n] turns a version-n file into a version-(n + 1) one. Pure; the log is checked after. */
const MIGRATIONS: Record<number, (file: FileObject) => FileObject> = {
  // Version 1 had no checked answers: a `check` field in a version-1 file is not ours, so it goes.
  1: (file) => ({
    ...file,
    version: 2,
    log: Array.isArray(file.log)
      ? file.log.map((e: unknown) => {
          if (!isObject(e) || !('check' in e)) return e;
          const { check: _dropped, ...rest } = e;
          return rest;
        })
      : file.log,
  }),
  // Version 2 had no plan and no mock interviews: such fields in a version-2 file are not ours.
  2: (file) => ({ ...file, version: 3, plan: null, mocks: [] }),
};
/** Refuse files bigger than this before parsing them (about 150,000 reviews). */
const MAX_IMPORT_CHARS = 32 * 1024 * 1024;
const MAX_IMPORT_ENTRIES = 500_000;

const sameCheck = (a: ReviewCheck | undefined, b: ReviewCheck | undefined): boolean =>
  a === b ||
  (!!a &&
    !!b &&
    a.correct === b.correct &&
    a.given === b.given &&
    a.expected === b.expected &&
    a.suggested === b.suggested);

/** Same entry, field by field (used to tell a re-import from a conflicting id). */
function sameEntry(a: LogEntry, b: LogEntry): boolean {
  if (a.kind !== b.kind || a.id !== b.id || a.card !== b.card || a.time !== b.time) return false;
  if (a.kind === 'review' && b.kind === 'review')
    return a.rating === b.rating && a.duration === b.duration && sameCheck(a.check, b.check);
  return a.kind === 'undo' && b.kind === 'undo' && a.target === b.target;
}

export interface ProgressFile {
  format: typeof PROGRESS_FORMAT;
  version: typeof PROGRESS_VERSION;
  namespace: string;
  exportedAt: number;
  log: LogEntry[];
  /** The study plan's settings (null: none set). */
  plan: PlanSettings | null;
  /** Finished mock interviews, oldest first. */
  mocks: MockRecord[];
}

export function toProgressFile(
  namespace: string,
  log: readonly LogEntry[],
  exportedAt: number,
  profile: Profile = { plan: null, mocks: [] },
): ProgressFile {
  return {
    format: PROGRESS_FORMAT,
    version: PROGRESS_VERSION,
    namespace,
    exportedAt,
    log: log.map((e) => ({ ...e })),
    plan: structuredClone(profile.plan),
    mocks: structuredClone(profile.mocks),
  };
}

/** The error an import rejects with; its message names the problem for the reader. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/**
 * Parses an exported progress file (its text, or the parsed object). Throws ImportError naming
 * the first problem: not JSON (or cut off), not a progress file, a version from the future, or an
 * entry that is malformed or contradicts another one with the same id.
 */
export function parseProgressFile(data: unknown): ProgressFile {
  let value = data;
  if (typeof data === 'string') {
    if (data.length > MAX_IMPORT_CHARS)
      throw new ImportError(`the file is too large (${data.length} characters; at most ${MAX_IMPORT_CHARS})`);
    if (!data.trim()) throw new ImportError('the file is empty');
    try {
      value = JSON.parse(data);
    } catch (e) {
      throw new ImportError(`the file is not valid JSON, or was cut off (${(e as Error).message})`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ImportError('the file is not a Marginalia progress file (expected a JSON object)');
  const v = value as Record<string, unknown>;
  if (v.format !== PROGRESS_FORMAT)
    throw new ImportError(
      `the file is not a Marginalia progress file ("format" is ${JSON.stringify(v.format) ?? 'missing'}, expected "${PROGRESS_FORMAT}")`,
    );
  if (typeof v.version !== 'number' || !Number.isInteger(v.version))
    throw new ImportError('the file has no valid "version"');
  if (v.version > PROGRESS_VERSION)
    throw new ImportError(
      `the file is version ${v.version}, newer than this site reads (version ${PROGRESS_VERSION}); update the page and try again`,
    );
  if (v.version < 1) throw new ImportError(`the file has an unknown version ${v.version}`);
  let file: FileObject = v;
  for (let n = v.version; n < PROGRESS_VERSION; n++) file = MIGRATIONS[n]!(file);
  return parseCurrent(file);
}

/** A file already migrated to PROGRESS_VERSION. */
function parseCurrent(v: FileObject): ProgressFile {
  if (!Array.isArray(v.log)) throw new ImportError('the file has no "log" list of reviews');
  if (v.log.length > MAX_IMPORT_ENTRIES)
    throw new ImportError(`the file has ${v.log.length} log entries; at most ${MAX_IMPORT_ENTRIES} are accepted`);
  const namespace = typeof v.namespace === 'string' ? v.namespace.slice(0, 64) : 'default';
  const exportedAt = typeof v.exportedAt === 'number' && Number.isFinite(v.exportedAt) ? v.exportedAt : 0;
  const log: LogEntry[] = [];
  const byId = new Map<string, LogEntry>();
  v.log.forEach((raw, i) => {
    const parsed = parseLogEntry(raw);
    if ('error' in parsed) throw new ImportError(`log entry ${i + 1} ${parsed.error}`);
    const seen = byId.get(parsed.entry.id);
    if (seen) {
      if (!sameEntry(seen, parsed.entry))
        throw new ImportError(`log entry ${i + 1} reuses the id "${parsed.entry.id}" for a different review`);
      return;
    }
    byId.set(parsed.entry.id, parsed.entry);
    log.push(parsed.entry);
  });
  return { format: PROGRESS_FORMAT, version: PROGRESS_VERSION, namespace, exportedAt, log, ...parseProfile(v) };
}

/** The plan settings and mock interviews of a file already migrated to PROGRESS_VERSION. */
function parseProfile(v: FileObject): Profile {
  let plan: PlanSettings | null = null;
  if (v.plan !== null && v.plan !== undefined) {
    const p = parsePlanSettings(v.plan);
    if ('error' in p) throw new ImportError(`the file's study plan ${p.error}`);
    plan = p.value;
  }
  if (v.mocks !== undefined && !Array.isArray(v.mocks))
    throw new ImportError('the file has a "mocks" field that is not a list of mock interviews');
  const mocks: MockRecord[] = [];
  const byId = new Map<string, string>();
  for (const [i, raw] of ((v.mocks as unknown[] | undefined) ?? []).entries()) {
    const m = parseMockRecord(raw);
    if ('error' in m) throw new ImportError(`mock interview ${i + 1} ${m.error}`);
    const text = JSON.stringify(m.value);
    const seen = byId.get(m.value.id);
    if (seen !== undefined) {
      if (seen !== text)
        throw new ImportError(`mock interview ${i + 1} reuses the id "${m.value.id}" for a different interview`);
      continue;
    }
    byId.set(m.value.id, text);
    mocks.push(m.value);
  }
  return { plan, mocks };
}

export interface MergePlan {
  /** Entries to append (not yet stored). */
  add: LogEntry[];
  /** Entries already stored (same id and content, or the same review under another id). */
  duplicates: number;
}

/**
 * What importing `incoming` into `stored` appends. A stored entry with the same id must be the
 * same entry (else ImportError, and nothing is stored); a review of the same card at the same
 * millisecond with the same grade is the same review exported twice, and is skipped.
 */
export function planMerge(stored: readonly LogEntry[], incoming: readonly LogEntry[]): MergePlan {
  const byId = new Map(stored.map((e) => [e.id, e]));
  const fingerprint = (e: LogEntry) =>
    e.kind === 'review' ? `r|${e.card}|${e.time}|${e.rating}` : `u|${e.card}|${e.target}`;
  const prints = new Set(stored.map(fingerprint));
  const add: LogEntry[] = [];
  let duplicates = 0;
  for (const e of incoming) {
    const have = byId.get(e.id);
    if (have) {
      if (!sameEntry(have, e))
        throw new ImportError(
          `the file's entry "${e.id}" conflicts with a different review already stored under that id`,
        );
      duplicates += 1;
      continue;
    }
    const fp = fingerprint(e);
    if (prints.has(fp)) {
      duplicates += 1;
      continue;
    }
    prints.add(fp);
    byId.set(e.id, e);
    add.push(e);
  }
  return { add, duplicates };
}

/** Each effective review with the card's phase just before it (the optimizer's review_state). */
export function reviewsWithPhase(
  scheduler: Scheduler,
  entries: readonly LogEntry[],
): { review: ReviewEntry; phase: CardPhase }[] {
  const out: { review: ReviewEntry; phase: CardPhase }[] = [];
  for (const reviews of reviewsByCard(entries).values()) {
    let state: MemoryState | undefined;
    for (const review of reviews) {
      out.push({ review, phase: state ? state.state : 0 });
      state = scheduler.next(state, review.rating, review.time);
    }
  }
  return out.sort((a, b) => byTimeThenId(a.review, b.review));
}

const OPTIMIZER_COLUMNS = ['card_id', 'review_time', 'review_rating', 'review_state', 'review_duration'] as const;

const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** The effective reviews (undone ones left out) as the FSRS optimizer's revlog CSV. */
export function toOptimizerCsv(scheduler: Scheduler, log: readonly LogEntry[]): string {
  const lines = [OPTIMIZER_COLUMNS.join(',')];
  for (const { review, phase } of reviewsWithPhase(scheduler, log)) {
    lines.push([csvField(review.card), review.time, review.rating, phase, review.duration].join(','));
  }
  return lines.join('\n') + '\n';
}
