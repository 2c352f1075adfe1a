import type { ReactiveControllerHost } from 'lit';
import type { AdapterSet } from '../../core/trainer.ts';
import { setAttributeValue } from '../../shared/form-field.ts';
import { ATTRIBUTES, PITFALL_IDS, type AttributeName, type PitfallId, type Settings } from '../settings.ts';
import { shapeOf } from '../shapes.ts';

/**
 * The reader's changes to the settings (the form, the pitfall switches, "another task"): each
 * is written as its attribute, so Lit sets the property and validation runs as for any page
 * change; `takeChange()` tells the element a change came from the reader (the URL follows it).
 */
export class SettingsInput {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #settings: () => Settings;
  readonly #showRef: (on: boolean) => void;
  #changed = false;

  constructor(host: ReactiveControllerHost & HTMLElement, settings: () => Settings, showRef: (on: boolean) => void) {
    this.#host = host;
    this.#settings = settings;
    this.#showRef = showRef;
  }

  /** Whether the reader changed a setting since the last call. */
  takeChange(): boolean {
    const c = this.#changed;
    this.#changed = false;
    return c;
  }

  set(attr: AttributeName, value: string | null): void {
    setAttributeValue(this.#host, attr, value);
    this.#changed = true;
  }

  /** A settings form's change event (or Enter in one of its number fields). */
  readonly onChange = (e: Event): void => {
    const t = e.target;
    if (!(t instanceof HTMLInputElement || t instanceof HTMLSelectElement) || !t.name) return;
    const c = this.#settings().config;
    if (t.name === 'target-layer' && t instanceof HTMLInputElement) {
      const on = new Set(c.targets);
      if (t.checked) on.add(t.value);
      else on.delete(t.value);
      const names = shapeOf(c.scenario).layers.map((l) => l.name);
      this.set('target', names.filter((n) => on.has(n)).join(','));
    } else if (t.name === 'show-ref' && t instanceof HTMLInputElement) {
      this.#showRef(t.checked);
    } else if (t.name === 'rslora' && t instanceof HTMLInputElement) {
      this.set('rslora', t.checked ? '' : null);
    } else if (t.name === 'scenario') {
      // Targets and batch belong to a scenario: start the new one from its defaults.
      this.set('target', null);
      this.set('scenario', t.value);
    } else if ((ATTRIBUTES as readonly string[]).includes(t.name)) {
      this.set(t.name as AttributeName, t.value);
    }
  };

  togglePitfall(id: PitfallId, on: boolean): void {
    const list = new Set(this.#settings().pitfalls);
    if (on) list.add(id);
    else list.delete(id);
    this.set('pitfall', PITFALL_IDS.filter((p) => list.has(p)).join(',') || null);
  }

  /**
   * After a hot swap: the rank, α, dropout, rsLoRA and targets attributes take the adapter's
   * values (not a reader's change: the URL does not follow). A setting left to its default stays
   * absent where the adapter's value is that default.
   */
  followAdapter(a: AdapterSet): void {
    const h = this.#host;
    const set = (name: AttributeName, value: string | null) => setAttributeValue(h, name, value);
    set('rank', String(a.rank));
    set('alpha', String(a.alpha));
    set('dropout', a.dropout ? String(a.dropout) : h.hasAttribute('dropout') ? '0' : null);
    set('rslora', a.rsLora ? '' : null);
    const targets = a.targets.join(',');
    const defaults = shapeOf(this.#settings().config.scenario).defaultTargets.join(',');
    set('target', targets === defaults && !h.hasAttribute('target') ? null : targets);
  }

  /** Another task on the same base: the next seed (classify-2d), else the other true rank (2 ↔ 4). */
  anotherTask(): void {
    const c = this.#settings().config;
    if (c.scenario === 'classify-2d') this.set('seed', String((c.seed + 1) >>> 0));
    else this.set('true-rank', String(c.trueRank === 2 ? 4 : 2));
  }
}
