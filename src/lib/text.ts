/** Text helpers shared by pages (pure). */

/** "Forgetting α/r when merging" → "forgetting-r-when-merging": ASCII, lowercase, hyphenated. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Words in a Markdown/MDX body, ignoring code fences, math, tags and punctuation. */
export function countWords(body: string): number {
  const prose = body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/\$\$[\s\S]*?\$\$/g, ' ')
    .replace(/\$[^$\n]*\$/g, ' x ')
    .replace(/<[^>]+>/g, ' ');
  return (prose.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
}

/** Minutes to read at 220 words a minute (at least 1); code and equations add a little. */
export function readingMinutes(body: string): number {
  const words = countWords(body);
  const blocks = (body.match(/```|\$\$/g) ?? []).length / 2;
  return Math.max(1, Math.round(words / 220 + blocks * 0.25));
}
