/**
 * What `<lora-lm>` shows, drawn from a read-only view of its state: the settings, one column per
 * model (the base, then each adapter) with its sample for the shared prompt and seed, the live
 * training panel, merge/unmerge with its measurement, and the adapter files. Pure render
 * functions: the element owns the state and passes the actions.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { AdapterInfo } from './protocol.ts';
import { LIMITS, type LmSettings } from './settings.ts';

export interface TrainingView {
  readonly adapter: string;
  readonly step: number;
  readonly loss: number;
  readonly stepsPerSecond: number;
  readonly losses: readonly number[];
  readonly running: boolean;
}

export interface LmView {
  readonly settings: LmSettings;
  readonly loaded: boolean;
  readonly adapters: readonly string[];
  readonly active: string | null;
  readonly merged: boolean;
  readonly info: Readonly<Record<string, AdapterInfo>>;
  readonly baseParams: number;
  readonly baseBytes: number;
  readonly training: TrainingView | null;
  /** The latest samples by column ('' key: the base). */
  readonly samples: Readonly<Record<string, string>>;
  readonly merge: { adapter: string; maxLogitDiff: number; identical: boolean } | null;
  readonly busy: string | null;
  readonly messages: readonly string[];
  readonly status: string;
}

export interface LmActions {
  setAttr(name: string, value: string): void;
  sampleAll(): void;
  train(adapter: string): void;
  use(adapter: string | null): void;
  toggleMerge(): void;
  download(adapter: string): void;
  importFile(file: File): void;
}

const n = (x: number): string => x.toLocaleString('en-US');
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;

export function renderLm(v: LmView, a: LmActions): TemplateResult {
  const disabled = !v.loaded || v.busy !== null;
  return html`<div class="root" part="root" role="group" aria-labelledby="lm-title">
    <h2 id="lm-title">One frozen base, swappable adapters</h2>
    <p class="sub">
      A character-level model pretrained on this site's lessons (and a little of its code). Each adapter is a
      rank-${v.settings.rank} LoRA update trained here, in your browser, on other text: the same prompt and seed come
      out in another style.
    </p>
    ${v.messages.map((m) => html`<p class="error" role="alert">${m}</p>`)} ${renderControls(v, a, disabled)}
    <div class="panels">
      ${renderColumn(v, a, null, disabled)} ${v.adapters.map((name) => renderColumn(v, a, name, disabled))}
    </div>
    <div class="panels">${renderTraining(v)} ${renderMerge(v, a, disabled)}</div>
    <p class="status" role="status">${v.busy ?? v.status}</p>
  </div>`;
}

function renderControls(v: LmView, a: LmActions, disabled: boolean): TemplateResult {
  const s = v.settings;
  const onChange = (name: string) => (e: Event) => a.setAttr(name, (e.target as HTMLInputElement).value);
  return html`<div class="controls" part="controls">
    <label
      >Prompt
      <input
        type="text"
        name="prompt"
        maxlength=${LIMITS.promptLength}
        .value=${s.prompt}
        @change=${onChange('prompt')}
    /></label>
    <label
      >Seed <input type="number" name="seed" min="0" step="1" .value=${String(s.seed)} @change=${onChange('seed')}
    /></label>
    <label
      >Temperature
      <input
        type="number"
        name="temperature"
        min="0"
        max="2"
        step="0.1"
        .value=${String(s.temperature)}
        @change=${onChange('temperature')}
    /></label>
    <label
      >Rank <input type="number" name="rank" min="1" max="64" .value=${String(s.rank)} @change=${onChange('rank')}
    /></label>
    <label
      >Steps
      <input
        type="number"
        name="steps"
        min="1"
        max=${LIMITS.steps[1]}
        .value=${String(s.steps)}
        @change=${onChange('steps')}
    /></label>
    <button class="primary" ?disabled=${disabled} @click=${a.sampleAll}>Sample all</button>
  </div>`;
}

function renderColumn(v: LmView, a: LmActions, name: string | null, disabled: boolean): TemplateResult {
  const key = name ?? '';
  const title = name ?? 'base';
  const active = v.active === name;
  const info = name === null ? null : v.info[name];
  const text = v.samples[key];
  const merged = active && v.merged && name !== null;
  return html`<div
    class="panel ${active ? 'active' : ''}"
    part="column"
    role="group"
    data-model=${title}
    aria-label=${`${title} samples`}
  >
    <h3>${name === null ? 'Base (frozen)' : `Adapter: ${name}`}${merged ? ' · merged' : ''}</h3>
    <p class="muted">
      ${
        name === null
          ? `${n(v.baseParams)} numbers, ${kb(v.baseBytes)}`
          : info
            ? `rank ${info.rank}: ${n(info.trainableParams)} numbers, ${kb(info.bytes)}, ${info.steps} steps trained`
            : 'not trained yet'
      }
    </p>
    <pre tabindex="0" aria-label=${`${title} sample`} data-sample=${title}>
${
        text === undefined
          ? html`<span class="prompt-part">(no sample yet)</span>`
          : html`<span class="prompt-part">${v.settings.prompt}</span>${text}`
      }</pre>
    <div class="row">
      <button
        aria-pressed=${active ? 'true' : 'false'}
        ?disabled=${disabled || (v.merged && !active)}
        @click=${() => a.use(name)}
      >
        ${active ? 'In use' : `Use ${title}`}
      </button>
      ${
        name === null
          ? nothing
          : html`<button ?disabled=${disabled || merged} @click=${() => a.train(name)}>
                Train ${v.settings.steps} steps
              </button>
              <button ?disabled=${disabled} @click=${() => a.download(name)}>Download</button>`
      }
    </div>
  </div>`;
}

