import { test, expect, type Page, type Locator } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { gzipSync } from 'node:zlib';
import {
  openEmbed,
  documentStyles,
  violations,
  pageErrors,
  expectImmuneToHostileCss,
  embedUrl,
  addWidgetScript,
} from './support/foreign.ts';
import { SITE } from '../../scripts/lib/ports.mjs';
import { svd } from '../../widgets/core/svd.ts';
import { energyShare, similarityMatrix } from '../../widgets/core/subspace.ts';
import { demoUpdate } from '../../widgets/subspace-view/demo.ts';
import { createRng, fillNormal } from '../../widgets/core/rng.ts';

/**
 * <subspace-view> on the built site and on the foreign host under the strict CSP. WebGL2 runs in
 * software (SwiftShader). Most tests run under prefers-reduced-motion, so nothing moves unless
 * the test asks, and every frame is one the test caused.
 */
test.use({ reducedMotion: 'reduce' });

interface Debug {
  arrows: number[][];
  singular: number[][];
  colBDim: number;
  renders: number;
  camera: number[];
  settled: boolean;
  gl: string;
  source: string;
}
type View = HTMLElement & {
  singularValues: number[];
  energy: number;
  matrix: unknown;
  debugScene(): Debug;
  updateComplete: Promise<boolean>;
};
interface Info {
  alive: boolean;
  created: number;
  views: number;
  geometries: number;
  textures: number;
  renders: number;
}

/** Scrolls the view into sight and waits until it has drawn everything it was asked to. */
async function drawn(view: Locator): Promise<Debug> {
  await view.scrollIntoViewIfNeeded();
  await expect
    .poll(
      async () =>
        view.evaluate((e) => ((d) => !!d && d.settled === true && d.renders > 0)((e as Partial<View>).debugScene?.())),
      {
        timeout: 30_000,
      },
    )
    .toBe(true);
  return view.evaluate((e) => (e as View).debugScene());
}

/**
 * Waits until the page has run `n` more animation frames. The shared renderer draws from
 * requestAnimationFrame, so a view that wanted to move has had `n` chances to draw by then: the
 * positive signal before asserting that nothing was drawn.
 */
const frames = (page: Page, n: number) =>
  page.evaluate(
    (n) =>
      new Promise<void>((done) => {
        const tick = () => (--n <= 0 ? done() : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }),
    n,
  );

/** σ₁…σ₃ of a matrix given as plain numbers (what a page hands back), by the core SVD. */
const sigmas = (m: { rows: number; cols: number; data: ArrayLike<number> }) =>
  svd({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) }).S.slice(0, 3);

/** Largest |σᵢ(view) − σᵢ(trainer's ΔW now)|, i ≤ 3: zero once the view has caught up with the trainer. */
async function sigmaGap(view: Locator, trainer: Locator): Promise<number> {
  const ref = sigmas(
    await trainer.evaluate(async (t) => {
      const m = await (
        t as unknown as { deltaW(): Promise<{ rows: number; cols: number; data: ArrayLike<number> }> }
      ).deltaW();
      return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
    }),
  );
  const sv = await view.evaluate((e) => (e as View).singularValues);
  return Math.max(...ref.map((s, i) => Math.abs(sv[i]! - s)));
}

const info = (page: Page) =>
  page.evaluate(() =>
    (customElements.get('subspace-view') as unknown as { rendererInfo(): Info | null }).rendererInfo(),
  );

const cross = (a: number[], b: number[]) =>
  Math.hypot(a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!);

