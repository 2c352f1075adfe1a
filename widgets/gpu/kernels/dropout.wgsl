// LoRA dropout, forward: X̃[t] = X[t]·M[t], with this step's mask M (0 or 1/(1−p), drawn on the
// CPU from the session's dropout stream and uploaded with the chunk).
//
// Bindings: @group(0) @binding(0) P   @binding(1) masks: array<f32> (read; the chunk's masks)
//           @binding(2) X (read)   @binding(3) XD (read_write)
//           @group(1) @binding(0) S: the step within the chunk (uniform, dynamic offset)
// The mask of this layer at this step starts at masks[step·perStep + layerOff].
// Workgroup size 64, 1-D: thread t writes XD[t], t < count (= n·k). Dispatch ⌈count/64⌉.
// CPU twin: adapterInput in widgets/core/lora.ts.
struct P { count: u32, perStep: u32, layerOff: u32, pad: u32 }
struct S { step: u32 }

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> masks: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> XD: array<f32>;
@group(1) @binding(0) var<uniform> s: S;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  if (t < p.count) {
    XD[t] = X[t] * masks[s.step * p.perStep + p.layerOff + t];
  }
}
