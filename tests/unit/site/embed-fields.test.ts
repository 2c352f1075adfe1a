/**
 * The /embed/ configurator's fields (src/components/embed/fields.ts) against the package's
 * custom-elements.json (scripts/package/manifest.mjs over widgets/<tag>/<tag>.ts): every element
 * is offered with every attribute it observes and none it does not, so the next element or
 * attribute cannot be forgotten; the elements' own messages land on the field they name; and the
 * snippet writes what the fields say.
 */
import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifest } from '../../../scripts/package/manifest.mjs';
import { publicWidgets } from '../../../scripts/widgets-integration.mjs';
import { EMBED_FIELDS, embedSnippet, messageFields, noticeFields } from '../../../src/components/embed/fields.ts';
import { WIDGET_CATALOG } from '../../../src/lib/widget-catalog.ts';
import { parseSettings as parseTrainer } from '../../../widgets/lora-trainer/settings.ts';
import { parseSettings as parseLm } from '../../../widgets/lora-lm/settings.ts';
import { parseSettings as parseQuiz } from '../../../widgets/srs-quiz/settings.ts';
import { applyAttributes, baseSettings, type PlanAttributes } from '../../../widgets/study-plan/settings.ts';
import { parsePeftInput } from '../../../widgets/core/peft-input.ts';
import { parseRank, parseSeed } from '../../../widgets/subspace-view/parse.ts';
import { PRESETS } from '../../../widgets/peft-calculator/presets.ts';
import { DECK_ID } from '../../../widgets/core/srs-deck.ts';
import { DEFAULT_RETENTION, MAX_RETENTION, MIN_RETENTION } from '../../../widgets/core/srs-schedule.ts';

/**
 * Elements the package ships that the catalog (and so /embed/ and the playground) does not list
 * yet, with the reason. Listing one in the catalog makes TypeScript ask for its fields, and the
 * test below then asks for it to leave this list.
 */
const NOT_IN_CATALOG: Record<string, string> = {};

const root = join(import.meta.dirname, '../../..');
const elements = buildManifest(root, publicWidgets()).modules.flatMap((m) =>
  m.declarations.filter((d) => d.customElement),
);
const fields = EMBED_FIELDS as Record<string, (typeof EMBED_FIELDS)[keyof typeof EMBED_FIELDS]>;
const names = (tag: string) => fields[tag]!.map((f) => f.name);
const catalog: readonly string[] = WIDGET_CATALOG.map((w) => w.tag);
/** <study-plan>'s attributes, by their HTML names, as the element hands them to its parser. */
const planAttributes = (a: Record<string, string>): PlanAttributes => ({
  interviewDate: a['interview-date'] ?? null,
  minutesPerDay: a['minutes-per-day'] ?? null,
  lessons: a['lessons'] ?? null,
  daysOff: a['days-off'] ?? null,
  retention: a['retention'] ?? null,
});

describe('every element, every attribute', () => {
  test('the manifest has elements, the three newest among them', () => {
    expect(elements.map((d) => d.tagName)).toEqual(
      expect.arrayContaining(['study-plan', 'mock-interview', 'lora-lm', 'peft-calculator']),
    );
  });

  test('each element of custom-elements.json is offered by /embed/, or listed here with a reason', () => {
    const missing = elements.map((d) => d.tagName!).filter((tag) => !catalog.includes(tag) && !(tag in NOT_IN_CATALOG));
    expect(missing).toEqual([]);
    for (const tag of catalog) expect(fields[tag], `<${tag}> has no fields on /embed/`).toBeDefined();
    // An exception that is no longer one goes.
    for (const tag of Object.keys(NOT_IN_CATALOG)) {
      expect(catalog, `<${tag}> is in the catalog now: drop it from NOT_IN_CATALOG`).not.toContain(tag);
      expect(elements.map((d) => d.tagName)).toContain(tag);
    }
  });

  test.each(catalog)('<%s>: a field for each attribute it observes, and for nothing else', (tag) => {
    const el = elements.find((d) => d.tagName === tag);
    expect(el, `<${tag}> is not in custom-elements.json`).toBeDefined();
    const observed = (el!.attributes ?? []).map((a) => a.name).sort();
    expect(observed.length).toBeGreaterThan(0);
    expect([...names(tag)].sort()).toEqual(observed);
    expect(new Set(names(tag)).size).toBe(names(tag).length);
  });

  test.each(catalog)('<%s>: a checkbox exactly for each boolean attribute', (tag) => {
    const el = elements.find((d) => d.tagName === tag)!;
    const booleans = (el.attributes ?? [])
      .filter((a) => /\bboolean\b/.test((a as { type?: { text: string } }).type?.text ?? ''))
      .map((a) => a.name)
      .sort();
    expect(
      fields[tag]!.filter((f) => f.kind === 'flag')
        .map((f) => f.name)
        .sort(),
    ).toEqual(booleans);
  });

  test('the three elements added last have the attributes the brief names', () => {
    expect(names('study-plan')).toEqual([
      'interview-date',
      'minutes-per-day',
      'days-off',
      'lessons',
      'retention',
      'namespace',
    ]);
    expect(names('mock-interview')).toEqual(['minutes', 'lessons', 'namespace']);
    expect(names('lora-lm')).toEqual(['prompt', 'seed', 'temperature', 'rank', 'steps', 'backend']);
  });

  test('<srs-progress> is in the catalog, with its three attributes', () => {
    expect(catalog).toContain('srs-progress');
    expect(names('srs-progress')).toEqual(['deck', 'retention', 'namespace']);
    const retention = fields['srs-progress']!.find((f) => f.name === 'retention')!;
    expect(retention).toMatchObject({ kind: 'number', step: '0.01' });
    expect(retention.more).toBeFalsy();
  });
});