/** Fraction of pixels that differ between two PNG screenshots (decoded in a blank page). */
async function differingFraction(page: Page, a: Buffer, b: Buffer): Promise<number> {
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(
      async ([a, b]) => {
        const pixels = async (s: string) => {
          const bm = await createImageBitmap(
            new Blob([Uint8Array.from(atob(s), (c) => c.charCodeAt(0))], { type: 'image/png' }),
          );
          const g = new OffscreenCanvas(bm.width, bm.height).getContext('2d')!;
          g.drawImage(bm, 0, 0);
          return g.getImageData(0, 0, bm.width, bm.height).data;
        };
        const [p, q] = await Promise.all([pixels(a), pixels(b)]);
        if (p.length !== q.length) return 1;
        let diff = 0;
        for (let i = 0; i < p.length; i += 4)
          if (Math.abs(p[i]! - q[i]!) + Math.abs(p[i + 1]! - q[i + 1]!) + Math.abs(p[i + 2]! - q[i + 2]!) > 24) diff++;
        return diff / (p.length / 4);
      },
      [a.toString('base64'), b.toString('base64')] as const,
    );
  } finally {
    await blank.close();
  }
}

/** Non-transparent pixels in the view's canvas: something was drawn. */
const inked = (view: Locator) =>
  view.evaluate((e) => {
    const c = e.shadowRoot!.querySelector('canvas.gl') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n / (d.length / 4);
  });

/** The checks every host runs: σ against the core SVD, collinear rank-1 arrows, coplanar rank-2 ones, rank 1 vs 2 pixels. */
async function coreChecks(page: Page, view: Locator) {
  await view.evaluate((e) => e.setAttribute('rank', '1'));
  let d = await drawn(view);
  const ref1 = svd(demoUpdate(1, 1).deltaW).S;
  const sv = await view.evaluate((e) => (e as View).singularValues);
  expect(sv).toHaveLength(3);
  sv.forEach((s, i) => expect(Math.abs(s - ref1[i]!)).toBeLessThan(1e-4));
  expect(await view.evaluate((e) => (e as View).energy)).toBeCloseTo(1, 10);
  // Rank 1: every ΔW·x arrow drawn lies along one line, read back from the scene graph.
  expect(d.arrows.length).toBeGreaterThan(50);
  for (const a of d.arrows) expect(cross(a, d.arrows[0]!)).toBeLessThan(1e-6);
  expect(d.colBDim).toBe(1);
  const one = await view.locator('canvas.gl').screenshot();

  await view.evaluate((e) => e.setAttribute('rank', '2'));
  d = await drawn(view);
  const ref2 = svd(demoUpdate(2, 1).deltaW).S;
  (await view.evaluate((e) => (e as View).singularValues)).forEach((s, i) =>
    expect(Math.abs(s - ref2[i]!)).toBeLessThan(1e-4),
  );
  expect(d.colBDim).toBe(2);
  // Rank 2: every arrow lies in the plane of σ₁u₁ and σ₂u₂ (not all on one line).
  const [s1, s2] = d.singular as [number[], number[]];
  const n = [s1[1]! * s2[2]! - s1[2]! * s2[1]!, s1[2]! * s2[0]! - s1[0]! * s2[2]!, s1[0]! * s2[1]! - s1[1]! * s2[0]!];
  const nn = Math.hypot(...n);
  for (const a of d.arrows) expect(Math.abs((a[0]! * n[0]! + a[1]! * n[1]! + a[2]! * n[2]!) / nn)).toBeLessThan(1e-6);
  expect(Math.max(...d.arrows.map((a) => cross(a, d.arrows[0]!)))).toBeGreaterThan(0.1);
  const two = await view.locator('canvas.gl').screenshot();
  expect(await differingFraction(page, one, two)).toBeGreaterThanOrEqual(0.05);
}

/** Mounts `count` views (and optionally other markup) on a plain site page, loading the module as a page would. */
async function mountOnSite(page: Page, html: string, modules = ['subspace-view']) {
  await page.goto('/');
  await page.evaluate(
    async ([html, modules]) => {
      const main = document.querySelector('main') ?? document.body;
      const box = document.createElement('div');
      box.id = 'box';
      box.setHTMLUnsafe(html);
      main.prepend(box);
      for (const m of modules) await import(`/widgets/${m}.js`);
    },
    [html, modules] as const,
  );
}