/**
 * Each step's loss (one batch: noisy) drawn faint, and its running average drawn over it: an
 * exponential moving average with weight 0.95, bias-corrected as TensorBoard's smoothing is, so
 * the first steps are not pulled towards zero.
 */
function smooth(losses: readonly number[], weight = 0.95): number[] {
  let m = 0;
  return losses.map((x, i) => {
    m = weight * m + (1 - weight) * x;
    return m / (1 - weight ** (i + 1));
  });
}

function curve(losses: readonly number[]): TemplateResult {
  if (losses.length < 2) return html`<p class="muted">The loss curve appears while an adapter trains.</p>`;
  const avg = smooth(losses);
  const lo = Math.min(...losses);
  const hi = Math.max(...losses);
  const span = hi - lo || 1;
  // Down-sample to at most 200 points: the polylines stay light however long the run.
  const stride = Math.max(1, Math.ceil(losses.length / 200));
  const points = (ys: readonly number[]): string => {
    const pts: string[] = [];
    for (let i = 0; i < ys.length; i += stride)
      pts.push(`${((i / (ys.length - 1)) * 100).toFixed(2)},${(((hi - ys[i]) / span) * 40).toFixed(2)}`);
    return pts.join(' ');
  };
  return html`<svg
    class="curve"
    viewBox="0 0 100 40"
    preserveAspectRatio="none"
    role="img"
    aria-label=${`loss (running average) from ${avg[0].toFixed(2)} to ${avg[avg.length - 1].toFixed(2)} nats per character`}
  >
    ${svg`<line x1="0" y1="40" x2="100" y2="40"></line><polyline class="raw" points=${points(losses)}></polyline><polyline class="smooth" points=${points(avg)}></polyline>`}
  </svg>`;
}

function renderTraining(v: LmView): TemplateResult {
  const t = v.training;
  const info = t ? v.info[t.adapter] : undefined;
  return html`<div class="panel" part="training" role="group" aria-label="training">
    <h3>${t ? `Training ${t.adapter}${t.running ? '…' : ''}` : 'Training'}</h3>
    ${curve(t?.losses ?? [])}
    <dl>
      <dt>step</dt>
      <dd data-stat="step">${t ? t.step : '–'}</dd>
      <dt>loss</dt>
      <dd data-stat="loss">${t ? `${t.loss.toFixed(3)} nats/char` : '–'}</dd>
      <dt>speed</dt>
      <dd data-stat="speed">${t ? `${t.stepsPerSecond.toFixed(0)} steps/s` : '–'}</dd>
      <dt>trainable</dt>
      <dd data-stat="trainable">${info ? `${n(info.trainableParams)} (A and B, rank ${info.rank})` : '–'}</dd>
      <dt>frozen</dt>
      <dd data-stat="frozen">${v.baseParams ? `${n(v.baseParams)} (E and every W)` : '–'}</dd>
    </dl>
  </div>`;
}

function renderMerge(v: LmView, a: LmActions, disabled: boolean): TemplateResult {
  const m = v.merge;
  const onFile = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) a.importFile(file);
  };
  return html`<div class="panel" part="merge" role="group" aria-label="merge and files">
    <h3>Merge, unmerge, files</h3>
    <p class="muted">
      ${
        v.active === null
          ? 'Use an adapter to merge it: W ← W + (α/r)·B·A.'
          : v.merged
            ? `${v.active} is merged into W.`
            : `${v.active} runs beside W (unmerged).`
      }
    </p>
    <div class="row">
      <button ?disabled=${disabled || v.active === null} @click=${a.toggleMerge}>
        ${v.merged ? 'Unmerge' : 'Merge'}
      </button>
      <label class="row"
        >Import adapter (.zip) <input type="file" accept=".zip,application/zip" ?disabled=${disabled} @change=${onFile}
      /></label>
    </div>
    ${
      m
        ? html`<p data-stat="merge">
            Largest logit change on merging ${m.adapter}: <strong>${m.maxLogitDiff.toExponential(2)}</strong>; the
            sample is <span class=${m.identical ? 'ok' : ''}>${m.identical ? 'identical' : 'different'}</span>.
          </p>`
        : nothing
    }
  </div>`;
}
