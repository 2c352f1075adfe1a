/**
 * <lora-lm> on WebGPU (project `webgpu`; SwiftShader's software adapter here): an element asked
 * for `backend="webgpu"` trains its adapters on the GPU in the worker, says so (`lm-backend`),
 * and gives the same losses and adapter weights as a CPU element with the same seed over 50
 * steps (1e-3 relative, as for `<lora-trainer>`), through the public API only; and when the GPU
 * vanishes mid-training (the worker's device destroyed through the client's internal `debug`
 * hook, as a driver reset would lose it), the element keeps the steps done, trains the rest on
 * the CPU, says so at once, and still samples. The GPU mirror's offsets and fallback are covered
 * without a GPU in tests/unit/gpu/lm.test.ts and tests/unit/lm/gpu-host.test.ts.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readSafetensors } from '../../widgets/core/safetensors.ts';
import { readZip } from '../../widgets/core/zip.ts';
import type { LoraLm } from '../../widgets/lora-lm/lora-lm.ts';
import { expectWorkerAdapter } from './support/webgpu.ts';

test.describe.configure({ timeout: 180_000 });

/** The adapter's tensors from an exported PEFT zip. */
function tensors(bytes: number[]): Map<string, Float32Array> {
  const weights = readZip(new Uint8Array(bytes)).find((e) => e.name === 'adapter_model.safetensors');
  expect(weights, 'the zip holds adapter_model.safetensors').toBeDefined();
  return new Map([...readSafetensors(weights!.data).tensors].map(([name, t]) => [name, t.data]));
}

type Logged = { id: string; type: string; detail: Record<string, unknown> };

/**
 * Opens the home page with one `<lora-lm>` per id (seed 5, rank 4, its `backend` attribute),
 * recording their lm-backend, lm-step and lm-error events, in order, from the first moment.
 */
async function mount(page: Page, elements: Record<string, 'webgpu' | 'cpu'>): Promise<{ errors: string[] }> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    const w = window as unknown as { __lm: Logged[] };
    w.__lm = [];
    for (const type of ['lm-backend', 'lm-step', 'lm-error'])
      document.addEventListener(type, (e) =>
        w.__lm.push({
          id: (e.target as Element).id,
          type,
          detail: JSON.parse(JSON.stringify((e as CustomEvent).detail)),
        }),
      );
  });
  await page.goto('/');
  await expectWorkerAdapter(page);
  await page.evaluate((els) => {
    const main = document.querySelector('main') ?? document.body;
    for (const [id, backend] of Object.entries(els).reverse()) {
      const el = document.createElement('lora-lm');
      el.id = id;
      el.setAttribute('backend', backend);
      el.setAttribute('seed', '5');
      el.setAttribute('rank', '4');
      main.prepend(el);
    }
  }, elements);
  await page.addScriptTag({ url: '/widgets/lora-lm.js', type: 'module' });
  return { errors };
}

/** The recorded events of element `id`, of `type` if given. */
async function logged(page: Page, id: string, type?: string): Promise<Logged[]> {
  const all = await page.evaluate(() => (window as unknown as { __lm: Logged[] }).__lm);
  return all.filter((e) => e.id === id && (type === undefined || e.type === type));
}

test('backend="webgpu": trains on the GPU in the worker and matches a CPU element for 50 steps (1e-3)', async ({
  page,
}) => {
  const { errors } = await mount(page, { webgpu: 'webgpu', cpu: 'cpu' });
  const gpu = page.locator('lora-lm#webgpu');
  const cpu = page.locator('lora-lm#cpu');

  const train = async (e: Element) => (await (e as LoraLm).train('code', 50)).losses;
  const g = await gpu.evaluate(train);
  const c = await cpu.evaluate(train);

  expect((await logged(page, 'webgpu', 'lm-backend')).map((e) => e.detail)).toEqual([
    expect.objectContaining({ backend: 'webgpu', host: 'worker' }),
  ]);
  expect((await logged(page, 'cpu', 'lm-backend')).map((e) => e.detail)).toEqual([
    expect.objectContaining({ backend: 'cpu', reason: expect.stringMatching(/^CPU backend requested/) }),
  ]);
  await expect(gpu.getByText(/Model loaded: WebGPU/)).toBeVisible();

  expect(g).toHaveLength(50);
  for (let i = 0; i < 50; i++)
    expect(Math.abs(g[i]! - c[i]!) / Math.abs(c[i]!), `step ${i + 1}`).toBeLessThanOrEqual(1e-3);
  expect(g[49]!).toBeLessThan(g[0]!);

  // what it learned, read back through the API: the exported adapters agree
  const exported = async (e: Element) =>
    Array.from(new Uint8Array(await (await (e as LoraLm).exportAdapter('code')).arrayBuffer()));
  const tg = tensors(await gpu.evaluate(exported));
  const tc = tensors(await cpu.evaluate(exported));
  expect([...tg.keys()]).toEqual([...tc.keys()]);
  expect(tc.size).toBe(6);
  for (const [name, want] of tc) {
    const got = tg.get(name)!;
    const scale = Math.max(...want.map(Math.abs));
    expect(scale, name).toBeGreaterThan(0);
    const diff = Math.max(...got.map((x, i) => Math.abs(x - want[i]!)));
    expect(diff / scale, name).toBeLessThanOrEqual(1e-3);
  }
  expect(errors).toEqual([]);
});

