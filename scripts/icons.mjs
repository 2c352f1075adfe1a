#!/usr/bin/env node
// @ts-check
/**
 * Draws the app icons (public/icons/icon-192.png, icon-512.png) from public/icons/icon.svg with
 * the project's Chromium. The PNGs are committed (a few KB); run this after changing the SVG:
 *   node scripts/icons.mjs
 */
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumPath, BASE_ARGS } from './lib/chromium.mjs';

const dir = fileURLToPath(new URL('../public/icons/', import.meta.url));
const svg = readFileSync(`${dir}icon.svg`, 'utf8');
const executablePath = chromiumPath();
const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: BASE_ARGS });
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<style>*{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
  await page.screenshot({ path: `${dir}icon-${size}.png`, omitBackground: false });
  await page.close();
}
await browser.close();
