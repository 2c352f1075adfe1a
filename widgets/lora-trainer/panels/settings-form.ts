/** The settings form: task, adapter and training fields, each writing its attribute. */
import { html, nothing, type TemplateResult } from 'lit';
import { numberField, selectField } from '../../shared/form-field.ts';
import type { AttributeName } from '../settings.ts';
import { rankCap, shapeOf } from '../shapes.ts';
import { count, type PanelContext } from './context.ts';

const RANKS = [1, 2, 4, 8, 16, 32, 64];
const TRUE_RANKS = [1, 2, 3, 4, 6, 8, 16];
const LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];
const DROPOUTS = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const TRAIN_SIZES = [16, 32, 64, 128, 256, 512, 1024, 4096];

/** `list` with `value` added, ascending, as select options (text by `label`). */
const options = (list: readonly number[], value: number, label: (n: number) => string = String) =>
  [...new Set([...list, value])].sort((a, b) => a - b).map((n) => [String(n), label(n)] as const);

export function renderSettings(x: PanelContext): TemplateResult {
  const c = x.settings.config;
  const shape = shapeOf(c.scenario);
  const cap = rankCap(c.scenario, c.targets);
  const rank = selectField(
    'rank',
    'Rank r',
    String(c.rank),
    options(
      RANKS.filter((r) => r <= cap),
      c.rank,
    ),
  );
  const number = (name: AttributeName, label: string, value: number, min: number, step = '1') =>
    numberField({ name, label, value, min, step, inputmode: 'decimal', written: x.written[name] ?? null });
  if (x.settings.controls === 'minimal') {
    return html`<form class="settings minimal" @change=${x.act.setting} @submit=${(e: Event) => e.preventDefault()}>
      ${rank}
    </form>`;
  }
  return html`<form
    class="settings"
    @change=${x.act.setting}
    @keydown=${x.act.settingKey}
    @submit=${(e: Event) => e.preventDefault()}
  >
    <fieldset>
      <legend>Task</legend>
      ${selectField('scenario', 'Scenario', c.scenario, [
        ['low-rank-shift', 'Low-rank shift'],
        ['classify-2d', 'Classify 2-D (moons)'],
        ['overfit', 'Overfitting (small noisy set)'],
      ])}
      ${
        shape.usesTrueRank
          ? selectField(
              'true-rank',
              'True rank of the update',
              String(c.trueRank),
              TRUE_RANKS.map((r) => [String(r), String(r)] as const),
            )
          : nothing
      }
      ${
        shape.usesTrainSize
          ? selectField(
              'train-size',
              'Training examples',
              String(c.trainSize),
              options(TRAIN_SIZES, c.trainSize, count),
            )
          : nothing
      }
      ${number('base-seed', 'Base seed (W)', c.baseSeed, 0)}
    </fieldset>
    <fieldset>
      <legend>Adapter</legend>
      ${rank} ${number('alpha', 'α (lora_alpha)', c.alpha, 0, 'any')}
      <label class="check"><input type="checkbox" name="rslora" .checked=${c.rsLora} />rsLoRA (s = α/√r)</label>
      ${selectField('dropout', 'Dropout', String(c.dropout), options(DROPOUTS, c.dropout))}
      <fieldset class="targets">
        <legend>Adapted layers</legend>
        ${shape.layers.map(
          (l) =>
            html`<label class="check"
              ><input
                type="checkbox"
                name="target-layer"
                value=${l.name}
                .checked=${c.targets.includes(l.name)}
                ?disabled=${c.targets.length === 1 && c.targets[0] === l.name}
              />${l.name} <span class="muted">${l.d}×${l.k}</span></label
            >`,
        )}
      </fieldset>
    </fieldset>
    <fieldset>
      <legend>Training</legend>
      ${selectField('lr', 'Learning rate (Adam)', String(c.lr), options(LRS, c.lr))}
      ${number('batch', 'Batch size', c.batch, 1)} ${number('seed', 'Seed (A and data order)', c.seed, 0)}
    </fieldset>
  </form>`;
}
