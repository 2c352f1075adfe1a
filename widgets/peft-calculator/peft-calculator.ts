import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import {
  ASSUMPTIONS,
  DEFAULTS,
  TARGETS,
  availableTargets,
  computePeftCost,
  expertCounts,
  formatBytes,
  formatCount,
  formatPercent,
} from '../core/peft-cost.ts';
import type { MemoryBreakdown, Method, PeftInput, PeftResult } from '../core/peft-cost.ts';
import { parsePeftInput, type PeftInputError } from '../core/peft-input.ts';
import { applyOnEnter, attributeText, numberField, selectField, setAttributeValue } from '../shared/form-field.ts';
import { PRESETS } from './presets.ts';
import { styles } from './peft-calculator.styles.ts';

/** Fired after the user changes a control and the result has been recomputed. */
export class PeftChangeEvent extends Event {
  constructor(readonly detail: { result: PeftResult; errors: readonly PeftInputError[] }) {
    super('peft-change', { bubbles: true, composed: true });
  }
}

/**
 * What LoRA costs on a real model: trainable parameters, adapter size, multiply-adds per token
 * merged and unmerged, and training memory for full fine-tuning, LoRA and QLoRA, with which
 * 24, 48 and 80 GB GPUs each fits on. The math is `widgets/core/peft-cost.ts`; its assumptions
 * are listed on screen.
 *
 * Attributes (each mirrored by a property of the camelCase name; setting a property updates
 * the attribute; an absent attribute takes the default, shown on screen):
 * - `model`: `llama2-7b` (default), `gpt3-175b`, `llama2-13b`, `llama2-70b`, `mistral-7b`,
 *   `llama3-8b`, `llama3-70b`, `mixtral-8x7b`, `roberta-base`, `roberta-large`, `gpt2-medium`,
 *   or `custom` with `d-model`, `layers`, `d-ff`, `vocab` (required), `kv-dim` (default
 *   d-model), `heads` (default d-model/128), `mlp` (`gated` default, or `plain`), `experts`
 *   (MLP experts per layer, default 1: dense) and `active-experts` (experts per token, default
 *   2 or fewer). Memory and adapters count every expert, compute only the active ones.
 * - `rank`: LoRA rank r, default 8.
 * - `targets`: comma list of `q,k,v,o,gate,up,down` (or `all`), default `q,v` as in the LoRA paper.
 * - `bits`: precision of the frozen base under QLoRA: 4 (default, NF4 + double quantisation), 8 or 16.
 * - `seq-len`: default 512. `batch`: default 1. `checkpointing`: boolean, default off.
 *
 * An invalid value shows a message naming the attribute inside the element and falls back to
 * its default; nothing throws.
 *
 * @summary Parameter, adapter-size, compute and GPU-memory costs of LoRA, QLoRA and full fine-tuning.
 *
 * @fires peft-change - {@link PeftChangeEvent}: the user changed a control; `detail` holds
 *   `result` and `errors`.
 *
 * @csspart form - The settings form.
 * @csspart results - Everything computed: figures, memory chart, table, assumptions.
 * @csspart bar - One method's stacked memory bar.
 *
 * @cssproperty --mg-fg - Text colour.
 * @cssproperty --mg-bg - Background colour.
 * @cssproperty --mg-accent - Links, focus rings, badges that fit.
 * @cssproperty --mg-muted - Secondary text and borders.
 * @cssproperty --mg-font - Font family.
 * @cssproperty --mg-font-size - Base font size (default: the reader's default size, not the page's root size).
 */
export class PeftCalculator extends LitElement {
  static override styles = styles;

