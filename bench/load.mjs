// @ts-check
/**
 * Honest figures on a shared machine: the 1-minute load average before and after a benchmark.
 * Before measuring, a busy machine (load over LOAD_LIMIT, 1.5 on this project's 2 cores) gets up
 * to WAIT_MS to settle, checked every CHECK_MS; the bench then runs either way, and its figures
 * are marked as taken under load when the load was over the limit at the start or at the end.
 */
import { cpus, loadavg } from 'node:os';

export const LOAD_LIMIT = 1.5;
const WAIT_MS = 5 * 60_000;
const CHECK_MS = 5_000;

const load1 = () => loadavg()[0];

/**
 * Waits (up to 5 minutes; with `wait` false, not at all) for the load to drop to LOAD_LIMIT;
 * prints what it saw. @param {{ wait?: boolean }} [options]
 */
export async function settle({ wait = true } = {}) {
  const first = load1();
  const t0 = Date.now();
  let now = first;
  if (first > LOAD_LIMIT && wait)
    console.log(`load ${first.toFixed(2)} > ${LOAD_LIMIT}: waiting up to 5 min for it to settle…`);
  while (wait && now > LOAD_LIMIT && Date.now() - t0 < WAIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, CHECK_MS));
    now = load1();
  }
  const waited = Math.round((Date.now() - t0) / 1000);
  console.log(
    `load average before: ${now.toFixed(2)} (1 min; ${cpus().length} cores)${first > LOAD_LIMIT && wait ? `, after waiting ${waited} s from ${first.toFixed(2)}` : ''}`,
  );
  return now;
}

/** Prints the load after the run and whether the figures were taken under load. @param {number} before */
export function report(before) {
  const after = load1();
  const busy = before > LOAD_LIMIT || after > LOAD_LIMIT;
  console.log(
    `load average after: ${after.toFixed(2)}${busy ? `  — TAKEN UNDER LOAD (over ${LOAD_LIMIT}): ratios hold better than absolute figures, which are low` : '  (idle machine)'}`,
  );
  return { after, busy };
}
