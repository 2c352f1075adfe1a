/**
 * Offline (issue 21): registers the service worker that scripts/service-worker.mjs writes after
 * the build (/sw.js: the whole site precached, one revision per build). Only the site's own pages
 * run this (src/layouts/Base.astro); a widget module on a foreign page never registers one.
 *
 * Updates: the browser fetches a new build in the background; it then waits. The page says a new
 * version is ready and lets it take over on a click of "Update now" or on the next navigation
 * (a link on this site), then reloads or goes on, so no page ever runs with decks or modules from
 * two builds. Other open tabs of the site reload when the new build takes control.
 */
const container = 'serviceWorker' in navigator ? navigator.serviceWorker : undefined;
if (container && !import.meta.env.DEV) addEventListener('load', () => void register(container), { once: true });

async function register(sw: ServiceWorkerContainer): Promise<void> {
  // The first install taking control (from no controller) changes no file under the page.
  let current = sw.controller;
  let next: string | null = null;
  sw.addEventListener('controllerchange', () => {
    const previous = current;
    current = sw.controller;
    if (!previous) return;
    if (next) location.assign(next);
    else location.reload();
  });
  // A browser (or a test harness) that blocks service workers may reject or resolve to nothing:
  // the site then works online as before, and nothing is thrown into the page.
  const reg: ServiceWorkerRegistration | undefined = await sw
    .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
    .catch(() => undefined);
  if (!reg) return;
  const offer = (waiting: ServiceWorker | null): void => {
    if (!waiting || !sw.controller) return;
    const activate = (): void => waiting.postMessage({ type: 'SKIP_WAITING' });
    const note = document.getElementById('update-ready');
    if (note) {
      note.hidden = false;
      note.querySelector('button')?.addEventListener('click', activate, { once: true });
    }
    // The next navigation to a page of this site happens under the new build.
    document.addEventListener(
      'click',
      (e) => {
        const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
        if (
          !(a instanceof HTMLAnchorElement) ||
          e.defaultPrevented ||
          e.button !== 0 ||
          e.metaKey ||
          e.ctrlKey ||
          e.shiftKey ||
          e.altKey
        )
          return;
        const url = new URL(a.href);
        if (url.origin !== location.origin || a.target || (url.pathname === location.pathname && url.hash)) return;
        e.preventDefault();
        next = url.href;
        activate();
      },
      { capture: true },
    );
  };
  offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const installing = reg.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer(installing);
    });
  });
}
