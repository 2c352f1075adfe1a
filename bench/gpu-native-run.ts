/**
 * The GPU bench's measurements (bench/gpu-native.bench.mjs loads this through Vite, for the
 * `?raw` kernel imports, and hands it a WebGPU from the `webgpu` package: Dawn for Node).
 * The same .wgsl kernels and the same training step as the browser (widgets/gpu):
 *   - matmul.wgsl (tiled) and matmul-naive.wgsl on square n×n·n×n products, n = 256 … 4096:
 *     GFLOP/s (2n³ per product, many products per submit, timed to onSubmittedWorkDone), checked
 *     against the core's product on the smallest size;
 *   - the LoRA training step (two d×d layers with rank-8 adapters, batch 32, MSE, Adam: the
 *     browser bench's model, bench/lib/lora-bench-model.ts) at d = 256, 512, 1024 on the GPU (GpuStepper, 20 steps per submit)
 *     and on the CPU path (the core with the WebAssembly SIMD kernels, one thread);
 *   - per training step after warm-up: buffers and bind groups created, submits, writeBuffers and
 *     maps (readbacks), counted by wrapping the WebGPU prototypes.
 */
import { JS_KERNELS, type CpuKernels } from '../widgets/core/cpu-kernels.ts';
import { matmul, zeros, type Matrix } from '../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../widgets/core/rng.ts';
import { KERNELS, TILE } from '../widgets/gpu/kernels.ts';
import { CHUNK, cpuStep, gpuTrainer } from './lib/lora-bench-model.ts';

/** fp32 peaks (TFLOP/s, dense, no tensor cores) by adapter name: vendors' data sheets. */
const PEAKS: readonly (readonly [RegExp, string, number])[] = [
  [/H200/i, 'NVIDIA H200 SXM', 66.9],
  [/H100.*PCIe/i, 'NVIDIA H100 PCIe', 51.2],
  [/H100/i, 'NVIDIA H100 SXM', 66.9],
  [/A100/i, 'NVIDIA A100', 19.5],
  [/L40S/i, 'NVIDIA L40S', 91.6],
  [/\bL4\b/i, 'NVIDIA L4', 30.3],
  [/A10G/i, 'NVIDIA A10G', 31.2],
  [/\bT4\b/i, 'NVIDIA T4', 8.1],
  [/V100/i, 'NVIDIA V100 SXM2', 15.7],
  [/RTX 4090/i, 'NVIDIA RTX 4090', 82.6],
  [/RTX 3090/i, 'NVIDIA RTX 3090', 35.6],
  [/MI300X/i, 'AMD MI300X', 163.4],
  [/Apple M2/i, 'Apple M2 (10-core GPU)', 3.6],
  [/Apple M1/i, 'Apple M1 (8-core GPU)', 2.6],
];

export interface GpuBenchOptions {
  /** A software adapter (SwiftShader): n ≤ 256, d ≤ 512 and one chunk, to stay under 5 minutes. */
  readonly software: boolean;
  /** The WebAssembly kernels for the CPU path (JS when null). */
  readonly cpuKernels: CpuKernels | null;
  readonly log: (line: string) => void;
}

export interface GpuBenchResult {
  readonly adapter: string;
  readonly peak: { readonly name: string; readonly tflops: number } | null;
  readonly matmul: { n: number; tiled: number; naive: number; maxErr: number | null }[];
  readonly steps: { d: number; gpu: number; cpu: number }[];
  readonly perStep: Record<string, number>;
}

/** "vendor architecture device description", whatever the adapter fills in. */
function adapterName(a: GPUAdapter): string {
  const i = a.info;
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unnamed adapter';
}

/** Seconds since t0 (ms). */
const since = (t0: number): number => (performance.now() - t0) / 1000;

