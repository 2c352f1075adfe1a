/** The four steps of LoRA, each with its invariant computed live. */
import { html, nothing, type TemplateResult } from 'lit';
import { fmt } from '../charts.ts';
import { shapeOf } from '../shapes.ts';
import { count, pct, type PanelContext } from './context.ts';

export function renderStory(x: PanelContext): TemplateResult {
  const inv = x.trainer.invariants;
  const c = x.settings.config;
  const targets = shapeOf(c.scenario).layers.filter((t) => c.targets.includes(t.name));
  const cur: number = x.trainer.merged ? 4 : x.trainer.step > 0 ? 3 : 2;
  const formula = targets.map((t) => `${c.rank}·(${t.d} + ${t.k})`).join(' + ');
  const work = inv.multiplyAdds;
  const busy = x.lab.training;
  return html`<ol class="story">
    <li class=${cur === 1 ? 'current' : ''}>
      <p class="step-title">Freeze W</p>
      <p>
        Every base weight and bias is frozen: ${count(x.trainer.frozenParams)} numbers with no gradient and no optimiser
        state.
      </p>
      <p class="inv">
        Checksum of W:
        ${
          inv.checksumW && inv.baseChecksumW
            ? inv.checksumW === inv.baseChecksumW
              ? html`<code>${inv.checksumW}</code> <span class="ok">unchanged since load</span>`
              : html`<code>${inv.checksumW}</code>
                  <span class="warn">W holds the merged update (W₀ was ${inv.baseChecksumW})</span>`
            : html`<code>${inv.checksumW ?? '—'}</code
                ><span class="unset" aria-hidden="true">00000000 unchanged since load</span>`
        }
      </p>
    </li>
    <li class=${cur === 2 ? 'current' : ''}>
      <p class="step-title">Add A and B, with B = 0</p>
      <p>A starts random, B at zero, so ΔW = 0 and the model computes exactly what the base computes.</p>
      <p class="inv">
        With B = 0: max |h(x) − h₀(x)| on 64 probe inputs =
        <strong data-invariant="b-zero"
          >${inv.bZeroOutputDiff === null ? '—' : inv.bZeroOutputDiff === 0 ? '0' : fmt(inv.bZeroOutputDiff, 3)}</strong
        >
        ${inv.bZeroOutputDiff === 0 ? html`<span class="ok">exactly</span>` : nothing}
      </p>
      <button type="button" ?disabled=${busy} @click=${() => x.act.reset()}>Reset adapter (B = 0)</button>
    </li>
    <li class=${cur === 3 ? 'current' : ''}>
      <p class="step-title">Train only A and B</p>
      <p>
        Trainable: ${formula} = <strong>${count(x.trainer.trainableParams)}</strong> numbers,
        ${pct(x.trainer.trainableParams / (x.trainer.trainableParams + x.trainer.frozenParams))} of the model.
        ${
          x.trainer.step > 0
            ? html`After ${count(x.trainer.step)} steps the loss is ${fmt(x.trainer.loss, 3)} and outputs differ from
              the base’s by up to ${fmt(inv.outputDiff ?? Number.NaN, 3)}.`
            : nothing
        }
      </p>
      <button type="button" ?disabled=${busy || x.trainer.merged} @click=${() => x.act.train()}>
        Train ${count(x.ui.steps)} steps
      </button>
    </li>
    <li class=${cur === 4 ? 'current' : ''}>
      <p class="step-title">Merge: W ← W + (α/r)·B·A</p>
      <p class="inv">
        Merged vs unmerged outputs: max difference
        <strong data-invariant="merge"
          >${inv.mergeMaxAbsDiff === null ? '— (merge to measure)' : fmt(inv.mergeMaxAbsDiff, 2)}</strong
        >
      </p>
      <p class="inv">
        Multiply-adds per input: unmerged <strong>${count(work.unmerged)}</strong>, merged
        <strong>${count(work.merged)}</strong>
        (the base’s own; the side path costs +${pct(work.unmerged / work.merged - 1)}).
      </p>
      ${
        x.trainer.merged
          ? html`<button type="button" ?disabled=${busy} @click=${() => x.act.unmerge()}>Unmerge</button>`
          : html`<button type="button" ?disabled=${busy || !x.lab.started} @click=${() => x.act.merge()}>Merge</button>`
      }
    </li>
  </ol>`;
}
