// @ts-check
/**
 * The one server process the e2e tests (playwright.config.ts) and the browser benches use: the
 * built site ($MARGINALIA_OUT_DIR, default dist/) on SITE_PORT and the foreign host on
 * FOREIGN_PORT, both on 127.0.0.1.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createSiteServer } from './serve.mjs';
import { createForeignServer } from './lib/foreign-server.mjs';
import { SITE, SITE_PORT, FOREIGN_PORT } from './lib/ports.mjs';
import { READY } from './lib/start-test-server.mjs';

const dist = resolve(process.env.MARGINALIA_OUT_DIR ?? 'dist');
if (!existsSync(resolve(dist, 'index.html'))) {
  console.error('No built site in dist/: build it first (npm test does).');
  process.exit(1);
}
const site = createSiteServer(dist).listen(SITE_PORT, '127.0.0.1');
const foreign = createForeignServer(SITE).listen(FOREIGN_PORT, '127.0.0.1');
await Promise.all([once(site, 'listening'), once(foreign, 'listening')]);
// scripts/lib/start-test-server.mjs waits for this line: both ports accept connections now.
console.log(`${READY} site at ${SITE}/, foreign host at http://127.0.0.1:${FOREIGN_PORT}/`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    site.close();
    foreign.close();
    process.exit(0);
  });
}
