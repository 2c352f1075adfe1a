/**
 * Other tabs and elements on the same namespace say which cards they graded (a BroadcastChannel
 * per namespace); `<srs-quiz>` re-reads those cards' states. Open while the element is connected
 * and its progress is persistent (memory-only progress is not shared).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MemoryState } from '../core/srs-schedule.ts';
import type { ProgressStore } from '../srs-store/progress-store.ts';

export class ProgressSync implements ReactiveController {
  private channel: BroadcastChannel | undefined;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Listens on `namespace`'s channel (closing any other); `onKeys` gets the card keys changed elsewhere. */
  open(namespace: string, onKeys: (keys: string[]) => void): void {
    this.close();
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(`marginalia-srs:${namespace}`);
    this.channel.onmessage = (e: MessageEvent<{ keys?: unknown }>) => {
      const keys = Array.isArray(e.data?.keys) ? e.data.keys.filter((k): k is string => typeof k === 'string') : [];
      if (keys.length) onKeys(keys);
    };
  }

  /** Keeps `states()` current with the cards graded elsewhere (persistent stores only), then calls `changed`. */
  follow(
    namespace: string,
    store: () => ProgressStore | undefined,
    states: () => Map<string, MemoryState>,
    changed: () => void,
  ): void {
    if (!store()?.persistent) return this.close();
    this.open(namespace, async (keys) => {
      const fresh = await store()?.statesOf(keys);
      if (!fresh) return;
      for (const k of keys) {
        const s = fresh.get(k);
        if (s) states().set(k, s);
        else states().delete(k);
      }
      changed();
    });
  }

  /** Tells the others that these cards changed here. */
  post(keys: string[]): void {
    this.channel?.postMessage({ keys });
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
  }

  hostDisconnected(): void {
    this.close();
  }
}
