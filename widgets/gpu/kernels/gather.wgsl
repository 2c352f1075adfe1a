// Batch gather: the rows of this step's batch from the training pool (uploaded once).
//   X[b, j] = poolX[rows[step·n + b], j]   (n×kIn)      Y[b, j] = poolY[rows[step·n + b], j]   (n×m)
//
// Bindings: @group(0) @binding(0) P   @binding(1) rows: array<u32> (read; the chunk's upload)
//           @binding(2) poolX (read)  @binding(3) poolY (read)
//           @binding(4) X (read_write) @binding(5) Y (read_write)
//           @group(1) @binding(0) S: the step within the chunk (uniform, dynamic offset)
// Workgroup size 64, 1-D: thread t < n·kIn writes X[t]; thread n·kIn + t' writes Y[t'].
// Dispatch ⌈n·(kIn + m)/64⌉. CPU twin: gatherRows in widgets/core/trainer.ts.
struct P { n: u32, kIn: u32, m: u32, pad: u32 }
struct S { step: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> rows: array<u32>;
@group(0) @binding(2) var<storage, read> poolX: array<f32>;
@group(0) @binding(3) var<storage, read> poolY: array<f32>;
@group(0) @binding(4) var<storage, read_write> X: array<f32>;
@group(0) @binding(5) var<storage, read_write> Y: array<f32>;
@group(1) @binding(0) var<uniform> s: S;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  let nx = p.n * p.kIn;
  if (t < nx) {
    let b = t / p.kIn;
    let j = t % p.kIn;
    X[t] = poolX[rows[s.step * p.n + b] * p.kIn + j];
  } else if (t < nx + p.n * p.m) {
    let u = t - nx;
    let b = u / p.m;
    let j = u % p.m;
    Y[u] = poolY[rows[s.step * p.n + b] * p.m + j];
  }
}
