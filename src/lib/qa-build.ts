/**
 * Interview questions as data (issue 18). Every `<QA>` of a lesson is read from the lesson's MDX
 * source with the MDX parser (plus remark-math, as the site reads it), checked, and published as
 * the JSON served at /decks/qa/<lesson>.json, which `<mock-interview>` draws from:
 *
 *   <QA q="What is QLoRA?" id="what-is-qlora" difficulty="easy" cards="qlora:what-is-qlora"
 *       rubric={["Names the 4-bit frozen base …", "…"]}>
 *   Markdown answer, with math and <Cite id="…" at="…" />
 *   </QA>
 *
 * `id`: a slug, unique within the lesson (the page anchor is `qa-<id>`). `difficulty`: easy,
 * medium or hard. `rubric`: a list of 2 to 5 points a good answer contains, as plain-text string
 * literals. `cards`: one or more `<deck>:<card id>` separated by spaces, each a card the deck
 * publishes (a cloze entry's cards are `<entry id>::c<N>`). The answer is rendered to HTML with
 * the card pipeline (KaTeX MathML, allowlisted elements); a citation becomes plain text such as
 * "(Dettmers et al. 2023, §3)". Every problem of a lesson is collected and thrown together, each
 * naming the lesson file (with line) and the question.
 */
import { createProcessor } from '@mdx-js/mdx';
import remarkMath from 'remark-math';
import { unified } from 'unified';
import remarkRehype from 'remark-rehype';
import rehypeKatex from 'rehype-katex';
import rehypeStringify from 'rehype-stringify';
import { VFile } from 'vfile';
import type { Root as MdastRoot, RootContent as MdastContent } from 'mdast';
import type { DeckSource } from './deck-schema.ts';
import { rehypeSanitizeCard } from './deck-render.ts';
import { parseCloze, clozeNumbers } from '../../widgets/core/srs-cloze.ts';

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];
export const RUBRIC_MIN = 2;
export const RUBRIC_MAX = 5;

/** One question as published. */
export interface PublishedQuestion {
  id: string;
  q: string;
  difficulty: Difficulty;
  /** 2 to 5 plain-text points a good answer contains. */
  rubric: string[];
  /** `<deck>:<card id>`, at least one. */
  cards: string[];
  /** The model answer as sanitised HTML (math as MathML). */
  answer: string;
  /** The question's element id on the lesson page: `qa-<id>`. */
  anchor: string;
}

/** /decks/qa/<lesson>.json */
export interface PublishedLessonQAs {
  lesson: string;
  title: string;
  /** Site-absolute URL of the lesson page. */
  url: string;
  questions: PublishedQuestion[];
}

/** A lesson source entry, as the frontmatter lists it. */
export interface QASourceInfo {
  id: string;
  title?: string;
  authors?: string;
  year?: number;
}

export interface QALessonInput {
  slug: string;
  title: string;
  /** Where the lesson lives, for messages ("content/lessons/qlora.mdx"). */
  file: string;
  /** The MDX body, without frontmatter. */
  body: string;
  /** Lines of the file before the body (the frontmatter), so messages carry file line numbers. */
  lineOffset?: number;
  sources: readonly QASourceInfo[];
}

/** Deck id → the ids of the cards it publishes. */
export type DeckCardIds = ReadonlyMap<string, ReadonlySet<string>>;

export class QABuildError extends Error {
  override name = 'QABuildError';
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The card ids a deck publishes: a basic or numeric card's own id, `<id>::c<N>` per cloze number. */
export function deckCardIds(deck: Pick<DeckSource, 'cards'>): Set<string> {
  const out = new Set<string>();
  for (const card of deck.cards) {
    if (card.type !== 'cloze') {
      out.add(card.id);
      continue;
    }
    const parsed = parseCloze(card.front);
    if ('errors' in parsed) continue; // the deck's own check reports it
    for (const n of clozeNumbers(parsed.spans)) out.add(`${card.id}::c${n}`);
  }
  return out;
}

// Minimal shapes of the MDX nodes read here (mdast-util-mdx-jsx's, without depending on it).
interface JsxAttribute {
  type: 'mdxJsxAttribute' | 'mdxJsxExpressionAttribute';
  name?: string;
  value?: string | null | { type: 'mdxJsxAttributeValueExpression'; value: string; data?: { estree?: unknown } };
}
interface JsxElement {
  type: 'mdxJsxFlowElement' | 'mdxJsxTextElement';
  name: string | null;
  attributes: JsxAttribute[];
  children: MdastContent[];
  position?: { start: { line: number } };
}
interface EsNode {
  type: string;
  [key: string]: unknown;
}

const isJsx = (node: unknown): node is JsxElement =>
  typeof node === 'object' &&
  node !== null &&
  ((node as { type?: string }).type === 'mdxJsxFlowElement' ||
    (node as { type?: string }).type === 'mdxJsxTextElement');

const parser = createProcessor({ remarkPlugins: [remarkMath] });

const answerRenderer = unified()
  .use(remarkRehype)
  .use(rehypeKatex, { output: 'mathml', strict: 'error' })
  .use(rehypeSanitizeCard)
  .use(rehypeStringify);

/** Every `<QA>` element of the tree, in document order (fenced code is not parsed as JSX). */
function findQAs(tree: MdastRoot): JsxElement[] {
  const out: JsxElement[] = [];
  const visit = (node: { children?: unknown[] }) => {
    for (const child of node.children ?? []) {
      if (isJsx(child) && child.name === 'QA') out.push(child);
      else if (typeof child === 'object' && child !== null) visit(child as { children?: unknown[] });
    }
  };
  visit(tree);
  return out;
}

type AttrValue = { kind: 'missing' } | { kind: 'string'; value: string } | { kind: 'expression'; estree?: unknown };

function attribute(el: JsxElement, name: string): AttrValue {
  const a = el.attributes.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
  if (!a) return { kind: 'missing' };
  if (typeof a.value === 'string') return { kind: 'string', value: a.value };
  if (a.value === null || a.value === undefined) return { kind: 'string', value: '' };
  return { kind: 'expression', estree: a.value.data?.estree };
}

/** A string literal, or a template literal without substitutions; undefined for anything else. */
function staticString(node: EsNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as unknown[]).length === 0) {
    const quasi = (node.quasis as { value: { cooked?: string } }[])[0];
    return quasi?.value.cooked ?? undefined;
  }
  return undefined;
}

