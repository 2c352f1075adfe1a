/**
 * The attributes the /embed/ configurator offers for each element of the catalog
 * (src/lib/widget-catalog.ts): every attribute the element observes, one field each. The element
 * itself validates, and its own messages are shown on the fields they name. Defaults are what the
 * preview starts with; an empty field leaves the attribute out (the element's own default), and
 * the fields marked `more` sit under "More attributes". tests/unit/site/embed-fields.test.ts
 * holds this list to the package's custom-elements.json, so an element or attribute added later
 * cannot be left out.
 */
import type { WIDGET_CATALOG } from '../../lib/widget-catalog.ts';
import { PRESETS } from '../../../widgets/peft-calculator/presets.ts';
import { SCENARIO_NAMES } from '../../../widgets/core/scenario-shapes.ts';

/** A tag of the catalog: every one of them must have its fields. */
type CatalogTag = (typeof WIDGET_CATALOG)[number]['tag'];

/**
 * How a field is entered: `text` (the default), `number` (a number box; the element still judges
 * the value), `date` (a date picker, `YYYY-MM-DD`), or `flag` (a checkbox: a boolean attribute,
 * present or absent).
 */
export type FieldKind = 'text' | 'number' | 'date' | 'flag';

export interface EmbedField {
  /** The attribute. */
  name: string;
  label: string;
  /** The preview's starting value; '' leaves the attribute out. For a flag, '' is off and 'on' on. */
  value: string;
  kind?: FieldKind;
  /** A number field's step (default 1); decimals need one, or the box flags them. */
  step?: string;
  /** Values to suggest (a datalist); any text may still be typed. */
  options?: readonly string[];
  /** Under "More attributes", folded by default. */
  more?: boolean;
  /** Spaces at either end are part of the value (a prompt); others are trimmed. */
  keepSpaces?: boolean;
}

const namespace: EmbedField = {
  name: 'namespace',
  label: 'Storage namespace (empty: default)',
  value: '',
  more: true,
};

export const EMBED_FIELDS: Record<CatalogTag, readonly EmbedField[]> = {
  'peft-calculator': [
    { name: 'model', label: 'Model', value: 'llama2-7b', options: [...PRESETS.map((p) => p.id), 'custom'] },
    { name: 'rank', label: 'Rank r', value: '8', kind: 'number' },
    { name: 'targets', label: 'Adapted matrices (comma list of q,k,v,o,gate,up,down, or all)', value: '', more: true },
    {
      name: 'bits',
      label: 'Base precision under QLoRA, bits',
      value: '',
      kind: 'number',
      options: ['4', '8', '16'],
      more: true,
    },
    { name: 'seq-len', label: 'Sequence length, tokens', value: '', kind: 'number', more: true },
    { name: 'batch', label: 'Sequences per batch', value: '', kind: 'number', more: true },
    { name: 'checkpointing', label: 'Gradient checkpointing', value: '', kind: 'flag', more: true },
    { name: 'd-model', label: 'Custom model: hidden size d_model', value: '', kind: 'number', more: true },
    { name: 'layers', label: 'Custom model: layers', value: '', kind: 'number', more: true },
    { name: 'd-ff', label: 'Custom model: MLP inner size d_ff', value: '', kind: 'number', more: true },
    { name: 'kv-dim', label: 'Custom model: width of K and V', value: '', kind: 'number', more: true },
    { name: 'vocab', label: 'Custom model: vocabulary size', value: '', kind: 'number', more: true },
    { name: 'heads', label: 'Custom model: attention heads', value: '', kind: 'number', more: true },
    { name: 'mlp', label: 'Custom model: MLP', value: '', options: ['gated', 'plain'], more: true },
    { name: 'experts', label: 'Custom model: experts per layer', value: '', kind: 'number', more: true },
    { name: 'active-experts', label: 'Custom model: experts per token', value: '', kind: 'number', more: true },
  ],
  'lora-trainer': [
    { name: 'scenario', label: 'Scenario', value: 'low-rank-shift', options: SCENARIO_NAMES },
    { name: 'rank', label: 'Rank r', value: '4', kind: 'number' },
    { name: 'true-rank', label: "Rank of the teacher's update", value: '', kind: 'number', more: true },
    { name: 'alpha', label: 'Scale α (lora_alpha)', value: '', kind: 'number', step: 'any', more: true },
    { name: 'lr', label: 'Learning rate', value: '', kind: 'number', step: 'any', more: true },
    { name: 'batch', label: 'Batch size', value: '', kind: 'number', more: true },
    { name: 'dropout', label: 'Dropout (0 to under 1)', value: '', kind: 'number', step: 'any', more: true },
    { name: 'train-size', label: 'Training examples (overfit)', value: '', kind: 'number', more: true },
    { name: 'seed', label: "Seed of A and the data's order", value: '', kind: 'number', more: true },
    { name: 'base-seed', label: 'Seed of the frozen base W', value: '', kind: 'number', more: true },
    { name: 'backend', label: 'Backend', value: '', options: ['auto', 'webgpu', 'cpu'], more: true },
    { name: 'target', label: 'Adapted layers (comma list)', value: '', more: true },
    { name: 'rslora', label: 'rsLoRA scaling α/√r', value: '', kind: 'flag', more: true },
    { name: 'controls', label: 'Controls', value: '', options: ['full', 'minimal', 'none'], more: true },
    { name: 'pitfall', label: 'Pitfall switches on (comma list)', value: '', more: true },
    { name: 'url-state', label: 'Keep settings in the page URL, under this prefix', value: '', more: true },
    { name: 'predict', label: 'Predictions to ask before a run (JSON)', value: '', more: true },
  ],
  'subspace-view': [
    { name: 'rank', label: 'Rank r (1 to 3)', value: '2', kind: 'number' },
    { name: 'seed', label: 'Seed', value: '1', kind: 'number' },
    { name: 'for', label: 'Follow the <lora-trainer> with this id', value: '', more: true },
    { name: 'layer', label: "The followed trainer's layer", value: '', more: true },
    { name: 'compare', label: 'Two saved adapters to compare, "a,b"', value: '', more: true },
    { name: 'paused', label: 'No turntable rotation', value: '', kind: 'flag', more: true },
  ],
  'srs-quiz': [
    { name: 'deck', label: 'Deck (an id on this site, or a URL)', value: 'lora-peft' },
    { name: 'mode', label: 'Mode', value: 'due', options: ['due', 'all'] },
    { name: 'type-answer', label: 'A box to type the answer in', value: '', kind: 'flag', more: true },
    {
      name: 'retention',
      label: 'Desired retention (0.80 to 0.95)',
      value: '',
      kind: 'number',
      step: '0.01',
      more: true,
    },
    namespace,
  ],
  'lora-lm': [
    { name: 'prompt', label: 'Prompt (at most 200 characters)', value: 'The adapter ', keepSpaces: true },
    { name: 'seed', label: 'Seed', value: '1', kind: 'number' },
    { name: 'temperature', label: 'Temperature τ (0 to 2)', value: '', kind: 'number', step: '0.1' },
    { name: 'rank', label: 'Rank r of new adapters (1 to 64)', value: '', kind: 'number' },
    { name: 'steps', label: 'Training steps (1 to 5000)', value: '', kind: 'number' },
    { name: 'backend', label: 'Backend', value: '', options: ['auto', 'webgpu', 'cpu'], more: true },
  ],
  'study-plan': [
    { name: 'interview-date', label: 'Interview date (empty: the reader picks it)', value: '', kind: 'date' },
    { name: 'minutes-per-day', label: 'Minutes a day (1 to 600)', value: '30', kind: 'number' },
    { name: 'days-off', label: 'Days off (weekday names)', value: 'sunday' },
    { name: 'lessons', label: 'Lesson slugs, comma-separated (empty: the whole track)', value: '' },
    { name: 'retention', label: 'Recall to reach (0.70 to 0.99)', value: '', kind: 'number', step: '0.01', more: true },
    namespace,
  ],
  'mock-interview': [
    {
      name: 'minutes',
      label: 'Session length, minutes (20, 45 or 60)',
      value: '20',
      kind: 'number',
      options: ['20', '45', '60'],
    },
    { name: 'lessons', label: 'Lesson slugs, space-separated (empty: the whole track)', value: '' },
    namespace,
  ],
  'srs-progress': [
    { name: 'deck', label: 'Decks counted for mastery (ids on this site, space-separated)', value: 'lora-peft qlora' },
    {
      name: 'retention',
      label: 'Desired retention to compare against (0.80 to 0.95)',
      value: '',
      kind: 'number',
      step: '0.01',
    },
    namespace,
  ],
};

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a message names an attribute, surest first: it leads with it, quotes its value, names it in passing. */
const NAMING: readonly ((n: string) => string)[] = [
  (n) => `^${n}(?=[=\\s":])`,
  (n) => `(?:^|[^\\w-])${n}(?:=|\\s")`,
  (n) => `(?:^|[^\\w-])${n}(?=[=\\s":])`,
];