test('the GPU lost mid-training: steps kept, the rest on the CPU (same curve), said at once; samples, axe', async ({
  page,
}) => {
  const STEPS = 200;
  /** Steps per GPU submit (widgets/gpu/lm.ts CHUNK_STEPS): GPU progress comes in these. */
  const CHUNK = 20;
  const { errors } = await mount(page, { lost: 'webgpu', cpu: 'cpu' });
  const lost = page.locator('lora-lm#lost');
  const cpu = page.locator('lora-lm#cpu');

  // On the first lm-step (the first GPU chunk is done), destroy the worker's device while it trains.
  const out = await lost.evaluate(async (e, steps) => {
    const lm = e as LoraLm;
    await lm.ready();
    // the element's model client (private), and its internal test hook
    const client = (lm as unknown as { client: { debug(action: 'lose-device'): Promise<boolean> } }).client;
    let destroyed: Promise<boolean> | null = null;
    const onStep = (): void => void (destroyed ??= client.debug('lose-device'));
    lm.addEventListener('lm-step', onStep);
    const r = await lm.train('code', steps).finally(() => lm.removeEventListener('lm-step', onStep));
    return { ...r, destroyed: await destroyed };
  }, STEPS);
  expect(out.destroyed).toBe(true);

  // lm-backend: exactly two, WebGPU at load, then the CPU with why and from which step.
  const backends = (await logged(page, 'lost', 'lm-backend')).map((e) => e.detail);
  expect(backends).toEqual([
    expect.objectContaining({ backend: 'webgpu', host: 'worker' }),
    expect.objectContaining({
      backend: 'cpu',
      host: 'worker',
      reason: expect.stringMatching(/^WebGPU failed \(.+\); training continues on the CPU from step \d+ of code$/),
    }),
  ]);
  const reason = String(backends[1]!['reason']);
  const kept = Number(/from step (\d+) of code$/.exec(reason)![1]);
  expect(kept % CHUNK).toBe(0);
  expect(kept).toBeGreaterThanOrEqual(CHUNK);
  expect(kept).toBeLessThan(STEPS);

  // The order: load (WebGPU), one step event per GPU chunk up to the kept step, the switch at
  // once, then the CPU's steps up to the count asked for; no error.
  const log = await logged(page, 'lost');
  expect(log.filter((e) => e.type === 'lm-error')).toEqual([]);
  const seq = log.map((e) => (e.type === 'lm-step' ? Number(e.detail['step']) : String(e.detail['backend'])));
  const gpuSteps = Array.from({ length: kept / CHUNK }, (_, i) => (i + 1) * CHUNK);
  expect(seq.slice(0, gpuSteps.length + 2)).toEqual(['webgpu', ...gpuSteps, 'cpu']);
  const cpuSteps = seq.slice(gpuSteps.length + 2) as number[];
  expect(cpuSteps.length).toBeGreaterThan(0);
  expect(cpuSteps.every((s, i) => typeof s === 'number' && s > (i === 0 ? kept : cpuSteps[i - 1]!))).toBe(true);
  expect(cpuSteps.at(-1)).toBe(STEPS);

  // Trained to the steps asked for, finite, and lower at the end than at the start.
  expect(out.step).toBe(STEPS);
  expect(out.losses).toHaveLength(STEPS);
  expect(out.losses.every(Number.isFinite)).toBe(true);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(out.losses.slice(-CHUNK))).toBeLessThan(mean(out.losses.slice(0, CHUNK)));
  // The steps done were kept, not restarted: the same curve as a CPU element's with the same seed.
  const c = await cpu.evaluate(async (e, steps) => (await (e as LoraLm).train('code', steps)).losses, STEPS);
  const worst = Math.max(...out.losses.map((x, i) => Math.abs(x - c[i]!) / Math.abs(c[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-3);

  // The reader sees it, in the element's status line, and the adapter's count.
  await expect(lost.getByRole('status')).toHaveText(
    /^WebGPU failed \(.+\); training continues on the CPU from step \d+ of code\.$/,
  );
  await expect(lost.locator('[data-model="code"]')).toContainText(`${STEPS} steps trained`);

  // Samples still work; the session stays on the CPU without saying so again.
  const after = await lost.evaluate(async (e) => {
    const lm = e as LoraLm;
    const code = await lm.sample({ adapter: 'code', seed: 3, length: 80 });
    const base = await lm.sample({ adapter: null, seed: 3, length: 80 });
    const more = await lm.train('cards', 10);
    return { code, base, cards: more.losses.length };
  });
  expect(after.code.length).toBeGreaterThan(0);
  expect(after.code).not.toBe(after.base);
  expect(after.cards).toBe(10);
  expect(await logged(page, 'lost', 'lm-backend')).toHaveLength(2);
  expect(await logged(page, 'lost', 'lm-error')).toEqual([]);

  const axe = await new AxeBuilder({ page }).include('lora-lm#lost').analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  expect(errors).toEqual([]);
});
