/**
 * The npm package in the apps that installed it (issue 20): scripts/package/fixtures.mjs (layer
 * `package` of `npm test`) packs the repository, installs the tarball into tests/fixtures/package
 * and builds its two apps with Vite and no config. Here each build is served on its own port and
 * driven in Chromium: the plain Vite app (trainer, calculator, quiz; custom-elements.json against
 * the live elements; the same app under `vite dev`) and the React 19 app (render, new props,
 * unmount, mount again).
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createSiteServer } from '../../scripts/serve.mjs';
import { FIXTURES_DIR } from '../../scripts/package/fixtures.mjs';
import { ready, type TrainerApi } from './support/lora-trainer.ts';
import type { PeftCalculator } from '../../widgets/peft-calculator/peft-calculator.ts';

const APP = join(FIXTURES_DIR, 'app');

// <subspace-view> turns its scene until the reader moves it, unless motion is reduced.
test.use({ reducedMotion: 'reduce' });

interface ManifestElement {
  tagName: string;
  attributes?: { name: string }[];
  events?: { name: string }[];
}
function manifestElements(): ManifestElement[] {
  const file = join(APP, 'node_modules/marginalia-widgets/dist-package/custom-elements.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as {
    modules: { declarations: (ManifestElement & { customElement?: boolean })[] }[];
  };
  return m.modules.flatMap((x) => x.declarations.filter((d) => d.customElement));
}

/** Serves `<app>/dist` on a free loopback port for the tests of this file's worker. */
function serveApp(app: string) {
  const dist = join(APP, app, 'dist');
  let server: ReturnType<typeof createSiteServer> | undefined;
  let base = '';
  test.beforeAll(async () => {
    if (!existsSync(join(dist, 'index.html')))
      throw new Error(`No ${app} build: run \`node scripts/package/fixtures.mjs\` first (npm test does).`);
    server = createSiteServer(dist).listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  test.afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));
  return () => base;
}

/** Records every event named in custom-elements.json, from the first moment, and every page error. */
async function record(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const names = manifestElements().flatMap((d) => (d.events ?? []).map((e) => e.name));
  await page.addInitScript((names) => {
    const w = window as unknown as { __events: { type: string; target: string; detail: unknown }[] };
    w.__events = [];
    for (const type of names)
      document.addEventListener(
        type,
        (e) =>
          w.__events.push({
            type,
            target: (e.target as Element).localName,
            detail: JSON.parse(JSON.stringify((e as CustomEvent).detail ?? null)),
          }),
        { capture: true },
      );
  }, names);
  return {
    errors,
    events: (type: string) =>
      page.evaluate(
        (type) =>
          (window as unknown as { __events: { type: string; detail: Record<string, unknown> }[] }).__events.filter(
            (e) => e.type === type,
          ),
        type,
      ),
  };
}

type Calc = PeftCalculator;
type View = HTMLElement & { debugScene(): { renders: number; settled: boolean } };
const trainable = (el: Locator) =>
  el.evaluate(async (e) => {
    await (e as Calc).updateComplete;
    return (e as Calc).result.trainableParams;
  });

/** Shows the quiz's answer (unless `answer()` revealed it) and grades it; returns the quiz-graded detail. */
async function grade(quiz: Locator, name: 'Good' | 'Easy' = 'Good', revealed = false) {
  await quiz.scrollIntoViewIfNeeded();
  if (!revealed) {
    const show = quiz.getByRole('button', { name: /Show answer/ });
    await expect(show).toBeVisible({ timeout: 20_000 });
    await show.click();
  }
  const button = quiz.getByRole('button', { name: new RegExp(`^${name} \\d .*, next review in`) });
  const graded = quiz.evaluate(
    (e) =>
      new Promise<unknown>((r) =>
        e.addEventListener('quiz-graded', (ev) => r((ev as CustomEvent).detail), { once: true }),
      ),
  );
  await button.click();
  return graded;
}

async function drawn(view: Locator) {
  await view.scrollIntoViewIfNeeded();
  await expect
    .poll(() => view.evaluate((e) => ((d) => !!d && d.settled && d.renders > 0)((e as Partial<View>).debugScene?.())), {
      timeout: 30_000,
    })
    .toBe(true);
}