describe('what the preview starts with', () => {
  test('every element starts valid by its own parser, with at least one field shown unfolded', () => {
    for (const tag of catalog)
      expect(
        fields[tag]!.some((f) => !f.more),
        tag,
      ).toBe(true);
    const start = (tag: string) =>
      Object.fromEntries(fields[tag]!.filter((f) => f.value !== '').map((f) => [f.name, f.value]));
    const lm = start('lora-lm');
    expect(
      parseLm({ prompt: null, seed: null, temperature: null, rank: null, steps: null, backend: null, ...lm }).errors,
    ).toEqual([]);
    expect(lm['prompt']).toBe('The adapter ');
    const attrs = planAttributes(start('study-plan'));
    expect(applyAttributes(baseSettings(null), attrs, null)).not.toHaveProperty('error');
    expect(start('mock-interview')).toEqual({ minutes: '20' });
    expect(parseTrainer(start('lora-trainer')).errors).toEqual([]);
    expect(parsePeftInput(start('peft-calculator'), PRESETS).errors).toEqual([]);
    const quiz = start('srs-quiz');
    expect(
      parseQuiz({ deck: quiz['deck'] ?? '', mode: quiz['mode'] ?? 'due', namespace: 'default', retention: '0.9' })
        .problems,
    ).toEqual([]);
    // Deck ids the element takes (it leaves out any other), each a deck this site publishes.
    const decks = start('srs-progress')['deck']!.split(' ');
    expect(decks.length).toBeGreaterThan(0);
    for (const id of decks) {
      expect(id).toMatch(DECK_ID);
      expect(existsSync(join(root, 'content/decks', `${id}.yaml`)), id).toBe(true);
    }
    // Suggested values are values the element takes.
    for (const tag of catalog)
      for (const f of fields[tag]!) if (f.options && f.value) expect(f.options, `${tag} ${f.name}`).toContain(f.value);
  });

  test('number fields start with a number, and a decimal one allows decimals', () => {
    for (const tag of catalog)
      for (const f of fields[tag]!.filter((f) => f.kind === 'number')) {
        if (f.value) expect(Number.isFinite(Number(f.value)), `${tag} ${f.name}`).toBe(true);
      }
    const step = (tag: string, name: string) => fields[tag]!.find((f) => f.name === name)!.step;
    expect(step('study-plan', 'retention')).toBe('0.01');
    expect(step('lora-lm', 'temperature')).toBe('0.1');
    expect(step('lora-lm', 'rank')).toBeUndefined();
  });
});