test.describe('<subspace-view> on the site', () => {
  test('three.js is off the critical path: loaded only when the view nears the viewport', async ({ page }) => {
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto('/lessons/lora-peft/');
    await page.waitForLoadState('networkidle');
    expect(urls.filter((u) => /\/widgets\/(subspace-view\.js|chunks\/renderer-)/.test(u))).toEqual([]);
    const view = page.locator('subspace-view').first();
    await drawn(view);
    expect(urls.some((u) => /\/widgets\/chunks\/renderer-[\w-]+\.js$/.test(u))).toBe(true);
  });

  test('σ match the core SVD, rank-1 arrows are collinear, rank 1 and rank 2 differ in pixels', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // the view alone (on the playground the trainer's start-up competes for the same two cores)
    await mountOnSite(page, '<subspace-view></subspace-view>');
    await coreChecks(page, page.locator('subspace-view'));
    expect(errors).toEqual([]);
  });

  test('a matrix of any size is projected onto its top three singular directions', async ({ page }) => {
    await mountOnSite(page, '<subspace-view id="v"></subspace-view>');
    const view = page.locator('#v');
    for (const [m, n] of [
      [12, 7],
      [2, 40],
      [64, 64],
    ] as const) {
      const data = new Float64Array(m * n);
      fillNormal(createRng(m * 100 + n), data);
      await view.evaluate((e, M) => ((e as View).matrix = M), { rows: m, cols: n, data: Array.from(data) });
      const d = await drawn(view);
      expect(d.source).toBe('matrix');
      const ref = svd({ rows: m, cols: n, data });
      const sv = await view.evaluate((e) => (e as View).singularValues);
      for (let i = 0; i < 3; i++) expect(Math.abs(sv[i]! - (ref.S[i] ?? 0))).toBeLessThan(1e-4);
      expect(Math.abs((await view.evaluate((e) => (e as View).energy)) - energyShare(ref.S, 3))).toBeLessThan(1e-6);
      await expect(view.locator('dl')).toContainText(`${m}×${n}`);
    }
    // A rank-1 matrix: its arrows are collinear too.
    const u = [1, -2, 0.5, 3];
    const v = [0.3, 0.1, -0.7, 0.2, 0.9];
    await view.evaluate(
      (e, M) => ((e as View).matrix = M),
      u.map((a) => v.map((b) => a * b)),
    );
    const d = await drawn(view);
    expect(d.colBDim).toBe(1);
    for (const a of d.arrows) expect(cross(a, d.arrows[0]!)).toBeLessThan(1e-6);
    // Bad input: a clear message, the example instead, nothing thrown.
    await view.evaluate((e) => ((e as View).matrix = { rows: 2, cols: 2, data: [1, 2, 3] }));
    await expect(view.getByRole('alert')).toContainText('needs 4 numbers');
    expect((await drawn(view)).source).toBe('example');
  });

  test('invalid attributes show a message and fall back to the defaults', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await mountOnSite(page, '<subspace-view id="v" rank="7" seed="x" for="nowhere"></subspace-view>');
    const view = page.locator('#v');
    await drawn(view);
    const alert = view.getByRole('alert');
    await expect(alert).toContainText('rank="7"');
    await expect(alert).toContainText('seed="x"');
    await expect(alert).toContainText('for="nowhere"');
    const ref = svd(demoUpdate(1, 1).deltaW).S;
    expect((await view.evaluate((e) => (e as View).singularValues))[0]).toBeCloseTo(ref[0]!, 10);
    expect(errors).toEqual([]);
  });

  test('drag, buttons and keys turn the view; nothing moves by itself under reduced motion', async ({ page }) => {
    // the view alone: on the playground the trainer's layout settling resizes (and redraws) it
    await mountOnSite(page, '<subspace-view></subspace-view>');
    const view = page.locator('subspace-view');
    let d = await drawn(view);
    const still = d.renders;
    await frames(page, 60);
    expect((await view.evaluate((e) => (e as View).debugScene())).renders).toBe(still);
    await expect(view.getByRole('button', { name: 'Rotate' })).toBeVisible();

    const stage = view.getByRole('img', { name: /3D view/ });
    const az = d.camera[0]!;
    await stage.focus();
    await page.keyboard.press('ArrowRight');
    d = await drawn(view);
    expect(d.camera[0]).toBeCloseTo(az + Math.PI / 12, 10);
    await page.keyboard.press('+');
    expect((await drawn(view)).camera[2]).toBeLessThan(d.camera[2]!);
    await view.getByRole('button', { name: 'Turn left' }).click();
    await view.getByRole('button', { name: 'Tilt up' }).click();
    d = await drawn(view);
    expect(d.camera[0]).toBeCloseTo(az, 10);
    await view.getByRole('button', { name: 'Reset view' }).click();
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    expect((await drawn(view)).camera[0]).toBeCloseTo(az - 0.8, 5);

    // The visible control starts the turntable (a user action), and stops it again.
    await view.getByRole('button', { name: 'Rotate' }).click();
    const r0 = (await view.evaluate((e) => (e as View).debugScene())).renders;
    await expect
      .poll(async () => (await view.evaluate((e) => (e as View).debugScene())).renders, { timeout: 10_000 })
      .toBeGreaterThan(r0 + 3);
    await view.getByRole('button', { name: 'Pause rotation' }).click();
    await expect(view).toHaveAttribute('paused', '');
    const r1 = (await drawn(view)).renders;
    await frames(page, 48);
    expect((await view.evaluate((e) => (e as View).debugScene())).renders).toBe(r1);
  });

  test('without reduced motion it turns by itself until paused', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await mountOnSite(page, '<subspace-view id="v"></subspace-view>');
    const view = page.locator('#v');
    await view.scrollIntoViewIfNeeded();
    await expect
      .poll(async () => view.evaluate((e) => (e as View).debugScene().renders ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(5);
    await view.getByRole('button', { name: 'Pause rotation' }).click();
    const r = (await drawn(view)).renders;
    await frames(page, 48);
    expect((await view.evaluate((e) => (e as View).debugScene())).renders).toBe(r);
  });

  test('twenty views share one renderer, all render, and removing them frees every geometry', async ({ page }) => {
    await mountOnSite(
      page,
      Array.from(
        { length: 20 },
        (_, i) => `<subspace-view id="v${i}" rank="${1 + (i % 3)}" seed="${i}"></subspace-view>`,
      ).join(''),
    );
    for (let i = 0; i < 20; i++) {
      const v = page.locator(`#v${i}`);
      await drawn(v);
      expect(await inked(v)).toBeGreaterThan(0.02);
    }
    const all = (await info(page))!;
    expect(all).toMatchObject({ alive: true, created: 1, views: 20, textures: 0 });
    expect(all.geometries).toBeGreaterThan(0);
    await page.evaluate(() => {
      for (let i = 1; i < 20; i++) document.getElementById(`v${i}`)!.remove();
    });
    // Each view holds its own few geometries (the plane's only once drawn); the one left keeps its own.
    const one = (await info(page))!;
    expect(one.views).toBe(1);
    expect(one.geometries).toBeGreaterThan(0);
    expect(one.geometries).toBeLessThanOrEqual(5);
    expect(all.geometries).toBeGreaterThanOrEqual(20 * one.geometries);
    await page.evaluate(() => document.getElementById('v0')!.remove());
    expect(await info(page)).toMatchObject({ alive: false, views: 0, geometries: 0, textures: 0, created: 1 });
    // A new view afterwards gets a fresh renderer.
    await page.evaluate(() => document.getElementById('box')!.append(document.createElement('subspace-view')));
    await drawn(page.locator('subspace-view'));
    expect(await info(page)).toMatchObject({ alive: true, created: 2, views: 1 });
  });

  test('a lost WebGL context is reported and restored', async ({ page }) => {
    // the view alone (on the playground the trainer's start-up starved it in a full CI run)
    await mountOnSite(page, '<subspace-view></subspace-view>');
    const view = page.locator('subspace-view');
    const before = (await drawn(view)).renders;
    expect(
      await page.evaluate(() =>
        (
          customElements.get('subspace-view') as unknown as { simulateContextLoss(l: boolean): boolean }
        ).simulateContextLoss(true),
      ),
    ).toBe(true);
    await expect(view.locator('.msg')).toContainText('context was lost');
    await page.evaluate(() =>
      (
        customElements.get('subspace-view') as unknown as { simulateContextLoss(l: boolean): boolean }
      ).simulateContextLoss(false),
    );
    await expect(view.locator('.msg')).toHaveCount(0);
    await view.evaluate((e) => e.setAttribute('rank', '3'));
    expect((await drawn(view)).renders).toBeGreaterThan(before);
    expect(await inked(view)).toBeGreaterThan(0.02);
  });

  test('without WebGL it draws a still figure and says so', async ({ page }) => {
    await page.addInitScript(() => {
      const get = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        return type === 'webgl2' || type === 'webgl'
          ? null
          : (get as (...a: unknown[]) => RenderingContext | null).call(this, type, ...rest);
      } as typeof get;
    });
    // the view alone (the playground also runs a trainer, which starves a busy 2-core machine)
    await mountOnSite(page, '<subspace-view></subspace-view>');
    const view = page.locator('subspace-view');
    await view.scrollIntoViewIfNeeded();
    await expect(view.getByRole('alert')).toContainText('3D view unavailable', { timeout: 30_000 });
    await expect.poll(() => inked(view)).toBeGreaterThan(0.01);
    const ref = svd(demoUpdate(1, 1).deltaW).S;
    expect((await view.evaluate((e) => (e as View).singularValues))[0]).toBeCloseTo(ref[0]!, 10);
  });

  test('is axe-clean, with the similarity grid open', async ({ page }) => {
    await mountOnSite(page, '<subspace-view></subspace-view>');
    const view = page.locator('subspace-view');
    await drawn(view);
    await view.getByText('Subspace similarity of two adapters').click();
    await expect(view.getByRole('img', { name: /Grid of φ/ })).toBeVisible();
    await view.getByText('φ as numbers').click();
    const axe = await new AxeBuilder({ page }).include('subspace-view').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  });

  test('the similarity grid links to the lesson section that explains it', async ({ page }) => {
    await mountOnSite(page, '<subspace-view></subspace-view>');
    const view = page.locator('subspace-view');
    await drawn(view);
    await view.getByText('Subspace similarity of two adapters').click();
    const link = view.getByRole('link', { name: /rank is the capacity dial/ });
    expect(await link.getAttribute('href')).toBe(`${SITE}/lessons/lora-peft/#rank-is-the-capacity-dial`);
    await link.click();
    await expect(page.locator('#rank-is-the-capacity-dial')).toBeVisible();
    await expect(page.locator('#rank-is-the-capacity-dial + p')).toContainText('§7.2');
  });

  test('its module, three.js included, stays within the 150 KB gzip budget', async ({ request }) => {
    const seen = new Set<string>();
    let total = 0;
    const visit = async (url: string) => {
      if (seen.has(url)) return;
      seen.add(url);
      const text = await (await request.get(url)).text();
      total += gzipSync(text, { level: 9 }).length;
      // Static imports and re-exports, and dynamic import() (three.js comes in through one).
      for (const m of text.matchAll(/(?:\bimport|\bfrom)\s*\(?\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g))
        await visit(new URL(m[1]!, url).href);
    };
    await visit(`${SITE}/widgets/subspace-view.js`);
    expect([...seen].some((u) => /renderer-/.test(u))).toBe(true);
    console.log(`subspace-view: ${(total / 1024).toFixed(1)} KB gzip over ${seen.size} files`);
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });
});