function matmulRunner(device: GPUDevice, kernel: 'matmul' | 'matmulNaive', n: number) {
  const spec = KERNELS[kernel];
  const module = device.createShaderModule({ code: spec.source, label: kernel });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const words = n * n;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const [A, B, C] = ['A', 'B', 'C'].map((label) => device.createBuffer({ label, size: words * 4, usage: storage }));
  const P = new ArrayBuffer(spec.fields.length * 4);
  const u = new Uint32Array(P);
  const f = new Float32Array(P);
  // M N K offA sAi sAp offB sBp sBj offC alpha beta: C ← A·B, row-major n×n
  u.set([n, n, n, 0, n, 1, 0, n, 1, 0]);
  f[10] = 1;
  f[11] = 0;
  const uniform = device.createBuffer({ size: P.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, P);
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniform, A, B, C].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const groups = [Math.ceil(n / TILE), Math.ceil(n / TILE)] as const;
  return {
    A,
    B,
    C,
    /** Runs `count` products in one submit and waits for the GPU. */
    async run(count: number): Promise<void> {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      for (let i = 0; i < count; i++) pass.dispatchWorkgroups(groups[0], groups[1], 1);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
    },
    destroy(): void {
      for (const b of [A, B, C, uniform]) b.destroy();
    },
  };
}

async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<Float32Array> {
  const tmp = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, tmp, 0, bytes);
  device.queue.submit([enc.finish()]);
  await tmp.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(tmp.getMappedRange().slice(0));
  tmp.destroy();
  return out;
}

/** GFLOP/s of one kernel at size n: products batched per submit until a run takes ≥ `seconds`. */
async function matmulRate(
  device: GPUDevice,
  kernel: 'matmul' | 'matmulNaive',
  n: number,
  seconds: number,
  check: Matrix | null,
): Promise<{ gflops: number; maxErr: number | null }> {
  const m = matmulRunner(device, kernel, n);
  try {
    const rng = createRng(n);
    const a = zeros(n, n);
    const b = zeros(n, n);
    fillNormal(rng, a.data);
    fillNormal(rng, b.data);
    device.queue.writeBuffer(m.A, 0, a.data);
    device.queue.writeBuffer(m.B, 0, b.data);
    await m.run(1); // compile and warm up
    let maxErr: number | null = null;
    if (check) {
      const got = await readBuffer(device, m.C, n * n * 4);
      const want = matmul(a, b, check);
      maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want.data[i]));
    }
    let count = 1;
    for (;;) {
      const t0 = performance.now();
      await m.run(count);
      const s = since(t0);
      if (s >= seconds || count >= 4096) return { gflops: (2 * n ** 3 * count) / s / 1e9, maxErr };
      count = Math.min(4096, Math.max(count * 2, Math.ceil((count * seconds * 1.2) / Math.max(s, 1e-4))));
    }
  } finally {
    m.destroy();
  }
}

/** Steps/s of the CPU path (the core's step on `kernels`, bench/lib/lora-bench-model.ts) over ≥ `seconds`. */
function cpuRate(d: number, kernels: CpuKernels, seconds: number): number {
  const step = cpuStep(d, kernels);
  step();
  let n = 0;
  const t0 = performance.now();
  while (since(t0) < seconds || n < 3) {
    step();
    n++;
  }
  return n / since(t0);
}

type Counter = 'createBuffer' | 'createBindGroup' | 'submit' | 'writeBuffer' | 'mapAsync';

