/**
 * custom-elements.json (scripts/package/manifest.mjs): what it fixes in the analyzer's output, on
 * a small element; and the real manifest against the elements and the end-to-end tests. The
 * e2e side (tests/e2e/package.spec.ts) compares its attributes with each live element's
 * observedAttributes.
 */
import { describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildManifest } from '../../../scripts/package/manifest.mjs';
import { publicWidgets } from '../../../scripts/widgets-integration.mjs';

const ELEMENT = `
import { LitElement, html } from 'lit';
import { GoEvent, StopEvent } from './events.ts';

/**
 * A test element.
 * @summary Goes and stops.
 * @fires x-go - When it goes.
 * @csspart frame - The frame.
 * @cssproperty --x-colour - Its colour.
 */
export class XEl extends LitElement {
  static override properties = {
    /** How far it goes. */
    distance: { type: Number },
    /** What it says. */
    greetingText: { attribute: 'greeting-text', reflect: true },
    /** The screen shown. */
    phase: { state: true },
  };
  declare distance: number;
  declare greetingText: string;
  declare phase: string;
  #secret = 1;
  private hidden(): number {
    return this.#secret;
  }
  /** Goes. */
  go(): void {
    this.dispatchEvent(new GoEvent(this.hidden()));
  }
  STOP_EVENT
  override render() {
    return html\`<p part="frame">\${this.phase}</p>\`;
  }
}
customElements.define('x-el', XEl);
`;
const EVENTS = `
export class GoEvent extends Event {
  constructor(readonly detail: number) {
    super('x-go', { bubbles: true, composed: true });
  }
}
export class StopEvent extends Event {
  constructor() {
    super('x-stop');
  }
}
`;

/**
 * A repository with one element, widgets/x-el/; `stop` adds a method dispatching an undocumented
 * event, `ink` a style reading an undocumented custom property.
 */
function tree({ stop = false, ink = false } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'cem-'));
  mkdirSync(join(root, 'widgets/x-el'), { recursive: true });
  const file = join(root, 'widgets/x-el/x-el.ts');
  writeFileSync(
    file,
    ELEMENT.replace(
      'STOP_EVENT',
      stop ? '/** Stops. */\n  stop(): void {\n    this.dispatchEvent(new StopEvent());\n  }' : '',
    ),
  );
  writeFileSync(join(root, 'widgets/x-el/events.ts'), EVENTS);
  if (ink)
    writeFileSync(join(root, 'widgets/x-el/x-el.styles.ts'), "export const s = 'p { color: var(--mg-ink); }';\n");
  return { root, entries: { 'x-el': file } };
}

type Decl = ReturnType<typeof buildManifest>['modules'][number]['declarations'][number];
const elements = (m: ReturnType<typeof buildManifest>): (Decl & { path: string })[] =>
  m.modules.flatMap((mod) => mod.declarations.filter((d) => d.customElement).map((d) => ({ ...d, path: mod.path })));

describe('the manifest of a small element', () => {
  const { root, entries } = tree();
  const [el] = elements(buildManifest(root, entries));

  test('names the element, its module in the package, its summary, parts and custom properties', () => {
    expect(el).toMatchObject({
      tagName: 'x-el',
      name: 'XEl',
      summary: 'Goes and stops.',
      path: 'dist-package/x-el.js',
    });
    expect(el!.cssParts).toEqual([{ name: 'frame', description: 'The frame.' }]);
    expect(el!.cssProperties).toEqual([{ name: '--x-colour', description: 'Its colour.' }]);
  });

  test('a state property is neither an attribute nor a member; private members go', () => {
    expect(el!.attributes!.map((a) => [a.name, a.fieldName, a.description])).toEqual([
      ['distance', 'distance', 'How far it goes.'],
      ['greeting-text', 'greetingText', 'What it says.'],
    ]);
    const names = el!.members!.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['distance', 'greetingText', 'go']));
    expect(names).not.toContain('phase');
    expect(names).not.toContain('hidden');
    expect(names.filter((n) => n.startsWith('#'))).toEqual([]);
  });

  test('each documented event gets the class that dispatches it, and nothing else is listed', () => {
    expect(el!.events).toEqual([{ name: 'x-go', description: 'When it goes.', type: { text: 'GoEvent' } }]);
  });

  test('an event dispatched with no @fires fails, naming the element, class and type', () => {
    const t = tree({ stop: true });
    expect(() => buildManifest(t.root, t.entries)).toThrow(/<x-el> dispatches StopEvent \(x-stop\) with no @fires/);
  });

  test('a --mg-* custom property its styles read with no @cssproperty fails, naming it', () => {
    const t = tree({ ink: true });
    expect(() => buildManifest(t.root, t.entries)).toThrow(/<x-el> reads --mg-ink with no @cssproperty/);
  });
});

describe("the package's manifest", () => {
  const root = join(import.meta.dirname, '../../..');
  const widgets = publicWidgets();
  const els = elements(buildManifest(root, widgets));

  test('has every element the build finds, each with a summary', () => {
    expect(els.map((d) => d.tagName).sort()).toEqual(Object.keys(widgets).sort());
    for (const d of els) expect(d.summary ?? d.description, `<${d.tagName}>`).toBeTruthy();
  });

  test('describes every attribute, property, method, event and CSS part (JSDoc in the element)', () => {
    const undocumented = els.flatMap((d) => [
      ...(d.attributes ?? []).filter((a) => !a.description).map((a) => `<${d.tagName}> attribute ${a.name}`),
      ...(d.members ?? []).filter((m) => !m.description).map((m) => `<${d.tagName}> ${m.kind} ${m.name}`),
      ...(d.events ?? []).filter((e) => !e.description).map((e) => `<${d.tagName}> event ${e.name}`),
      ...(d.cssParts ?? []).filter((p) => !p.description).map((p) => `<${d.tagName}> part ${p.name}`),
    ]);
    expect(undocumented).toEqual([]);
  });

  test("lists the shared theme tokens on every element, with their defaults, beside the element's own", () => {
    for (const d of els) {
      const css = d.cssProperties ?? [];
      expect(css.find((p) => p.name === '--mg-fg')?.description, `<${d.tagName}>`).toBeTruthy();
      expect(
        css.find((p) => p.name === '--mg-radius'),
        `<${d.tagName}>`,
      ).toMatchObject({ default: '0.5em' });
      expect(new Set(css.map((p) => p.name)).size, `<${d.tagName}> lists a property twice`).toBe(css.length);
    }
    const quiz = els.find((d) => d.tagName === 'srs-quiz')!.cssProperties!.map((p) => p.name);
    expect(quiz).toEqual(expect.arrayContaining(['--mg-button', '--mg-button-hover', '--mg-accent', '--mg-font-size']));
  });

  test('every event it lists is listened for in some end-to-end test', () => {
    const dir = join(root, 'tests/e2e');
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : [],
      );
    const tests = files(dir).map((f) => readFileSync(f, 'utf8'));
    const untested = els.flatMap((d) =>
      (d.events ?? [])
        .filter((e) => !tests.some((t) => new RegExp(`['"\`]${e.name}['"\`]`).test(t)))
        .map((e) => `<${d.tagName}> ${e.name}`),
    );
    expect(untested).toEqual([]);
  });
});
