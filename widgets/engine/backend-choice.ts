/**
 * Which backend a trainer gets, and why (the `lora-backend` event's reason).
 *
 *   auto    WebGPU when an adapter exists and is not a software fallback
 *           (`adapter.info.isFallbackAdapter` false); otherwise CPU.
 *   webgpu  WebGPU on any adapter, the software fallback included (the tests run on one);
 *           CPU when there is no adapter at all.
 *   cpu     CPU.
 *
 * Takes the `navigator.gpu` it should ask (or undefined), so tests pass fakes.
 */
import type { BackendChoice, ResolvedBackend } from './types.ts';

export interface GpuLike {
  requestAdapter(options?: GPURequestAdapterOptions): Promise<GPUAdapter | null>;
}

export interface BackendDecision {
  readonly backend: ResolvedBackend;
  readonly reason: string;
  /** The adapter to request a device from (webgpu only). */
  readonly adapter: GPUAdapter | null;
}

export const REASONS = Object.freeze({
  cpuAsked: 'CPU backend requested',
  noApi: 'this browser has no WebGPU (navigator.gpu is missing)',
  noAdapter: 'no WebGPU adapter is available',
  adapterError: 'requesting a WebGPU adapter failed',
  fallbackAuto: 'the WebGPU adapter is a software fallback, slower than the CPU backend',
  gpu: 'WebGPU adapter',
  gpuFallbackForced: 'WebGPU requested: running on a software fallback adapter (correct, not GPU speed)',
});

export async function chooseBackend(choice: BackendChoice, gpu: GpuLike | undefined): Promise<BackendDecision> {
  if (choice === 'cpu') return { backend: 'cpu', reason: REASONS.cpuAsked, adapter: null };
  const prefix = choice === 'webgpu' ? 'WebGPU requested, but ' : '';
  if (!gpu) return { backend: 'cpu', reason: prefix + REASONS.noApi, adapter: null };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { backend: 'cpu', reason: `${prefix}${REASONS.adapterError} (${(error as Error).message})`, adapter: null };
  }
  if (!adapter) return { backend: 'cpu', reason: prefix + REASONS.noAdapter, adapter: null };
  // `info` is the current API; older Chromium had `isFallbackAdapter` on the adapter itself.
  const fallback =
    adapter.info?.isFallbackAdapter ??
    (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    false;
  if (fallback && choice === 'auto') return { backend: 'cpu', reason: REASONS.fallbackAuto, adapter: null };
  const name = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.device].filter(Boolean).join(' ');
  return {
    backend: 'webgpu',
    reason: fallback ? REASONS.gpuFallbackForced : `${REASONS.gpu}${name ? ` (${name})` : ''}`,
    adapter,
  };
}
