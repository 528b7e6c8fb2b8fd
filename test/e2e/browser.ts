import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import pino from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { loudSkip, testEnv } from '../helpers/env.js';
import { freePort } from '../helpers/net.js';

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

/** A Watchpost server on a fresh SQLite data dir, with Chromium and one page watched for errors. */
export interface DashboardSession {
  readonly server: RunningServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly base: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts a server and a browser page for a dashboard test. Console errors and page errors go into
 * `problems` (a 401 from the session probe before login is expected and left out).
 */
export async function startDashboardSession(prefix: string, problems: string[]): Promise<DashboardSession> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({ WATCHPOST_DATA_DIR: dataDir, WATCHPOST_PORT: String(port), WATCHPOST_HOST: '127.0.0.1', WATCHPOST_PUBLIC_URL: base, WATCHPOST_LOG_LEVEL: 'silent' });
  const server = await startServer(config, { logger: pino({ level: 'silent' }) });
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' && !/401/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return {
    server,
    browser,
    page,
    base,
    dataDir,
    async close() {
      await browser.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
