import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { deckSchema } from '../../../src/lib/deck-schema.ts';
import {
  buildLessonQAs,
  citationText,
  deckCardIds,
  type DeckCardIds,
  type QALessonInput,
} from '../../../src/lib/qa-build.ts';

const DECKS = 'content/decks';
const decks: DeckCardIds = new Map(
  readdirSync(DECKS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f.replace(/\.yaml$/, ''), deckCardIds(deckSchema.parse(parseYaml(readFileSync(join(DECKS, f), 'utf8'))))]),
);

function readLesson(dir: string, file: string): QALessonInput & { raw: string } {
  const raw = readFileSync(join(dir, file), 'utf8');
  const m = /^(---\n[\s\S]*?\n---\n)([\s\S]*)$/.exec(raw);
  if (!m) throw new Error(`${file}: no frontmatter`);
  const fm = parseYaml(m[1]!.slice(4, -5)) as { title: string; sources: QALessonInput['sources'] };
  return {
    raw,
    slug: file.replace(/\.mdx$/, ''),
    title: fm.title,
    file: join(dir, file),
    body: m[2]!,
    lineOffset: m[1]!.split('\n').length - 1,
    sources: fm.sources,
  };
}

const LESSONS = 'content/lessons';
const lessons = readdirSync(LESSONS)
  .filter((f) => f.endsWith('.mdx'))
  .map((f) => readLesson(LESSONS, f));

describe('every lesson publishes its interview questions', () => {
  for (const lesson of lessons) {
    it(`${lesson.file}: every <QA> has an id, a difficulty, a 2–5 point rubric and existing cards`, () => {
      const published = buildLessonQAs(lesson, decks);
      const tags = lesson.raw.match(/<QA\b/g) ?? [];
      expect(published.questions.length).toBe(tags.length);
      expect(published.questions.length).toBeGreaterThan(0);
      expect(published).toMatchObject({ lesson: lesson.slug, title: lesson.title, url: `/lessons/${lesson.slug}/` });
      const ids = published.questions.map((q) => q.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const q of published.questions) {
        expect(q.anchor).toBe(`qa-${q.id}`);
        expect(['easy', 'medium', 'hard']).toContain(q.difficulty);
        expect(q.rubric.length).toBeGreaterThanOrEqual(2);
        expect(q.rubric.length).toBeLessThanOrEqual(5);
        for (const point of q.rubric) expect(point.trim().length, `${q.id}: empty rubric point`).toBeGreaterThan(10);
        expect(q.cards.length).toBeGreaterThanOrEqual(1);
        for (const ref of q.cards) {
          const [deck, card] = [ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1)];
          expect(decks.get(deck)?.has(card), `${q.id}: ${ref}`).toBe(true);
        }
        // No raw MDX in the published answer: citations became text, math became MathML.
        const prose = q.answer.replace(/<annotation[^>]*>[\s\S]*?<\/annotation>/g, '');
        expect(prose).not.toMatch(/<Cite|<QA|\{|\$/);
        expect(q.answer.startsWith('<')).toBe(true);
      }
    });
  }

  it('the track mixes difficulties', () => {
    const all = lessons.flatMap((l) => buildLessonQAs(l, decks).questions.map((q) => q.difficulty));
    for (const d of ['easy', 'medium', 'hard']) expect(all).toContain(d);
  });
});

