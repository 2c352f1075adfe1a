import type { LoraTrainer } from '../../../widgets/lora-trainer/lora-trainer.ts';
import { expect, type Locator, type Page } from '@playwright/test';

/** The element's public surface, as the tests reach it through page.evaluate. */
export type TrainerApi = LoraTrainer;

/** Records every lora-* event (with the animation frame it arrived in) from the first moment. */
export async function recordEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as {
      __lt: { type: string; frame: number; target: string; detail: unknown }[];
      __frame: number;
    };
    w.__lt = [];
    w.__frame = 0;
    const tick = () => {
      w.__frame++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    for (const type of ['lora-step', 'lora-merge', 'lora-backend', 'lora-recover', 'lora-error']) {
      document.addEventListener(type, (e) => {
        w.__lt.push({
          type,
          frame: w.__frame,
          target: (e.target as Element).id,
          detail: JSON.parse(JSON.stringify((e as CustomEvent).detail)),
        });
      });
    }
  });
}

export async function events(page: Page, type?: string) {
  const all = await page.evaluate(
    () =>
      (
        window as unknown as {
          __lt: { type: string; frame: number; target: string; detail: Record<string, unknown> }[];
        }
      ).__lt,
  );
  return type ? all.filter((e) => e.type === type) : all;
}

/** Scrolls the trainer into view and waits until its engine runs. */
export async function ready(el: Locator): Promise<void> {
  await el.scrollIntoViewIfNeeded();
  // before the module has loaded the element is not upgraded and these read undefined, not null
  await expect
    .poll(() => el.evaluate((e) => customElements.get(e.localName) !== undefined), { timeout: 30_000 })
    .toBe(true);
  await expect
    .poll(() => el.evaluate((e) => (e as TrainerApi).resolvedBackend ?? null), { timeout: 30_000 })
    .not.toBeNull();
  await expect.poll(() => el.evaluate((e) => (e as TrainerApi).checksumW ?? null), { timeout: 30_000 }).not.toBeNull();
}
