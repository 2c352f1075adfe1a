// tanh activation, forward in place: Z[t] ← tanh(Z[t]).
//
// Bindings: @group(0) @binding(0) P   @binding(1) Z (read_write)
// Workgroup size 64, 1-D: thread t updates Z[t], t < count. Dispatch ⌈count/64⌉.
// |z| is clamped to 15 first (tanh(15) rounds to 1 in f32): some implementations compute tanh as
// sinh/cosh and overflow to NaN for large |z|.
// CPU twin: forward in widgets/core/mlp.ts (Math.tanh).
struct P { count: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> Z: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t < p.count) {
    Z[t] = tanh(clamp(Z[t], -15.0, 15.0));
  }
}
