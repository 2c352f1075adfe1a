import { expect, type Page } from '@playwright/test';

/**
 * WebGPU tests FAIL (never skip) where no adapter appears in a worker, where the engine runs:
 * in CI that means the WebGPU flags (scripts/lib/chromium.mjs) did not take.
 */
export async function expectWorkerAdapter(page: Page): Promise<void> {
  const adapter = await page.evaluate(async () => {
    const code =
      'navigator.gpu.requestAdapter().then((a) => postMessage(a ? a.info.isFallbackAdapter : null), (e) => postMessage(String(e)))';
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    const r = await new Promise((resolve) => (w.onmessage = (e) => resolve(e.data)));
    w.terminate();
    return r;
  });
  expect(adapter, 'no WebGPU adapter in a worker: check the WebGPU flags (scripts/lib/chromium.mjs)').not.toBeNull();
}
