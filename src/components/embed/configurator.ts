/**
 * The /embed/ configurator (Configurator.astro): pick an element, set its attributes, see it live
 * in the preview, copy the pinned snippet with its integrity. The host in every snippet on the
 * page is where the page is served from (not the build's `site`). Messages about attribute
 * values are the element's own (its role="alert" text, and its role="status" lines about an
 * attribute it fell back from), attached to the field they name, and
 * followed as they change: some elements judge their attributes only once their data has loaded.
 */
import { EMBED_FIELDS, embedSnippet, messageFields, noticeFields, type EmbedField } from './fields.ts';

interface Manifest {
  version: string;
  files: Record<string, string>;
}

const base = import.meta.env.BASE_URL;
const origin = location.origin + base.replace(/\/$/, '');
const moduleUrl = (tag: string) => (import.meta.env.DEV ? `/widgets/${tag}/${tag}.ts` : `${base}widgets/${tag}.js`);

/** Snippets rendered at build time carry the build's origin: use this page's. */
for (const el of document.querySelectorAll<HTMLElement>('[data-mg-host]')) {
  el.textContent = (el.textContent ?? '').replaceAll(el.dataset.mgHost ?? '', origin);
}

const root = document.querySelector<HTMLElement>('[data-mg-configurator]');
if (root) configure(root);

function configure(root: HTMLElement): void {
  const form = root.querySelector('form')!;
  const preview = root.querySelector<HTMLElement>('[data-mg-preview]')!;
  const code = root.querySelector<HTMLElement>('[data-mg-snippet]')!;
  const copyButton = root.querySelector<HTMLButtonElement>('[data-mg-copy]')!;
  const copied = root.querySelector<HTMLElement>('[data-mg-copied]')!;
  const messages = root.querySelector<HTMLElement>('[data-mg-messages]')!;
  const manifest: Promise<Manifest | null> = fetch(`${base}widgets/manifest.json`)
    .then((r) => (r.ok ? (r.json() as Promise<Manifest>) : null))
    .catch(() => null);
  let element = preview.firstElementChild as HTMLElement;
  let run = 0;
  /** Watches the preview's shadow tree for its messages; replaced with the element. */
  let watcher: MutationObserver | undefined;

  const tagNow = () => (form.elements.namedItem('tag') as RadioNodeList).value;
  const fields = (tag: string): readonly EmbedField[] => EMBED_FIELDS[tag as keyof typeof EMBED_FIELDS] ?? [];
  const input = (tag: string, name: string) => form.querySelector<HTMLInputElement>(`[name="${tag}:${name}"]`)!;
  /** The attribute's value as the field gives it: null leaves it out; a checked flag is ''. */
  const valueOf = (tag: string, f: EmbedField): string | null => {
    const box = input(tag, f.name);
    if (f.kind === 'flag') return box.checked ? '' : null;
    const v = f.keepSpaces ? box.value : box.value.trim();
    return v === '' ? null : v;
  };

  const update = async () => {
    const tag = tagNow();
    const mine = ++run;
    for (const fs of form.querySelectorAll<HTMLFieldSetElement>('fieldset[data-tag]'))
      fs.hidden = fs.dataset.tag !== tag;
    const attrs: Record<string, string> = {};
    for (const f of fields(tag)) {
      const v = valueOf(tag, f);
      if (v !== null) attrs[f.name] = v;
    }
    if (element.localName !== tag) {
      watcher?.disconnect();
      watcher = undefined;
      const next = document.createElement(tag);
      element.replaceWith(next);
      element = next;
    }
    for (const f of fields(tag)) {
      if (f.name in attrs) element.setAttribute(f.name, attrs[f.name]);
      else element.removeAttribute(f.name);
    }
    const m = await manifest;
    const integrity = m?.files[`${m.version}/${tag}.js`];
    if (mine !== run) return;
    code.textContent = embedSnippet(origin, tag, attrs, m && integrity ? { version: m.version, integrity } : undefined);
    copied.textContent = '';
    await import(/* @vite-ignore */ moduleUrl(tag));
    await customElements.whenDefined(tag);
    await (element as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
    if (mine !== run) return;
    validate(tag);
    if (!watcher && element.shadowRoot) {
      watcher = new MutationObserver(() => validate(element.localName));
      watcher.observe(element.shadowRoot, { childList: true, subtree: true, characterData: true });
    }
  };

  /**
   * The element's own messages (its alerts, and the status lines about an attribute it fell back
   * from: see `noticeFields`): each goes to the field it names, all of them to the status line.
   */
  const validate = (tag: string) => {
    const words = (n: Element) => (n.textContent ?? '').replace(/\s+/g, ' ').trim();
    const names = fields(tag).map((f) => f.name);
    const alerts = [...(element.shadowRoot?.querySelectorAll('[role="alert"]') ?? [])]
      .flatMap((a) => [...(a.querySelectorAll('li').length ? a.querySelectorAll('li') : [a])])
      .map(words)
      .filter(Boolean);
    const notices = [...(element.shadowRoot?.querySelectorAll('[role="status"]') ?? [])]
      .map(words)
      .filter((s) => noticeFields(names, s).length > 0);
    const said = [...alerts, ...notices];
    const blamed = [...alerts.map((s) => messageFields(names, s)), ...notices.map((s) => noticeFields(names, s))];
    for (const name of names) {
      const field = input(tag, name);
      const about = said.filter((_, i) => blamed[i]!.includes(name));
      field.setCustomValidity(about.join(' '));
      field.setAttribute('aria-invalid', String(about.length > 0));
    }
    const text = said.length ? `<${tag}> says: ${said.join(' ')}` : `<${tag}> accepts these attributes.`;
    // Only a change is written: the line is a live region, and the watcher calls this often.
    if (messages.textContent !== text) messages.textContent = text;
  };

  copyButton.addEventListener('click', () => {
    const text = code.textContent ?? '';
    navigator.clipboard.writeText(text).then(
      () => (copied.textContent = 'Copied.'),
      () => {
        getSelection()?.selectAllChildren(code);
        copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
      },
    );
  });
  const refresh = () =>
    void update().catch((e: unknown) => (messages.textContent = `The preview could not load: ${String(e)}`));
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  form.addEventListener('submit', (e) => e.preventDefault());
  refresh();
}
