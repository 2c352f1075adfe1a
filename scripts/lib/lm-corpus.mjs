// @ts-check
/**
 * The three corpora of `<lora-lm>`'s character model, built from text this project wrote:
 *
 *   prose  the lessons (content/lessons/*.mdx) without frontmatter, imports, JSX elements,
 *          code fences, math, link targets and Markdown marks: one segment per paragraph.
 *   base   what the base model is pretrained on: the prose, with one block of the site's own
 *          code (src/, scripts/: never the adapters' code) after every BASE_CODE_EVERY
 *          paragraphs, about a tenth of its characters. Like a real base model, it has seen a
 *          little of everything and writes mostly prose; an adapter then specialises it, and
 *          specialising on one corpus costs the other (a base that had never seen code would be
 *          so wrong on it that any adapter moves its code loss by chance, up or down).
 *   code   the repository's TypeScript and WGSL under widgets/ (comment lines dropped): one
 *          segment per block between blank lines, at most CODE_SEGMENT characters.
 *   cards  the decks' questions (content/decks/*.yaml, each card's `front`): one segment each,
 *          cloze deletions filled in with their answers and TeX math written as plain text.
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
/** The base corpus has one code block after every this many prose paragraphs. */
const BASE_CODE_EVERY = 8;

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

/** A cloze deletion `{{c1::answer}}` or `{{c1::answer::hint}}`: the corpus keeps the answer. */
const CLOZE = /\{\{c\d+::((?:(?!::|\}\}).)*)(?:::(?:(?!\}\}).)*)?\}\}/g;

/** TeX commands read as words or ASCII signs (the rest lose their backslash). */
const TEX = /** @type {Record<string, string>} */ ({
  times: ' x ',
  cdot: ' * ',
  odot: ' * ',
  top: 'T',
  in: ' in ',
  ge: ' >= ',
  le: ' <= ',
  gt: ' > ',
  lt: ' < ',
  ll: ' << ',
  gg: ' >> ',
  approx: ' ~ ',
  dots: '...',
  lVert: '||',
  rVert: '||',
  sqrt: 'sqrt',
});

/** Greek letters written in a card's text (not in TeX) by name, as `mathText` writes TeX's. */
const GREEK = /** @type {Record<string, string>} */ ({
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  Δ: 'Delta',
  δ: 'delta',
  η: 'eta',
  θ: 'theta',
  λ: 'lambda',
  Λ: 'Lambda',
  μ: 'mu',
  σ: 'sigma',
  Σ: 'Sigma',
  φ: 'phi',
});

/**
 * TeX math as the plain text a person would type: `\frac{a}{b}` → a/b, `\sqrt{x}` → sqrt(x),
 * Greek letters by name, `\times` → x, grouping braces and sizing commands dropped. The cards
 * corpus keeps a question's formula readable without carrying TeX's braces and backslashes,
 * which would otherwise read as code to the model.
 * @param {string} tex
 */
export function mathText(tex) {
  /** @param {string} g */
  const group = (g) => (/^\\?[A-Za-z0-9]+$/.test(g.trim()) ? g.trim() : `(${g})`);
  let s = tex;
  for (let i = 0; i < 4; i++) {
    s = s
      .replace(/\\d?frac\{([^{}]*)\}\{([^{}]*)\}/g, (_, a, b) => `${group(a)}/${group(b)}`)
      .replace(/\\sqrt\{([^{}]*)\}/g, 'sqrt($1)')
      .replace(/\\(?:mathbb|mathrm|operatorname|mathrel|text)\{([^{}]*)\}/g, '$1')
      .replace(/\\begin\{[a-z]*\}|\\end\{[a-z]*\}/g, ' ')
      .replace(/([\^_])\{([^{}]*)\}/g, '$1$2');
  }
  s = s
    .replace(/\\(?:left|right|bigg|big|Big|q?quad)(?![A-Za-z])|\\[,;!]/g, ' ')
    .replace(/\\\\|&/g, ' ')
    .replace(
      /\\([A-Za-z]+)/g,
      (_, name, at, all) => TEX[name] ?? (/[A-Za-z0-9]/.test(all[at - 1] ?? '') ? ` ${name}` : name),
    )
    .replace(/[{}\\]/g, '');
  return s.replace(/ +/g, ' ').trim();
}

/**
 * Blocks taken round-robin over `files`, one block of each file at a time (so every file is
 * sampled, not the first few), until `cap` characters.
 * @param {string[]} files @param {number} cap
 */
function sampleCode(files, cap) {
  /** @type {string[]} */
  const out = [];
  let chars = 0;
  const blocks = files.map((f) => codeBlocks(readFileSync(f, 'utf8')));
  for (let i = 0; chars < cap && blocks.some((b) => i < b.length); i++) {
    for (const b of blocks) {
      if (i < b.length && chars < cap) {
        out.push(b[i]);
        chars += b[i].length + 2;
      }
    }
  }
  return out;
}

/**
 * The corpora from the repository at `root`.
 * @param {string} root
 * @returns {{ prose: string[]; base: string[]; code: string[]; cards: string[] }}
 */
export function buildCorpora(root) {
  const prose = filesUnder(join(root, 'content/lessons'), /\.mdx$/).flatMap((f) =>
    lessonProse(readFileSync(f, 'utf8')),
  );
  const code = sampleCode(
    filesUnder(join(root, 'widgets'), /\.(ts|wgsl)$/).filter((f) => !/char-lm|lora-lm/.test(f)),
    CODE_CHARS,
  );
  const siteCode = sampleCode(
    [...filesUnder(join(root, 'src'), /\.ts$/), ...filesUnder(join(root, 'scripts'), /\.mjs$/)],
    Infinity,
  );
  /** @type {string[]} */
  const base = [];
  prose.forEach((p, i) => {
    base.push(p);
    const block = (i + 1) % BASE_CODE_EVERY === 0 ? siteCode[(i + 1) / BASE_CODE_EVERY - 1] : undefined;
    if (block !== undefined) base.push(block);
  });
  /** @type {string[]} */
  const cards = [];
  for (const f of filesUnder(join(root, 'content/decks'), /\.yaml$/)) {
    const deck = /** @type {{ cards?: { front?: unknown }[] }} */ (parseYaml(readFileSync(f, 'utf8')));
    for (const c of deck.cards ?? []) {
      if (typeof c.front !== 'string') continue;
      const q = normalise(
        c.front
          .replace(/`([^`]*)`/g, '$1')
          .replace(/\$\$([^$]*)\$\$|\$([^$]*)\$/g, (_, a, b) => mathText(a ?? b))
          .replace(CLOZE, '$1')
          .replace(/[\u0391-\u03a9\u03b1-\u03c9]/g, (ch) => GREEK[ch] ?? ch),
      )
        .replace(/\s+/g, ' ')
        .trim();
      if (q) cards.push(q);
    }
  }
  return { prose, base, code, cards };
}

/** A corpus file's text (char-lm.ts `corpusSegments` reads it back). @param {string[]} segments */
export const corpusText = (segments) => segments.join('\n\n') + '\n';
