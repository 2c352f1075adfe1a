// Bias: Z[i, j] += b[j] for Z (rows×d, row-major).
//
// Bindings: @group(0) @binding(0) P   @binding(1) b (read)   @binding(2) Z (read_write)
// Workgroup size 64, 1-D: thread t updates Z[t], t < rows·d. Dispatch ⌈rows·d/64⌉.
// CPU twin: the bias loop of linearForward (widgets/core/lora.ts).
struct P { count: u32, d: u32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> Z: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t < p.count) {
    Z[t] += b[t % p.d];
  }
}
