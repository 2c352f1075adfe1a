import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { renderCardMarkdown } from '../../../src/lib/deck-render.ts';
import { buildDeck, type LessonInfo } from '../../../src/lib/deck-build.ts';
import { deckSchema } from '../../../src/lib/deck-schema.ts';

const lessons = new Map<string, LessonInfo>([
  ['lora-peft', { title: 'LoRA', headings: new Set(['theory', 'pitfalls', 'rank-and-alpha']) }],
]);

describe('card Markdown rendering', () => {
  it('renders math as MathML only: no inline styles, no KaTeX HTML spans', () => {
    const html = renderCardMarkdown(
      'Inline $\\Delta W = BA$ and display:\n\n$$\nh = W_0 x + \\frac{\\alpha}{r} B A x\n$$',
      'test',
    );
    expect(html).toContain('<math');
    expect(html).toContain('display="block"');
    expect(html).toContain('<mfrac>');
    expect(html).not.toMatch(/style=/);
    expect(html).not.toContain('katex-html');
  });
  it('drops raw HTML, scripts and unsafe links; keeps text and safe links', () => {
    const html = renderCardMarkdown(
      'Is <img src=x onerror="alert(1)"> <script>alert(2)</script> [x](javascript:alert(3)) [ok](https://example.org/) **bold**',
      'test',
    );
    expect(html).not.toMatch(/<img|<script|onerror|javascript:/i);
    expect(html).toContain('<a href="https://example.org/">ok</a>');
    expect(html).toContain('<strong>bold</strong>');
  });
  it('fails on a formula KaTeX cannot render, naming where', () => {
    expect(() => renderCardMarkdown('$\\frac{1}{$', 'deck "d", card "c", back')).toThrow(
      /deck "d", card "c", back: KaTeX could not render/,
    );
  });
});

