import { expect, type Locator, type Page } from '@playwright/test';

/** The public surface of <lora-trainer> the tests use (typed loosely for page.evaluate). */
export interface TrainerApi extends HTMLElement {
  resolvedBackend: 'webgpu' | 'cpu' | null;
  step: number;
  loss: number;
  valLoss: number | null;
  trainableParams: number;
  frozenParams: number;
  adapters: string[];
  merged: boolean;
  checksumW: string | null;
  errors: { attribute: string; message: string }[];
  settings: { config: Record<string, unknown>; controls: string; pitfalls: string[] };
  pitfallResults: Record<string, { value: number; figures: Record<string, number | string> }>;
  invariants: {
    checksumW: string | null;
    baseChecksumW: string | null;
    bZeroOutputDiff: number | null;
    outputDiff: number | null;
    mergeMaxAbsDiff: number | null;
    multiplyAdds: { merged: number; unmerged: number };
  };
  curves: { lora: number[]; full: number[]; loraVal: [number, number][]; fullVal: [number, number][] };
  sweep: { rank: number; losses: number[]; done: boolean }[];
  train(steps: number): Promise<{ step: number; loss: number; losses: Float32Array }>;
  pause(): Promise<void>;
  reset(): Promise<void>;
  merge(): Promise<{ maxAbsDiff: number }>;
  unmerge(): Promise<{ maxAbsDiff: number }>;
  saveAdapter(name: string): Promise<void>;
  useAdapter(name: string): Promise<void>;
  deleteAdapter(name: string): Promise<void>;
  deltaW(layer?: string): Promise<{ rows: number; cols: number; data: Float32Array }>;
  adapterWeights(name?: string): Promise<{
    A: Record<string, { rows: number; cols: number; data: Float32Array }>;
    B: Record<string, { rows: number; cols: number; data: Float32Array }>;
    alpha: number;
    rank: number;
    targets: string[];
  }>;
  exportAdapter(name?: string): Promise<Blob>;
  importAdapter(file: Blob, name?: string): Promise<string>;
  rankSweep(o?: { ranks?: number[]; steps?: number }): Promise<{ rank: number; losses: number[] }[]>;
  runPitfall(id: string): Promise<{ value: number; figures: Record<string, number | string> }>;
  updateComplete: Promise<boolean>;
}

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
  await expect.poll(() => el.evaluate((e) => customElements.get(e.localName) !== undefined), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => el.evaluate((e) => (e as TrainerApi).resolvedBackend ?? null), { timeout: 30_000 }).not.toBeNull();
  await expect.poll(() => el.evaluate((e) => (e as TrainerApi).checksumW ?? null), { timeout: 30_000 }).not.toBeNull();
}
