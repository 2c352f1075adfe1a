/**
 * Elements survive what an embedder's framework or CMS does to them (issue 19): removal and
 * re-insertion (at once, and after the element has released what it holds), a move to another
 * parent, and creation with `document.createElement` and attributes before the module loads
 * (upgrade). Every element, on the foreign host under DESIGN.md's strict CSP, loaded from the
 * built site; <lora-trainer> on the site as well.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { addWidgetScript, embedUrl, pageErrors, violations } from './support/foreign.ts';
import { ready, type TrainerApi } from './support/lora-trainer.ts';
import type { SrsQuiz } from '../../widgets/srs-quiz/srs-quiz.ts';

test.use({ reducedMotion: 'reduce' });

/** The element a test removed from the page (in the page's context). */
declare function parked<T>(): T;

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { parked: () => unknown }).parked = () =>
      (window as unknown as { __parked: unknown }).__parked;
  });
});

interface Case {
  tag: string;
  attrs: Record<string, string>;
  /** Waits until the element works, and proves it (a call, a click, a drawing). */
  works(el: Locator, page: Page): Promise<void>;
  /** Waits until the removed element (window.__parked) has released what it held (engine, renderer, store). */
  released(page: Page): Promise<void>;
}

type View = HTMLElement & { debugScene(): { renders: number; settled: boolean } };
type ViewClass = { rendererInfo(): { views: number; alive: boolean } | null };
type Calc = HTMLElement & { result: { trainableParams: number } | null; updateComplete: Promise<boolean> };

const CASES: Case[] = [
  {
    tag: 'lora-trainer',
    attrs: { scenario: 'low-rank-shift', rank: '2', controls: 'minimal' },
    async works(el) {
      await ready(el);
      const r = await el.evaluate(async (e) => {
        const t = e as TrainerApi;
        const start = t.step;
        const out = await t.train(5);
        return { steps: out.losses.length, grew: t.step - start };
      });
      expect(r).toEqual({ steps: 5, grew: 5 });
    },
    async released(page) {
      // The trainer gives its engine trainers back after its grace period: no backend any more.
      await expect
        .poll(() => page.evaluate(() => parked<TrainerApi>().resolvedBackend), { timeout: 10_000 })
        .toBeNull();
    },
  },
  {
    tag: 'srs-quiz',
    attrs: { deck: 'srs-fixture' },
    async works(el) {
      await el.scrollIntoViewIfNeeded();
      await expect(el.getByRole('button', { name: /Show answer/ })).toBeVisible({ timeout: 20_000 });
      await el.getByRole('button', { name: /Show answer/ }).click();
      const graded = el.evaluate(
        (e) =>
          new Promise((r) => e.addEventListener('quiz-graded', (ev) => r((ev as CustomEvent).detail), { once: true })),
      );
      await el.getByRole('button', { name: /^Good \d .*, next review in/ }).click();
      expect(await graded).toMatchObject({ deck: 'srs-fixture', rating: 3 });
      const file = await el.evaluate(async (e) => JSON.stringify(await (e as SrsQuiz).exportProgress()).length);
      expect(file).toBeGreaterThan(10);
    },
    async released(page) {
      // Its store is closed: until it is back in a page, nothing can be exported.
      await expect(page.evaluate(() => parked<SrsQuiz>().exportProgress())).rejects.toThrow(/not loaded/);
    },
  },
  {
    tag: 'srs-progress',
    attrs: { deck: 'srs-fixture' },
    async works(el, page) {
      await el.scrollIntoViewIfNeeded();
      const button = el.getByRole('button', { name: 'Export progress (JSON)' });
      await expect(button).toBeVisible({ timeout: 20_000 });
      const download = page.waitForEvent('download');
      await button.click();
      expect((await download).suggestedFilename()).toBe('marginalia-progress.json');
    },
    async released(page) {
      // Its store connection (a private field, read here as a debug hook) is closed.
      await expect.poll(() => page.evaluate(() => parked<{ store?: unknown }>().store === undefined)).toBe(true);
    },
  },
  {
    tag: 'subspace-view',
    attrs: { rank: '2', seed: '3' },
    async works(el) {
      await el.scrollIntoViewIfNeeded();
      await expect
        .poll(
          () => el.evaluate((e) => ((d) => !!d && d.settled && d.renders > 0)((e as Partial<View>).debugScene?.())),
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
    },
    async released(page) {
      // The last view out disposes the shared renderer.
      await expect
        .poll(() =>
          page.evaluate(
            () => (customElements.get('subspace-view') as unknown as ViewClass).rendererInfo()?.alive ?? false,
          ),
        )
        .toBe(false);
    },
  },
  {
    tag: 'peft-calculator',
    attrs: { rank: '8' },
    async works(el) {
      await el.scrollIntoViewIfNeeded();
      const before = await el.evaluate(async (e) => {
        await (e as Calc).updateComplete;
        return (e as Calc).result?.trainableParams ?? 0;
      });
      expect(before).toBeGreaterThan(0);
      const rank = el.getByRole('spinbutton', { name: /^Rank r/ }).first();
      // 8 → 16 or back: the trainable parameters follow the rank.
      const now = Number(await rank.inputValue());
      const next = now === 16 ? 8 : 16;
      await rank.fill(String(next));
      await rank.press('Enter');
      await expect.poll(() => el.evaluate((e) => (e as Calc).result?.trainableParams ?? 0)).toBe((before / now) * next);
    },
    async released() {
      // Holds nothing between renders: released as soon as it is removed.
    },
  },
];

/** The foreign host with one element of `c.tag` made by createElement with its attributes, and a spare parent. */
async function open(page: Page, c: Case, load = true) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(embedUrl({ tag: c.tag, attrs: c.attrs, load }));
  await page.evaluate(() => {
    const other = document.createElement('section');
    other.id = 'other';
    document.querySelector('main')!.append(other);
  });
  if (load) await page.waitForFunction((tag) => customElements.get(tag) !== undefined, c.tag);
  return { errors, el: page.locator(`#${c.tag}-0`) };
}