describe('deck schema and publishing', () => {
  const source = {
    title: 'LoRA',
    lesson: 'lora-peft',
    cards: [
      {
        id: 'why-low-rank',
        front: 'Why $r$?',
        back: 'Because.',
        tags: ['theory'],
        section: 'theory',
        demo: '?rank=1#trainer',
      },
      { id: 'alpha', front: 'Alpha?', back: 'Scale.', section: 'rank-and-alpha' },
    ],
  };
  it('publishes a versioned deck with HTML, section and demo links', () => {
    const deck = buildDeck('lora-peft', deckSchema.parse(source), lessons);
    expect(deck).toMatchObject({
      version: 1,
      id: 'lora-peft',
      lesson: 'lora-peft',
      lessonTitle: 'LoRA',
      lessonUrl: '/lessons/lora-peft/',
    });
    expect(deck.cards[0]).toMatchObject({
      id: 'why-low-rank',
      front: 'Why $r$?',
      tags: ['theory'],
      sectionUrl: '/lessons/lora-peft/#theory',
      demoUrl: '/lessons/lora-peft/?rank=1#trainer',
    });
    expect(deck.cards[0]!.frontHtml).toContain('<math');
    expect(deck.cards[1]!.tags).toEqual([]);
  });
  it('names every bad card: duplicate ids, empty sides, bad ids', () => {
    const r = deckSchema.safeParse({
      ...source,
      cards: [
        source.cards[0],
        { ...source.cards[0] },
        { id: 'e', front: ' ', back: 'x', section: 'theory' },
        { id: 'nb', front: 'x', section: 'theory' },
        { id: 'Bad!', front: 'x', back: 'y', section: 'theory' },
      ],
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toContain('card "why-low-rank": duplicate id (card 1 already uses it)');
    expect(messages).toContain('card "e": front is empty');
    expect(messages).toContain('card "nb": back is missing (it must be Markdown text)');
    expect(messages.some((m) => m.startsWith('card "Bad!": id must be'))).toBe(true);
  });
  it('refuses an unknown lesson and a section that is not a heading, naming deck and card', () => {
    expect(() => buildDeck('d', deckSchema.parse({ ...source, lesson: 'nope' }), lessons)).toThrow(
      'deck "d": lesson "nope" does not exist',
    );
    const bad = deckSchema.parse({ ...source, cards: [{ id: 'x', front: 'q', back: 'a', section: 'nowhere' }] });
    expect(() => buildDeck('d', bad, lessons)).toThrow(
      'deck "d", card "x": section "nowhere" is not a heading of lesson "lora-peft"',
    );
  });
});

/**
 * The same checks inside a real build: `astro sync` (the first step of `astro build`) for the
 * shape, `astro build` for lessons and sections, pointed at fixture folders.
 */
describe('bad decks fail the build', () => {
  const astro = resolve('node_modules/.bin/astro');
  const run = (args: string[], env: Record<string, string>) => {
    const r = spawnSync(astro, args, {
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', MARGINALIA_FIXTURES: '0', ...env },
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  };

  it('astro sync names the deck file and each bad card', () => {
    const { status, output } = run(['sync'], { MARGINALIA_DECKS_DIR: 'tests/fixtures/srs/decks-bad-schema' });
    expect(status, output).not.toBe(0);
    expect(output).toContain('broken');
    expect(output).toContain('card "twice": duplicate id (card 1 already uses it)');
    expect(output).toContain('card "blank-front": front is empty');
    expect(output).toContain('card "no-back": back is missing');
    expect(output).toContain('card "magic-generator": unknown generator "lora-magic"');
    expect(output).toContain('card "no-answer": a numeric card needs an answer (a number) or a generator');
    expect(output).toContain('card "open-cloze": the cloze front has an unclosed or malformed');
  });

  it('astro build names the deck with an unknown lesson, or a section the lesson does not have', () => {
    const out = mkdtempSync(resolve(tmpdir(), 'srs-bad-build-'));
    try {
      const { status, output } = run(['build'], {
        MARGINALIA_DECKS_DIR: 'tests/fixtures/srs/decks-bad-refs',
        MARGINALIA_LESSONS_DIR: './tests/fixtures/srs/lessons',
        MARGINALIA_OUT_DIR: out,
      });
      expect(status, output).not.toBe(0);
      expect(output).toContain(
        'deck "bad-section", card "dangling": section "no-such-heading" is not a heading of lesson "srs-mini"',
      );
      expect(output).toContain('deck "bad-section", card "bad-math", back: KaTeX could not render a formula');
      expect(output).toContain('deck "unknown-lesson": lesson "no-such-lesson" does not exist');
      expect(output).not.toContain('card "fine"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('numeric and cloze cards (issue 16)', () => {
  const base = { title: 'LoRA', lesson: 'lora-peft' };
  const issues = (cards: unknown[]) => {
    const r = deckSchema.safeParse({ ...base, cards });
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  it('publishes numeric cards with a fixed answer or a generator; back is optional', () => {
    const deck = buildDeck(
      'd',
      deckSchema.parse({
        ...base,
        cards: [
          { id: 'fixed', type: 'numeric', front: 'Bytes per parameter?', answer: 16, unit: 'B', section: 'theory' },
          {
            id: 'gen',
            type: 'numeric',
            front: 'Parameters of one matrix?',
            generator: 'lora-matrix-params',
            params: { r: [8, 16] },
            tolerance: 0.02,
            back: 'r(d+k).',
            section: 'theory',
          },
        ],
      }),
      lessons,
    );
    expect(deck.cards[0]).toMatchObject({ id: 'fixed', type: 'numeric', answer: 16, unit: 'B' });
    expect(deck.cards[0]!.back).toBeUndefined();
    expect(deck.cards[1]).toMatchObject({
      id: 'gen',
      type: 'numeric',
      generator: 'lora-matrix-params',
      params: { r: [8, 16] },
      tolerance: 0.02,
      back: 'r(d+k).',
    });
  });
  it('publishes a cloze entry as one card per cloze number, ids "<id>::c<N>"', () => {
    const deck = buildDeck(
      'd',
      deckSchema.parse({
        ...base,
        cards: [
          {
            id: 'init',
            type: 'cloze',
            front: 'LoRA starts with {{c1::B}} = 0 and a {{c2::random::how?}} $A$.',
            section: 'theory',
          },
        ],
      }),
      lessons,
    );
    expect(deck.cards.map((c) => c.id)).toEqual(['init::c1', 'init::c2']);
    expect(deck.cards[0]).toMatchObject({
      type: 'cloze',
      answers: ['B'],
      front: 'LoRA starts with […] = 0 and a random $A$.',
    });
    expect(deck.cards[1]).toMatchObject({ answers: ['random'], front: 'LoRA starts with B = 0 and a [how?] $A$.' });
    expect(deck.cards[0]!.backHtml).toContain('<strong>B</strong>');
    expect(deck.cards[1]!.frontHtml).toContain('<math');
  });
  it('fails on an unknown generator, a numeric card without an answer, a malformed cloze — naming the card', () => {
    const m = issues([
      { id: 'gen', type: 'numeric', front: 'q', generator: 'lora-magic', section: 'theory' },
      { id: 'none', type: 'numeric', front: 'q', section: 'theory' },
      { id: 'both', type: 'numeric', front: 'q', answer: 1, generator: 'merge-macs', section: 'theory' },
      { id: 'text', type: 'numeric', front: 'q', answer: '35 MB', section: 'theory' },
      { id: 'par', type: 'numeric', front: 'q', generator: 'merge-macs', params: { rank: 4 }, section: 'theory' },
      { id: 'cl', type: 'cloze', front: 'open {{c1::never closed', section: 'theory' },
      { id: 'cl0', type: 'cloze', front: 'no deletion', section: 'theory' },
      { id: 'ty', type: 'multiple-choice', front: 'q', back: 'a', section: 'theory' },
      { id: 'bb', front: 'q', back: 'a', answer: 3, section: 'theory' },
      { id: 'tol', type: 'numeric', front: 'q', answer: 3, tolerance: 5, section: 'theory' },
    ]);
    expect(m).toContainEqual(
      expect.stringMatching(/^card "gen": unknown generator "lora-magic" \(known: lora-matrix-params, /),
    );
    expect(m).toContain('card "none": a numeric card needs an answer (a number) or a generator');
    expect(m).toContain('card "both": a numeric card has either an answer or a generator, not both');
    expect(m).toContainEqual(expect.stringMatching(/^card "text": answer must be a number \(got "35 MB"\)/));
    expect(m).toContainEqual(expect.stringMatching(/^card "par": generator "merge-macs" has no parameter "rank"/));
    expect(m).toContainEqual(
      expect.stringMatching(/^card "cl": the cloze front has an unclosed or malformed "\{\{…\}\}"/),
    );
    expect(m).toContain('card "cl0": the cloze front has no cloze deletion (write {{c1::hidden}})');
    expect(m).toContain('card "ty": type must be basic, numeric or cloze (got "multiple-choice")');
    expect(m).toContain('card "bb": answer is only for numeric cards (add type: numeric)');
    expect(m).toContain('card "tol": tolerance must be a relative tolerance from 0 to 0.5 (0.01 is 1%)');
  });
});
