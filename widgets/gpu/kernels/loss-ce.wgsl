// Softmax cross-entropy over n rows of m logits, gradient and loss reduction, in one workgroup:
//   μᵢ = max_c zᵢc,  lseᵢ = μᵢ + log Σ_c exp(zᵢc − μᵢ),  L = −(1/n)·Σᵢ Σ_c yᵢc·(zᵢc − lseᵢ)
//   G_ic = (exp(zᵢc − lseᵢ)·Σ_c′ yᵢc′ − yᵢc)/n,   losses[step] = L
//
// Bindings: @group(0) @binding(0) P   @binding(1) pred = logits (read)   @binding(2) tgt = targets (read)
//           @binding(3) G (read_write)   @binding(4) losses: array<f32> (read_write; one per step)
//           @group(1) @binding(0) S: the step within the chunk (uniform, dynamic offset)
// One workgroup of 256 threads: thread l handles rows i = l, l + 256, … (the whole row: max,
// log-sum-exp, gradient, its loss term); a tree reduction sums the 256 partial losses; thread 0
// writes L. Dispatch (1, 1, 1). CPU twin: softmaxCrossEntropy in widgets/core/loss.ts.
struct P { n: u32, m: u32, pad0: u32, pad1: u32 }
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
  let n = f32(p.n);
  var total = 0.0;
  for (var i = l; i < p.n; i += WG) {
    let o = i * p.m;
    var mu = pred[o];
    for (var c = 1u; c < p.m; c++) {
      mu = max(mu, pred[o + c]);
    }
    var se = 0.0;
    for (var c = 0u; c < p.m; c++) {
      se += exp(pred[o + c] - mu);
    }
    let lse = mu + log(se);
    var ysum = 0.0;
    for (var c = 0u; c < p.m; c++) {
      let y = tgt[o + c];
      ysum += y;
      if (y != 0.0) {
        total -= y * (pred[o + c] - lse);
      }
    }
    for (var c = 0u; c < p.m; c++) {
      G[o + c] = (exp(pred[o + c] - lse) * ysum - tgt[o + c]) / n;
    }
  }
  part[l] = total;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (l < stride) {
      part[l] += part[l + stride];
    }
    workgroupBarrier();
  }
  if (l == 0u) {
    losses[s.step] = part[0] / n;
  }
}