/** Counts calls of the WebGPU methods a step could make (prototype wrappers, removed by `restore`). */
function instrument(): { counts: Record<Counter, number>; restore: () => void } {
  const counts: Record<Counter, number> = {
    createBuffer: 0,
    createBindGroup: 0,
    submit: 0,
    writeBuffer: 0,
    mapAsync: 0,
  };
  const undo: (() => void)[] = [];
  const wrap = (proto: object, name: Counter): void => {
    const desc = Object.getOwnPropertyDescriptor(proto, name)!;
    const orig = desc.value as (...args: unknown[]) => unknown;
    Object.defineProperty(proto, name, {
      ...desc,
      value: function (this: unknown, ...args: unknown[]) {
        counts[name] += 1;
        return orig.apply(this, args);
      },
    });
    undo.push(() => Object.defineProperty(proto, name, desc));
  };
  wrap(GPUDevice.prototype, 'createBuffer');
  wrap(GPUDevice.prototype, 'createBindGroup');
  wrap(GPUQueue.prototype, 'submit');
  wrap(GPUQueue.prototype, 'writeBuffer');
  wrap(GPUBuffer.prototype, 'mapAsync');
  return { counts, restore: () => undo.forEach((f) => f()) };
}

export async function runGpuBench(gpu: GPU, o: GpuBenchOptions): Promise<GpuBenchResult> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter');
  const name = adapterName(adapter);
  const found = PEAKS.find(([re]) => re.test(name));
  const peak = found ? { name: found[1], tflops: found[2] } : null;
  o.log(`adapter: ${name}${adapter.info.isFallbackAdapter ? ' (fallback)' : ''}`);
  o.log(peak ? `fp32 peak used: ${peak.name}, ${peak.tflops} TFLOP/s` : 'fp32 peak: not in the table (no % of peak)');
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const errors: string[] = [];
  device.addEventListener('uncapturederror', (e) => errors.push((e as GPUUncapturedErrorEvent).error.message));
  try {
    const sizes = o.software ? [128, 256] : [256, 512, 1024, 2048, 4096];
    const seconds = o.software ? 0.3 : 0.5;
    const mm: GpuBenchResult['matmul'] = [];
    for (const n of sizes) {
      const check = n === sizes[0] ? zeros(n, n) : null;
      const tiled = await matmulRate(device, 'matmul', n, seconds, check);
      const naive = await matmulRate(device, 'matmulNaive', n, seconds, null);
      mm.push({ n, tiled: tiled.gflops, naive: naive.gflops, maxErr: tiled.maxErr });
      o.log(`matmul n=${n}: tiled ${tiled.gflops.toFixed(1)} GFLOP/s, naive ${naive.gflops.toFixed(1)} GFLOP/s`);
    }
    const steps: GpuBenchResult['steps'] = [];
    let perStep: Record<string, number> = {};
    for (const d of o.software ? [256, 512] : [256, 512, 1024]) {
      const t = await gpuTrainer(device, d, 'tiled');
      /** Trains `chunks` chunks of CHUNK steps; the last chunk's losses. */
      const train = async (chunks: number): Promise<Float32Array> => {
        let f: Float32Array = new Float32Array(0);
        for (let c = 0; c < chunks; c++) f = await t.chunk(CHUNK);
        return f;
      };
      try {
        await train(1);
        const chunks = o.software ? 1 : 10;
        const probe = d === 256 ? instrument() : null;
        const t0 = performance.now();
        const losses = await train(chunks);
        const gpuRate = (chunks * CHUNK) / since(t0);
        if (probe) {
          probe.restore();
          perStep = Object.fromEntries(Object.entries(probe.counts).map(([k, v]) => [k, v / (chunks * CHUNK)]));
        }
        if (!losses.every(Number.isFinite)) throw new Error(`d=${d}: the GPU step gave non-finite losses`);
        const cpu = cpuRate(d, o.cpuKernels ?? JS_KERNELS, o.software ? 1 : 2);
        steps.push({ d, gpu: gpuRate, cpu });
        o.log(`training step d=${d}: GPU ${gpuRate.toFixed(1)} steps/s, CPU ${cpu.toFixed(1)} steps/s`);
      } finally {
        t.destroy();
      }
    }
    if (errors.length) throw new Error(`WebGPU errors: ${errors.join('; ')}`);
    return { adapter: name, peak, matmul: mm, steps, perStep };
  } finally {
    device.destroy();
  }
}
