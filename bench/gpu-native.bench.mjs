// Benchmark (not a test): the WebGPU kernels and training step on a real GPU, outside a browser.
//   npm run bench:gpu        (no build needed; writes bench-results/gpu-native.md)
// Runs bench/gpu-native-run.ts (what it measures is written there) through Vite, for the kernels'
// `?raw` imports, on the `webgpu` package (Dawn for Node, prebuilt inside the npm package).
// Dawn needs a Vulkan loader on Linux: with no adapter and no libvulkan on the system, the bench
// starts itself again on the Vulkan loader and SwiftShader that Chromium ships (a CPU: a test of
// the script, not GPU figures), and says so. Finishes in well under 5 minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '../scripts/lib/chromium.mjs';
import { assembleKernels } from '../scripts/build-wasm.mjs';
import { report, settle } from './load.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(root, 'bench-results/gpu-native.md');
const t0 = performance.now();
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);

const software = process.env.MARGINALIA_GPU_SWIFTSHADER === '1';
if (!(await gpu.requestAdapter())) {
  // Chromium's own folder (Debian's /usr/bin/chromium is a script that starts /usr/lib/chromium/chromium).
  const c = chromiumPath();
  const dir = [c && dirname(readlinkSafe(c)), '/usr/lib/chromium'].find(
    (d) => d && existsSync(join(d, 'vk_swiftshader_icd.json')) && existsSync(join(d, 'libvulkan.so.1')),
  );
  const icd = dir && join(dir, 'vk_swiftshader_icd.json');
  if (!software && dir && icd) {
    console.log(`no WebGPU adapter (no Vulkan on this system): running again on Chromium's SwiftShader (${dir})`);
    const r = spawnSync(process.execPath, process.argv.slice(1), {
      stdio: 'inherit',
      env: {
        ...process.env,
        MARGINALIA_GPU_SWIFTSHADER: '1',
        LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        VK_ICD_FILENAMES: icd,
      },
    });
    process.exit(r.status ?? 1);
  }
  console.log('no WebGPU adapter here (Dawn found no Vulkan/Metal/D3D12 device): nothing to measure');
  process.exit(software ? 1 : 0);
}

/** The real path of a file (Chromium's launcher is often a symlink). @param {string} p */
function readlinkSafe(p) {
  const r = spawnSync('readlink', ['-f', p], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : p;
}

// The GPU figures hardly depend on the CPU's load; the CPU column does: printed, not waited for.
const loadBefore = await settle({ wait: false });
const { createServer } = await import('vite');
const vite = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, watch: null },
});
try {
  const { runGpuBench } = await vite.ssrLoadModule('/bench/gpu-native-run.ts');
  const { wasmKernels } = await vite.ssrLoadModule('/widgets/wasm/cpu-kernels.ts');
  const cpuKernels = wasmKernels(await WebAssembly.compile(new Uint8Array(await assembleKernels())));
  const r = await runGpuBench(gpu, { software, cpuKernels, log: (/** @type {string} */ l) => console.log(l) });
  const { busy, after } = report(loadBefore);
  const f = (/** @type {number} */ x, digits = 1) => x.toFixed(digits);
  const lines = [
    `# GPU bench (bench/gpu-native.bench.mjs), ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Adapter: ${r.adapter}${software ? " — Chromium's SwiftShader, a CPU: these are not GPU figures" : ''}`,
    r.peak ? `fp32 peak used: ${r.peak.name}, ${r.peak.tflops} TFLOP/s (data sheet)` : 'fp32 peak: not in the table',
    `Load average: ${f(loadBefore, 2)} before, ${f(after, 2)} after${busy ? ' (taken under load)' : ''}`,
    '',
    '| n (n×n·n×n) | tiled GFLOP/s | % of peak | naive GFLOP/s | tiled / naive |',
    '|---|---|---|---|---|',
    ...r.matmul.map(
      (m) =>
        `| ${m.n} | ${f(m.tiled)} | ${r.peak ? f((100 * m.tiled) / (r.peak.tflops * 1000), 2) : '–'} | ${f(m.naive)} | ${f(m.tiled / m.naive, 2)}× |`,
    ),
    '',
    `Tiled matmul at n = ${r.matmul[0].n} against the core's product: max |difference| ${r.matmul[0].maxErr?.toExponential(2)}.`,
    '',
    '| d (LoRA step, batch 32, r 8) | GPU steps/s | CPU steps/s (WebAssembly SIMD, 1 thread) | GPU / CPU |',
    '|---|---|---|---|',
    ...r.steps.map((s) => `| ${s.d} | ${f(s.gpu)} | ${f(s.cpu)} | ${f(s.gpu / s.cpu, 2)}× |`),
    '',
    `Per training step at d = 256 (after warm-up; 20 steps per submit): ${Object.entries(r.perStep)
      .map(([k, v]) => `${k} ${f(v, 2)}`)
      .join(', ')}.`,
    '',
    `Took ${f((performance.now() - t0) / 1000)} s.`,
  ];
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, lines.join('\n') + '\n');
  console.log(`\n${lines.join('\n')}\n\nwritten to ${OUT.slice(root.length + 1)}`);
  if (software) console.log('(read back the table on a machine with a GPU for the README)');
} finally {
  await vite.close();
}
