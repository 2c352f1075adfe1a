/**
 * The /embed/ configurator's fields (src/components/embed/fields.ts) against the package's
 * custom-elements.json (scripts/package/manifest.mjs over widgets/<tag>/<tag>.ts): every element
 * is offered with every attribute it observes and none it does not, so the next element or
 * attribute cannot be forgotten; the elements' own messages land on the field they name; and the
 * snippet writes what the fields say.
 */
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { buildManifest } from '../../../scripts/package/manifest.mjs';
import { publicWidgets } from '../../../scripts/widgets-integration.mjs';
import { EMBED_FIELDS, embedSnippet, messageFields } from '../../../src/components/embed/fields.ts';
import { WIDGET_CATALOG } from '../../../src/lib/widget-catalog.ts';
import { parseSettings as parseTrainer } from '../../../widgets/lora-trainer/settings.ts';
import { parseSettings as parseLm } from '../../../widgets/lora-lm/settings.ts';
import { parseSettings as parseQuiz } from '../../../widgets/srs-quiz/settings.ts';
import { applyAttributes, baseSettings, type PlanAttributes } from '../../../widgets/study-plan/settings.ts';
import { parsePeftInput } from '../../../widgets/core/peft-input.ts';
import { parseRank, parseSeed } from '../../../widgets/subspace-view/parse.ts';
import { PRESETS } from '../../../widgets/peft-calculator/presets.ts';

/**
 * Elements the package ships that the catalog (and so /embed/ and the playground) does not list
 * yet, with the reason. Listing one in the catalog makes TypeScript ask for its fields, and the
 * test below then asks for it to leave this list.
 */
const NOT_IN_CATALOG: Record<string, string> = {
  'srs-progress': 'the /progress/ page; not in src/lib/widget-catalog.ts (no playground component yet)',
};

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
