import { describe, it, expect } from 'vitest';
import { compile } from '@mdx-js/mdx';
import { VFile } from 'vfile';
import { remarkPlugins, rehypePlugins, mathVariantChar } from '../../../src/lib/markdown.mjs';

const sources = [
  { id: 'hu2021', title: 'LoRA', url: 'https://arxiv.org/abs/2106.09685' },
  { id: 'dettmers2023', title: 'QLoRA', url: 'https://arxiv.org/abs/2305.14314' },
];

/** Compiles MDX through the lesson pipeline, with frontmatter injected as Astro does. */
async function build(body: string, fm: Record<string, unknown> = { sources }): Promise<string> {
  const file = new VFile({ path: 'content/lessons/example.mdx', value: body });
  file.data = { astro: { frontmatter: fm } };
  return String(await compile(file, { remarkPlugins, rehypePlugins, outputFormat: 'function-body' }));
}

describe('lesson Markdown pipeline', () => {
  it('renders inline and display math with KaTeX at build time', async () => {
    const out = await build(
      'Inline $h = W_0x$ and cited <Cite id="hu2021" /> <Cite id="dettmers2023" />.\n\n$$\n\\Delta W = BA\n$$\n',
    );
    expect(out).toContain('katex');
    expect(out).toContain('katex-display');
    expect(out).not.toContain('katex-error');
    // MathML only (issue 21): no HTML twin of each formula; the display box is keyboard-scrollable.
    expect(out).toContain('"math"');
    expect(out).not.toContain('katex-html');
    expect(out).toMatch(/className: "katex katex-display",\s*tabIndex: "0"/);
  });

  it('lets a long inline formula scroll in its own keyboard-reachable box, not a short one', async () => {
    const long = await build(
      'Count $784 \\cdot 200 + 200 + 200 \\cdot 200 + 200 + 200 \\cdot 10 + 10 = 199{,}210$ here. <Cite id="hu2021" /> <Cite id="dettmers2023" />',
    );
    expect(long).toMatch(/className: "katex katex-wide",\s*tabIndex: "0"/);
    const short = await build('Rank $r = 8$ here. <Cite id="hu2021" /> <Cite id="dettmers2023" />');
    expect(short).not.toContain('katex-wide');
    expect(short).not.toContain('tabIndex');
  });

  it('writes \\mathbb and \\mathcal letters as Unicode math letters (MathML Core ignores mathvariant)', async () => {
    const out = await build(
      'Let $W \\in \\mathbb{R}^{d}$ and $\\mathcal{L}$. <Cite id="hu2021" /> <Cite id="dettmers2023" />',
    );
    expect(out).toContain('"ℝ"');
    expect(out).toContain('"ℒ"');
    expect(out).not.toMatch(/double-struck|"script"/);
    expect(mathVariantChar('A', 'double-struck')).toBe('𝔸');
    expect(mathVariantChar('x', 'bold')).toBe('𝐱');
    expect(mathVariantChar('?', 'bold')).toBeNull();
  });

  it('fails on a formula KaTeX cannot parse instead of shipping red error text', async () => {
    await expect(build('Broken $\\frac{a}{$ here. <Cite id="hu2021" /> <Cite id="dettmers2023" />')).rejects.toThrow(
      /KaTeX|parse error/i,
    );
  });

  it('fails on an unknown macro', async () => {
    await expect(build('Bad $\\notamacro{x}$. <Cite id="hu2021" /> <Cite id="dettmers2023" />')).rejects.toThrow(
      /notamacro/,
    );
  });

  it('numbers citations by their place in the sources list', async () => {
    const out = await build('First <Cite id="dettmers2023" at="§3" /> then <Cite id="hu2021" />.');
    expect(out).toMatch(/id: "dettmers2023"[^}]*n: "2"/);
    expect(out).toMatch(/id: "hu2021"[^}]*n: "1"/);
  });

  it('fails on a citation key that matches no source, naming the key and the file', async () => {
    await expect(
      build('See <Cite id="nobody2020" />. <Cite id="hu2021" /> <Cite id="dettmers2023" />'),
    ).rejects.toThrow(/example\.mdx.*"nobody2020"/);
  });

  it('fails when a listed source is never cited', async () => {
    await expect(build('Only <Cite id="hu2021" />.')).rejects.toThrow(/never cited: dettmers2023/);
  });
});
