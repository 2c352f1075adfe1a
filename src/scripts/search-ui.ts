/**
 * The header search box's behaviour, loaded by search.ts on the box's first focus together with
 * Pagefind's index (/pagefind/), so pages pay for search only when a reader reaches for it.
 * Results are a plain list of links; excerpts are rebuilt from text and <mark> only.
 */
interface PagefindResult {
  url: string;
  excerpt: string;
  meta: { title?: string };
}
interface Pagefind {
  search(q: string): Promise<{ results: { data(): Promise<PagefindResult> }[] } | null>;
  debouncedSearch(
    q: string,
    o?: object,
    ms?: number,
  ): Promise<{ results: { data(): Promise<PagefindResult> }[] } | null>;
}

const form = document.querySelector<HTMLFormElement>('form.site-search');
const input = form?.querySelector<HTMLInputElement>('input[type="search"]');
const list = form?.querySelector<HTMLOListElement>('.search-results');
const status = form?.querySelector<HTMLElement>('.search-status');
let pagefind: Promise<Pagefind> | undefined;

function load(): Promise<Pagefind> {
  pagefind ??= import(/* @vite-ignore */ `${import.meta.env.BASE_URL}pagefind/pagefind.js`) as Promise<Pagefind>;
  return pagefind;
}

/** Text and <mark> from Pagefind's excerpt HTML, nothing else. */
function excerptNodes(html: string): Node[] {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html');
  return [...(doc.body.firstChild?.childNodes ?? [])].map((n) => {
    if (n.nodeName === 'MARK') {
      const m = document.createElement('mark');
      m.textContent = n.textContent;
      return m;
    }
    return document.createTextNode(n.textContent ?? '');
  });
}

async function run(query: string): Promise<void> {
  if (!list || !status) return;
  if (!query.trim()) {
    list.replaceChildren();
    status.textContent = '';
    return;
  }
  const pf = await load();
  const found = await pf.debouncedSearch(query, {}, 150);
  if (!found) return; // superseded by a newer query
  const data = await Promise.all(found.results.slice(0, 8).map((r) => r.data()));
  list.replaceChildren(
    ...data.map((d) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = d.url;
      a.textContent = d.meta.title ?? d.url;
      const p = document.createElement('p');
      p.append(...excerptNodes(d.excerpt));
      li.append(a, p);
      return li;
    }),
  );
  status.textContent = `${found.results.length} result${found.results.length === 1 ? '' : 's'}`;
}

if (form && input) {
  void load().catch(() => status && (status.textContent = 'Search is unavailable.'));
  if (input.value) void run(input.value);
  input.addEventListener(
    'input',
    () => void run(input.value).catch(() => status && (status.textContent = 'Search is unavailable.')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(input.value);
  });
}
