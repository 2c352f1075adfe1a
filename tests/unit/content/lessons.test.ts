import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ANATOMY, lessonSchema } from '../../../src/lib/lesson-schema.ts';
import { bannedRuns, ngramHashes } from '../../../scripts/lib/ngrams.mjs';

const DIR = 'content/lessons';
const lessons = readdirSync(DIR)
  .filter((f) => f.endsWith('.mdx'))
  .map((file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`${file}: no frontmatter`);
    return { file, slug: file.replace(/\.mdx$/, ''), fm: parseYaml(m[1]!) as Record<string, unknown>, body: m[2]! };
  });

/** The body without fenced code, so headings and tags inside code are not counted. */
const prose = (body: string) => body.replace(/```[\s\S]*?```/g, '');
const h2s = (body: string) => [...prose(body).matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
function section(body: string, title: string): string {
  const p = prose(body);
  const start = p.indexOf(`## ${title}\n`);
  if (start < 0) return '';
  const rest = p.slice(start + title.length + 4);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Minimum counts: the flagship's come from issue 7; every other lesson has a smaller floor. */
const MIN = {
  'lora-peft': { pitfalls: 8, places: 5, questions: 12 },
  default: { pitfalls: 4, places: 3, questions: 6 },
} as const;

describe('lessons', () => {
  it('there is at least the flagship lesson', () => {
    expect(lessons.map((l) => l.slug)).toContain('lora-peft');
  });

  for (const lesson of lessons) {
    describe(lesson.file, () => {
      it('has valid frontmatter', () => {
        const parsed = lessonSchema.safeParse(lesson.fm);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      });

      it('has every anatomy section, in order', () => {
        const found = h2s(lesson.body);
        expect(found).toEqual(ANATOMY.map((a) => a.title));
      });

      it('meets its minimum counts of pitfalls, places and questions', () => {
        const min = MIN[lesson.slug as keyof typeof MIN] ?? MIN.default;
        const pitfalls = [...prose(lesson.body).matchAll(/<Pitfall\s[^>]*title="([^"]+)"/g)];
        expect(pitfalls.length).toBeGreaterThanOrEqual(min.pitfalls);
        for (const p of pitfalls) {
          const start = p.index!;
          const body = prose(lesson.body).slice(start, prose(lesson.body).indexOf('</Pitfall>', start));
          for (const label of ['**Symptom.**', '**Cause.**', '**Fix.**']) expect(body, `${p[1]} lacks ${label}`).toContain(label);
        }
        const places = section(lesson.body, 'Where it shows up')
          .split('\n')
          .filter((l) => /^\s*[-*] /.test(l));
        expect(places.length).toBeGreaterThanOrEqual(min.places);
        for (const place of places) expect(place, 'each place is cited').toContain('<Cite');
        const questions = [...section(lesson.body, 'Interview questions').matchAll(/<QA\s+q="/g)];
        expect(questions.length).toBeGreaterThanOrEqual(min.questions);
      });

      it('cites only listed sources and every listed source', () => {
        const ids = ((lesson.fm.sources as { id: string }[]) ?? []).map((s) => s.id);
        const cited = new Set([...lesson.body.matchAll(/<Cite\s+id="([^"]+)"/g)].map((m) => m[1]!));
        for (const id of cited) expect(ids, `unknown citation key ${id}`).toContain(id);
        for (const id of ids) expect(cited.has(id), `source ${id} is never cited`).toBe(true);
      });

      it('links pitfalls only to trainer switches that exist', () => {
        const demos = [...lesson.body.matchAll(/<Pitfall\s[^>]*demo="([^"]+)"/g)].map((m) => m[1]);
        for (const d of demos) expect(['alpha-merge', 'fixed-alpha', 'low-lr', 'few-layers', 'sum-factors']).toContain(d);
      });
    });
  }
});

describe('content/ is written fresh', () => {
  const banned = new Set(readFileSync('tests/fixtures/reference-12grams.txt', 'utf8').split('\n').filter(Boolean));

  it('the stored hashes match the reference page, where it is at hand', () => {
    const ref = '../shared/reference/lora-peft-source-page.txt';
    if (!existsSync(ref)) return; // a clone without shared/: the stored hashes stand alone
    const text = readFileSync(ref, 'utf8');
    const page = text.slice(text.indexOf('\n-----\n') + 7);
    expect([...ngramHashes(page, 12)].sort()).toEqual([...banned].sort());
  });

  it('no run of 12 consecutive words from the reference page appears anywhere in content/', () => {
    expect(banned.size).toBeGreaterThan(500);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else files.push(join(dir, e.name));
      }
    };
    walk('content');
    for (const f of files) expect(bannedRuns(readFileSync(f, 'utf8'), 12, banned), f).toEqual([]);
  });

  it('the check itself catches a copied run', () => {
    const text = readFileSync('tests/fixtures/reference-12grams.txt', 'utf8');
    expect(text.length).toBeGreaterThan(0);
    // a sentence of ours, and a fabricated one with a known hash, to prove matching works
    const probe = 'one two three four five six seven eight nine ten eleven twelve';
    const probeSet = ngramHashes(probe, 12);
    expect(bannedRuns(`prefix ${probe} suffix`, 12, probeSet)).toEqual([probe]);
  });
});