describe('a bad question is refused, naming the file and the question', () => {
  const decksMini: DeckCardIds = new Map([['mini', new Set(['rank', 'init::c1'])]]);
  const lesson = (body: string): QALessonInput => ({
    slug: 'mini',
    title: 'Mini',
    file: 'content/lessons/mini.mdx',
    body,
    lineOffset: 10,
    sources: [{ id: 'hu2021', title: 'LoRA', authors: 'Edward J. Hu, Yelong Shen, Phillip Wallis', year: 2021 }],
  });
  const problems = (body: string): string => {
    try {
      buildLessonQAs(lesson(body), decksMini);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected the questions to be refused');
  };
  const qa = (attrs: string, answer = 'An answer.') => `<QA q="Why?" ${attrs}>\n\n${answer}\n\n</QA>\n`;
  const good = 'id="why" difficulty="easy" cards="mini:rank" rubric={["One point", "Another point"]}';

  it('publishes a good question: rubric, cards, anchor, answer HTML with math and citations as text', () => {
    const out = buildLessonQAs(
      lesson(qa(good, 'Because $\\alpha/r$ scales it <Cite id="hu2021" at="§4.1" />.\n\n- **one**\n- two')),
      decksMini,
      '/base/',
    );
    expect(out).toMatchObject({ lesson: 'mini', title: 'Mini', url: '/base/lessons/mini/' });
    expect(out.questions).toHaveLength(1);
    const [q] = out.questions;
    expect(q).toMatchObject({
      id: 'why',
      q: 'Why?',
      difficulty: 'easy',
      rubric: ['One point', 'Another point'],
      cards: ['mini:rank'],
      anchor: 'qa-why',
    });
    expect(q!.answer).toContain('(Hu et al. 2021, §4.1)');
    expect(q!.answer).toContain('<math');
    expect(q!.answer).toContain('<strong>one</strong>');
    expect(q!.answer).not.toContain('Cite');
    expect(q!.answer).not.toMatch(/style=/);
  });

  it('a missing id, difficulty, rubric or cards is named with the file, line and question', () => {
    const m = problems(`Intro.\n\n${qa('q2="x"')}`);
    expect(m).toContain('content/lessons/mini.mdx:13, question 1 "Why?": id is missing');
    expect(m).toContain('difficulty is missing (one of easy, medium, hard)');
    expect(m).toContain('rubric is missing (2 to 5 points');
    expect(m).toContain('cards is missing');
  });

  it('a rubric of 1 or 6 points, a rubric as a string, an empty point are refused', () => {
    const base = 'id="why" difficulty="easy" cards="mini:rank"';
    expect(problems(qa(`${base} rubric={["Only one"]}`))).toContain('rubric must have 2 to 5 points (has 1)');
    expect(problems(qa(`${base} rubric={["a", "b", "c", "d", "e", "f"]}`))).toContain(
      'rubric must have 2 to 5 points (has 6)',
    );
    expect(problems(qa(`${base} rubric="a, b"`))).toContain('rubric must be a list of strings');
    expect(problems(qa(`${base} rubric={["a", " "]}`))).toContain('rubric point 2 is empty');
    expect(problems(qa(`${base} rubric={["a", someVariable]}`))).toContain('rubric must list only plain string literals');
  });

  it('a duplicate id, a bad id, an unknown difficulty are refused', () => {
    const m = problems(qa(good) + qa(good));
    expect(m).toContain('question 2 "Why?": duplicate id "why" (question 1 already uses it)');
    expect(problems(qa(good.replace('"why"', '"Why Not"')))).toContain('id must be a lowercase slug');
    expect(problems(qa(good.replace('"easy"', '"tricky"')))).toContain(
      'difficulty must be one of easy, medium, hard (got "tricky")',
    );
  });

  it('a card that is not in the deck, or a deck that does not exist, is refused', () => {
    expect(problems(qa(good.replace('mini:rank', 'mini:nope')))).toContain('card "mini:nope": deck "mini" has no card "nope"');
    expect(problems(qa(good.replace('mini:rank', 'other:rank')))).toContain(
      'card "other:rank": deck "other" does not exist (decks: mini)',
    );
    expect(problems(qa(good.replace('mini:rank', 'rank')))).toContain('card "rank" must be written "<deck>:<card id>"');
    // a cloze entry's published card ids are accepted
    expect(buildLessonQAs(lesson(qa(good.replace('mini:rank', 'mini:init::c1'))), decksMini).questions[0]!.cards).toEqual([
      'mini:init::c1',
    ]);
  });

  it('other components, expressions and unrenderable math in the answer are refused', () => {
    expect(problems(qa(good, 'See <Pitfall title="x">y</Pitfall>.'))).toContain('the answer contains <Pitfall>');
    expect(problems(qa(good, 'Value {1 + 1}.'))).toContain('a {…} expression');
    expect(problems(qa(good, 'Bad $\\frac{1}{$ math.'))).toContain('KaTeX could not render a formula');
  });

  it('deckCardIds lists basic and numeric ids, and one id per cloze number', () => {
    const ids = deckCardIds(
      deckSchema.parse({
        title: 'D',
        lesson: 'x',
        cards: [
          { id: 'b', front: 'q', back: 'a', section: 's' },
          { id: 'n', type: 'numeric', front: 'q', answer: 3, section: 's' },
          { id: 'c', type: 'cloze', front: '{{c1::a}} and {{c2::b}}', section: 's' },
        ],
      }),
    );
    expect([...ids]).toEqual(['b', 'n', 'c::c1', 'c::c2']);
  });

  it('citations read as author and year', () => {
    const at = '§3';
    expect(citationText({ id: 'a', authors: 'Tim Dettmers, Artidoro Pagnoni, Ari Holtzman', year: 2023 }, 'a', at)).toBe(
      '(Dettmers et al. 2023, §3)',
    );
    expect(citationText({ id: 'a', authors: 'Carl Eckart, Gale Young', year: 1936 }, 'a', undefined)).toBe(
      '(Eckart and Young 1936)',
    );
    expect(citationText({ id: 'a', authors: 'Lloyd N. Trefethen, David Bau III', year: 1997 }, 'a', undefined)).toBe(
      '(Trefethen and Bau 1997)',
    );
    expect(citationText({ id: 'a', authors: 'Llama Team, AI @ Meta', year: 2024 }, 'a', 'Table 3')).toBe(
      '(Llama Team, AI @ Meta 2024, Table 3)',
    );
    expect(citationText({ id: 'a', authors: 'Hugging Face' }, 'a', 'utils.py')).toBe('(Hugging Face, utils.py)');
    expect(citationText({ id: 'a', title: 'A page' }, 'a', undefined)).toBe('(A page)');
  });
});

/** The same checks inside a real `astro build`, pointed at a fixture lesson and deck. */
describe('bad interview questions fail the build', () => {
  it('astro build names the lesson file and each bad question', () => {
    const out = mkdtempSync(resolve(tmpdir(), 'qa-bad-build-'));
    try {
      const r = spawnSync(resolve('node_modules/.bin/astro'), ['build'], {
        env: {
          ...process.env,
          FORCE_COLOR: '0',
          NO_COLOR: '1',
          MARGINALIA_FIXTURES: '0',
          MARGINALIA_LESSONS_DIR: './tests/fixtures/qa/lessons-bad',
          MARGINALIA_DECKS_DIR: 'tests/fixtures/qa/decks',
          MARGINALIA_OUT_DIR: out,
        },
        encoding: 'utf8',
        timeout: 240_000,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).not.toBe(0);
      const file = 'tests/fixtures/qa/lessons-bad/qa-mini.mdx';
      expect(output).toContain(`${file}:27, question 2 "A question without a rubric?": rubric is missing`);
      expect(output).toContain(`${file}:33, question 3 "A question without an id?": id is missing`);
      expect(output).toContain('question 4 "A question with one rubric point?": duplicate id "fine"');
      expect(output).toContain('difficulty must be one of easy, medium, hard (got "tricky")');
      expect(output).toContain('rubric must have 2 to 5 points (has 1)');
      expect(output).toContain('card "qa-mini:nope": deck "qa-mini" has no card "nope"');
      expect(output).toContain('card "other-deck:rank": deck "other-deck" does not exist');
      expect(output).not.toContain('"A question that is fine?"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
