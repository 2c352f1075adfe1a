// @ts-check
import { createHash } from 'node:crypto';

/** Lowercase words of a text (letters and digits; apostrophes and punctuation dropped). @param {string} text */
export function words(text) {
  return (
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** @param {string} gram */
export const hashGram = (gram) => createHash('sha256').update(gram).digest('hex').slice(0, 16);

/** Hashes of every run of n consecutive words. @param {string} text @param {number} n */
export function ngramHashes(text, n) {
  const w = words(text);
  const out = new Set();
  for (let i = 0; i + n <= w.length; i++) out.add(hashGram(w.slice(i, i + n).join(' ')));
  return out;
}

/** Runs of n words in `text` whose hash is in `banned`, as text. @param {string} text @param {number} n @param {Set<string>} banned */
export function bannedRuns(text, n, banned) {
  const w = words(text);
  const hits = [];
  for (let i = 0; i + n <= w.length; i++) {
    const gram = w.slice(i, i + n).join(' ');
    if (banned.has(hashGram(gram))) hits.push(gram);
  }
  return hits;
}
