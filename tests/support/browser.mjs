// Debian's chromium, headless, driven by playwright-core. Never a downloaded browser.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './edge.mjs';

export const SCREENSHOTS = join(ROOT, 'tests/artifacts');

export async function launchBrowser() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const shot = (page, name) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
