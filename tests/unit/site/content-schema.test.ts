import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * A lesson with a bad or missing frontmatter field must fail the build with a message naming
 * the file and the field. `astro sync` runs the same content validation as `astro build` (the
 * first thing a build does), pointed at a fixture folder through MARGINALIA_LESSONS_DIR.
 */
describe('lesson frontmatter validation', () => {
  it('fails the build naming the file and each bad field', () => {
    const astro = resolve('node_modules/.bin/astro');
    const run = spawnSync(astro, ['sync'], {
      env: { ...process.env, MARGINALIA_LESSONS_DIR: './tests/fixtures/lessons-bad', FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).not.toBe(0);
    expect(output).toContain('bad-lesson.mdx');
    expect(output).toMatch(/order[^\n]*Required/);
    expect(output).toMatch(/level[^\n]*expected one of/);
  });
});