describe("the elements' own messages go to the field they name", () => {
  /** The fields of `tag` that `message` is about. */
  const about = (tag: string, message: string) => messageFields(names(tag), message);

  test('<lora-lm>: each bad attribute, on its own field only', () => {
    const { errors } = parseLm({
      prompt: 'x'.repeat(201),
      seed: '-1',
      temperature: '3',
      rank: '65',
      steps: '0',
      backend: 'tpu',
    });
    expect(errors).toHaveLength(6);
    expect(errors.map((e) => about('lora-lm', e))).toEqual([
      ['seed'],
      ['rank'],
      ['steps'],
      ['temperature'],
      ['backend'],
      ['prompt'],
    ]);
  });

  test('<study-plan>: each bad attribute, on its own field only', () => {
    const error = (a: Record<string, string>, track: string[] | null = null) => {
      const r = applyAttributes(baseSettings(null), planAttributes(a), track);
      expect(r).toHaveProperty('error');
      return (r as { error: string }).error;
    };
    expect(about('study-plan', error({ 'interview-date': '1 March' }))).toEqual(['interview-date']);
    expect(about('study-plan', error({ 'minutes-per-day': '0' }))).toEqual(['minutes-per-day']);
    expect(about('study-plan', error({ 'days-off': 'caturday' }))).toEqual(['days-off']);
    expect(about('study-plan', error({ retention: '1.5' }))).toEqual(['retention']);
    expect(about('study-plan', error({ lessons: 'nope' }, ['lora-peft']))).toEqual(['lessons']);
  });

  test('<mock-interview>: a session length it does not run, on minutes only', () => {
    // The element's sentence (widgets/mock-interview/mock-interview.ts, render).
    expect(about('mock-interview', 'minutes="30" is not a session length: choose 20, 45 or 60 minutes.')).toEqual([
      'minutes',
    ]);
    expect(about('mock-interview', 'No question fits in 20 minutes.')).toEqual([]);
  });

  test('<srs-progress>: the status lines about an attribute it fell back from, on that field only', () => {
    /** The fields of <srs-progress> a status line of it is about. */
    const notice = (message: string) => noticeFields(names('srs-progress'), message);
    // The element's sentences (widgets/srs-progress/srs-progress.ts, desired and read).
    const range = `must be from ${MIN_RETENTION} to ${MAX_RETENTION}; using ${DEFAULT_RETENTION}.`;
    expect(notice(`retention "2" ${range}`)).toEqual(['retention']);
    expect(notice('namespace "a b" is not valid; using "default".')).toEqual(['namespace']);
    // A deck it could not load (widgets/srs-decks/decks.ts) quotes the id.
    expect(notice('Could not load deck "nope": the server answered 404')).toEqual(['deck']);
    // Its other status lines are about no attribute.
    expect(notice('This browser is not keeping progress (no IndexedDB), so there is none to show.')).toEqual([]);
    expect(notice('Imported 3 reviews; 0 were already here. The study plan now uses the imported settings.')).toEqual(
      [],
    );
  });

  test('a status line that names an attribute only in passing is about none (an alert would be)', () => {
    const plan = 'Covers 12 lessons in scope, 40 new cards a day at most.';
    expect(messageFields(names('study-plan'), plan)).toEqual(['lessons']);
    expect(noticeFields(names('study-plan'), plan)).toEqual([]);
    // <srs-quiz> says what it fell back from in status lines too: each reaches its field.
    const quiz = parseQuiz({ deck: 'lora-peft', mode: 'some', namespace: 'a b', retention: '2' }).problems;
    expect(quiz.map((m) => noticeFields(names('srs-quiz'), m))).toEqual([['mode'], ['namespace'], ['retention']]);
  });

  test('<lora-trainer>, <peft-calculator>, <srs-quiz>, <subspace-view>: the attribute each error names', () => {
    const trainer = parseTrainer({ scenario: 'x', rank: '0', lr: 'fast', controls: 'some', pitfall: 'nope' }).errors;
    expect(trainer.length).toBeGreaterThanOrEqual(5);
    for (const e of trainer) expect(about('lora-trainer', e.message), e.message).toEqual([e.attribute]);
    const peft = parsePeftInput(
      { model: 'custom', 'd-model': '0', layers: 'x', 'd-ff': '-1', vocab: '1.5' },
      PRESETS,
    ).errors;
    expect(peft.map((e) => e.attribute)).toEqual(expect.arrayContaining(['d-model', 'layers', 'd-ff', 'vocab']));
    // "d-model …" is not about `model`, nor about the attributes its sentence lists.
    for (const e of peft) expect(about('peft-calculator', e.message), e.message).toEqual([e.attribute]);
    const quiz = parseQuiz({ deck: 'lora-peft', mode: 'some', namespace: 'a b', retention: '2' }).problems;
    expect(quiz.map((m) => about('srs-quiz', m))).toEqual([['mode'], ['namespace'], ['retention']]);
    expect(about('subspace-view', parseRank('7').error!)).toEqual(['rank']);
    expect(about('subspace-view', parseSeed('x').error!)).toEqual(['seed']);
  });
});

describe('the snippet', () => {
  test('a boolean attribute is written bare, values escaped, the pinned module with its integrity', () => {
    const s = embedSnippet(
      'https://host.example',
      'lora-trainer',
      { rank: '8', rslora: '', predict: '[{"q":"a<b & c"}]' },
      { version: '0.1.0', integrity: 'sha384-abc' },
    );
    expect(s).toBe(
      '<script type="module" src="https://host.example/widgets/0.1.0/lora-trainer.js"\n' +
        '  integrity="sha384-abc" crossorigin="anonymous"></script>\n' +
        '<lora-trainer rank="8" rslora predict="[{&quot;q&quot;:&quot;a&lt;b &amp; c&quot;}]"></lora-trainer>',
    );
  });

  test('without the manifest, the latest URL; a prompt keeps its spaces', () => {
    expect(embedSnippet('https://h', 'lora-lm', { prompt: 'The adapter ' })).toBe(
      '<script type="module" src="https://h/widgets/lora-lm.js"></script>\n<lora-lm prompt="The adapter "></lora-lm>',
    );
  });
});
