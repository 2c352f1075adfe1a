// @ts-check
// Diagnostic (not a test; `npm run bench` does not run it): what the main thread of a foreign page
// whose CSP blocks workers (and WebAssembly) spends on `<lora-trainer>`'s train(1000), in figures
// the machine's load does not move:
//   - the renderer main thread's CPU time and its wait for a core (Linux /proc schedstat): CPU time
//     is the work itself (it stays put when other processes load both cores); the wait is the load;
//   - the engine's yields (scheduler.postTask at background priority), frames, timeouts and
//     `lora-step` events per run;
//   - a peer in the same browser: the element's two sessions (the adapter and the full fine-tuning
//     reference, default settings) trained the same steps directly on a page's main thread,
//     without the engine or the element — the ratio element / peer is the element's own cost;
//   - with DIAG_PROFILE≠0 (default), a V8 CPU profile: self time per function and per module as
//     shares of the run (the sampler adds its own cost to the times; DIAG_PROFILE=0 for timings).
//   MARGINALIA_FIXTURES=1 npm run build && node bench/lora-trainer-main.diag.mjs
// DIAG_ROOT: the checkout whose built site (MARGINALIA_OUT_DIR, else its dist/), test server and
// core trainer to use (default: this one; a worktree of an older commit compares builds — its own
// test server is used, wherever that commit kept it). DIAG_RUNS: runs (default 3); DIAG_TOP: rows.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { chromiumPath, BASE_ARGS } from '../scripts/lib/chromium.mjs';
import { SITE, FOREIGN } from '../scripts/lib/ports.mjs';

const STEPS = 1000;
const RUNS = Number(process.env.DIAG_RUNS ?? 3);
const ROOT = resolve(process.env.DIAG_ROOT ?? '.');
const TOP = Number(process.env.DIAG_TOP ?? 18);
/** DIAG_PROFILE=0: no CPU profile (the sampler's own cost stays out of the timings). */
const PROFILE = process.env.DIAG_PROFILE !== '0';

