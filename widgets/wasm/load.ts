/**
 * Which CPU kernels an engine gets (once per engine: the worker, or the main-thread fallback),
 * and why — the note the `lora-backend` event's reason carries for the CPU backend.
 *
 * WebAssembly needs `'wasm-unsafe-eval'` in the page's `script-src` (a blob: worker inherits the
 * page's policy). Without it the browser refuses to compile: a tiny empty module is compiled
 * first, so a refusing page costs one refused compile (the browser's own CSP report) and no
 * download, and the engine trains on the plain-JS kernels — nothing thrown, nothing logged.
 * Any other failure (no WebAssembly, no SIMD, the file missing) also means JS, with its reason.
 */
import { JS_KERNELS, type CpuKernels } from '../core/cpu-kernels.ts';
import { wasmKernels } from './cpu-kernels.ts';

export interface KernelChoice {
  readonly kernels: CpuKernels;
  /** "WebAssembly SIMD kernels", or "JavaScript kernels (why)". */
  readonly note: string;
}

/** The smallest valid module: magic and version. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

const js = (why: string): KernelChoice => ({ kernels: JS_KERNELS, note: `JavaScript kernels (${why})` });

/** Kernels from kernels.wasm at `url` (the page resolves it next to its module), else JS. */
export async function loadCpuKernels(url: string | undefined): Promise<KernelChoice> {
  if (typeof WebAssembly === 'undefined') return js('this browser has no WebAssembly');
  if (!url) return js('no WebAssembly kernels were offered');
  try {
    await WebAssembly.compile(EMPTY_MODULE);
  } catch (error) {
    const message = (error as Error).message;
    return js(
      /unsafe-eval|Content.Security.Policy/i.test(message)
        ? "the page's Content-Security-Policy blocks WebAssembly: script-src needs 'wasm-unsafe-eval'"
        : `WebAssembly cannot compile here: ${message}`,
    );
  }
  try {
    const response = await fetch(url, { credentials: 'omit' });
    if (!response.ok) return js(`the WebAssembly kernels could not be fetched (HTTP ${response.status})`);
    const bytes = await response.arrayBuffer();
    if (!WebAssembly.validate(bytes)) return js('this browser has no WebAssembly SIMD');
    return { kernels: wasmKernels(await WebAssembly.compile(bytes)), note: 'WebAssembly SIMD kernels' };
  } catch (error) {
    return js(`the WebAssembly kernels did not load: ${(error as Error).message}`);
  }
}
