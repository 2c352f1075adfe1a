/**
 * The attributes the /embed/ configurator offers for each element: a text field each (the
 * element itself validates, and its own messages are shown), with suggestions where the values
 * are a fixed list. Defaults are what the preview starts with.
 */
export interface EmbedField {
  name: string;
  label: string;
  value: string;
  /** Values to suggest (a datalist); any text may still be typed. */
  options?: readonly string[];
}

export const EMBED_FIELDS: Record<string, readonly EmbedField[]> = {
  'peft-calculator': [
    {
      name: 'model',
      label: 'Model',
      value: 'llama2-7b',
      options: ['llama2-7b', 'llama2-13b', 'llama3-8b', 'mistral-7b', 'gpt3-175b', 'roberta-base'],
    },
    { name: 'rank', label: 'Rank r', value: '8' },
  ],
  'lora-trainer': [
    {
      name: 'scenario',
      label: 'Scenario',
      value: 'low-rank-shift',
      options: ['low-rank-shift', 'classify-2d', 'overfit'],
    },
    { name: 'rank', label: 'Rank r', value: '4' },
  ],
  'subspace-view': [
    { name: 'rank', label: 'Rank r (1 to 3)', value: '2' },
    { name: 'seed', label: 'Seed', value: '1' },
  ],
  'srs-quiz': [
    { name: 'deck', label: 'Deck (an id on this site, or a URL)', value: 'lora-peft' },
    { name: 'mode', label: 'Mode', value: 'due', options: ['due', 'all'] },
  ],
};

/** Escapes an attribute value for a double-quoted HTML attribute. */
const attr = (v: string) => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * The snippet for `tag` with `attrs`: the pinned module with its integrity when known (from
 * /widgets/manifest.json), else the moving latest URL.
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
  const list = Object.entries(attrs).map(([k, v]) => ` ${k}="${attr(v)}"`);
  return `${script}\n<${tag}${list.join('')}></${tag}>`;
}
