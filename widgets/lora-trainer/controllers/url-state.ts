import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ATTRIBUTES, readUrlState, URL_PREFIX, writeUrlState, type AttributeName } from '../settings.ts';

type Attributes = Partial<Record<AttributeName, string | null>>;

/**
 * The `url-state` attribute: when present, the element's settings live in the page URL under
 * `?<prefix>.<attribute>=…` (prefix: the attribute's value, default `lt`), so a link reopens the
 * experiment. Reads the URL once, on the first connection (before the first render); writes it
 * back with `write()` as the reader changes settings.
 */
export class UrlStateController implements ReactiveController {
  readonly #host: ReactiveControllerHost & Element;
  readonly #attributes: () => Attributes;
  #read = false;

  /** `attributes`: the element's settings as attribute text (absent = null). */
  constructor(host: ReactiveControllerHost & Element, attributes: () => Attributes) {
    this.#host = host;
    this.#attributes = attributes;
    host.addController(this);
  }

  get #prefix(): string {
    return this.#host.getAttribute('url-state') || URL_PREFIX;
  }

  hostConnected(): void {
    if (this.#read || !this.#host.hasAttribute('url-state')) return;
    this.#read = true;
    const fromUrl = readUrlState(location.search, this.#prefix);
    for (const name of ATTRIBUTES) {
      const v = fromUrl[name];
      if (v != null) this.#host.setAttribute(name, v);
    }
  }

  /** Writes the settings into the page URL (replacing the history entry), if `url-state` is on. */
  write(): void {
    if (!this.#host.hasAttribute('url-state')) return;
    try {
      const q = writeUrlState(location.search, this.#attributes(), this.#prefix);
      history.replaceState(history.state, '', `${location.pathname}${q}${location.hash}`);
    } catch {
      // A sandboxed page may refuse; the link button still works.
    }
  }

  /** A link to this page that reopens the current experiment (scrolled to the element when it has an id). */
  link(): string {
    const q = writeUrlState(location.search, this.#attributes(), this.#prefix);
    return `${location.origin}${location.pathname}${q}${this.#host.id ? `#${this.#host.id}` : location.hash}`;
  }
}
