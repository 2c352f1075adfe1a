/** The package's declarations as tsc writes them, tidied (scripts/package/declarations.mjs). */
import { describe, expect, test } from 'vitest';
import ts from 'typescript';
import { tidyDeclarations } from '../../../scripts/package/declarations.mjs';

// What tsc 6 emits for an element with a static private converter and JSDoc per property.
const EMITTED = `import { LitElement } from 'lit';
import type { PeftResult } from '../core/peft-cost.ts';
export { PeftChangeEvent } from './events.ts';
export declare class PeftCalculator extends LitElement {
    #private;
    static properties: {
        /** LoRA rank r, default 8. */
        rank: {
            reflect: boolean;
            converter: {
                fromAttribute: typeof PeftCalculator.__#12@#num;
            };
        };
        model: {
            reflect: boolean;
        };
    };
    rank: number | string | null | undefined;
    /** Which model. */
    model: string | null | undefined;
    get result(): PeftResult;
}
`;

/** Syntax errors TypeScript finds in a declaration file. */
function syntaxErrors(text: string): string[] {
  const host = ts.createCompilerHost({});
  const file = ts.createSourceFile('x.d.ts', text, ts.ScriptTarget.ES2022, true);
  const program = ts.createProgram({
    rootNames: ['x.d.ts'],
    options: { noResolve: true, noLib: true },
    host: { ...host, getSourceFile: (name) => (name === 'x.d.ts' ? file : undefined) },
  });
  return program.getSyntacticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('tidyDeclarations', () => {
  const out = tidyDeclarations(EMITTED);

  test('what tsc emitted does not parse; the tidied file does', () => {
    expect(syntaxErrors(EMITTED).length).toBeGreaterThan(0);
    expect(syntaxErrors(out)).toEqual([]);
  });

  test("static properties becomes Lit's PropertyDeclarations, its JSDoc moves to the field", () => {
    expect(out).toContain("static properties: import('lit').PropertyDeclarations;");
    expect(out).not.toContain('__#12@#num');
    expect(out).toMatch(/\/\*\* LoRA rank r, default 8\. \*\/\n {4}rank: number \| string \| null \| undefined;/);
    // a field with its own JSDoc keeps it, and gets no second one
    expect(out.match(/Which model/g)).toHaveLength(1);
  });

  test('relative .ts specifiers become .js; package specifiers stay', () => {
    expect(out).toContain("from '../core/peft-cost.js'");
    expect(out).toContain("from './events.js'");
    expect(out).toContain("from 'lit'");
  });
});