/** The checkout's test server (it moved from tests/e2e/support/ to scripts/). */
function startServer() {
  const script = ['scripts/test-server.mjs', 'tests/e2e/support/test-server.mjs']
    .map((p) => resolve(ROOT, p))
    .find((p) => existsSync(p));
  if (!script) throw new Error(`no test server in ${ROOT}`);
  return spawn(process.execPath, [script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
}

/** Resolves once both ports answer (polled every 50 ms, at most 20 s). */
async function listening() {
  for (let i = 0; i < 400; i++) {
    const ok = await Promise.all(
      [SITE, FOREIGN].map((u) =>
        fetch(u)
          .then(() => true)
          .catch(() => false),
      ),
    );
    if (ok.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the test server did not listen');
}

/**
 * Runs in the page before its scripts: while `__diag.on`, counts the main-thread engine's yields
 * (scheduler.postTask at background priority) with the time they waited in the queue (summed
 * over both trainers, whose waits overlap, and the longest), animation frames asked for, timeouts
 * set, and `lora-step` events.
 */
function instrument() {
  const d = { on: false, yields: 0, queued: 0, queuedMax: 0, raf: 0, timeouts: 0, steps: 0 };
  Object.assign(globalThis, { __diag: d });
  const sched = /** @type {any} */ (globalThis).scheduler;
  if (sched?.postTask) {
    const orig = sched.postTask.bind(sched);
    sched.postTask = (/** @type {() => unknown} */ f, /** @type {any} */ o) => {
      if (o?.priority !== 'background') return orig(f, o);
      const t0 = performance.now();
      return orig(() => {
        const waited = performance.now() - t0;
        if (d.on) {
          d.yields++;
          d.queued += waited;
          d.queuedMax = Math.max(d.queuedMax, waited);
        }
        return f();
      }, o);
    };
  }
  const st = globalThis.setTimeout;
  globalThis.setTimeout = /** @type {any} */ (
    (/** @type {any} */ f, /** @type {number} */ ms, /** @type {any[]} */ ...a) => {
      if (d.on) d.timeouts++;
      return st(f, ms, ...a);
    }
  );
  const raf = globalThis.requestAnimationFrame;
  globalThis.requestAnimationFrame = (f) => {
    if (d.on) d.raf++;
    return raf(f);
  };
  addEventListener('lora-step', () => d.on && d.steps++, { capture: true });
}

/** Self time (ms) per function in a CPU profile, and the whole profile's span. */
function selfTimes(/** @type {any} */ profile) {
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const n = nodes.get(samples[i]);
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    const cf = n.callFrame;
    const file = cf.url ? cf.url.replace(/^.*\//, '').replace(/[-.][A-Za-z0-9_-]{8}\.js$/, '.js') : '';
    const key = `${file || '(native)'}\t${cf.functionName || '(anonymous)'}${cf.url ? ` :${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return { self, span: (profile.endTime - profile.startTime) / 1000 };
}

/** Parent pid of a process (Linux /proc), or 0. @param {number} pid */
function ppid(pid) {
  try {
    return Number(
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ')[1],
    );
  } catch {
    return 0;
  }
}

/**
 * CPU time and run-queue wait (ms, from /proc/<pid>/task/<tid>/schedstat) of the main thread of
 * every Chromium renderer this process started, by pid: the CPU time is the work itself, the wait
 * is what a loaded machine adds. Empty where /proc has no schedstat.
 * @returns {Map<number, { cpu: number; wait: number }>}
 */
function rendererThreads() {
  const out = new Map();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      let p = pid;
      while (p > 1 && p !== process.pid) p = ppid(p);
      if (p !== process.pid) continue;
      const [cpu, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ').map(Number);
      out.set(pid, { cpu: cpu / 1e6, wait: wait / 1e6 });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/**
 * The peer: DIAG_ROOT's core trainer bundled for the page, training the element's two sessions
 * (the adapter and the full fine-tuning reference, default settings) `STEPS` steps each directly on
 * the main thread — no engine, no slices, no element — in slices of 16 steps, alternating, so the
 * JIT sees what it sees under the element.
 */
async function peerSource() {
  const entry = `import { createSession } from ${JSON.stringify(resolve(ROOT, 'widgets/core/trainer.ts'))};
globalThis.__peer = (steps) => {
  const a = createSession({});
  const b = createSession({ mode: 'full', rank: 1 });
  const t0 = performance.now();
  for (let done = 0; done < steps; done += 16) {
    a.train(Math.min(16, steps - done));
    b.train(Math.min(16, steps - done));
  }
  return { ms: performance.now() - t0, params: a.trainableParams, loss: a.loss, refParams: b.trainableParams };
};`;
  const dir = mkdtempSync(join(tmpdir(), 'lora-peer-'));
  try {
    writeFileSync(join(dir, 'peer.ts'), entry);
    const out = await build({
      configFile: false,
      logLevel: 'silent',
      root: dir,
      build: { write: false, minify: true, lib: { entry: join(dir, 'peer.ts'), formats: ['iife'], name: 'peer' } },
    });
    // One output per format: the iife's.
    const [first] = /** @type {import('vite').Rolldown.RolldownOutput[]} */ (Array.isArray(out) ? out : [out]);
    return first.output[0].code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const server = startServer();
try {
  await listening();
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: BASE_ARGS });
  try {
    /** @type {Map<string, number[]>} */
    const shares = new Map();
    /** @type {number[]} */
    const elementCpu = [];
    /** @type {number[]} */
    const peerCpu = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      await page.addInitScript(instrument);
      await page.goto(`${FOREIGN}/embed.html?tag=lora-trainer&count=1&worker=0`);
      await page.waitForFunction(() => /** @type {any} */ (document.querySelector('lora-trainer'))?.checksumW != null);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await page.locator('#lora-trainer-0').evaluate((el) => /** @type {any} */ (el).reset());
      if (PROFILE) await cdp.send('Profiler.start');
      const before = rendererThreads();
      const r = await page.locator('#lora-trainer-0').evaluate(async (el, steps) => {
        const d = /** @type {any} */ (globalThis).__diag;
        d.on = true;
        const t0 = performance.now();
        await /** @type {any} */ (el).train(steps);
        const ms = performance.now() - t0;
        d.on = false;
        return { ms, ...d, params: /** @type {any} */ (el).trainableParams };
      }, STEPS);
      const after = rendererThreads();
      let thread = { cpu: Number.NaN, wait: Number.NaN };
      for (const [pid, a] of after) {
        const b = before.get(pid);
        if (b && !(a.cpu - b.cpu < thread.cpu)) thread = { cpu: a.cpu - b.cpu, wait: a.wait - b.wait };
      }
      elementCpu.push(thread.cpu);
      const { profile } = PROFILE ? await cdp.send('Profiler.stop') : { profile: null };
      await page.close();
      const { self, span } = profile ? selfTimes(profile) : { self: new Map(), span: Number.NaN };
      const total = [...self.values()].reduce((a, b) => a + b, 0);
      console.log(
        `run ${run + 1}: train(${STEPS}) ${r.ms.toFixed(0)} ms; ${r.yields} yields (queued ${r.queued.toFixed(0)} ms, ` +
          `longest ${r.queuedMax.toFixed(1)} ms), ${r.raf} frames asked, ` +
          `${r.timeouts} timeouts, ${r.steps} lora-step events, ${r.params} trainable; profile ${span.toFixed(0)} ms; ` +
          `renderer main thread: CPU ${thread.cpu.toFixed(0)} ms, waiting for a core ${thread.wait.toFixed(0)} ms`,
      );
      for (const [k, v] of self) {
        const list = shares.get(k) ?? [];
        list[run] = v / total;
        shares.set(k, list);
      }
    }
    const peer = await peerSource();
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage();
      await page.goto(`${SITE}/robots.txt`).catch(() => page.goto('about:blank'));
      await page.evaluate(peer);
      const before = rendererThreads();
      const r = await page.evaluate((steps) => /** @type {any} */ (globalThis).__peer(steps), STEPS);
      const after = rendererThreads();
      let cpu = Number.NaN;
      for (const [pid, a] of after) {
        const b = before.get(pid);
        if (b && !(a.cpu - b.cpu < cpu)) cpu = a.cpu - b.cpu;
      }
      await page.close();
      peerCpu.push(cpu);
      console.log(
        `peer ${run + 1}: ${STEPS} steps of each session on the main thread, no element: ${r.ms.toFixed(0)} ms ` +
          `(renderer main thread CPU ${cpu.toFixed(0)} ms; ${r.params} + ${r.refParams} trainable, loss ${r.loss.toExponential(3)})`,
      );
    }
    const med = (/** @type {number[]} */ xs) => {
      const s = Array.from({ length: RUNS }, (_, i) => xs[i] ?? 0).sort((a, b) => a - b);
      return s[Math.floor(s.length / 2)];
    };
    console.log(
      `renderer main thread CPU, median of ${RUNS}: element ${med(elementCpu).toFixed(0)} ms, peer ` +
        `${med(peerCpu).toFixed(0)} ms, element / peer ${(med(elementCpu) / med(peerCpu)).toFixed(2)}`,
    );
    const rows = [...shares].map(([k, v]) => /** @type {[string, number]} */ ([k, med(v)]));
    rows.sort((a, b) => b[1] - a[1]);
    if (PROFILE) console.log(`self time, share of the profile (median of ${RUNS}):`);
    /** @type {Map<string, number>} */
    const byFile = new Map();
    for (const [k, v] of rows) {
      const file = k.slice(0, k.indexOf('\t'));
      byFile.set(file, (byFile.get(file) ?? 0) + v);
    }
    if (PROFILE)
      console.log(
        'by file: ' +
          [...byFile]
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${(100 * v).toFixed(1)} %`)
            .join(', '),
      );
    for (const [k, v] of PROFILE ? rows.slice(0, TOP) : [])
      console.log(`  ${(100 * v).toFixed(1).padStart(5)} %  ${k.replace('\t', '  ')}`);
  } finally {
    await browser.close();
  }
} finally {
  server.kill();
}
