import { describe, expect, it } from 'vitest';
import { chooseBackend, REASONS, type GpuLike } from '../../../widgets/engine/backend-choice.ts';

const adapter = (isFallbackAdapter: boolean) =>
  ({ info: { isFallbackAdapter, vendor: 'acme', architecture: 'x', device: '' } }) as unknown as GPUAdapter;
const gpu = (a: GPUAdapter | null | Error): GpuLike => ({
  requestAdapter: async () => {
    if (a instanceof Error) throw a;
    return a;
  },
});

describe('backend choice', () => {
  it('cpu is cpu', async () => {
    const d = await chooseBackend('cpu', gpu(adapter(false)));
    expect(d).toMatchObject({ backend: 'cpu', reason: REASONS.cpuAsked, adapter: null });
  });

  it('auto takes a hardware adapter', async () => {
    const a = adapter(false);
    const d = await chooseBackend('auto', gpu(a));
    expect(d.backend).toBe('webgpu');
    expect(d.adapter).toBe(a);
    expect(d.reason).toContain('acme');
  });

  it('auto refuses a software fallback adapter, with the reason', async () => {
    const d = await chooseBackend('auto', gpu(adapter(true)));
    expect(d).toMatchObject({ backend: 'cpu', reason: REASONS.fallbackAuto });
  });

  it('forced webgpu accepts the fallback adapter', async () => {
    const d = await chooseBackend('webgpu', gpu(adapter(true)));
    expect(d).toMatchObject({ backend: 'webgpu', reason: REASONS.gpuFallbackForced });
  });

  it('no adapter, no API, or a failing request: cpu with the reason', async () => {
    expect(await chooseBackend('auto', gpu(null))).toMatchObject({ backend: 'cpu', reason: REASONS.noAdapter });
    const forced = await chooseBackend('webgpu', gpu(null));
    expect(forced.backend).toBe('cpu');
    expect(forced.reason).toBe(`WebGPU requested, but ${REASONS.noAdapter}`);
    expect(await chooseBackend('webgpu', undefined)).toMatchObject({
      backend: 'cpu',
      reason: `WebGPU requested, but ${REASONS.noApi}`,
    });
    const failing = await chooseBackend('auto', gpu(new Error('boom')));
    expect(failing.backend).toBe('cpu');
    expect(failing.reason).toContain('boom');
  });

  it('reads the older adapter.isFallbackAdapter when info lacks it', async () => {
    const old = { info: {}, isFallbackAdapter: true } as unknown as GPUAdapter;
    expect((await chooseBackend('auto', gpu(old))).backend).toBe('cpu');
  });
});
