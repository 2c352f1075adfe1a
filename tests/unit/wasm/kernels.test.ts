/**
 * The WebAssembly SIMD kernels (widgets/wasm) against the float64 reference and the plain-JS
 * kernels: the same tolerance to the reference as the JS ones, and bit-identical to them; the
 * session trained on them gives the JS curve. Node 24 runs WebAssembly SIMD; the module is
 * assembled from kernels.wat by the build's own function.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleKernels } from '../../../scripts/build-wasm.mjs';
import { JS_KERNELS, type CpuKernels } from '../../../widgets/core/cpu-kernels.ts';
import { zeros, type FloatArray, type Matrix } from '../../../widgets/core/matrix.ts';
import { createRng, fillNormal } from '../../../widgets/core/rng.ts';
import { createSession } from '../../../widgets/core/trainer.ts';
import { wasmKernels } from '../../../widgets/wasm/cpu-kernels.ts';
import { loadCpuKernels } from '../../../widgets/wasm/load.ts';
import { bitwiseEqual, relError } from '../core/helpers.ts';

let bytes: Uint8Array<ArrayBuffer>;
let wasm: CpuKernels;
beforeAll(async () => {
  bytes = new Uint8Array(await assembleKernels());
  wasm = wasmKernels(await WebAssembly.compile(bytes));
});

function rand(rows: number, cols: number, seed: number): Matrix {
  const m = zeros(rows, cols);
  fillNormal(createRng(seed), m.data);
  return m;
}

type Op = 'matmul' | 'matmulTA' | 'matmulTB';

/** op(A)·op(B) in float64 from the float32 operands, entry by entry. */
function reference(op: Op, a: Matrix, b: Matrix): Float64Array {
  const M = op === 'matmulTA' ? a.cols : a.rows;
  const K = op === 'matmulTA' ? a.rows : a.cols;
  const N = op === 'matmulTB' ? b.rows : b.cols;
  const at = (i: number, p: number) => (op === 'matmulTA' ? a.data[p * M + i] : a.data[i * K + p]);
  const bt = (p: number, j: number) => (op === 'matmulTB' ? b.data[j * K + p] : b.data[p * N + j]);
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += at(i, p) * bt(p, j);
      out[i * N + j] = s;
    }
  return out;
}

/** Operands of op with op(A) M×K and op(B) K×N. */
function operands(op: Op, M: number, K: number, N: number, seed: number): [Matrix, Matrix] {
  const a = op === 'matmulTA' ? rand(K, M, seed) : rand(M, K, seed);
  const b = op === 'matmulTB' ? rand(N, K, seed + 1) : rand(K, N, seed + 1);
  return [a, b];
}

// Shapes: the bench's (n = 32, d = 64 and 256, r = 8), and odd ones that exercise every tail
// (rows mod 4, columns mod 4) and the smallest products that still run in WebAssembly.
const SHAPES: [number, number, number][] = [
  [32, 64, 64],
  [32, 256, 256],
  [32, 256, 8],
  [32, 8, 256],
  [8, 32, 256],
  [33, 65, 67],
  [7, 13, 29],
  [5, 64, 3],
  [3, 200, 5],
  [1, 2048, 1],
];

