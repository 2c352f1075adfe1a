/**
 * Form fields of the elements whose settings are attributes (`<lora-trainer>`,
 * `<peft-calculator>`): each field is named after its attribute, and a change is written back as
 * that attribute, so Lit's own attribute → property mapping (the element's `static properties`,
 * with its converters) is the one place that maps names and parses values.
 */
import { html, type TemplateResult } from 'lit';

/**
 * Sets (or, for null, removes) the attribute `name` on `host`; Lit then sets the matching
 * property through its converter, and a reflected property keeps attribute and property equal.
 */
export function setAttributeValue(host: Element, name: string, value: string | null): void {
  if (value === null) host.removeAttribute(name);
  else host.setAttribute(name, value);
}

/** An attribute's value as the page wrote it (`true` → '', absent / null / false → null). */
export function attributeText(value: unknown): string | null {
  return value === undefined || value === null || value === false ? null : value === true ? '' : String(value);
}

export interface NumberFieldOptions {
  /** The attribute the field edits (also its `name`; its id is `f-<name>`). */
  readonly name: string;
  readonly label: string;
  /** The value in effect, shown when the attribute is absent. */
  readonly value: number;
  /** The attribute as written (shown as is, so a rejected value stays next to its message), or null. */
  readonly written: string | null;
  readonly min: number;
  /** The input's step (default 1). */
  readonly step?: string;
  /** The on-screen keyboard (default numeric). */
  readonly inputmode?: 'numeric' | 'decimal';
}

/** A labelled number input. */
export function numberField(o: NumberFieldOptions): TemplateResult {
  return html`<div class="field">
    <label for=${`f-${o.name}`}>${o.label}</label>
    <input
      id=${`f-${o.name}`}
      name=${o.name}
      type="number"
      inputmode=${o.inputmode ?? 'numeric'}
      min=${o.min}
      step=${o.step ?? '1'}
      .value=${o.written ?? String(o.value)}
    />
  </div>`;
}

/** A labelled select of `[value, text]` options, `value` selected. */
export function selectField(
  name: string,
  label: string,
  value: string,
  options: readonly (readonly [string, string])[],
): TemplateResult {
  return html`<div class="field">
    <label for=${`f-${name}`}>${label}</label>
    <select id=${`f-${name}`} name=${name} .value=${value}>
      ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
    </select>
  </div>`;
}

/**
 * Enter in a number input applies it at once (a change event fires only on blur): calls
 * `apply` with the key event, whose target is the input.
 */
export function applyOnEnter(e: KeyboardEvent, apply: (e: Event) => void): void {
  if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.type === 'number') {
    e.preventDefault();
    apply(e);
  }
}
