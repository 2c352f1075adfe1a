import { defineConfig } from '@playwright/test';
import { chromiumPath, BASE_ARGS, WEBGPU_ARGS } from './scripts/lib/chromium.mjs';
import { SITE, FOREIGN_PORT } from './scripts/lib/ports.mjs';

const executablePath = chromiumPath();

/**
 * End-to-end tests drive the BUILT site (run `npm run build` with MARGINALIA_FIXTURES=1 first;
 * `npm test` does) served by scripts/serve.mjs, plus the foreign host on a second port.
 * Files named *.gpu.spec.ts run with WebGPU enabled (a software adapter is fine).
 */
export default defineConfig({
  testDir: 'tests/e2e',
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // One retry in CI: a test that passes only on retry is reported as flaky in the summary.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: SITE,
    launchOptions: { ...(executablePath ? { executablePath } : {}), args: BASE_ARGS },
    trace: 'off',
    // The site's offline service worker (issue 21) would answer requests that tests route or
    // count; only tests/e2e/offline.spec.ts lets it run.
    serviceWorkers: 'block',
  },
  projects: [
    { name: 'chromium', testIgnore: /\.gpu\.spec\.ts$/ },
    {
      name: 'webgpu',
      testMatch: /\.gpu\.spec\.ts$/,
      use: { launchOptions: { ...(executablePath ? { executablePath } : {}), args: [...BASE_ARGS, ...WEBGPU_ARGS] } },
    },
  ],
  // One server process: the built site and the foreign host, on two loopback ports.
  webServer: {
    command: 'node scripts/test-server.mjs',
    url: `http://127.0.0.1:${FOREIGN_PORT}/recorder.js`,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
  },
});