describe('WebAssembly SIMD kernels', () => {
  for (const op of ['matmul', 'matmulTA', 'matmulTB'] as const) {
    it(`${op}: as close to the float64 reference as the JS kernel, and bit-identical to it`, () => {
      SHAPES.forEach(([M, K, N], s) => {
        const [a, b] = operands(op, M, K, N, 10 + s);
        const ref = reference(op, a, b);
        const w = wasm[op](a, b);
        const j = JS_KERNELS[op](a, b);
        expect([w.rows, w.cols]).toEqual([M, N]);
        expect(w.data).toBeInstanceOf(Float32Array);
        // float64 sums rounded once: within half an ulp of float32 of the reference
        expect(relError(w.data, ref)).toBeLessThan(1e-7);
        expect(bitwiseEqual(w.data, j.data), `${op} ${M}×${K}×${N}`).toBe(true);
      });
    });

    it(`${op}: α and accumulate into dst, exactly as the JS kernel`, () => {
      SHAPES.forEach(([M, K, N], s) => {
        const [a, b] = operands(op, M, K, N, 40 + s);
        const start = rand(M, N, 90 + s);
        const w = rand(M, N, 90 + s);
        const j = rand(M, N, 90 + s);
        wasm[op](a, b, w, { alpha: -0.375, accumulate: true });
        JS_KERNELS[op](a, b, j, { alpha: -0.375, accumulate: true });
        expect(bitwiseEqual(w.data, j.data), `${op} ${M}×${K}×${N}`).toBe(true);
        const ref = reference(op, a, b).map((x, i) => start.data[i] - 0.375 * x);
        expect(relError(w.data, ref)).toBeLessThan(1e-7);
        // and without accumulate, dst's old contents do not leak in
        const fresh = rand(M, N, 7);
        wasm[op](a, b, fresh, { alpha: 2 });
        expect(bitwiseEqual(fresh.data, JS_KERNELS[op](a, b, undefined, { alpha: 2 }).data)).toBe(true);
      });
    });
  }

  it('rejects bad shapes and aliasing with the JS kernels’ errors; float64 operands run in JS', () => {
    const a = rand(32, 64, 1);
    expect(() => wasm.matmul(a, rand(32, 64, 2))).toThrow(/do not chain/);
    expect(() => wasm.matmulTB(a, rand(64, 32, 2))).toThrow(/do not chain/);
    expect(() => wasm.matmulTA(a, rand(64, 64, 2))).toThrow(/do not chain/);
    expect(() => wasm.matmul(a, rand(64, 64, 2), zeros(31, 64))).toThrow(/expected 32×64/);
    const sq = rand(64, 64, 3);
    expect(() => wasm.matmul(sq, rand(64, 64, 4), sq)).toThrow(/alias/);
    const a64: Matrix<FloatArray> = { rows: 4, cols: 600, data: Float64Array.from(rand(4, 600, 5).data) };
    const b64: Matrix<FloatArray> = { rows: 600, cols: 4, data: Float64Array.from(rand(600, 4, 6).data) };
    const out = wasm.matmul(a64, b64);
    expect(out.data).toBeInstanceOf(Float64Array);
    expect(Array.from(out.data)).toEqual(Array.from(JS_KERNELS.matmul(a64, b64).data));
  });

  it('grows its memory for large products and keeps working after', () => {
    const big = operands('matmulTB', 64, 700, 600, 3);
    expect(bitwiseEqual(wasm.matmulTB(...big).data, JS_KERNELS.matmulTB(...big).data)).toBe(true);
    const small = operands('matmul', 32, 64, 64, 4);
    expect(bitwiseEqual(wasm.matmul(...small).data, JS_KERNELS.matmul(...small).data)).toBe(true);
  });

  it('a session on the WebAssembly kernels gives the JS curve (50 steps), dropout and full fine-tuning too', () => {
    const configs = [
      { seed: 3 },
      { seed: 5, scenario: 'classify-2d', dropout: 0.1, rank: 2 },
      { seed: 7, mode: 'full' },
    ] as const;
    for (const config of configs) {
      const js = createSession(config).train(50).losses;
      const w = createSession(config, wasm).train(50).losses;
      for (let i = 0; i < 50; i++) expect(Math.abs(w[i] - js[i])).toBeLessThanOrEqual(1e-5 * Math.abs(js[i]));
      expect(bitwiseEqual(w, js)).toBe(true);
    }
  });

  it('the loader: JS kernels with the reason when the file cannot be fetched; WebAssembly when it can', async () => {
    const missing = await loadCpuKernels('http://127.0.0.1:9/kernels.wasm');
    expect(missing.kernels).toBe(JS_KERNELS);
    expect(missing.note).toMatch(/^JavaScript kernels \(the WebAssembly kernels did not load: /);
    expect((await loadCpuKernels(undefined)).note).toBe('JavaScript kernels (no WebAssembly kernels were offered)');
    const url = `data:application/wasm;base64,${Buffer.from(bytes).toString('base64')}`;
    const loaded = await loadCpuKernels(url);
    expect(loaded.note).toBe('WebAssembly SIMD kernels');
    expect(loaded.kernels.kind).toBe('wasm');
  });
});
