import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/lib/version.js';
import type { RunningServer } from '../../src/server/start.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { chromiumAvailable, startDashboardSession, type DashboardSession } from './browser.js';

const WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web');
const available = chromiumAvailable();
if (available && !existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is missing: run `npm run build` (npm test builds it)');

const PASSWORD = 'e2e password 12345';

describe.skipIf(!available)('status page editor in real Chromium', () => {
  let server: RunningServer;
  let page: Page;
  let browser: Browser;
  let base: string;
  let session: DashboardSession | undefined;
  /** The website the monitor checks. */
  let site: HttpReceiver;
  let projectId: number;
  let projectPath: string;
  let monitorId: string;
  let editorUrl: string;
  let statusPageId: string;
  const problems: string[] = [];

  /** The management API, as a script would call it: with an API token. */
  let token: string;
  const callApi = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  /**
   * Opens the public page as a visitor: a browser context of its own, without the dashboard's
   * session and without the HTTP cache of the earlier visits (the page may be kept 30 seconds).
   */
  const visit = async (path: string): Promise<{ visitor: Page; status: number | undefined; close: () => Promise<void> }> => {
    const context = await browser.newContext();
    const visitor = await context.newPage();
    visitor.on('console', (message) => {
      // The password form (401) and the deleted page (404) are documents the test expects.
      if (message.type() === 'error' && !/status of (401|404)/.test(message.text())) problems.push(`visitor: ${message.text()}`);
    });
    visitor.on('pageerror', (error) => problems.push(`visitor: ${error.message}`));
    const response = await visitor.goto(`${base}${path}`);
    return { visitor, status: response?.status(), close: () => context.close() };
  };

  beforeAll(async () => {
    session = await startDashboardSession('wp-e2e-status-editor-', problems);
    ({ server, page, browser, base } = session);
    site = await startHttpReceiver();
    site.answer({ status: 200, body: 'shop is open' });

    if (server.bootstrap.kind !== 'setup-needed') throw new Error('expected a fresh instance');
    await page.goto(`${base}/setup#token=${server.bootstrap.token}`);
    await page.getByLabel('Your name').fill('Stella Status');
    await page.getByLabel('Email').fill('stella@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByLabel('Organisation name').fill('Corner Shop');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.getByRole('button', { name: 'New project' }).waitFor();
    const org = (await server.ctx.services.orgs.listAll())[0]!;
    const user = (await server.ctx.services.orgs.listMembers(org.id))[0]!;
    projectId = (await server.ctx.services.projects.create(org.id, { name: 'Shop' }, null)).project.id;
    projectPath = `${base}/orgs/${org.slug}/projects/${projectId}`;
    token = (await server.ctx.services.tokens.create({ orgId: org.id, userId: user.userId, name: 'e2e', scope: 'write' }, null)).token;

    // Two monitors, so the picker's search has something to narrow down.
    const create = (name: string, path: string) => callApi<{ id: string }>('POST', `/projects/${projectId}/monitors`, { type: 'http', name, url: `${site.url}${path}`, intervalSeconds: 3600 });
    monitorId = (await create('Shop API', '/health')).id;
    await create('Billing worker', '/billing');
    const check = await callApi<{ status: string }>('POST', `/monitors/${monitorId}/check`);
    expect(check.status).toBe('up');
  });

  afterAll(async () => {
    await session?.close();
    await site?.close();
  });

  it('explains status pages when there are none and creates one from a title and a slug', async () => {
    await page.goto(`${projectPath}/status-pages`);
    await page.getByText('Tell your users what is going on, before they ask').waitFor();
    await page.getByRole('button', { name: 'Create status page' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Corner Shop status');
    await dialog.getByLabel('Slug').fill('corner-shop');
    await dialog.getByText(`${base}/status/corner-shop`).waitFor();
    await dialog.getByRole('button', { name: 'Create status page' }).click();

    await page.waitForURL(/\/status-pages\/[^/?]+$/);
    editorUrl = page.url();
    statusPageId = editorUrl.split('/').at(-1)!;
    await page.getByRole('heading', { name: 'Corner Shop status' }).waitFor();
    expect(await page.getByRole('link', { name: 'Open public page' }).getAttribute('href')).toBe(`${base}/status/corner-shop`);
    expect(await server.ctx.services.statusPages.get(statusPageId)).toMatchObject({ slug: 'corner-shop', title: 'Corner Shop status', components: [] });
  });

  it('adds a component bound to the monitor through the searchable picker, saves it, and the public page shows it', async () => {
    await page.getByRole('button', { name: 'Add component' }).click();
    const row = page.getByTestId('component-row').first();
    await row.getByLabel('Name').fill('Storefront');
    await row.getByLabel('Description (optional)').fill('The web shop and its checkout');
    await row.getByRole('button', { name: 'Choose monitors' }).click();

    const picker = page.getByRole('dialog');
    await picker.getByRole('checkbox', { name: /Billing worker/ }).waitFor();
    await picker.getByLabel('Find monitors').fill('shop');
    await picker.getByRole('checkbox', { name: /Billing worker/ }).waitFor({ state: 'detached' });
    await picker.getByRole('checkbox', { name: /Shop API/ }).check();
    await picker.getByRole('button', { name: 'Done' }).click();
    await row.getByRole('list', { name: 'Monitors of Storefront' }).getByText('Shop API').waitFor();

    await page.getByRole('button', { name: 'Save components' }).click();
    await page.getByText('Saved: the public page shows these components now.').waitFor();
    const saved = await server.ctx.services.statusPages.get(statusPageId);
    expect(saved.components).toEqual([{ id: expect.any(String), name: 'Storefront', description: 'The web shop and its checkout', group: null, monitorIds: [monitorId] }]);

    // The dashboard's summary follows the public page's rules.
    const preview = page.getByTestId('status-preview');
    await preview.getByText('All systems operational').waitFor();
    await preview.getByText('Storefront').waitFor();

    const { visitor, status, close } = await visit('/status/corner-shop');
    expect(status).toBe(200);
    await visitor.getByRole('heading', { name: 'Corner Shop status' }).waitFor();
    await visitor.getByRole('status').getByText('All systems operational').waitFor();
    const components = visitor.getByRole('region', { name: 'Components' });
    await components.getByText('Storefront', { exact: true }).waitFor();
    await components.getByText('The web shop and its checkout').waitFor();
    expect(await components.textContent()).toContain('Operational');
    await close();
  });

  it('reports an incident from the dashboard, and the public page shows it as active', async () => {
    await page.goto(`${editorUrl}?view=incidents`);
    await page.getByText('Nothing open').waitFor();
    await page.getByRole('button', { name: 'Report incident' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Checkout fails for card payments');
    await dialog.getByLabel('Impact').selectOption('major');
    await dialog.getByRole('checkbox', { name: 'Storefront' }).check();
    await dialog.getByLabel('Message').fill('Card payments fail at the last step. We are looking into it.');
    await dialog.getByRole('button', { name: 'Report incident' }).click();

    const card = page.getByTestId('incident-card').filter({ hasText: 'Checkout fails for card payments' });
    await card.getByText('Investigating', { exact: true }).first().waitFor();
    expect(await card.textContent()).toContain('Affects Storefront');
    await page.getByTestId('status-preview').getByText('Partial outage').first().waitFor();

    const { visitor, close } = await visit('/status/corner-shop');
    const active = visitor.getByRole('region', { name: 'Active incidents' });
    await active.getByText('Checkout fails for card payments').waitFor();
    expect(await active.textContent()).toContain('Card payments fail at the last step. We are looking into it.');
    await visitor.getByRole('status').getByText('Partial outage').waitFor();
    await close();
  });

  it('resolves the incident with an update; the public page lists it under past incidents', async () => {
    await page.goto(`${editorUrl}?view=incidents`);
    const card = page.getByTestId('incident-card').filter({ hasText: 'Checkout fails for card payments' });
    await card.getByRole('button', { name: 'Resolve' }).click();
    await card.getByLabel('New status').waitFor();
    expect(await card.getByLabel('New status').inputValue()).toBe('resolved');
    await card.getByLabel('Update message').fill('The payment provider fixed a certificate problem. Card payments work again.');
    await card.getByRole('button', { name: 'Post and resolve' }).click();

    const resolved = page.getByRole('region', { name: 'Resolved' }).getByTestId('incident-card').filter({ hasText: 'Checkout fails for card payments' });
    await resolved.waitFor();
    expect(await resolved.getByTestId('incident-update').count()).toBe(2);
    expect(await resolved.getByTestId('incident-update').first().textContent()).toContain('Card payments work again.');
    await page.getByText('Nothing open').waitFor();
    await page.getByTestId('status-preview').getByText('All systems operational').waitFor();

    const { visitor, close } = await visit('/status/corner-shop');
    await visitor.getByRole('status').getByText('All systems operational').waitFor();
    expect(await visitor.getByRole('region', { name: 'Active incidents' }).count()).toBe(0);
    // Past incidents are <details> under the "Past incidents" heading, one per resolved incident of the last 14 days.
    const past = visitor.locator('h2:text-is("Past incidents") + section details.past').filter({ hasText: 'Checkout fails for card payments' });
    await past.waitFor();
    await past.locator('summary').click();
    await past.getByText('The payment provider fixed a certificate problem. Card payments work again.').waitFor();
    expect(await past.textContent()).toContain('Resolved');
    await close();
    expect(problems).toEqual([]);
  });

  it('schedules maintenance, protects the page with a password and removes it, then deletes the page', async () => {
    await page.goto(`${editorUrl}?view=incidents`);
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Title').fill('Payment provider upgrade');
    await dialog.getByRole('checkbox', { name: 'Storefront' }).check();
    await dialog.getByLabel('Message').fill('Checkout may pause for a few minutes.');
    await dialog.getByRole('button', { name: 'Schedule maintenance' }).click();
    const card = page.getByTestId('incident-card').filter({ hasText: 'Payment provider upgrade' });
    await card.getByText('Upcoming').waitFor();
    let seen = await visit('/status/corner-shop');
    await seen.visitor.getByRole('heading', { name: 'Scheduled maintenance' }).waitFor();
    await seen.visitor.getByText('Payment provider upgrade').waitFor();
    await seen.close();

    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Password', { exact: true }).fill('let me in please');
    await page.getByLabel('Repeat password').fill('let me in please');
    await page.getByRole('button', { name: 'Protect with password' }).click();
    await page.getByText('The page is password-protected now.').waitFor();
    await page.getByRole('heading', { name: 'Corner Shop status' }).getByText('Protected').waitFor();
    seen = await visit('/status/corner-shop');
    expect(seen.status).toBe(401);
    await seen.visitor.getByText('This status page is password-protected.').waitFor();
    await seen.close();

    await page.getByRole('button', { name: 'Remove password' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove password' }).click();
    await page.getByText('The password is removed: the page is public.').waitFor();
    seen = await visit('/status/corner-shop');
    expect(seen.status).toBe(200);
    await seen.close();

    await page.getByRole('button', { name: 'Delete status page' }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByLabel('Type corner-shop to confirm').fill('corner-shop');
    await confirm.getByRole('button', { name: 'Delete status page' }).click();
    await page.getByText('Tell your users what is going on, before they ask').waitFor();
    expect(await server.ctx.services.statusPages.list(projectId)).toEqual([]);
    seen = await visit('/status/corner-shop');
    expect(seen.status).toBe(404);
    await seen.close();
    expect(problems).toEqual([]);
  });
});
