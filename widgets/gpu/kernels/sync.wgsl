// Last-good copies, as the guard decided this step: restore (params, m, v ← their good copies)
// or keep (good copies ← params, m, v), or nothing.
//
// Bindings: @group(0) @binding(0) P   @binding(1) g: Guard (read)
//           @binding(2) params (read_write, count floats)   @binding(3) opt (read_write: m then v)
//           @binding(4) good (read_write: params, m, v; 3·count floats)
// Workgroup size 64, 1-D: thread t handles entry t of every tensor, t < count.
// Dispatch ⌈count/64⌉. CPU twin: keepGood / restoreGood in widgets/core/trainer.ts.
struct P { count: u32, pad0: u32, pad1: u32, pad2: u32 }
struct Guard {
  lr: f32, best: f32, first: f32, mean: f32,
  t: u32, goodT: u32, accept: u32, keep: u32,
  restore: u32, bc1: f32, bc2: f32, pad0: u32,
  pad1: u32, pad2: u32, pad3: u32, pad4: u32,
}

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> g: Guard;
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
@group(0) @binding(3) var<storage, read_write> opt: array<f32>;
@group(0) @binding(4) var<storage, read_write> good: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  let n = p.count;
  if (t >= n) {
    return;
  }
  if (g.restore == 1u) {
    params[t] = good[t];
    opt[t] = good[n + t];
    opt[n + t] = good[2u * n + t];
  } else if (g.keep == 1u) {
    good[t] = params[t];
    good[n + t] = opt[t];
    good[2u * n + t] = opt[n + t];
  }
}
