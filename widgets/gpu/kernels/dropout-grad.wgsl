// LoRA dropout, backward: dX[t] += M[t]·T[t], where T = (∂L/∂U)·A and M is this step's mask.
//
// Bindings: @group(0) @binding(0) P   @binding(1) masks: array<f32> (read)
//           @binding(2) T (read)   @binding(3) dX (read_write)
//           @group(1) @binding(0) S: the step within the chunk (uniform, dynamic offset)
// Workgroup size 64, 1-D: thread t updates dX[t], t < count (= n·k). Dispatch ⌈count/64⌉.
// CPU twin: the end of linearBackward in widgets/core/lora.ts.
struct P { count: u32, perStep: u32, layerOff: u32, pad: u32 }
struct S { step: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> masks: array<f32>;
@group(0) @binding(2) var<storage, read> T: array<f32>;
@group(0) @binding(3) var<storage, read_write> dX: array<f32>;
@group(1) @binding(0) var<uniform> s: S;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t < p.count) {
    dX[t] += masks[s.step * p.perStep + p.layerOff + t] * T[t];
  }
}
