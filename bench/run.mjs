// `npm run bench`: every benchmark in bench/, one after another (not part of `npm test`).
// Browser benchmarks need a fixtures build first: MARGINALIA_FIXTURES=1 astro build.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => !only || f.includes(only))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f}`);
  const r = spawnSync(process.execPath, [`bench/${f}`], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