test.describe('in a Vite app', () => {
  test.describe.configure({ timeout: 120_000 });
  const base = serveApp('vite-app');

  test('the trainer trains in its worker with the wasm kernels, the calculator computes, the quiz grades', async ({
    page,
  }) => {
    const { errors, events } = await record(page);
    await page.goto(base());

    const trainer = page.locator('lora-trainer');
    await ready(trainer);
    const run = await trainer.evaluate(async (e) => {
      const r = await (e as TrainerApi).train(20);
      return { step: r.step, finite: r.losses.every((x) => Number.isFinite(x)) };
    });
    expect(run).toEqual({ step: 20, finite: true });
    // The worker and kernels.wasm resolved in the consumer's build: the engine runs in a worker
    // on the WebAssembly kernels, not on the main thread or the plain-JS fallback.
    const backend = await events('lora-backend');
    expect(backend[0]?.detail).toMatchObject({ backend: 'cpu', host: 'worker' });
    expect(String(backend[0]?.detail['reason'])).toContain('WebAssembly SIMD kernels');
    // main.ts's typed listener saw the steps too
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { appSteps: number[] }).appSteps.at(-1)))
      .toBe(20);

    // rank = 16 set by main.ts as a property; LLaMA-2-7B, q and v: 32 layers × 2 × 16 × 8192
    const calc = page.locator('peft-calculator');
    await calc.scrollIntoViewIfNeeded();
    expect(await trainable(calc)).toBe(8_388_608);
    const rank = calc.getByRole('spinbutton', { name: /^Rank r/ }).first();
    await rank.fill('4');
    await rank.press('Enter');
    await expect.poll(() => trainable(calc)).toBe(2_097_152);
    expect((await events('peft-change')).length).toBeGreaterThan(0);

    // Easy: each card leaves the session (Good would bring a new card back within the hour).
    const quiz = page.locator('srs-quiz');
    await expect(quiz).toContainText('Why does a low-rank update suffice');
    expect(await grade(quiz, 'Easy')).toMatchObject({ deck: 'package-fixture', cardId: 'why-low-rank', rating: 4 });
    // the numeric card: checked (which reveals it), then graded
    await expect(quiz).toContainText('Trainable parameters of LoRA');
    const checked = await quiz.evaluate((e) => (e as HTMLElementTagNameMap['srs-quiz']).answer('65,536'));
    expect(checked).toMatchObject({ correct: true, expected: 65_536 });
    expect((await events('quiz-checked'))[0]?.detail).toMatchObject({ cardId: 'lora-params', correct: true });
    expect(await grade(quiz, 'Easy', true)).toMatchObject({ cardId: 'lora-params', rating: 4 });
    expect(await grade(quiz, 'Easy')).toMatchObject({ cardId: 'merge', rating: 4 });
    await expect.poll(async () => (await events('quiz-complete'))[0]?.detail).toMatchObject({ reviewed: 3, again: 0 });

    await drawn(page.locator('subspace-view'));
    await expect(page.locator('srs-progress').getByRole('button', { name: 'Export progress (JSON)' })).toBeVisible({
      timeout: 20_000,
    });
    expect(errors).toEqual([]);
  });

  test('custom-elements.json: each element is defined, and observes exactly the attributes listed', async ({
    page,
  }) => {
    await page.goto(base());
    const elements = manifestElements();
    expect(elements.map((d) => d.tagName)).toEqual(
      expect.arrayContaining(['lora-trainer', 'peft-calculator', 'srs-quiz']),
    );
    for (const d of elements) {
      const observed = await page.evaluate(async (tag) => {
        await customElements.whenDefined(tag);
        const ctor = customElements.get(tag) as unknown as { observedAttributes: string[] };
        return [...ctor.observedAttributes].sort();
      }, d.tagName);
      expect(observed, `<${d.tagName}>`).toEqual((d.attributes ?? []).map((a) => a.name).sort());
    }
  });
});

