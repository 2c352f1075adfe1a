/**
 * The part of a dedicated worker's global scope that our workers use. The project type-checks
 * with the DOM library (which has no DedicatedWorkerGlobalScope), so workers cast `self` to this.
 */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export const workerScope = (): WorkerScope => self as unknown as WorkerScope;
