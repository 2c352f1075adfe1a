/**
 * `<lora-trainer>`'s whole view: the panels in their order (which ones the `controls` attribute
 * shows), and the paint pass over the canvases they rendered.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { AnatomyCache, paintAnatomy, renderAnatomy } from './anatomy.ts';
import type { PaintContext, PanelContext } from './context.ts';
import { paintLearning, renderLearning } from './learning.ts';
import { renderSettings } from './settings-form.ts';
import { paintSweep } from './sweep.ts';
import { renderTabs } from './tabs.ts';
import { renderHead, renderReadouts, renderToolbar } from './toolbar.ts';

/** `announce`: the latest outcome, for screen readers (a status region). */
export function renderTrainer(x: PanelContext, anatomy: AnatomyCache, announce: string): TemplateResult {
  const controls = x.settings.controls;
  return html`<div class="root" part="root" data-controls=${controls}>
    ${renderHead(x)} ${x.predict.render()} ${controls !== 'none' ? renderToolbar(x) : nothing} ${renderReadouts(x)}
    <div class="main ${controls === 'full' ? 'with-settings' : ''}">
      ${renderLearning(x)} ${controls !== 'none' ? renderSettings(x) : nothing}
    </div>
    ${renderAnatomy(x, anatomy)} ${controls !== 'none' ? renderTabs(x) : nothing}
    <p class="sr-only" role="status">${announce}</p>
  </div>`;
}

/** Paints the canvases the render left: curves, decision boundary, sweep, heatmaps. */
export function paintTrainer(root: ParentNode, p: PaintContext, anatomy: AnatomyCache): void {
  paintLearning(root, p);
  paintSweep(root, p);
  paintAnatomy(root, p, anatomy);
}
