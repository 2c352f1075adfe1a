/** The top of `<lora-trainer>`: title and task, backend badge, notes and alerts, toolbar, readouts. */
import { html, nothing, type TemplateResult } from 'lit';
import { effectiveScale } from '../../core/pitfalls.ts';
import { fmt } from '../charts.ts';
import { count, pct, type PanelContext } from './context.ts';

const STEP_CHOICES = [100, 300, 1000, 3000];

function description(x: PanelContext): TemplateResult {
  const c = x.settings.config;
  switch (c.scenario) {
    case 'low-rank-shift':
      return html`The teacher is the frozen base plus a rank-${c.trueRank} update in each layer (MLP 64 → 64 → 64, mean
      squared error). Only A and B learn.`;
    case 'classify-2d':
      return html`A small classifier trained on two moons; the new task rotates them by 60°. The adapter on fc2 and fc3
      must turn the decision boundary.`;
    case 'overfit':
      return html`The rank-${c.trueRank} teacher, but only ${count(c.trainSize)} noisy training examples: watch
      validation loss turn up as the adapter memorises the noise.`;
  }
}

function backendBadge(x: PanelContext): TemplateResult {
  const r = x.lab.report;
  if (!r) return html`<span class="badge muted">${x.starting ? 'starting…' : 'starts when visible'}</span>`;
  return html`<span class="badge" title=${r.reason}
    >${r.backend === 'webgpu' ? 'WebGPU' : 'CPU'} · ${r.host === 'worker' ? 'worker' : 'main thread'}</span
  >`;
}

function alerts(x: PanelContext): TemplateResult {
  const rt = x.runtimeError;
  return html`<div role="alert" class="alerts">
    ${
      x.errors.length || rt
        ? html`<ul class="error">
            ${x.errors.map((e) => html`<li>${e.message}</li>`)}
            ${
              rt
                ? html`<li>
                    ${rt}
                    <button type="button" class="link" @click=${() => x.act.dismissError()}>Dismiss</button>
                  </li>`
                : nothing
            }
          </ul>`
        : nothing
    }
  </div>`;
}

/** Title, task, backend badge, the main-thread and recovery notes, and the alerts. */
export function renderHead(x: PanelContext): TemplateResult {
  const r = x.lab.report;
  const rec = x.recovered;
  return html`<div class="head">
      <div>
        <p class="title">LoRA trainer</p>
        <p class="sub">${description(x)}</p>
      </div>
      ${backendBadge(x)}
    </div>
    ${r && r.host === 'main-thread' ? html`<p class="note">Training on the main thread: ${r.reason}.</p>` : nothing}
    ${
      rec
        ? html`<p class="note warn" data-recovered=${rec.count}>
            Training recovered ${rec.count === 1 ? 'once' : `${rec.count} times`} from a ${rec.reason}: the last good
            weights were restored and the learning rate halved, now ${fmt(rec.lr)}.
          </p>`
        : nothing
    }
    ${alerts(x)}`;
}

export function renderToolbar(x: PanelContext): TemplateResult {
  const busy = x.lab.training;
  const merged = x.trainer.merged;
  return html`<div class="toolbar" part="toolbar" role="group" aria-label="Training">
    <button type="button" class="primary" ?disabled=${busy || merged} @click=${() => x.act.train()}>Train</button>
    <label class="inline"
      >for
      <select
        aria-label="Steps per run"
        .value=${String(x.ui.steps)}
        @change=${(e: Event) => ((x.ui.steps = Number((e.target as HTMLSelectElement).value)), x.act.refresh())}
      >
        ${STEP_CHOICES.map((n) => html`<option value=${n} ?selected=${n === x.ui.steps}>${count(n)} steps</option>`)}
      </select></label
    >
    <button type="button" ?disabled=${!busy} @click=${() => x.act.pause()}>Pause</button>
    <button type="button" ?disabled=${busy} @click=${() => x.act.reset()}>Reset adapter</button>
    ${
      x.settings.controls === 'full'
        ? merged
          ? html`<button type="button" ?disabled=${busy} @click=${() => x.act.unmerge()}>Unmerge</button>`
          : html`<button type="button" ?disabled=${busy || !x.lab.started} @click=${() => x.act.merge()}>
              Merge into W
            </button>`
        : nothing
    }
  </div>`;
}

export function renderReadouts(x: PanelContext): TemplateResult {
  const c = x.settings.config;
  const trainable = x.trainer.trainableParams;
  const frozen = x.trainer.frozenParams;
  return html`<dl class="readouts">
    <div>
      <dt>Step</dt>
      <dd>${count(x.trainer.step)}</dd>
    </div>
    <div>
      <dt>Loss</dt>
      <dd>${fmt(x.trainer.loss, 3)}</dd>
    </div>
    <div>
      <dt>Validation loss</dt>
      <dd>${x.trainer.valLoss === null ? '—' : fmt(x.trainer.valLoss, 3)}</dd>
    </div>
    <div class="params">
      <dt>Trainable parameters</dt>
      <dd>
        ${count(trainable)} of ${count(trainable + frozen)}
        <span class="muted">(${pct(trainable / (trainable + frozen))})</span>
      </dd>
    </div>
    <div>
      <dt>Frozen</dt>
      <dd>${count(frozen)} <span class="muted">(W and b)</span></dd>
    </div>
    <div>
      <dt>Rank · scale</dt>
      <dd>r = ${c.rank} · s = ${fmt(effectiveScale(c.alpha, c.rank, c.rsLora), 3)}</dd>
    </div>
  </dl>`;
}
