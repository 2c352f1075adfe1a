/** The matching Hugging Face PEFT `LoraConfig`, and a link that reopens the experiment. */
import { html, type TemplateResult } from 'lit';
import { peftSnippet } from '../settings.ts';
import type { PanelContext } from './context.ts';

export function renderPeft(x: PanelContext): TemplateResult {
  const code = peftSnippet(x.settings.config);
  return html`<div class="peft">
    <p>The same adapter in Hugging Face PEFT (target_modules as this scenario names its layers):</p>
    <pre><code id="peft-code">${code}</code></pre>
    <div class="row">
      <button type="button" @click=${() => x.act.copy(code, 'copyNote')}>Copy config</button>
      <span class="muted" aria-live="polite">${x.ui.copyNote}</span>
    </div>
    <div class="row">
      <button type="button" @click=${() => x.act.copy(x.act.experimentUrl(), 'linkNote')}>
        Copy a link to this experiment
      </button>
      <span class="muted" aria-live="polite">${x.ui.linkNote}</span>
    </div>
  </div>`;
}
