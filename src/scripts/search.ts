// Loads the search box's code (and with it Pagefind's index) on the box's first focus.
const box = document.getElementById('site-search-input');
box?.addEventListener('focus', () => void import('./search-ui.ts'), { once: true });
box?.closest('form')?.addEventListener('submit', (e) => e.preventDefault());