test.describe('in a Vite app under `vite dev`', () => {
  test.describe.configure({ timeout: 120_000 });
  let server: ChildProcess | undefined;
  let base = '';
  test.beforeAll(async () => {
    const app = join(APP, 'vite-app');
    if (!existsSync(join(app, 'index.html')))
      throw new Error('No Vite app: run `node scripts/package/fixtures.mjs` first (npm test does).');
    // The dev server pre-bundles the package's dependencies: the worker and wasm URLs must survive it.
    const { FORCE_COLOR: _colour, ...env } = process.env;
    server = spawn(
      process.execPath,
      [resolve('node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', '0', '--strictPort'],
      { cwd: app, stdio: ['ignore', 'pipe', 'inherit'], env: { ...env, NO_COLOR: '1' } },
    );
    base = await new Promise<string>((ok, fail) => {
      let out = '';
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (url) ok(url[0]);
      });
      server!.once('exit', (code) => fail(new Error(`vite dev exited (${code}): ${out}`)));
    });
  });
  test.afterAll(() => {
    server?.kill();
  });

  test('the trainer trains in its worker with the wasm kernels, the calculator computes', async ({ page }) => {
    const { errors, events } = await record(page);
    await page.goto(base);
    const trainer = page.locator('lora-trainer');
    await ready(trainer);
    expect(await trainer.evaluate(async (e) => (await (e as TrainerApi).train(5)).step)).toBe(5);
    const backend = await events('lora-backend');
    expect(backend[0]?.detail).toMatchObject({ backend: 'cpu', host: 'worker' });
    expect(String(backend[0]?.detail['reason'])).toContain('WebAssembly SIMD kernels');
    const calc = page.locator('peft-calculator');
    await calc.scrollIntoViewIfNeeded();
    expect(await trainable(calc)).toBe(8_388_608);
    expect(errors).toEqual([]);
  });
});

test.describe('in a React 19 app', () => {
  test.describe.configure({ timeout: 180_000 });
  const base = serveApp('react-app');

  /** Every element works: the trainer trains (React hears lora-step), the calculator, quiz, view and progress. */
  async function allWork(page: Page, rank: number) {
    const trainer = page.locator('lora-trainer');
    await ready(trainer);
    const start = await trainer.evaluate((e) => (e as TrainerApi).step);
    await trainer.evaluate((e) => (e as TrainerApi).train(5));
    await expect(page.locator('#step')).toHaveText(String(start + 5));
    expect(await trainer.evaluate((e) => [(e as TrainerApi).rank, e.getAttribute('rank')])).toEqual([
      rank,
      String(rank),
    ]);

    const calc = page.locator('peft-calculator');
    await calc.scrollIntoViewIfNeeded();
    // rank × 4 on q and v of LLaMA-2-7B: 32 × 2 × r × 8192
    expect(await trainable(calc)).toBe(32 * 2 * rank * 4 * 8192);

    const view = page.locator('subspace-view');
    await drawn(view);
    expect(await view.evaluate((e) => e.getAttribute('rank'))).toBe(String(rank));

    await expect(page.locator('srs-progress').getByRole('button', { name: 'Export progress (JSON)' })).toBeVisible({
      timeout: 20_000,
    });
  }

  test('renders every element, re-renders with new props, unmounts and mounts again: all keep working', async ({
    page,
  }) => {
    const { errors } = await record(page);
    await page.goto(base());
    await allWork(page, 2);
    const quiz = page.locator('srs-quiz');
    expect(await grade(quiz)).toMatchObject({ deck: 'package-fixture', rating: 3 });
    await expect(page.locator('#graded')).toHaveText('1');

    // New props: the same element instances take them.
    const before = await page.locator('lora-trainer').evaluate((e) => {
      (window as unknown as { firstTrainer: Element }).firstTrainer = e;
      return (e as TrainerApi).trainableParams;
    });
    await page.getByRole('button', { name: 'Rank 4' }).click();
    await expect
      .poll(() => page.locator('lora-trainer').evaluate((e) => (e as TrainerApi).trainableParams))
      .toBe(before * 2);
    expect(
      await page
        .locator('lora-trainer')
        .evaluate((e) => e === (window as unknown as { firstTrainer: Element }).firstTrainer),
    ).toBe(true);
    await allWork(page, 4);

    // Unmount: every element leaves the page; mount: new ones, working.
    await page.getByRole('button', { name: 'Unmount' }).click();
    await expect(page.locator('lora-trainer, peft-calculator, srs-quiz, subspace-view, srs-progress')).toHaveCount(0);
    await page.getByRole('button', { name: 'Mount' }).click();
    await allWork(page, 4);
    expect(
      await page
        .locator('lora-trainer')
        .evaluate((e) => e === (window as unknown as { firstTrainer: Element }).firstTrainer),
    ).toBe(false);
    // The quiz's store kept the first grade: the next card comes first, and grades.
    await expect(quiz).toContainText('Trainable parameters of LoRA');
    expect(await grade(quiz)).toMatchObject({ cardId: 'lora-params', rating: 3 });
    await expect(page.locator('#graded')).toHaveText('1');
    expect(errors).toEqual([]);
  });
});
