#!/usr/bin/env node
// @ts-check
/**
 * Assembles the CPU backend's WebAssembly kernels: widgets/wasm/kernels.wat → kernels.wasm beside
 * it (git-ignored), with wabt's JavaScript build (an npm package; no downloaded toolchain).
 * Runs as `prebuild` and from the widgets build (scripts/widgets-integration.mjs), so
 * `npm run build` and a bare `astro build` both produce it; the unit tests assemble the same text.
 *
 *   node scripts/build-wasm.mjs        writes widgets/wasm/kernels.wasm, prints its size
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../widgets/wasm/kernels.wat', import.meta.url));
export const KERNELS_WASM = fileURLToPath(new URL('../widgets/wasm/kernels.wasm', import.meta.url));

/** The kernels' binary, assembled from `kernels.wat` (SIMD on, names stripped). */
export async function assembleKernels() {
  const { default: wabtFactory } = await import('wabt');
  const wabt = await wabtFactory();
  const mod = wabt.parseWat('kernels.wat', readFileSync(SOURCE, 'utf8'), { simd: true });
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/** Writes widgets/wasm/kernels.wasm; returns its size in bytes. */
export async function buildKernels() {
  const bytes = await assembleKernels();
  writeFileSync(KERNELS_WASM, bytes);
  return bytes.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = await buildKernels();
  console.log(`widgets/wasm/kernels.wasm: ${size} bytes`);
}
