/** The tab list of the lower panels (arrow keys, Home and End move between tabs) and the open panel. */
import { html, type TemplateResult } from 'lit';
import { renderAdapters } from './adapters.ts';
import type { PanelContext, Tab } from './context.ts';
import { renderPeft } from './peft.ts';
import { renderPitfalls } from './pitfalls.ts';
import { renderStory } from './story.ts';
import { renderSweep } from './sweep.ts';

const TABS: readonly (readonly [Tab, string])[] = [
  ['story', 'Four steps'],
  ['sweep', 'Rank sweep'],
  ['adapters', 'Adapters'],
  ['pitfalls', 'Pitfalls'],
  ['peft', 'PEFT config'],
];
const PANELS: Record<Tab, (x: PanelContext) => TemplateResult> = {
  story: renderStory,
  sweep: renderSweep,
  adapters: renderAdapters,
  pitfalls: renderPitfalls,
  peft: renderPeft,
};

/** The tabs shown with these controls (only the story unless `full`). */
const visibleTabs = (x: PanelContext) => (x.settings.controls === 'full' ? TABS : TABS.filter(([t]) => t === 'story'));

function onTabKey(x: PanelContext, e: KeyboardEvent): void {
  const tabs = visibleTabs(x);
  const n = tabs.length;
  const i = Math.max(
    0,
    tabs.findIndex(([t]) => t === x.ui.tab),
  );
  const moves: Record<string, number> = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 };
  const j = moves[e.key];
  if (j === undefined) return;
  e.preventDefault();
  x.ui.tab = tabs[j][0];
  x.act.refresh();
  const list = e.currentTarget as HTMLElement;
  void x.act.rendered().then(() => list.querySelector<HTMLElement>(`#tab-${x.ui.tab}`)?.focus());
}

export function renderTabs(x: PanelContext): TemplateResult {
  const tabs = visibleTabs(x);
  if (!tabs.some(([t]) => t === x.ui.tab)) x.ui.tab = 'story';
  const tab = x.ui.tab;
  return html`<div class="tabs-wrap">
    <div role="tablist" part="tabs" aria-label="Explore" @keydown=${(e: KeyboardEvent) => onTabKey(x, e)}>
      ${tabs.map(
        ([t, label]) =>
          html`<button
            type="button"
            role="tab"
            id=${`tab-${t}`}
            aria-selected=${t === tab ? 'true' : 'false'}
            aria-controls=${`panel-${t}`}
            tabindex=${t === tab ? '0' : '-1'}
            @click=${() => ((x.ui.tab = t), x.act.refresh())}
          >
            ${label}
          </button>`,
      )}
    </div>
    <div role="tabpanel" id=${`panel-${tab}`} aria-labelledby=${`tab-${tab}`} class="panel">${PANELS[tab](x)}</div>
  </div>`;
}
