import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A saved adapter's PEFT zip, ready to download. */
export interface Download {
  /** A blob: URL of the zip. */
  readonly url: string;
  /** Bytes. */
  readonly size: number;
  readonly rank: number;
}

/**
 * The saved adapters' download links: one blob: URL per adapter, revoked when the adapter is
 * replaced or deleted, and all of them `graceMs` after the element leaves the page (moving it
 * within the page keeps them, as it keeps its trainer).
 */
export class DownloadsController implements ReactiveController {
  readonly #files = new Map<string, Download>();
  readonly #graceMs: number;
  #releaseTimer = 0;

  constructor(host: ReactiveControllerHost, graceMs: number) {
    this.#graceMs = graceMs;
    host.addController(this);
  }

  hostConnected(): void {
    clearTimeout(this.#releaseTimer);
  }

  hostDisconnected(): void {
    this.#releaseTimer = window.setTimeout(() => this.clear(), this.#graceMs);
  }

  get files(): ReadonlyMap<string, Download> {
    return this.#files;
  }

  /** Loads `name`'s zip (and rank) and keeps it as its download, then; rejects with what failed. */
  async prepare(name: string, load: () => Promise<{ zip: Uint8Array; rank: number }>): Promise<void> {
    const { zip, rank } = await load();
    this.set(name, new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), rank);
  }

  /** Keeps `zip` as `name`'s download (replacing, and revoking, an earlier one). */
  set(name: string, zip: Blob, rank: number): void {
    this.delete(name);
    this.#files.set(name, { url: URL.createObjectURL(zip), size: zip.size, rank });
  }

  delete(name: string): void {
    const d = this.#files.get(name);
    if (d) URL.revokeObjectURL(d.url);
    this.#files.delete(name);
  }

  clear(): void {
    for (const d of this.#files.values()) URL.revokeObjectURL(d.url);
    this.#files.clear();
  }
}

/** Copies `text` to the clipboard; resolves with the note to show (copied, or how to copy by hand). */
export async function copyText(text: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return 'Copied.';
  } catch {
    return 'Copying was not allowed here: select the text and copy it yourself.';
  }
}
