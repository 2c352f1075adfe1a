/**
 * <lora-lm> on WebGPU (project `webgpu`; SwiftShader's software adapter here): an element asked
 * for `backend="webgpu"` trains its adapters on the GPU in the worker, says so (`lm-backend`),
 * and gives the same losses and adapter weights as a CPU element with the same seed over 50
 * steps (1e-3 relative, as for `<lora-trainer>`), through the public API only. The GPU mirror's
 * offsets and fallback are covered without a GPU in tests/unit/gpu/lm.test.ts and
 * tests/unit/lm/gpu-host.test.ts.
 */
import { expect, test } from '@playwright/test';
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

test('backend="webgpu": trains on the GPU in the worker and matches a CPU element for 50 steps (1e-3)', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    const w = window as unknown as { __backend: { id: string; detail: Record<string, unknown> }[] };
    w.__backend = [];
    document.addEventListener('lm-backend', (e) =>
      w.__backend.push({ id: (e.target as Element).id, detail: JSON.parse(JSON.stringify((e as CustomEvent).detail)) }),
    );
  });
  await page.goto('/');
  await expectWorkerAdapter(page);
  await page.evaluate(() => {
    const main = document.querySelector('main') ?? document.body;
    for (const backend of ['webgpu', 'cpu']) {
      const el = document.createElement('lora-lm');
      el.id = backend;
      el.setAttribute('backend', backend);
      el.setAttribute('seed', '5');
      el.setAttribute('rank', '4');
      main.prepend(el);
    }
  });
  await page.addScriptTag({ url: '/widgets/lora-lm.js', type: 'module' });
  const gpu = page.locator('lora-lm#webgpu');
  const cpu = page.locator('lora-lm#cpu');

  const train = async (e: Element) => (await (e as LoraLm).train('code', 50)).losses;
  const g = await gpu.evaluate(train);
  const c = await cpu.evaluate(train);

  const said = await page.evaluate(
    () => (window as unknown as { __backend: { id: string; detail: Record<string, unknown> }[] }).__backend,
  );
  expect(said.filter((e) => e.id === 'webgpu').map((e) => e.detail)).toEqual([
    expect.objectContaining({ backend: 'webgpu', host: 'worker' }),
  ]);
  expect(said.filter((e) => e.id === 'cpu').map((e) => e.detail)).toEqual([
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
