import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether widgets/<tag>/<tag>.ts exists, so pages place the live element only once it has
 * landed; until then the fallback figure stands alone. Build-time only (runs in Node).
 */
export function widgetExists(tag: string): boolean {
  return existsSync(join(process.cwd(), 'widgets', tag, `${tag}.ts`));
}

/** Test-only fixture elements are built when MARGINALIA_FIXTURES=1. */
export function fixturesEnabled(): boolean {
  return process.env.MARGINALIA_FIXTURES === '1';
}
