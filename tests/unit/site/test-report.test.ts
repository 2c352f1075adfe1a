import { describe, it, expect } from 'vitest';
import { addCounts, e2eCounts, unitCounts } from '../../../scripts/lib/test-report.mjs';

/** The shape of Playwright's JSON report, cut down to what `npm test` reads. */
const E2E = {
  config: { rootDir: '/repo/tests/e2e' },
  stats: { expected: 5, unexpected: 1, flaky: 2, skipped: 3 },
  suites: [
    {
      title: 'srs-quiz.spec.ts',
      file: 'srs-quiz.spec.ts',
      specs: [
        { title: 'grades a card', file: 'srs-quiz.spec.ts', tests: [{ status: 'flaky', projectName: 'chromium' }] },
      ],
      suites: [
        {
          title: 'keyboard',
          file: 'srs-quiz.spec.ts',
          specs: [
            { title: 'U undoes', file: 'srs-quiz.spec.ts', tests: [{ status: 'expected', projectName: 'chromium' }] },
            {
              title: 'Space reveals',
              file: 'srs-quiz.spec.ts',
              tests: [{ status: 'unexpected', projectName: 'chromium' }],
            },
          ],
        },
      ],
    },
    {
      title: 'engine.gpu.spec.ts',
      file: 'engine.gpu.spec.ts',
      specs: [],
      suites: [
        {
          title: 'engine',
          file: 'engine.gpu.spec.ts',
          suites: [
            {
              title: 'on the GPU',
              file: 'engine.gpu.spec.ts',
              specs: [
                {
                  title: 'matches the CPU',
                  file: 'engine.gpu.spec.ts',
                  tests: [{ status: 'flaky', projectName: 'webgpu' }],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe('npm test counts (scripts/lib/test-report.mjs)', () => {
  it('counts a flaky e2e test apart from the passes, by name: file, titles and project', () => {
    const c = e2eCounts(E2E, '/repo');
    expect(c).toEqual({
      passed: 5,
      failed: 1,
      skipped: 3,
      flaky: [
        { file: 'tests/e2e/srs-quiz.spec.ts', title: 'grades a card', project: 'chromium' },
        { file: 'tests/e2e/engine.gpu.spec.ts', title: 'engine › on the GPU › matches the CPU', project: 'webgpu' },
      ],
    });
  });

  it('reads vitest: todo counts as skipped, a run with no test at all as a failure', () => {
    expect(
      unitCounts({ numPassedTests: 7, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1, numTotalTests: 11 }),
    ).toEqual({
      passed: 7,
      failed: 1,
      skipped: 3,
      flaky: [],
    });
    expect(unitCounts({ numTotalTests: 0 })).toMatchObject({ passed: 0, failed: 1 });
  });

  it('adds the two reports', () => {
    const sum = addCounts([unitCounts({ numPassedTests: 7, numTotalTests: 7 }), e2eCounts(E2E, '/repo')]);
    expect(sum).toMatchObject({ passed: 12, failed: 1, skipped: 3 });
    expect(sum.flaky.map((t) => t.title)).toEqual(['grades a card', 'engine › on the GPU › matches the CPU']);
  });
});
