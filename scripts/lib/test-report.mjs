// @ts-check
/**
 * Counts for `npm test`'s closing line, read from the runners' JSON reports (pure: the reports
 * come in as parsed objects). A test that failed and then passed on its retry is flaky: it is
 * counted apart from the passes and named, so a flaky test is seen, not hidden in the total.
 */
import { join, relative } from 'node:path';

/**
 * @typedef {{ passed: number, failed: number, skipped: number, flaky: { file: string, title: string, project: string }[] }} Counts
 * @typedef {{ title?: string, file?: string, specs?: { title: string, file?: string, tests?: { status?: string, projectName?: string }[] }[], suites?: Suite[] }} Suite
 */

/**
 * Vitest's JSON report (`--reporter=json`). A run that found no test file counts as one failure.
 * @param {any} report
 * @returns {Counts}
 */
export function unitCounts(report) {
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + (report.numTotalTests === 0 ? 1 : 0),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    flaky: [],
  };
}

/**
 * Playwright's JSON report: `stats` for the counts, the suites for the flaky tests' names (file
 * relative to `cwd`, the describe titles and the test's title joined with ›, the project).
 * @param {any} report @param {string} cwd
 * @returns {Counts}
 */
export function e2eCounts(report, cwd) {
  const stats = report.stats ?? {};
  const root = report.config?.rootDir ?? cwd;
  /** @type {Counts['flaky']} */
  const flaky = [];
  /** @param {Suite} suite @param {string[]} titles */
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'flaky') continue;
        const file = spec.file ?? suite.file ?? '';
        flaky.push({
          file: relative(cwd, join(root, file)),
          title: [...titles, spec.title].join(' › '),
          project: test.projectName ?? '',
        });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title ?? '']);
  };
  // Top-level suites are files (their title is the file name): describe titles start below them.
  for (const file of report.suites ?? []) walk(file, []);
  return { passed: stats.expected ?? 0, failed: stats.unexpected ?? 0, skipped: stats.skipped ?? 0, flaky };
}

/** @param {Counts[]} all @returns {Counts} */
export function addCounts(all) {
  return {
    passed: all.reduce((n, c) => n + c.passed, 0),
    failed: all.reduce((n, c) => n + c.failed, 0),
    skipped: all.reduce((n, c) => n + c.skipped, 0),
    flaky: all.flatMap((c) => c.flaky),
  };
}
