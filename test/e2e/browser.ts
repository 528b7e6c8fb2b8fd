import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { loudSkip, testEnv } from '../helpers/env.js';

/** Whether real Chromium is here; in CI its absence is a failure, elsewhere a loud skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(testEnv.chromiumPath)) return true;
  if (testEnv.required) throw new Error(`Chromium is required in CI but ${testEnv.chromiumPath} does not exist (apt-get install chromium)`);
  loudSkip('browser end-to-end tests', `no Chromium at ${testEnv.chromiumPath}`);
  return false;
}

/** Launches Debian's Chromium headless with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: testEnv.chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
