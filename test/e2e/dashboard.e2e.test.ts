import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/lib/version.js';
import type { RunningServer } from '../../src/server/start.js';
import { chromiumAvailable, startDashboardSession, type DashboardSession } from './browser.js';

const WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web');
const available = chromiumAvailable();
if (available && !existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is missing: run `npm run build` (npm test builds it)');

const PASSWORD = 'e2e password 12345';

describe.skipIf(!available)('dashboard in real Chromium', () => {
  let server: RunningServer;
  let page: Page;
  let base: string;
  const problems: string[] = [];

  let session: DashboardSession | undefined;
  beforeAll(async () => {
    session = await startDashboardSession('wp-e2e-', problems);
    ({ server, page, base } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('keeps the initial JavaScript under 250 KB gzipped', () => {
    const html = readFileSync(join(WEB_ROOT, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]+src="\/?([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(WEB_ROOT, file))).length, 0);
    expect(gzipped).toBeLessThan(250 * 1024);
  });

  it('serves fingerprinted assets as immutable with security headers', async () => {
    const html = readFileSync(join(WEB_ROOT, 'index.html'), 'utf8');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const response = await fetch(`${base}${asset ?? ''}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('creates the first admin with the setup link, then a project, and shows its DSN', async () => {
    if (server.bootstrap.kind !== 'setup-needed') throw new Error('expected a fresh instance');
    await page.goto(`${base}/setup#token=${server.bootstrap.token}`);
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByLabel('Organisation name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create admin account' }).click();

    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill('Checkout');
    await page.getByLabel('Platform').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Create project' }).click();

    const dsn = page.getByTestId('dsn').first();
    await dsn.waitFor();
    const text = (await dsn.textContent()) ?? '';
    const projects = await server.ctx.services.projects.list((await server.ctx.services.orgs.listAll())[0]?.id ?? '');
    expect(projects.map((p) => p.name)).toEqual(['Checkout']);
    expect(text).toBe(`http://${(await server.ctx.services.projects.listKeys(projects[0]!.id))[0]!.publicKey}@127.0.0.1:${new URL(base).port}/${projects[0]!.id}`);
  });

  it('logs out and back in with email and password', async () => {
    await page.getByRole('button', { name: /ada/i }).first().click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').waitFor();
    expect(page.url()).toContain('/login');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('wrong password!!');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(/incorrect/i).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Projects' }).waitFor();
    // The bare root serves the dashboard, which goes to the organisation's projects.
    const root = await page.goto(`${base}/`);
    expect(root?.status()).toBe(200);
    expect(root?.headers()['cache-control']).toBe('no-cache');
    await page.getByRole('button', { name: 'New project' }).waitFor();
    expect(page.url()).toMatch(/\/orgs\/[^/]+\/projects$/);
  });

  it('creates an API token that the API accepts', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Token name').fill('deploy script');
    await page.getByLabel('Scope').selectOption('write');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    const token = ((await shown.textContent()) ?? '').trim();
    expect(token).toMatch(/^wp_[0-9A-Za-z]{40}$/);
    const response = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: { email: 'ada@example.com' }, auth: { kind: 'token', scope: 'write' } });
  });

  it('shows the audit log and jobs pages, with no console errors or CSP violations', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByText('token.created').first().waitFor();
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByText('accounts.cleanup').first().waitFor();
    expect(problems).toEqual([]);
  });
});