/** `{["a", "b"]}` → ["a", "b"]; a string for a problem. */
function stringList(estree: unknown): string[] | string {
  const body = (estree as { body?: EsNode[] } | undefined)?.body;
  const expr = body?.length === 1 && body[0]!.type === 'ExpressionStatement' ? (body[0]!.expression as EsNode) : null;
  if (!expr || expr.type !== 'ArrayExpression') return 'must be a list of strings: rubric={["…", "…"]}';
  const out: string[] = [];
  for (const el of expr.elements as (EsNode | null)[]) {
    const s = staticString(el);
    if (s === undefined) return 'must list only plain string literals';
    out.push(s);
  }
  return out;
}

/** Author strings that name a group rather than people. */
const ORGANISATION = /@|\b(?:Team|project|maintainers|developers|contributors|Research|Learn|tracker)\b/i;

/** "(Dettmers et al. 2023, §3)": a person list (with a year) by first family name, else the authors as written. */
export function citationText(source: QASourceInfo | undefined, id: string, at: string | undefined): string {
  const names = (source?.authors ?? '').split(/,\s*|\s+and\s+/).filter(Boolean);
  const people =
    source?.year !== undefined &&
    names.length > 0 &&
    names.every((n) => n.trim().includes(' ') && !ORGANISATION.test(n));
  const family = (n: string) =>
    n
      .trim()
      .replace(/\s+(?:Jr\.?|Sr\.?|II|III|IV)$/, '')
      .split(/\s+/)
      .at(-1)!;
  let who: string;
  if (people) {
    const base =
      names.length === 1
        ? family(names[0]!)
        : names.length === 2
          ? `${family(names[0]!)} and ${family(names[1]!)}`
          : `${family(names[0]!)} et al.`;
    who = `${base} ${source!.year}`;
  } else {
    who = source?.authors ?? source?.title ?? id;
    if (source?.year !== undefined) who += ` ${source.year}`;
  }
  return `(${who}${at ? `, ${at}` : ''})`;
}

/**
 * The answer's Markdown tree with citations turned into text; any other JSX or expression is a
 * problem (the published answer must not carry raw MDX).
 */
function plainAnswer(children: MdastContent[], sources: readonly QASourceInfo[], problems: string[]): MdastContent[] {
  const rewrite = (nodes: unknown[]): unknown[] =>
    nodes.flatMap((node) => {
      const n = node as { type: string; children?: unknown[] };
      if (isJsx(n)) {
        if (n.name === 'Cite') {
          const id = attribute(n, 'id');
          const at = attribute(n, 'at');
          const key = id.kind === 'string' ? id.value : '';
          const text = citationText(
            sources.find((s) => s.id === key),
            key,
            at.kind === 'string' ? at.value : undefined,
          );
          return [{ type: 'text', value: text }];
        }
        problems.push(`the answer contains <${n.name ?? ''}>, which cannot be published (only <Cite> is allowed)`);
        return [];
      }
      if (n.type === 'mdxTextExpression' || n.type === 'mdxFlowExpression' || n.type === 'mdxjsEsm') {
        problems.push('the answer contains a {…} expression, which cannot be published');
        return [];
      }
      return [n.children ? { ...n, children: rewrite(n.children) } : n];
    });
  return rewrite(children) as MdastContent[];
}