test.describe('<subspace-view> following a trainer', () => {
  for (const tag of ['contract-trainer', 'lora-trainer'] as const) {
    test(`follows <${tag}>: σ of its live ΔW to 1e-4, and the §7.2 grid of two saved adapters`, async ({
      page,
      request,
    }) => {
      if (tag === 'lora-trainer')
        expect((await request.get(`${SITE}/widgets/lora-trainer.js`)).status(), 'lora-trainer is built').toBe(200);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await mountOnSite(
        page,
        `<${tag} id="t" rank="4" controls="none"></${tag}><subspace-view id="v" for="t"></subspace-view>`,
        [tag, 'subspace-view'],
      );
      type T = HTMLElement & {
        train(n: number): Promise<unknown>;
        deltaW(l?: string): Promise<{ rows: number; cols: number; data: ArrayLike<number> }>;
        saveAdapter(n: string): Promise<unknown>;
        adapterWeights(
          n: string,
        ): Promise<{ A: Record<string, { rows: number; cols: number; data: ArrayLike<number> }> }>;
      };
      const trainer = page.locator('#t');
      const view = page.locator('#v');
      await trainer.scrollIntoViewIfNeeded();
      await trainer.evaluate(async (t) => void (await (t as T).train(60)));
      await expect.poll(async () => (await drawn(view)).source, { timeout: 30_000 }).toBe('trainer');
      // Caught up: the trainer's last steps were pulled, so σ are those of its ΔW now.
      const settle = async () => {
        await expect.poll(() => sigmaGap(view, trainer), { timeout: 15_000 }).toBeLessThan(1e-4);
        return drawn(view);
      };
      await settle();
      const dW = await trainer.evaluate(async (t) => {
        const m = await (t as T).deltaW();
        return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
      });
      const ref = svd({ rows: dW.rows, cols: dW.cols, data: Float64Array.from(dW.data) });
      expect(ref.S[0]).toBeGreaterThan(0);
      const sv = await view.evaluate((e) => (e as View).singularValues);
      for (let i = 0; i < 3; i++) expect(Math.abs(sv[i]! - ref.S[i]!)).toBeLessThan(1e-4);
      expect(Math.abs((await view.evaluate((e) => (e as View).energy)) - energyShare(ref.S, 3))).toBeLessThan(1e-4);
      await expect(view.locator('dl')).toContainText(`${dW.rows}×${dW.cols}, from #t`);

      // Training on moves the picture: σ₁ follows.
      await trainer.evaluate(async (t) => void (await (t as T).train(40)));
      await settle();
      const dW2 = await trainer.evaluate(async (t) => Array.from((await (t as T).deltaW()).data));
      const ref2 = svd({ rows: dW.rows, cols: dW.cols, data: Float64Array.from(dW2) });
      expect(Math.abs((await view.evaluate((e) => (e as View).singularValues))[0]! - ref2.S[0]!)).toBeLessThan(1e-4);

      // Two saved adapters (rank 4 and rank 8) compared with φ.
      await trainer.evaluate(async (t) => void (await (t as T).saveAdapter('r4')));
      await trainer.evaluate(async (t) => t.setAttribute('rank', '8'));
      await trainer.evaluate(async (t) => void (await (t as T).train(20)));
      await trainer.evaluate(async (t) => void (await (t as T).saveAdapter('r8')));
      await view.evaluate((e) => e.setAttribute('compare', 'r4,r8'));
      await view.getByText('Subspace similarity of two adapters').click();
      const grid = view.getByRole('img', { name: /Grid of φ/ });
      await expect(view.getByText('“r4” (r = 4)')).toBeVisible({ timeout: 15_000 });
      const As = await trainer.evaluate(async (t) =>
        Promise.all(
          ['r4', 'r8'].map(async (n) => {
            const A = Object.values((await (t as T).adapterWeights(n)).A)[0]!;
            return { rows: A.rows, cols: A.cols, data: Array.from(A.data) };
          }),
        ),
      );
      const g = similarityMatrix(
        ...(As.map((A) => ({ ...A, data: Float64Array.from(A.data) })) as [never, never]),
        8,
        64,
      );
      await expect(grid).toHaveAttribute(
        'aria-label',
        new RegExp(`i = 1…${g.rows} and j = 1…${g.cols}: φ\\(1, 1\\) = ${g.data[0]!.toPrecision(3)}`),
      );
      expect(errors).toEqual([]);
    });
  }
});

