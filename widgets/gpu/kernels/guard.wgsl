// The divergence guard of one step (widgets/core/trainer.ts, step 3 and 4), on the GPU, so that
// many steps run per submit without the CPU looking at a loss in between.
//
// Bindings: @group(0) @binding(0) P   @binding(1) losses: array<f32> (read_write): losses[step]
//           is this step's loss; losses[chunk + step] gets its status (0 accepted, 1 loss spike
//           rolled back, 2 non-finite loss rolled back)
//           @binding(2) g: Guard (read_write): the guard's and the optimiser's scalars
//           @group(1) @binding(0) S: the step within the chunk (uniform, dynamic offset)
// One thread (workgroup size 1, dispatch (1, 1, 1)). It decides: restore the last good tensors
// (sync.wgsl copies them) and halve lr, or accept (update the running mean and the best, keep
// the tensors as "last good" when the loss is within goodFactor of the best, advance Adam's t).
// Non-finite test on the bits: exponent all ones (Inf or NaN). `x != x` is not reliable in WGSL,
// whose compilers may assume finite floats.
// CPU twin: CpuSession.trainStep in widgets/core/trainer.ts.
struct P {
  factor: f32, spikeFloor: f32, goodFactor: f32, ema: f32,
  oneMinusEma: f32, beta1: f32, beta2: f32, chunk: u32,
}
struct Guard {
  lr: f32, best: f32, first: f32, mean: f32,
  t: u32, goodT: u32, accept: u32, keep: u32,
  restore: u32, bc1: f32, bc2: f32, pad0: u32,
  pad1: u32, pad2: u32, pad3: u32, pad4: u32,
}
struct S { step: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> losses: array<f32>;
@group(0) @binding(2) var<storage, read_write> g: Guard;
@group(1) @binding(0) var<uniform> s: S;

fn nonFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

@compute @workgroup_size(1, 1, 1)
fn main() {
  let loss = losses[s.step];
  let bad = nonFinite(loss);
  // first == 0: no step accepted yet, best is unset (+∞ on the CPU): nothing counts as a spike.
  // (Infinities are avoided in the buffer: WGSL lets compilers assume there are none.)
  let started = g.first != 0.0;
  let refLoss = max(g.best, p.spikeFloor * g.first);
  if (bad || (started && loss > p.factor * refLoss)) {
    g.restore = 1u;
    g.keep = 0u;
    g.accept = 0u;
    g.lr = g.lr * 0.5;
    g.t = g.goodT;
    losses[p.chunk + s.step] = select(1.0, 2.0, bad);
    return;
  }
  if (!started) {
    g.first = loss;
    g.mean = loss;
    g.best = loss;
  } else {
    g.mean = p.ema * g.mean + p.oneMinusEma * loss;
    if (g.mean < g.best) {
      g.best = g.mean;
    }
  }
  g.restore = 0u;
  g.keep = select(0u, 1u, loss <= p.goodFactor * max(g.best, p.spikeFloor * g.first));
  if (g.keep == 1u) {
    g.goodT = g.t;
  }
  g.accept = 1u;
  g.t = g.t + 1u;
  g.bc1 = 1.0 - pow(p.beta1, f32(g.t));
  g.bc2 = 1.0 - pow(p.beta2, f32(g.t));
  losses[p.chunk + s.step] = 0.0;
}
