/**
 * <lora-trainer> itself on WebGPU (project `webgpu`; SwiftShader's software adapter here): the
 * element asked for `backend="webgpu"` trains there, says so (property, event, badge), and gives
 * the same numbers as a CPU element with the same seeds, through the public API only. The
 * engine's own GPU tests (engine.gpu.spec.ts) cover kernels, efficiency and failure paths.
 */
import { expect, test } from '@playwright/test';
import { events, ready, recordEvents, type TrainerApi } from './support/lora-trainer.ts';
import { expectWorkerAdapter } from './support/webgpu.ts';

test.describe.configure({ timeout: 180_000 });

test('backend="webgpu": trains on the GPU in the worker, and matches a CPU element step for step (1e-3)', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await recordEvents(page);
  await page.goto('/');
  await expectWorkerAdapter(page);
  await page.evaluate(() => {
    const main = document.querySelector('main') ?? document.body;
    for (const backend of ['webgpu', 'cpu']) {
      const el = document.createElement('lora-trainer');
      el.id = backend;
      for (const [k, v] of Object.entries({
        backend,
        seed: '5',
        'base-seed': '9',
        rank: '4',
        lr: '0.01',
        dropout: '0.1',
      }))
        el.setAttribute(k, v);
      main.prepend(el);
    }
  });
  await page.addScriptTag({ url: '/widgets/lora-trainer.js', type: 'module' });
  const gpu = page.locator('#webgpu');
  const cpu = page.locator('#cpu');
  await ready(gpu);
  await ready(cpu);

  expect(await gpu.evaluate((e) => (e as TrainerApi).resolvedBackend)).toBe('webgpu');
  expect(await cpu.evaluate((e) => (e as TrainerApi).resolvedBackend)).toBe('cpu');
  const said = (await events(page, 'lora-backend')).filter((e) => e.target === 'webgpu');
  expect(said.at(-1)?.detail).toMatchObject({ backend: 'webgpu', host: 'worker' });
  await expect(gpu.getByText('WebGPU · worker')).toBeVisible();
  // the same frozen base on both
  expect(await gpu.evaluate((e) => (e as TrainerApi).checksumW)).toBe(
    await cpu.evaluate((e) => (e as TrainerApi).checksumW),
  );

  const train = async (e: Element, n: number) => Array.from((await (e as TrainerApi).train(n)).losses);
  const [g, c] = [await gpu.evaluate(train, 50), await cpu.evaluate(train, 50)];
  expect(g).toHaveLength(50);
  for (let i = 0; i < 50; i++)
    expect(Math.abs(g[i]! - c[i]!) / Math.max(Math.abs(c[i]!), 1e-6), `step ${i + 1}`).toBeLessThanOrEqual(1e-3);
  expect(g[49]!).toBeLessThan(g[0]!);

  // what it learned, read back through the API: ΔW and a merge agree with the CPU's
  const dw = async (e: Element) => Array.from((await (e as TrainerApi).deltaW()).data);
  const [dg, dc] = [await gpu.evaluate(dw), await cpu.evaluate(dw)];
  const scale = Math.max(...dc.map(Math.abs));
  expect(Math.max(...dg.map((x, i) => Math.abs(x - dc[i]!))) / scale).toBeLessThanOrEqual(1e-3);
  const merged = await gpu.evaluate(async (e) => (await (e as TrainerApi).merge()).maxAbsDiff);
  expect(merged).toBeLessThan(1e-3);
  expect(errors).toEqual([]);
});
