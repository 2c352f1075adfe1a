// Optimiser step over every trainable float (one flat buffer), skipped when the guard rolled
// this step back. Adam (bias-corrected, PyTorch's form; bc1 = 1 − β₁ᵗ, bc2 = 1 − β₂ᵗ from the
// guard):  m ← β₁·m + (1−β₁)·g,  v ← β₂·v + (1−β₂)·g²,  θ ← θ − lr·(m/bc1)/(√(v/bc2) + ε);
// or SGD: θ ← θ − lr·g.
//
// Bindings: @group(0) @binding(0) P   @binding(1) g: Guard (read)   @binding(2) params (read_write)
//           @binding(3) grads (read)   @binding(4) opt (read_write: m then v, count each)
// Workgroup size 64, 1-D: thread t updates entry t, t < count. Dispatch ⌈count/64⌉.
// CPU twin: adamUpdate / sgdUpdate in widgets/core/optim.ts.
struct P {
  count: u32, sgd: u32, beta1: f32, beta2: f32,
  oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, pad: u32,
}
struct Guard {
  lr: f32, best: f32, first: f32, mean: f32,
  t: u32, goodT: u32, accept: u32, keep: u32,
  restore: u32, bc1: f32, bc2: f32, pad0: u32,
  pad1: u32, pad2: u32, pad3: u32, pad4: u32,
}

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> g: Guard;
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> opt: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= p.count || g.accept == 0u) {
    return;
  }
  let gr = grads[t];
  if (p.sgd == 1u) {
    params[t] -= g.lr * gr;
    return;
  }
  let m = p.beta1 * opt[t] + p.oneMinusBeta1 * gr;
  let v = p.beta2 * opt[p.count + t] + p.oneMinusBeta2 * gr * gr;
  opt[t] = m;
  opt[p.count + t] = v;
  params[t] -= (g.lr * (m / g.bc1)) / (sqrt(v / g.bc2) + p.eps);
}