async function clean(page: Page, errors: string[]) {
  expect(errors).toEqual([]);
  expect(await pageErrors(page)).toEqual([]);
  expect(await violations(page)).toEqual([]);
}

for (const c of CASES) {
  test.describe(`<${c.tag}> re-mounts`, () => {
    test('removed, released, and added back later: works again', async ({ page }) => {
      const { errors, el } = await open(page, c);
      await c.works(el, page);
      await el.evaluate((e) => {
        (window as unknown as { __parked: Element }).__parked = e;
        e.remove();
      });
      await c.released(page);
      await page.evaluate(() => document.getElementById('mount')!.append(parked<Element>()));
      await c.works(el, page);
      await clean(page, errors);
    });

    test('removed and added back at once: works', async ({ page }) => {
      const { errors, el } = await open(page, c);
      await c.works(el, page);
      await el.evaluate((e) => {
        const parent = e.parentElement!;
        e.remove();
        parent.append(e);
      });
      await c.works(el, page);
      await clean(page, errors);
    });

    test('moved to another parent: works there', async ({ page }) => {
      const { errors, el } = await open(page, c);
      await c.works(el, page);
      await el.evaluate((e) => document.getElementById('other')!.append(e));
      await expect(page.locator(`#other > ${c.tag}`)).toHaveCount(1);
      await c.works(el, page);
      await clean(page, errors);
    });

    test('created with its attributes before the module loads: upgraded, works', async ({ page }) => {
      const { errors, el } = await open(page, c, false);
      expect(await el.evaluate((e) => customElements.get(e.localName) === undefined)).toBe(true);
      await addWidgetScript(page, c.tag);
      await page.waitForFunction((tag) => customElements.get(tag) !== undefined, c.tag);
      for (const [k, v] of Object.entries(c.attrs)) await expect(el).toHaveAttribute(k, v);
      await c.works(el, page);
      await clean(page, errors);
    });
  });
}

test('<srs-progress> moved and its export clicked at once: the export waits for the store to reopen', async ({
  page,
}) => {
  // The move closes the store and opens it again while the figures (and their buttons) stay
  // drawn; a click in between used to read a store that was not there, and nothing downloaded.
  const { errors, el } = await open(
    page,
    CASES.find((c) => c.tag === 'srs-progress')!,
  );
  await expect(el.getByRole('button', { name: 'Export progress (JSON)' })).toBeVisible({ timeout: 20_000 });
  const download = page.waitForEvent('download');
  const storeWhenClicked = await el.evaluate((e) => {
    document.getElementById('other')!.append(e);
    const button = [...e.shadowRoot!.querySelectorAll('button')].find(
      (b) => b.textContent === 'Export progress (JSON)',
    );
    button!.click();
    return (e as unknown as { store?: unknown }).store === undefined ? 'closed' : 'open';
  });
  expect(storeWhenClicked, 'the click came before the store reopened').toBe('closed');
  expect((await download).suggestedFilename()).toBe('marginalia-progress.json');
  await expect(el.getByRole('alert')).toHaveCount(0);
  await clean(page, errors);
});

test('<lora-trainer> on the site: removed past its grace period and added back, it trains again', async ({ page }) => {
  await page.goto('/playground/');
  const el = page.locator('lora-trainer').first();
  await ready(el);
  await el.evaluate((e) => (e as TrainerApi).train(5));
  await el.evaluate((e) => {
    const w = window as unknown as { __parked: Element; __from: Element };
    w.__from = e.parentElement!;
    w.__parked = e;
    e.remove();
  });
  await expect.poll(() => page.evaluate(() => parked<TrainerApi>().resolvedBackend)).toBeNull();
  await page.evaluate(() => (window as unknown as { __from: Element }).__from.append(parked<Element>()));
  const steps = await el.evaluate(async (e) => (await (e as TrainerApi).train(5)).losses.length);
  expect(steps).toBe(5);
  await expect.poll(() => el.evaluate((e) => (e as TrainerApi).resolvedBackend)).not.toBeNull();
});
