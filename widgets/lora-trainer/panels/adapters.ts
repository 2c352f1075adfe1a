/** Saved adapters: save, hot-swap, delete, download as PEFT zips, import. */
import { html, nothing, type TemplateResult } from 'lit';
import { bytes, type PanelContext } from './context.ts';

export function renderAdapters(x: PanelContext): TemplateResult {
  const l = x.lab;
  const names = x.trainer.adapters;
  const inv = x.trainer.invariants;
  const c = x.settings.config;
  const suggestion = `adapter-${names.length + 1}`;
  const onSave = (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('adapter-name') as HTMLInputElement;
    const name = input.value.trim() || suggestion;
    input.value = '';
    x.act.saveAdapter(name);
  };
  const onImport = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) x.act.importAdapter(file, () => (input.value = ''));
  };
  return html`<div class="adapters">
    <p class="inv">
      Frozen base checksum: <code>${inv.checksumW ?? '—'}</code>
      ${inv.checksumW && inv.checksumW === inv.baseChecksumW ? html`<span class="ok">the same for every adapter</span>` : nothing}
    </p>
    <form class="row" @submit=${onSave}>
      <label for="adapter-name">Adapter name</label>
      <input id="adapter-name" name="adapter-name" type="text" placeholder=${suggestion} autocomplete="off" />
      <button type="submit" ?disabled=${l.training || x.trainer.merged || !l.started}>Save adapter</button>
    </form>
    <p class="muted">
      Then train a second adapter on another task on the same base, save it too, and switch between them: the base never
      changes.
      <button type="button" class="link" ?disabled=${l.training} @click=${() => x.act.anotherTask()}>
        ${c.scenario === 'classify-2d' ? 'Use another seed' : `Switch to another task (true rank ${c.trueRank === 2 ? 4 : 2})`}
      </button>
    </p>
    ${
      names.length
        ? html`<table class="compact">
            <caption>
              Saved adapters
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Rank</th>
                <th scope="col">Actions</th>
                <th scope="col">PEFT zip</th>
              </tr>
            </thead>
            <tbody>
              ${names.map((n) => {
                const d = x.downloads.get(n);
                return html`<tr>
                  <th scope="row">${n}</th>
                  <td>${d?.rank ?? '—'}</td>
                  <td class="actions">
                    <button
                      type="button"
                      ?disabled=${l.training || x.trainer.merged}
                      aria-label=${`Use ${n}`}
                      @click=${() => x.act.useAdapter(n)}
                    >
                      Use
                    </button>
                    <button
                      type="button"
                      ?disabled=${l.training}
                      aria-label=${`Delete ${n}`}
                      @click=${() => x.act.deleteAdapter(n)}
                    >
                      Delete
                    </button>
                  </td>
                  <td>
                    ${
                      d
                        ? html`<a
                              href=${d.url}
                              download=${`${n}.zip`}
                              aria-label=${`Download ${n}.zip, ${bytes(d.size)}`}
                              >${n}.zip</a
                            >
                            <span class="muted">${bytes(d.size)}</span>`
                        : '…'
                    }
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
        : html`<p class="muted">No adapters saved yet.</p>`
    }
    <p class="status-line" aria-live="polite">${x.ui.swapNote}</p>
    <div class="field">
      <label for="import">Import a PEFT adapter (.zip with adapter_config.json and adapter_model.safetensors)</label>
      <input id="import" type="file" accept=".zip,application/zip" ?disabled=${!l.started} @change=${onImport} />
    </div>
  </div>`;
}
