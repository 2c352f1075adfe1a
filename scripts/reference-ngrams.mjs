#!/usr/bin/env node
// @ts-check
/**
 * Writes tests/fixtures/reference-12grams.txt: a SHA-256 hash (first 16 hex digits) of every run of
 * 12 consecutive words on the reference page the LoRA lesson covers (../shared/reference/…). The
 * content test hashes every 12-word run in content/ and fails on a match, so no sentence of that
 * page can slip into ours — without the page's text itself living in this repository.
 *
 *   node scripts/reference-ngrams.mjs [path-to-reference-page]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ngramHashes } from './lib/ngrams.mjs';

const source = process.argv[2] ?? '../shared/reference/lora-peft-source-page.txt';
const text = readFileSync(source, 'utf8');
// Everything after the "-----" line is the page itself; the lines above are instructions to us.
const page = text.includes('\n-----\n') ? text.slice(text.indexOf('\n-----\n') + 7) : text;
const hashes = [...ngramHashes(page, 12)].sort();
writeFileSync('tests/fixtures/reference-12grams.txt', hashes.join('\n') + '\n');
console.log(`wrote ${hashes.length} hashes`);