  static override properties = {
    /** `llama2-7b` (default), another preset (`gpt3-175b`, `llama3-8b`, `mixtral-8x7b` …) or `custom`. */
    model: { reflect: true },
    /** LoRA rank r (default 8). */
    rank: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** Adapted matrices: a comma list of `q,k,v,o,gate,up,down`, or `all` (default `q,v`). */
    targets: { reflect: true },
    /** Precision of the frozen base under QLoRA: 4 (default, NF4 + double quantisation), 8 or 16. */
    bits: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** Sequence length in tokens (default 512). */
    seqLen: { attribute: 'seq-len', reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** Sequences per batch (default 1). */
    batch: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** Gradient checkpointing: a boolean attribute (default off). */
    checkpointing: {
      reflect: true,
      converter: {
        fromAttribute: (v: string | null) =>
          v === null || v === 'false' ? false : v === '' || v === 'true' || v === 'checkpointing' ? true : v,
        toAttribute: (v: unknown) => (v === true ? '' : v === false || v == null ? null : String(v)),
      },
    },
    /** `custom` model: hidden size d_model (required). */
    dModel: { attribute: 'd-model', reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: number of layers (required). */
    layers: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: MLP inner size d_ff (required). */
    dFf: { attribute: 'd-ff', reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: width of the K and V projections (default d_model). */
    kvDim: { attribute: 'kv-dim', reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: vocabulary size (required). */
    vocab: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: attention heads (default d_model/128). */
    heads: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: `gated` MLP (default) or `plain`. */
    mlp: { reflect: true },
    /** `custom` model: MLP experts per layer (default 1: dense). */
    experts: { reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
    /** `custom` model: experts each token uses (default 2, or fewer if there are fewer). */
    activeExperts: { attribute: 'active-experts', reflect: true, converter: { fromAttribute: PeftCalculator.#num } },
  };

  /** Numeric attributes read as numbers when they are numbers, else kept as text for the error message. */
  static #num(v: string | null): number | string | null {
    return v !== null && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }

  // Attribute mirrors. Left unset (undefined = attribute absent = default) rather than given
  // default values in the constructor, so the element never writes attributes the page did not.
  declare model: string | null | undefined;
  declare rank: number | string | null | undefined;
  declare targets: string | readonly string[] | null | undefined;
  declare bits: number | string | null | undefined;
  declare seqLen: number | string | null | undefined;
  declare batch: number | string | null | undefined;
  declare checkpointing: boolean | string | null | undefined;
  declare dModel: number | string | null | undefined;
  declare layers: number | string | null | undefined;
  declare dFf: number | string | null | undefined;
  declare kvDim: number | string | null | undefined;
  declare vocab: number | string | null | undefined;
  declare heads: number | string | null | undefined;
  declare mlp: string | null | undefined;
  declare experts: number | string | null | undefined;
  declare activeExperts: number | string | null | undefined;

  #input: PeftInput;
  #errors: readonly PeftInputError[];
  #result: PeftResult;
  #userChanged = false;

  constructor() {
    super();
    const { value } = parsePeftInput({}, PRESETS);
    this.#input = value;
    this.#errors = [];
    this.#result = computePeftCost(value);
  }

  /** Every figure shown, recomputed whenever an attribute changes (read after `updateComplete`). */
  get result(): PeftResult {
    return this.#result;
  }

  /** The settings in effect, after validation and defaults. */
  get settings(): PeftInput {
    return this.#input;
  }

  /** One entry per invalid attribute: `{ attribute, message }`. Empty when all are valid. */
  get errors(): readonly PeftInputError[] {
    return this.#errors;
  }

  #raw(): Record<string, unknown> {
    return {
      model: this.model,
      rank: this.rank,
      targets: this.targets,
      bits: this.bits,
      'seq-len': this.seqLen,
      batch: this.batch,
      checkpointing: this.checkpointing,
      'd-model': this.dModel,
      layers: this.layers,
      'd-ff': this.dFf,
      'kv-dim': this.kvDim,
      vocab: this.vocab,
      heads: this.heads,
      mlp: this.mlp,
      experts: this.experts,
      'active-experts': this.activeExperts,
    };
  }

  protected override willUpdate(_changed: PropertyValues): void {
    try {
      const { value, errors } = parsePeftInput(this.#raw(), PRESETS);
      this.#input = value;
      this.#errors = errors;
      this.#result = computePeftCost(value);
    } catch (e) {
      // Unreachable by design; kept so that nothing escapes into the host page.
      const { value } = parsePeftInput({}, PRESETS);
      this.#input = value;
      this.#errors = [
        { attribute: 'input', message: `Could not read the settings (${String(e)}); showing the defaults.` },
      ];
      this.#result = computePeftCost(value);
    }
  }

  protected override updated(): void {
    // Bar widths through CSSOM: a style attribute (which styleMap writes on first render) is
    // blocked by the embedding CSP, style-src 'self'.
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>('[data-w]')) {
      el.style.width = `${el.dataset['w']}%`;
    }
    if (this.#userChanged) {
      this.#userChanged = false;
      this.dispatchEvent(new PeftChangeEvent({ result: this.#result, errors: this.#errors }));
    }
  }

  #onChange = (e: Event): void => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement || t instanceof HTMLSelectElement) || !t.name) return;
    if (t.name === 'targets' && t instanceof HTMLInputElement) {
      const on = new Set<string>(this.#input.targets);
      if (t.checked) on.add(t.value);
      else on.delete(t.value);
      this.targets = TARGETS.filter((x) => on.has(x)).join(',');
    } else if (t.name === 'checkpointing' && t instanceof HTMLInputElement) {
      this.checkpointing = t.checked;
    } else if (t.name === 'model' && t.value === 'custom') {
      // Start a custom model from the dimensions on screen.
      const m = this.#input.model;
      this.dModel ??= m.dModel;
      this.layers ??= m.layers;
      this.dFf ??= m.dFf;
      this.kvDim ??= m.kvDim;
      this.vocab ??= m.vocab;
      this.heads ??= m.heads;
      this.mlp ??= m.gatedMlp ? 'gated' : 'plain';
      if (m.experts !== undefined) this.experts ??= m.experts;
      if (m.activeExperts !== undefined) this.activeExperts ??= m.activeExperts;
      this.model = 'custom';
    } else if (t.name === 'model') {
      // Drop targets the new model lacks (W_gate on a plain MLP) rather than report the user's own choice as an error.
      const next = PRESETS.find((p) => p.id === t.value);
      if (next && !next.gatedMlp && this.#input.targets.includes('gate'))
        this.targets = this.#input.targets.filter((x) => x !== 'gate').join(',') || null;
      this.model = t.value;
    } else {
      // An emptied optional field means "use the default"; an emptied required one is an error.
      const optional = ['kv-dim', 'heads', 'experts', 'active-experts'].includes(t.name);
      setAttributeValue(this, t.name, t.value === '' && optional ? null : t.value);
    }
    this.#userChanged = true;
  };

  #onKeydown = (e: KeyboardEvent): void => applyOnEnter(e, this.#onChange);

  /** A number input showing the attribute as written (so a rejected value stays visible next to its message), else the value in effect. */
  #number(name: string, label: string, value: number): TemplateResult {
    return numberField({ name, label, value, written: attributeText(this.#raw()[name]), min: 1 });
  }

  #check(
    name: string,
    value: string,
    checked: boolean,
    disabled: boolean,
    label: TemplateResult | string,
  ): TemplateResult {
    return html`<label class="check"
      ><input type="checkbox" name=${name} value=${value} .checked=${checked} ?disabled=${disabled} /><span
        >${label}</span
      ></label
    >`;
  }

  #form(): TemplateResult {
    const s = this.#input;
    const m = s.model;
    const isCustom =
      String(this.model ?? '')
        .trim()
        .toLowerCase() === 'custom';
    const have = availableTargets(m);
    const moe = expertCounts(m).experts > 1 ? expertCounts(m) : undefined;
    return html`<form
      part="form"
      @change=${this.#onChange}
      @keydown=${this.#onKeydown}
      @submit=${(e: Event) => e.preventDefault()}
    >
      <fieldset>
        <legend>Base model</legend>
        ${selectField('model', 'Model', isCustom ? 'custom' : s.modelId, [
          ...PRESETS.map((p) => [p.id, p.label] as const),
          ['custom', 'Custom…'],
        ])}
        ${
          isCustom
            ? html`${this.#number('d-model', 'd_model', m.dModel)} ${this.#number('layers', 'Layers', m.layers)}
              ${this.#number('d-ff', 'd_ff (MLP width)', m.dFf)} ${this.#number('kv-dim', 'k/v width (GQA)', m.kvDim)}
              ${this.#number('vocab', 'Vocabulary', m.vocab)} ${this.#number('heads', 'Attention heads', m.heads)}
              ${selectField('mlp', 'MLP', m.gatedMlp ? 'gated' : 'plain', [
                ['gated', 'gated: gate, up, down'],
                ['plain', 'plain: up, down'],
              ])}
              ${this.#number('experts', 'MLP experts', expertCounts(m).experts)}
              ${this.#number('active-experts', 'Active experts per token', expertCounts(m).active)}`
            : nothing
        }
        <p class="note">
          d_model ${m.dModel} · ${m.layers} layers · d_ff ${m.dFf} · k/v ${m.kvDim}${m.kvDim < m.dModel ? ' (GQA)' : ''}
          · vocab ${m.vocab} · ${m.gatedMlp ? 'gated' : 'plain'}
          MLP${moe ? ` · ${moe.experts} experts, top-${moe.active}` : ''}
        </p>
      </fieldset>
      <fieldset>
        <legend>LoRA</legend>
        ${this.#number('rank', 'Rank r', s.rank)}
        <fieldset class="targets">
          <legend>Adapted matrices (at least one)</legend>
          ${TARGETS.map((t) =>
            this.#check(
              'targets',
              t,
              s.targets.includes(t),
              !have.includes(t) || (s.targets.length === 1 && s.targets[0] === t),
              html`W<sub>${t}</sub>`,
            ),
          )}
        </fieldset>
        ${m.gatedMlp ? nothing : html`<p class="note">This MLP is not gated: it has no W<sub>gate</sub>.</p>`}
      </fieldset>
      <fieldset>
        <legend>Training</legend>
        ${selectField('bits', 'QLoRA base precision', String(s.bits), [
          ['4', '4-bit NF4'],
          ['8', '8-bit'],
          ['16', '16-bit'],
        ])}
        ${this.#number('seq-len', 'Sequence length', s.seqLen)} ${this.#number('batch', 'Batch size', s.batch)}
        ${this.#check('checkpointing', 'on', s.checkpointing, false, 'Gradient checkpointing')}
      </fieldset>
    </form>`;
  }

  #method(method: Method, label: string, scale: number): TemplateResult {
    const b = this.#result.memory[method];
    const fits = this.#result.fits[method];
    const parts = PeftCalculator.#PARTS.filter(([k]) => b[k] > 0);
    const desc = parts.map(([k, name]) => `${name} ${formatBytes(b[k])}`).join(', ');
    return html`<div class="method">
      <div class="method-head"><span>${label}</span><strong>${formatBytes(b.total)}</strong></div>
      <div class="bar" part="bar" role="img" aria-label=${`${label}: ${formatBytes(b.total)} (${desc})`}>
        ${parts.map(([k]) => html`<span class="seg ${k}" data-w=${((100 * b[k]) / scale).toFixed(3)}></span>`)}
      </div>
      <ul class="fits" aria-label=${`${label} on a single GPU`}>
        ${[24, 48, 80].map((gb) => {
          const ok = (fits as readonly number[]).includes(gb);
          return html`<li class=${ok ? 'yes' : 'no'}>${gb} GB: ${ok ? 'fits' : 'too small'}</li>`;
        })}
      </ul>
    </div>`;
  }

  static #PARTS: readonly (readonly [Exclude<keyof MemoryBreakdown, 'total'>, string])[] = [
    ['weights', 'weights'],
    ['quantConstants', 'quantisation constants'],
    ['gradients', 'gradients'],
    ['optimizer', 'optimizer states'],
    ['activations', 'activations'],
  ];

  override render(): TemplateResult {
    const s = this.#input;
    const r = this.#result;
    const mem = r.memory;
    const labels: Record<Method, string> = {
      full: 'Full fine-tuning',
      lora: 'LoRA, fp16 base',
      qlora: `QLoRA, ${s.bits}-bit base`,
    };
    const methods = ['full', 'lora', 'qlora'] as const;
    const scale = Math.max(mem.full.total, mem.lora.total, mem.qlora.total);
    const name =
      s.modelId === 'custom' ? 'Custom model' : (PRESETS.find((p) => p.id === s.modelId)?.label ?? s.modelId);
    const preset = PRESETS.find((p) => p.id === s.modelId);
    const overhead = (r.flopsPerToken.unmerged - r.flopsPerToken.merged) / r.flopsPerToken.merged;
    const d = DEFAULTS;
    return html`<div class="root">
      ${this.#form()}
      <div role="alert">
        ${
          this.#errors.length
            ? html`<ul class="errors">
                ${this.#errors.map((e) => html`<li>${e.message}</li>`)}
              </ul>`
            : nothing
        }
      </div>
      <div class="out" part="results">
        <p class="summary" role="status">
          ${name}, r = ${s.rank} on ${s.targets.join(', ')}: ${formatCount(r.trainableParams)} trainable parameters
          (${formatPercent(r.fraction)}). Memory: full ${formatBytes(mem.full.total)}, LoRA
          ${formatBytes(mem.lora.total)}, QLoRA ${formatBytes(mem.qlora.total)}.
        </p>
        <dl class="stats">
          <div>
            <dt>Trainable parameters</dt>
            <dd>${formatCount(r.trainableParams)} of ${formatCount(r.totalParams)} (${formatPercent(r.fraction)})</dd>
          </div>
          ${
            r.activeParams < r.totalParams
              ? html`<div>
                  <dt>Mixture of experts</dt>
                  <dd>
                    ${formatCount(r.activeParams)} parameters active per token: ${expertCounts(s.model).active} of
                    ${expertCounts(s.model).experts} expert MLPs. Memory holds all ${expertCounts(s.model).experts}, and
                    LoRA on gate, up or down adapts each one (its own A and B); compute counts the active ones.
                  </dd>
                </div>`
              : nothing
          }
          <div>
            <dt>Adapter file</dt>
            <dd>${formatBytes(r.adapterBytes)} in fp16 (${formatBytes(r.adapterBytesFp32)} in fp32)</dd>
          </div>
          <div>
            <dt>Multiply-adds per token</dt>
            <dd>
              merged ${formatCount(r.flopsPerToken.merged)}, unmerged ${formatCount(r.flopsPerToken.unmerged)}
              (+${formatPercent(overhead)})
            </dd>
          </div>
        </dl>
        <figure>
          <figcaption>
            Training memory, batch ${s.batch} × ${s.seqLen} tokens${s.checkpointing ? ', checkpointed' : ''}
          </figcaption>
          <ul class="legend" aria-hidden="true">
            ${PeftCalculator.#PARTS.map(([k, n]) => html`<li><span class="swatch ${k}"></span>${n}</li>`)}
          </ul>
          ${methods.map((m) => this.#method(m, labels[m], scale))}
        </figure>
        <details>
          <summary>Memory as a table</summary>
          <table>
            <caption>
              Training memory by part (1 GB = 10⁹ bytes)
            </caption>
            <thead>
              <tr>
                <th scope="col">Part</th>
                ${methods.map((m) => html`<th scope="col">${labels[m]}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${[...PeftCalculator.#PARTS, ['total', 'total'] as const].map(
                ([k, n]) =>
                  html`<tr>
                    <th scope="row">${n}</th>
                    ${methods.map((m) => html`<td>${formatBytes(mem[m][k])}</td>`)}
                  </tr>`,
              )}
            </tbody>
          </table>
        </details>
        <p class="note">
          Defaults: ${PRESETS.find((p) => p.id === d.model)?.label}, rank ${d.rank}, W<sub>q</sub> and W<sub>v</sub> (as
          in the LoRA paper), ${d.bits}-bit QLoRA base, sequence ${d.seqLen}, batch ${d.batch}, no checkpointing.
          ${
            preset
              ? html`Dimensions from
                ${preset.sources.map((src, i) => html`${i ? ' and ' : ''}<a href=${src.url} rel="noopener">${src.title}</a>`)}.`
              : nothing
          }
        </p>
        <details open>
          <summary>Assumptions</summary>
          <ul class="notes">
            ${ASSUMPTIONS.map((a) => html`<li>${a}</li>`)}
          </ul>
        </details>
      </div>
    </div>`;
  }
}

if (!customElements.get('peft-calculator')) customElements.define('peft-calculator', PeftCalculator);

declare global {
  interface HTMLElementTagNameMap {
    'peft-calculator': PeftCalculator;
  }
  interface GlobalEventHandlersEventMap {
    'peft-change': PeftChangeEvent;
  }
}