test.describe('<subspace-view> embedded on a foreign host under the strict CSP', () => {
  test('the same checks pass, with no violations, errors or leaked styles', async ({ page }) => {
    const { consoleErrors } = await openEmbed(page, { tag: 'subspace-view', count: 2 });
    await coreChecks(page, page.locator('#subspace-view-0'));
    await drawn(page.locator('#subspace-view-1'));
    expect((await info(page))!).toMatchObject({ created: 1, views: 2 });
    const view = page.locator('#subspace-view-0');
    await view.getByText('Subspace similarity of two adapters').click();
    await expect(view.getByRole('img', { name: /Grid of φ/ })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    expect(await pageErrors(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('twenty views render and leave nothing behind', async ({ page }) => {
    const { consoleErrors } = await openEmbed(page, { tag: 'subspace-view', count: 20, attrs: { rank: '2' } });
    for (let i = 0; i < 20; i++) {
      const v = page.locator(`#subspace-view-${i}`);
      await drawn(v);
      expect(await inked(v)).toBeGreaterThan(0.02);
    }
    expect((await info(page))!).toMatchObject({ alive: true, created: 1, views: 20, textures: 0 });
    await page.evaluate(() => document.getElementById('mount')!.replaceChildren());
    expect(await info(page)).toMatchObject({ alive: false, views: 0, geometries: 0, textures: 0 });
    expect(await violations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('follows a trainer there too', async ({ page }) => {
    const { consoleErrors } = await openEmbed(page, { tag: 'subspace-view', attrs: { for: 't' } });
    await page.evaluate(() => {
      const t = document.createElement('contract-trainer');
      t.id = 't';
      document.getElementById('mount')!.prepend(t);
    });
    await addWidgetScript(page, 'contract-trainer');
    await page.waitForFunction(() => customElements.get('contract-trainer') !== undefined);
    const trainer = page.locator('#t');
    const view = page.locator('subspace-view');
    await trainer.evaluate(
      async (t) => void (await (t as unknown as { train(n: number): Promise<unknown> }).train(50)),
    );
    await expect.poll(async () => (await drawn(view)).source, { timeout: 30_000 }).toBe('trainer');
    await expect.poll(() => sigmaGap(view, trainer), { timeout: 15_000 }).toBeLessThan(1e-4);
    await drawn(view);
    const data = await trainer.evaluate(async (t) =>
      Array.from((await (t as unknown as { deltaW(): Promise<{ data: Float32Array }> }).deltaW()).data),
    );
    const ref = svd({ rows: 64, cols: 64, data: Float64Array.from(data) });
    const sv = await view.evaluate((e) => (e as View).singularValues);
    for (let i = 0; i < 3; i++) expect(Math.abs(sv[i]! - ref.S[i]!)).toBeLessThan(1e-4);
    expect(await violations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('adds no document-level styles', async ({ page }) => {
    await page.goto(embedUrl({ tag: 'subspace-view', load: false }));
    const before = await documentStyles(page);
    await addWidgetScript(page, 'subspace-view');
    await drawn(page.locator('subspace-view'));
    expect(await documentStyles(page)).toEqual(before);
  });

  test('looks the same under a hostile host stylesheet', async ({ page }) => {
    await expectImmuneToHostileCss(
      page,
      { tag: 'subspace-view' },
      '#subspace-view-0',
      async (p) => void (await drawn(p.locator('#subspace-view-0'))),
    );
  });

  test('is axe-clean in the foreign page', async ({ page }) => {
    await openEmbed(page, { tag: 'subspace-view' });
    await drawn(page.locator('subspace-view'));
    const axe = await new AxeBuilder({ page }).include('subspace-view').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  });
});
