/**
 * The worker's one GPUDevice (STYLE.md §7), requested lazily by the first trainer that gets
 * WebGPU and shared by all of them. It asks for no limits above WebGPU's defaults: the kernels
 * bind at most 5 storage buffers per stage, use 2 KB of workgroup memory and 256 invocations per
 * workgroup; GpuStepper.create checks the largest buffer against maxStorageBufferBindingSize.
 * When the device is lost (or destroyed) the hub forgets it, so a later trainer gets a new one;
 * trainers on the lost device notice (`isLost`) and the engine continues them on the CPU.
 * Validation errors nobody captured are recorded (`errors`) for the tests, and fail the chunk.
 */
export class DeviceHub {
  private current: Promise<GPUDevice> | null = null;
  private readonly lostDevices = new WeakSet<GPUDevice>();
  private live: GPUDevice | null = null;
  /** Uncaptured WebGPU errors and device-loss messages, oldest first. */
  readonly errors: string[] = [];
  lostReason = '';

  /** The shared device, requested from `adapter` if there is none yet. */
  device(adapter: GPUAdapter): Promise<GPUDevice> {
    if (!this.current) {
      const p = this.request(adapter);
      this.current = p;
      p.catch(() => {
        if (this.current === p) this.current = null;
      });
    }
    return this.current;
  }

  isLost(device: GPUDevice): boolean {
    return this.lostDevices.has(device);
  }

  /** The live device, if one was requested and not lost. */
  get liveDevice(): GPUDevice | null {
    return this.live;
  }

  private async request(adapter: GPUAdapter): Promise<GPUDevice> {
    const device = await adapter.requestDevice({ label: 'marginalia training engine' });
    this.live = device;
    const onError = (event: Event): void => {
      const error = (event as GPUUncapturedErrorEvent).error;
      this.errors.push(`${error.constructor.name}: ${error.message}`);
    };
    device.addEventListener('uncapturederror', onError);
    void device.lost.then((info) => {
      device.removeEventListener('uncapturederror', onError);
      this.lostDevices.add(device);
      this.lostReason = info.message || String(info.reason);
      if (info.reason !== 'destroyed') this.errors.push(`device lost: ${this.lostReason}`);
      if (this.live === device) {
        this.live = null;
        this.current = null;
      }
    });
    return device;
  }
}
