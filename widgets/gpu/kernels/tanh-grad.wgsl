// tanh backward, in place: G[t] ← G[t]·(1 − a[t]²), with a = tanh(z) the stored activation.
//
// Bindings: @group(0) @binding(0) P   @binding(1) a (read)   @binding(2) G (read_write)
// Workgroup size 64, 1-D: thread t updates G[t], t < count. Dispatch ⌈count/64⌉.
// CPU twin: backward in widgets/core/mlp.ts.
struct P { count: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t < p.count) {
    let y = a[t];
    G[t] = G[t] * (1.0 - y * y);
  }
}
