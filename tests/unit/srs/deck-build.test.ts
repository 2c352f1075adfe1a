import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { renderCardMarkdown } from '../../../src/lib/deck-render.ts';
import { buildDeck, type LessonInfo } from '../../../src/lib/deck-build.ts';
import { deckSchema } from '../../../src/lib/deck-schema.ts';

const lessons = new Map<string, LessonInfo>([['lora-peft', { title: 'LoRA', headings: new Set(['theory', 'pitfalls', 'rank-and-alpha']) }]]);

describe('card Markdown rendering', () => {
  it('renders math as MathML only: no inline styles, no KaTeX HTML spans', () => {
    const html = renderCardMarkdown('Inline $\\Delta W = BA$ and display:\n\n$$\nh = W_0 x + \\frac{\\alpha}{r} B A x\n$$', 'test');
    expect(html).toContain('<math');
    expect(html).toContain('display="block"');
    expect(html).toContain('<mfrac>');
    expect(html).not.toMatch(/style=/);
    expect(html).not.toContain('katex-html');
  });
  it('drops raw HTML, scripts and unsafe links; keeps text and safe links', () => {
    const html = renderCardMarkdown('Is <img src=x onerror="alert(1)"> <script>alert(2)</script> [x](javascript:alert(3)) [ok](https://example.org/) **bold**', 'test');
    expect(html).not.toMatch(/<img|<script|onerror|javascript:/i);
    expect(html).toContain('<a href="https://example.org/">ok</a>');
    expect(html).toContain('<strong>bold</strong>');
  });
  it('fails on a formula KaTeX cannot render, naming where', () => {
    expect(() => renderCardMarkdown('$\\frac{1}{$', 'deck "d", card "c", back')).toThrow(/deck "d", card "c", back: KaTeX could not render/);
  });
});

describe('deck schema and publishing', () => {
  const source = {
    title: 'LoRA',
    lesson: 'lora-peft',
    cards: [
      { id: 'why-low-rank', front: 'Why $r$?', back: 'Because.', tags: ['theory'], section: 'theory', demo: '?rank=1#trainer' },
      { id: 'alpha', front: 'Alpha?', back: 'Scale.', section: 'rank-and-alpha' },
    ],
  };
  it('publishes a versioned deck with HTML, section and demo links', () => {
    const deck = buildDeck('lora-peft', deckSchema.parse(source), lessons);
    expect(deck).toMatchObject({ version: 1, id: 'lora-peft', lesson: 'lora-peft', lessonTitle: 'LoRA', lessonUrl: '/lessons/lora-peft/' });
    expect(deck.cards[0]).toMatchObject({ id: 'why-low-rank', front: 'Why $r$?', tags: ['theory'], sectionUrl: '/lessons/lora-peft/#theory', demoUrl: '/lessons/lora-peft/?rank=1#trainer' });
    expect(deck.cards[0]!.frontHtml).toContain('<math');
    expect(deck.cards[1]!.tags).toEqual([]);
  });
  it('names every bad card: duplicate ids, empty sides, bad ids', () => {
    const r = deckSchema.safeParse({
      ...source,
      cards: [source.cards[0], { ...source.cards[0] }, { id: 'e', front: ' ', back: 'x', section: 'theory' }, { id: 'nb', front: 'x', section: 'theory' }, { id: 'Bad!', front: 'x', back: 'y', section: 'theory' }],
    });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toContain('card "why-low-rank": duplicate id (card 1 already uses it)');
    expect(messages).toContain('card "e": front is empty');
    expect(messages).toContain('card "nb": back is missing (it must be Markdown text)');
    expect(messages.some((m) => m.startsWith('card "Bad!": id must be'))).toBe(true);
  });
  it('refuses an unknown lesson and a section that is not a heading, naming deck and card', () => {
    expect(() => buildDeck('d', deckSchema.parse({ ...source, lesson: 'nope' }), lessons)).toThrow('deck "d": lesson "nope" does not exist');
    const bad = deckSchema.parse({ ...source, cards: [{ id: 'x', front: 'q', back: 'a', section: 'nowhere' }] });
    expect(() => buildDeck('d', bad, lessons)).toThrow('deck "d", card "x": section "nowhere" is not a heading of lesson "lora-peft"');
  });
});

/**
 * The same checks inside a real build: `astro sync` (the first step of `astro build`) for the
 * shape, `astro build` for lessons and sections, pointed at fixture folders.
 */
describe('bad decks fail the build', () => {
  const astro = resolve('node_modules/.bin/astro');
  const run = (args: string[], env: Record<string, string>) => {
    const r = spawnSync(astro, args, { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', MARGINALIA_FIXTURES: '0', ...env }, encoding: 'utf8', timeout: 240_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  };

  it('astro sync names the deck file and each bad card', () => {
    const { status, output } = run(['sync'], { MARGINALIA_DECKS_DIR: 'tests/fixtures/srs/decks-bad-schema' });
    expect(status, output).not.toBe(0);
    expect(output).toContain('broken');
    expect(output).toContain('card "twice": duplicate id (card 1 already uses it)');
    expect(output).toContain('card "blank-front": front is empty');
    expect(output).toContain('card "no-back": back is missing');
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
      expect(output).toContain('deck "bad-section", card "dangling": section "no-such-heading" is not a heading of lesson "srs-mini"');
      expect(output).toContain('deck "bad-section", card "bad-math", back: KaTeX could not render a formula');
      expect(output).toContain('deck "unknown-lesson": lesson "no-such-lesson" does not exist');
      expect(output).not.toContain('card "fine"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
