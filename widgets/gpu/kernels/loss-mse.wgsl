// Mean squared error, its gradient and the loss reduction, in one workgroup:
//   L = (1/count)·Σ_t (ŷ_t − y_t)²,   G_t = ∂L/∂ŷ_t = 2·(ŷ_t − y_t)/count,   losses[step] = L
//
// Bindings: @group(0) @binding(0) P   @binding(1) pred (read)   @binding(2) tgt = targets (read)
//           @binding(3) G (read_write)   @binding(4) losses: array<f32> (read_write; one per step)
//           @group(1) @binding(0) S: the step within the chunk (uniform, dynamic offset)
// One workgroup of 256 threads: thread l handles t = l, l + 256, …, writes G_t and keeps a
// partial sum; a tree reduction in workgroup memory sums the 256 partials; thread 0 writes L.
// Dispatch (1, 1, 1). CPU twin: mseLoss in widgets/core/loss.ts.
struct P { count: u32, inv: f32, pad0: u32, pad1: u32 }
struct S { step: u32 }

const WG: u32 = 256u;

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> tgt: array<f32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;
@group(1) @binding(0) var<uniform> s: S;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  let l = lid.x;
  var sum = 0.0;
  for (var t = l; t < p.count; t += WG) {
    let e = pred[t] - tgt[t];
    sum += e * e;
    G[t] = 2.0 * e * p.inv;
  }
  part[l] = sum;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (l < stride) {
      part[l] += part[l + stride];
    }
    workgroupBarrier();
  }
  if (l == 0u) {
    losses[s.step] = part[0] * p.inv;
  }
}