function renderAnswer(children: MdastContent[]): { html: string } | { error: string } {
  const file = new VFile();
  const hast = answerRenderer.runSync({ type: 'root', children } as MdastRoot, file);
  const bad = file.messages.find((m) => m.source === 'rehype-katex');
  if (bad)
    return {
      error: `KaTeX could not render a formula: ${bad.cause instanceof Error ? bad.cause.message : bad.reason}`,
    };
  const html = answerRenderer.stringify(hast, file).trim();
  return html ? { html } : { error: 'the answer is empty' };
}

/** Reads, checks and publishes one lesson's questions; throws a QABuildError listing every problem. */
export function buildLessonQAs(lesson: QALessonInput, decks: DeckCardIds, base = '/'): PublishedLessonQAs {
  let tree: MdastRoot;
  try {
    tree = parser.parse(lesson.body) as MdastRoot;
  } catch (e) {
    throw new QABuildError(`${lesson.file}: the MDX cannot be parsed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const problems: string[] = [];
  const questions: PublishedQuestion[] = [];
  const seen = new Map<string, number>();
  findQAs(tree).forEach((el, index) => {
    const own: string[] = [];
    const line = el.position ? `:${el.position.start.line + (lesson.lineOffset ?? 0)}` : '';
    const qAttr = attribute(el, 'q');
    const q = qAttr.kind === 'string' ? qAttr.value.trim() : '';
    const where = `${lesson.file}${line}, question ${index + 1}${q ? ` "${q}"` : ''}`;
    if (!q) own.push('q is missing (the question text, q="…")');

    const idAttr = attribute(el, 'id');
    const id = idAttr.kind === 'string' ? idAttr.value : '';
    if (idAttr.kind === 'missing') own.push('id is missing (a slug unique in the lesson, id="…")');
    else if (!SLUG.test(id)) own.push(`id must be a lowercase slug like "what-is-qlora" (got "${id}")`);
    else if (seen.has(id)) own.push(`duplicate id "${id}" (question ${seen.get(id)! + 1} already uses it)`);
    else seen.set(id, index);

    const dAttr = attribute(el, 'difficulty');
    const difficulty = dAttr.kind === 'string' ? dAttr.value : '';
    if (dAttr.kind === 'missing') own.push(`difficulty is missing (one of ${DIFFICULTIES.join(', ')})`);
    else if (!(DIFFICULTIES as readonly string[]).includes(difficulty))
      own.push(`difficulty must be one of ${DIFFICULTIES.join(', ')} (got "${difficulty}")`);

    const rAttr = attribute(el, 'rubric');
    let rubric: string[] = [];
    if (rAttr.kind === 'missing')
      own.push(`rubric is missing (${RUBRIC_MIN} to ${RUBRIC_MAX} points: rubric={["…", "…"]})`);
    else if (rAttr.kind === 'string') own.push('rubric must be a list of strings: rubric={["…", "…"]}');
    else {
      const list = stringList(rAttr.estree);
      if (typeof list === 'string') own.push(`rubric ${list}`);
      else {
        rubric = list.map((p) => p.trim().replace(/\s+/g, ' '));
        if (rubric.length < RUBRIC_MIN || rubric.length > RUBRIC_MAX)
          own.push(`rubric must have ${RUBRIC_MIN} to ${RUBRIC_MAX} points (has ${rubric.length})`);
        rubric.forEach((p, i) => {
          if (!p) own.push(`rubric point ${i + 1} is empty`);
        });
      }
    }

    const cAttr = attribute(el, 'cards');
    const cards = cAttr.kind === 'string' ? cAttr.value.split(/\s+/).filter(Boolean) : [];
    if (cAttr.kind === 'missing' || (cAttr.kind === 'string' && cards.length === 0))
      own.push('cards is missing (the cards it exercises: cards="<deck>:<card id> …")');
    else if (cAttr.kind === 'expression') own.push('cards must be a string: cards="<deck>:<card id> …"');
    for (const ref of cards) {
      const colon = ref.indexOf(':');
      const deck = colon > 0 ? ref.slice(0, colon) : '';
      const card = colon > 0 ? ref.slice(colon + 1) : '';
      const ids = decks.get(deck);
      if (!deck || !card) own.push(`card "${ref}" must be written "<deck>:<card id>"`);
      else if (!ids) own.push(`card "${ref}": deck "${deck}" does not exist (decks: ${[...decks.keys()].join(', ')})`);
      else if (!ids.has(card)) own.push(`card "${ref}": deck "${deck}" has no card "${card}"`);
    }

    const answer = renderAnswer(plainAnswer(el.children, lesson.sources, own));
    if ('error' in answer) own.push(answer.error);

    if (own.length) problems.push(`${where}: ${own.join('; ')}`);
    else
      questions.push({
        id,
        q,
        difficulty: difficulty as Difficulty,
        rubric,
        cards,
        answer: (answer as { html: string }).html,
        anchor: `qa-${id}`,
      });
  });
  if (problems.length)
    throw new QABuildError(`${lesson.file}: bad interview questions:\n  - ${problems.join('\n  - ')}`);
  return { lesson: lesson.slug, title: lesson.title, url: `${base}lessons/${lesson.slug}/`, questions };
}
