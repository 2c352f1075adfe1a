// Tiled matrix product with workgroup memory:  C ← alpha·op(A)·op(B) + beta·C
//
// Bindings: @group(0) @binding(0) P (uniform, below)
//           @binding(1) A: array<f32> (read)  @binding(2) B: array<f32> (read)
//           @binding(3) C: array<f32> (read_write)
// Operands are read through offsets and strides, so one kernel does A·B, Aᵀ·B and A·Bᵀ:
//   op(A)[i, p] = A[offA + i·sAi + p·sAp]   (M×K)     A·… : sAi = K, sAp = 1;  Aᵀ·… : sAi = 1, sAp = M
//   op(B)[p, j] = B[offB + p·sBp + j·sBj]   (K×N)     …·B : sBp = N, sBj = 1;  …·Bᵀ : sBp = 1, sBj = K
//   C[i, j]     = C[offC + i·N + j]         (M×N, row-major)
// Workgroup size 16×16 (TILE). Workgroup (wx, wy) computes the 16×16 block of C at rows
// wy·16…, columns wx·16…; thread (lx, ly) computes C[wy·16 + ly, wx·16 + lx]. Dispatch
// (⌈N/16⌉, ⌈M/16⌉, 1). For each 16-wide slice of p, the workgroup stages a 16×16 tile of op(A)
// and of op(B) in workgroup memory (zeros outside the matrices), then every thread accumulates
// 16 products from there: each global value is read once per workgroup instead of 16 times.
// CPU twin: widgets/core/matrix.ts matmul / matmulTA / matmulTB (which accumulate in float64).
struct P {
  M: u32, N: u32, K: u32,
  offA: u32, sAi: u32, sAp: u32,
  offB: u32, sBp: u32, sBj: u32,
  offC: u32, alpha: f32, beta: f32,
}

const TILE: u32 = 16u;

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

var<workgroup> tileA: array<array<f32, 16>, 16>;
var<workgroup> tileB: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * TILE + lid.y;
  let col = wg.x * TILE + lid.x;
  var acc = 0.0;
  let tiles = (p.K + TILE - 1u) / TILE;
  for (var t = 0u; t < tiles; t++) {
    let ka = t * TILE + lid.x;
    var a = 0.0;
    if (row < p.M && ka < p.K) {
      a = A[p.offA + row * p.sAi + ka * p.sAp];
    }
    tileA[lid.y][lid.x] = a;
    let kb = t * TILE + lid.y;
    var b = 0.0;
    if (kb < p.K && col < p.N) {
      b = B[p.offB + kb * p.sBp + col * p.sBj];
    }
    tileB[lid.y][lid.x] = b;
    workgroupBarrier();
    for (var q = 0u; q < TILE; q++) {
      acc += tileA[lid.y][q] * tileB[q][lid.x];
    }
    workgroupBarrier();
  }
  if (row < p.M && col < p.N) {
    let i = p.offC + row * p.N + col;
    var c = p.alpha * acc;
    if (p.beta != 0.0) {
      c += p.beta * C[i];
    }
    C[i] = c;
  }
}
