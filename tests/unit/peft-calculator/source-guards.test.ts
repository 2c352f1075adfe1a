/**
 * Guards for things a Node unit test can see in `<peft-calculator>`'s source and that would
 * only break in the built module under an embedder's CSP (the Chromium e2e tests cover the
 * behaviour itself).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (f: string) => readFileSync(new URL(`../../../widgets/peft-calculator/${f}`, import.meta.url), 'utf8');
const element = read('peft-calculator.ts');
const styles = read('peft-calculator.styles.ts');

describe('peft-calculator source', () => {
  it("writes no style attribute (blocked by style-src 'self'), not even through styleMap", () => {
    // styleMap's first render sets the attribute as a string, so it is avoided too; widths go
    // through CSSOM (element.style.width) in updated().
    expect(element).not.toMatch(/\bstyle=/);
    expect(element).not.toMatch(/directives\/(style-map|unsafe-html)|\.innerHTML/);
    expect(element).toMatch(/\.style\.width\s*=/);
  });

  it('uses no decorators (Astro 7 ships them untransformed)', () => {
    expect(element).not.toMatch(/^\s*@(customElement|property|state|query)\b/m);
    expect(element).toMatch(/static override properties\s*=/);
  });

  it('defines the element once, guarded, and declares it in HTMLElementTagNameMap', () => {
    expect(element).toContain(
      "if (!customElements.get('peft-calculator')) customElements.define('peft-calculator', PeftCalculator);",
    );
    expect(element).toMatch(/interface HTMLElementTagNameMap\s*{\s*'peft-calculator': PeftCalculator;/);
  });

  it('keeps its styles in the shadow root, with no comments shipped inside the css literal', () => {
    const literal = styles.slice(styles.indexOf('css`'));
    expect(literal).not.toContain('/*');
    expect(literal).toContain(':host');
    expect(literal).toMatch(/prefers-color-scheme: dark/);
    expect(literal).toMatch(/prefers-reduced-motion/);
    // The themeable colours come from the shared design tokens, which the styles include first.
    expect(styles).toMatch(/import \{ tokens \} from '\.\.\/shared\/tokens\.ts';/);
    expect(styles).toMatch(/export const styles = \[\s*tokens,/);
    const tokens = readFileSync(new URL('../../../widgets/shared/tokens.ts', import.meta.url), 'utf8');
    const tokenLiteral = tokens.slice(tokens.indexOf('css`'));
    expect(tokenLiteral).not.toContain('/*');
    for (const v of ['--mg-fg', '--mg-bg', '--mg-accent', '--mg-muted']) expect(tokenLiteral).toContain(v);
  });
});
