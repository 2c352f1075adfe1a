/**
 * The two foreign-host runs that every training element (<lora-trainer>, <lora-lm>) goes through
 * under DESIGN.md's strict CSP (support/foreign.ts): two instances on one page, exercised by the
 * spec, with and without `worker-src`. Each records the element's `*-backend` events from the
 * first moment and checks what both elements promise there; the spec adds its own checks after.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { openEmbed, pageErrors, violations, type EmbedOptions } from './foreign.ts';

export interface TrainingEmbed {
  /** The element's tag; its instances are `#<tag>-0` and `#<tag>-1`. */
  tag: string;
  /** Its backend event (`lora-backend`, `lm-backend`). */
  backendEvent: string;
  attrs?: Record<string, string>;
  hostile?: boolean;
  /** Trains and uses both instances through their API and UI. */
  exercise(page: Page): Promise<void>;
}

type Backend = { target: string; detail: Record<string, unknown> };

/** Opens the two instances with the backend events recorded, and exercises them. */
async function run(
  page: Page,
  e: TrainingEmbed,
  worker: boolean,
): Promise<{ consoleErrors: string[]; backend: Backend[] }> {
  await page.addInitScript((type) => {
    const w = window as unknown as { __backendEvents: Backend[] };
    w.__backendEvents = [];
    document.addEventListener(type, (ev) =>
      w.__backendEvents.push({
        target: (ev.target as Element).id,
        detail: JSON.parse(JSON.stringify((ev as CustomEvent).detail)),
      }),
    );
  }, e.backendEvent);
  const o: EmbedOptions = { tag: e.tag, count: 2, ...(e.attrs ? { attrs: e.attrs } : {}), hostile: e.hostile };
  const { consoleErrors } = await openEmbed(page, worker ? o : { ...o, worker: false });
  await e.exercise(page);
  const backend = await page.evaluate(() => (window as unknown as { __backendEvents: Backend[] }).__backendEvents);
  // One report per instance, each from its own element.
  expect(backend.map((b) => b.target).sort()).toEqual([`${e.tag}-0`, `${e.tag}-1`]);
  return { consoleErrors, backend };
}

async function expectAxeClean(page: Page, tag: string): Promise<void> {
  const axe = await new AxeBuilder({ page }).include(tag).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
}

/**
 * With `worker-src`: both instances train on the CPU in the page's one worker; no CSP
 * violations, page errors or console errors; axe clean.
 */
export async function expectWorkerEmbed(page: Page, e: TrainingEmbed): Promise<void> {
  const { consoleErrors, backend } = await run(page, e, true);
  for (const b of backend) expect(b.detail).toMatchObject({ backend: 'cpu', host: 'worker' });
  expect(await violations(page)).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await expectAxeClean(page, e.tag);
}

/**
 * Without `worker-src`: both instances run on the main thread and say why (a reason naming the
 * worker); the only CSP violations are worker-src and the refused WebAssembly compile, the only
 * console errors those refusals; no page errors; axe clean. Resolves with the violations.
 */
export async function expectMainThreadEmbed(
  page: Page,
  e: TrainingEmbed,
): Promise<{ directive: string; blocked: string }[]> {
  const { consoleErrors, backend } = await run(page, e, false);
  for (const b of backend) {
    expect(b.detail).toMatchObject({ backend: 'cpu', host: 'main-thread' });
    expect(String(b.detail['reason'])).toMatch(/worker/i);
  }
  const v = (await violations(page)) as { directive: string; blocked: string }[];
  expect(v.length).toBeGreaterThan(0);
  expect(
    v.every((x) => x.directive.startsWith('worker-src') || x.blocked === 'wasm-eval'),
    JSON.stringify(v),
  ).toBe(true);
  expect(await pageErrors(page)).toEqual([]);
  expect(
    consoleErrors.filter((m) => !/worker-src|Content Security Policy|Refused to create a worker/i.test(m)),
  ).toEqual([]);
  await expectAxeClean(page, e.tag);
  return v;
}
