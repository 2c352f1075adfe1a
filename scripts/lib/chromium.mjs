// @ts-check
/**
 * Which Chromium the e2e tests drive: $CHROMIUM_PATH if set, else Debian's /usr/bin/chromium
 * (or chromium-browser) if present, else Playwright's own download (undefined → Playwright
 * resolves it). scripts/test.mjs installs one when none is found.
 */
import { existsSync } from 'node:fs';

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => p && existsSync(p));
}

/** Flags every launch uses; WebGPU ones are added per project. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-swiftshader',
];

/** WebGPU on a software adapter (correct results, not GPU speed). */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];
