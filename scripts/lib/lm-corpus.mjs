// @ts-check
/**
 * The three corpora of `<lora-lm>`'s character model, built from text this project wrote:
 *
 *   prose  the lessons (content/lessons/*.mdx) without frontmatter, imports, JSX elements,
 *          code fences, math, link targets and Markdown marks: one segment per paragraph.
 *          The base model is pretrained on it.
 *   code   the repository's TypeScript and WGSL under widgets/ (comment lines dropped): one
 *          segment per block between blank lines, at most CODE_SEGMENT characters.
 *   cards  the decks' questions (content/decks/*.yaml, each card's `front`): one segment each.
 *
 * Text is normalised to the model's alphabet (ASCII letters, digits, punctuation, space, newline):
 * NFKD without combining marks, typographic quotes and dashes to ASCII, tabs to two spaces, and
 * anything else dropped. Files and cards are read in sorted order, so the output is a pure
 * function of the repository's text. A corpus file holds its segments separated by one blank line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Longest code segment (characters). */
const CODE_SEGMENT = 400;
/** Most characters of the code corpus (the browser downloads it). */
const CODE_CHARS = 90_000;

const REPLACE = /** @type {Record<string, string>} */ ({
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': ' - ',
  '\u2212': '-',
  '\u2026': '...',
  '\u00d7': 'x',
  '\u00b7': '*',
  '\u2192': '->',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2248': '~',
  '\u00a0': ' ',
  '\t': '  ',
});

/** @param {string} s */
export function normalise(s) {
  let out = '';
  for (const ch of s.normalize('NFKD')) {
    const r = REPLACE[ch];
    if (r !== undefined) out += r;
    else if (ch === '\n' || (ch >= ' ' && ch <= '~')) out += ch;
  }
  return out;
}

/** @param {string} dir @param {RegExp} re @returns {string[]} */
function filesUnder(dir, re) {
  /** @type {string[]} */
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, re));
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

/** Prose of one lesson: paragraphs of plain text. @param {string} mdx */
export function lessonProse(mdx) {
  let s = mdx.replace(/^---\n[\s\S]*?\n---\n/, '');
  s = s.replace(/```[\s\S]*?```/g, '\n\n');
  s = s.replace(/\$\$[\s\S]*?\$\$/g, '\n\n');
  s = s.replace(/\$[^$\n]*\$/g, 'it');
  s = s.replace(/<[A-Za-z][^>]*\/>/g, '');
  s = s.replace(/<\/?[A-Za-z][^>]*>/g, '\n\n');
  s = s.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  s = s.replace(/`([^`]*)`/g, '$1');
  s = s.replace(/\*\*|__|\*/g, '');
  /** @type {string[]} */
  const paragraphs = [];
  for (const block of s.split(/\n\s*\n/)) {
    const lines = block
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(import |export |\||#)/.test(l));
    const text = normalise(lines.map((l) => l.replace(/^([-+]|\d+\.)\s+/, '')).join(' '))
      .replace(/ +/g, ' ')
      .replace(/ ([.,;:])/g, '$1')
      .trim();
    if (text.length >= 40) paragraphs.push(text);
  }
  return paragraphs;
}

/** Code blocks of one source file. @param {string} src */
export function codeBlocks(src) {
  /** @type {string[]} */
  const out = [];
  const lines = normalise(src)
    .split('\n')
    .filter((l) => !/^\s*(\/\/|\/\*\*?|\*)/.test(l));
  /** @type {string[]} */
  let block = [];
  const flush = () => {
    const text = block.join('\n').replace(/\s+$/, '');
    const imports = /^import\b/.test(block[0] ?? '') && block.every((l) => /^(import\b|\s|\})/.test(l));
    if (text.trim().length >= 20 && !imports) out.push(text.length > CODE_SEGMENT ? cutAtLine(text) : text);
    block = [];
  };
  for (const l of lines) {
    if (l.trim() === '') flush();
    else block.push(l.replace(/\s+$/, ''));
  }
  flush();
  return out;
}

/** @param {string} text */
function cutAtLine(text) {
  const cut = text.lastIndexOf('\n', CODE_SEGMENT);
  return cut > 0 ? text.slice(0, cut) : text.slice(0, CODE_SEGMENT);
}

/**
 * The corpora from the repository at `root`.
 * @param {string} root
 * @returns {{ prose: string[]; code: string[]; cards: string[] }}
 */
export function buildCorpora(root) {
  const prose = filesUnder(join(root, 'content/lessons'), /\.mdx$/).flatMap((f) =>
    lessonProse(readFileSync(f, 'utf8')),
  );
  /** @type {string[]} */
  const code = [];
  let chars = 0;
  const sources = filesUnder(join(root, 'widgets'), /\.(ts|wgsl)$/).filter((f) => !/char-lm|lora-lm/.test(f));
  // Round-robin over files, one block at a time, so the corpus samples every file, not the first few.
  const blocks = sources.map((f) => codeBlocks(readFileSync(f, 'utf8')));
  for (let i = 0; chars < CODE_CHARS && blocks.some((b) => i < b.length); i++) {
    for (const b of blocks) {
      if (i < b.length && chars < CODE_CHARS) {
        code.push(b[i]);
        chars += b[i].length + 2;
      }
    }
  }
  /** @type {string[]} */
  const cards = [];
  for (const f of filesUnder(join(root, 'content/decks'), /\.yaml$/)) {
    const deck = /** @type {{ cards?: { front?: unknown }[] }} */ (parseYaml(readFileSync(f, 'utf8')));
    for (const c of deck.cards ?? []) {
      if (typeof c.front !== 'string') continue;
      const q = normalise(c.front.replace(/`([^`]*)`/g, '$1').replace(/\$([^$]*)\$/g, '$1'))
        .replace(/\s+/g, ' ')
        .trim();
      if (q) cards.push(q);
    }
  }
  return { prose, code, cards };
}

/** A corpus file's text (char-lm.ts `corpusSegments` reads it back). @param {string[]} segments */
export const corpusText = (segments) => segments.join('\n\n') + '\n';
