import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { PACKAGE_ROOT } from '../../src/lib/version.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { freePort } from '../helpers/net.js';
import { chromiumAvailable, launchChromium } from './browser.js';

const CLI = join(PACKAGE_ROOT, 'dist', 'cli', 'main.js');
const RELEASE = 'checkout-web@1.4.2';
const available = chromiumAvailable();

/** The page's own code: the error is thrown on line 9 of checkout.ts, in chargeCard. */
const CHECKOUT_TS = `export interface Cart { items: Array<{ sku: string; price: number }> }

export function placeOrder(cart: Cart): number {
  const total = cart.items.reduce((sum, item) => sum + item.price, 0);
  return chargeCard(total);
}

function chargeCard(amount: number): number {
  if (amount > 100) throw new Error(\`Card declined for \${amount}\`);
  return amount;
}
`;

const MAIN_TS = `import * as Sentry from '@sentry/browser';
import { placeOrder } from './checkout';

declare const __DSN__: string;
declare const __RELEASE__: string;
Sentry.init({ dsn: __DSN__, release: __RELEASE__, environment: 'e2e' });

document.getElementById('pay')?.addEventListener('click', () => {
  placeOrder({ items: [{ sku: 'A-1', price: 80 }, { sku: 'B-2', price: 45 }] });
});
`;

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/** A plain static file server on another origin than Watchpost, like a CDN would be. */
function serveStatic(root: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(root, path === '/' ? 'index.html' : path));
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!available)('source maps end to end: @sentry/browser in Chromium → Watchpost', () => {
  let server: RunningServer;
  let site: Server;
  let browser: Browser;
  let dataDir: string;
  let siteDir: string;
  let base: string;
  let siteBase: string;
  let projectId: number;
  let token: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wp-e2e-sm-'));
    siteDir = mkdtempSync(join(tmpdir(), 'wp-e2e-site-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = loadConfig({ WATCHPOST_DATA_DIR: dataDir, WATCHPOST_PORT: String(port), WATCHPOST_HOST: '127.0.0.1', WATCHPOST_PUBLIC_URL: base, WATCHPOST_LOG_LEVEL: 'silent' });
    server = await startServer(config, { logger: pino({ level: 'silent' }) });
    const { accounts, orgs, projects, tokens } = server.ctx.services;
    const user = await accounts.createUser({ email: 'dev@example.com', password: 'e2e password 12345', isAdmin: true }, null);
    const org = await orgs.create('Checkout Co', user.id, null);
    const created = await projects.create(org.id, { name: 'Checkout Web', platform: 'browser' }, null);
    projectId = created.project.id;
    token = (await tokens.create({ orgId: org.id, userId: user.id, name: 'e2e', scope: 'read' }, null)).token;

    // The site: TypeScript bundled with the real SDK, minified, with source maps.
    const sitePort = await freePort();
    siteBase = `http://127.0.0.1:${sitePort}`;
    mkdirSync(join(siteDir, 'src'));
    writeFileSync(join(siteDir, 'src', 'checkout.ts'), CHECKOUT_TS);
    writeFileSync(join(siteDir, 'src', 'main.ts'), MAIN_TS);
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>Shop</title><button id="pay">Pay</button><script src="/static/app.js"></script>');
    await build({
      entryPoints: [join(siteDir, 'src', 'main.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      sourcemap: true,
      sourcesContent: true,
      outfile: join(siteDir, 'static', 'app.js'),
      nodePaths: [join(PACKAGE_ROOT, 'node_modules')],
      define: { __DSN__: JSON.stringify(created.key.dsn), __RELEASE__: JSON.stringify(RELEASE) },
      logLevel: 'silent',
    });
    site = await serveStatic(siteDir, sitePort);

    // Uploaded the way a deploy script would: the CLI against the server's database.
    const upload = spawnSync(process.execPath, [CLI, 'sourcemaps', 'upload', '--release', RELEASE, '--url-prefix', `${siteBase}/static`, join(siteDir, 'static')], {
      env: { PATH: process.env.PATH, WATCHPOST_DATA_DIR: dataDir, WATCHPOST_LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (upload.status !== 0) throw new Error(`sourcemaps upload failed: ${upload.stderr}`);
    expect(upload.stdout).toContain(`${siteBase}/static/app.js.map`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(siteDir, { recursive: true, force: true });
  });

  it('shows the original TypeScript file, line and function of a click that throws', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${siteBase}/`);
    // The SDK posts cross-origin to the DSN; its 200 comes after the event is committed.
    const sent = page.waitForResponse((r) => r.url().startsWith(`${base}/api/${projectId}/envelope/`) && (r.request().postData() ?? '').includes('"type":"event"'));
    await page.getByRole('button', { name: 'Pay' }).click();
    expect((await sent).status()).toBe(200);
    expect(pageErrors).toEqual(['Card declined for 125']);
    await page.close();

    const api = (path: string) => fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const { items } = (await api(`/projects/${projectId}/issues`)) as { items: Array<{ id: string; title: string; culprit: string }> };
    expect(items).toHaveLength(1);
    expect(items[0]?.title).toBe('Error: Card declined for 125');
    expect(items[0]?.culprit).toContain('checkout.ts');
    expect(items[0]?.culprit).toContain('chargeCard');

    const latest = (await api(`/issues/${items[0]?.id}/events/latest`)) as { data: { release: string; errors?: unknown; exception: { values: Array<{ stacktrace: { frames: Array<Record<string, unknown>> } }> } } };
    expect(latest.data.release).toBe(RELEASE);
    expect(latest.data.errors).toBeUndefined();
    const frames = latest.data.exception.values[0]?.stacktrace.frames ?? [];
    const top = frames.at(-1) ?? {};
    expect(top.filename).toMatch(/checkout\.ts$/);
    expect(top).toMatchObject({ function: 'chargeCard', lineno: 9, in_app: true });
    expect(top.context_line).toContain('throw new Error(`Card declined');
    expect(frames.at(-2)).toMatchObject({ function: 'placeOrder', lineno: 5 });
    expect(String(frames.at(-2)?.filename)).toMatch(/checkout\.ts$/);
    // The click handler (an anonymous arrow) in main.ts, called by the SDK's wrapper, which maps
    // into node_modules and so is not the app's code; its name comes from its declaration.
    expect(frames.at(-3)).toMatchObject({ filename: 'src/main.ts', lineno: 9, in_app: true });
    expect(frames.at(-4)).toMatchObject({ function: 'sentryWrapped', in_app: false });
    expect(String(frames.at(-4)?.filename)).toContain('node_modules/@sentry/browser/');
    expect((top.data as { minified?: { filename?: string } }).minified?.filename).toBe(`${siteBase}/static/app.js`);
  });
});