/** The attributes of `names` that `message` names in the surest of the `ways` that finds any. */
function named(names: readonly string[], message: string, ways: readonly ((n: string) => string)[]): string[] {
  for (const pattern of ways) {
    const found = names.filter((n) => new RegExp(pattern(escape(n))).test(message));
    if (found.length) return found;
  }
  return [];
}

/**
 * Which of the attributes `names` an element's `message` is about: the one it leads with
 * (`rank="7" …`, `targets: …`, `prompt is …`); else those it quotes (`… minutes="30" …`); else
 * those it names in passing (`… the track's lessons are …`). A longer attribute ending in the same
 * word (`d-model`) is not `model`, and an attribute named only in a list after the lead
 * (`d-model must be …; until d-model, layers, d-ff and vocab are valid`) is not blamed.
 */
export function messageFields(names: readonly string[], message: string): string[] {
  return named(names, message, NAMING);
}

/**
 * Which attributes a status line (role="status") of an element is about. An element that falls
 * back to a default says so there rather than in an alert (`<srs-progress>`: `retention "2" must
 * be from 0.8 to 0.95; using 0.9.`; `<srs-quiz>`: `mode "some" …`), so a status line counts when
 * it leads with an attribute or quotes its value; one that names an attribute only in passing (a
 * plan's "…lessons in scope") is an ordinary status, about none.
 */
export function noticeFields(names: readonly string[], message: string): string[] {
  return named(names, message, NAMING.slice(0, 2));
}

/** Escapes an attribute value for a double-quoted HTML attribute. */
const attr = (v: string) => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * The snippet for `tag` with `attrs` (an empty value: a boolean attribute, written bare): the
 * pinned module with its integrity when known (from /widgets/manifest.json), else the moving
 * latest URL.
 */
export function embedSnippet(
  origin: string,
  tag: string,
  attrs: Record<string, string>,
  pinned?: { version: string; integrity: string },
): string {
  const script = pinned
    ? `<script type="module" src="${origin}/widgets/${pinned.version}/${tag}.js"\n  integrity="${pinned.integrity}" crossorigin="anonymous"></script>`
    : `<script type="module" src="${origin}/widgets/${tag}.js"></script>`;
  const list = Object.entries(attrs).map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${attr(v)}"`));
  return `${script}\n<${tag}${list.join('')}></${tag}>`;
}
