// @ts-check
/**
 * Starts scripts/test-server.mjs (the built site and the foreign host) as a child process and
 * resolves once both ports listen — it prints READY then — so the browser benches need no fixed
 * wait. Rejects if the server exits first (no build, a port taken). Stop it with `.kill()`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The first word of the line the server prints when both ports listen. */
export const READY = 'listening:';

/** @param {NodeJS.ProcessEnv} [env] @returns {Promise<import('node:child_process').ChildProcess>} */
export function startTestServer(env = process.env) {
  const script = fileURLToPath(new URL('../test-server.mjs', import.meta.url));
  const server = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    let out = '';
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      out += chunk.toString();
      if (!out.split('\n').some((line) => line.startsWith(READY))) return;
      server.stdout?.off('data', onData);
      server.off('exit', onExit);
      server.stdout?.resume();
      resolve(server);
    };
    /** @param {number | null} code */
    const onExit = (code) => reject(new Error(`scripts/test-server.mjs exited (${code}) before it listened`));
    server.stdout?.on('data', onData);
    server.once('exit', onExit);
  });
}
