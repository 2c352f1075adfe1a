// Naive matrix product (the benchmark's baseline for matmul.wgsl): C ← alpha·op(A)·op(B) + beta·C
//
// Same bindings, parameters, strides and dispatch as matmul.wgsl (see there). Workgroup size
// 16×16; thread (x, y) of the grid computes C[y, x] straight from global memory, K reads of A
// and K reads of B per output, no workgroup memory.
struct P {
  M: u32, N: u32, K: u32,
  offA: u32, sAi: u32, sAp: u32,
  offB: u32, sBp: u32, sBj: u32,
  offC: u32, alpha: f32, beta: f32,
}

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let row = g.y;
  let col = g.x;
  if (row >= p.M || col >= p.N) {
    return;
  }
  var acc = 0.0;
  for (var q = 0u; q < p.K; q++) {
    acc += A[p.offA + row * p.sAi + q * p.sAp] * B[p.offB + q * p.sBp + col * p.sBj];
  }
  let i = p.offC + row * p.N + col;
  var c = p.alpha * acc;
  if (p.beta != 0.0) {
    c += p.beta * C[i];
  }
  C[i] = c;
}
