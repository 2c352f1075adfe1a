/**
 * Loads a widget's module only when its element comes near the viewport. Elements placed by
 * src/components/widgets/Widget.astro carry `data-mg-widget`; until their module arrives they
 * show their light-DOM fallback. The modules are the same standalone files other sites embed.
 */
// One screen ahead: a page-down or a flick never brings a widget into view before it has loaded,
// so it upgrades (and settles its size) off screen.
const NEAR = '100% 0px';

function moduleUrl(tag: string): string {
  return import.meta.env.DEV ? `/widgets/${tag}/${tag}.ts` : `${import.meta.env.BASE_URL}widgets/${tag}.js`;
}

const requested = new Set<string>();

function load(el: Element): void {
  const tag = el.localName;
  if (requested.has(tag) || customElements.get(tag)) return;
  requested.add(tag);
  import(/* @vite-ignore */ moduleUrl(tag)).catch((error: unknown) => {
    requested.delete(tag);
    for (const widget of document.querySelectorAll(`${tag}[data-mg-widget]`)) {
      widget.setAttribute('data-mg-load-error', String(error));
    }
    console.error(`Marginalia: could not load <${tag}>`, error);
  });
}

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      load(entry.target);
    }
  },
  { rootMargin: NEAR },
);

for (const el of document.querySelectorAll('[data-mg-widget]')) observer.observe(el);
