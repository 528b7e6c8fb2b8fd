import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/audit/types.js';
import type { AppContext } from '../../src/server/context.js';
import type { MonitorInput } from '../../src/uptime/service.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { chromiumAvailable, startDashboardSession, type DashboardSession } from './browser.js';

const available = chromiumAvailable();

/** Evaluates an expression in the page (as a string: the test code is compiled without DOM types). */
const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);

const MONITOR: Omit<MonitorInput, 'name' | 'type' | 'config'> = {
  intervalSeconds: 3600,
  timeoutSeconds: 5,
  retries: 0,
  retryIntervalSeconds: 60,
  resendEvery: 0,
  channelIds: [],
  paused: false,
  periodSeconds: null,
  graceSeconds: 300,
  cron: null,
  timezone: 'UTC',
  slug: null,
};

/** A project with monitors against a real HTTP server, a status page, an open incident, maintenance and history. */
async function seed(ctx: AppContext, site: HttpReceiver): Promise<{ pageId: string; orgId: string; actor: AuditActor }> {
  const { accounts, orgs, projects, uptime, statusPages } = ctx.services;
  const user = await accounts.createUser({ email: 'ops@example.com', password: 'e2e password 12345' }, null);
  const org = await orgs.create('Acme', user.id, null);
  const project = (await projects.create(org.id, { name: 'Acme web' }, null)).project;
  const actor = { userId: user.id, label: user.email, ip: null };
  const http = async (name: string, path: string) => (await uptime.create(project.id, org.id, { ...MONITOR, name, type: 'http', config: { url: `${site.url}${path}` } }, actor)).id;
  const api = [await http('api-eu-1', '/api/eu'), await http('api-us-1', '/api/us')];
  const web = await http('www', '/www');
  const cdn = await http('cdn', '/cdn');
  for (const id of [...api, web, cdn]) await uptime.checkNow(id);
  site.answer((r) => (r.path === '/api/us' ? { status: 503, body: 'down' } : { status: 200, body: 'ok' }));
  await uptime.checkNow(api[1] ?? '');

  const page = await statusPages.create(project.id, org.id, { slug: 'acme', title: 'Acme Status', description: 'Live status of Acme’s website, API and delivery network.' }, actor);
  const components = await statusPages.setComponents(
    page.id,
    org.id,
    [
      { name: 'Website', monitorIds: [web] },
      { name: 'Public API', group: 'Platform', description: 'REST API in the EU and US regions', monitorIds: api },
      { name: 'CDN', group: 'Platform', monitorIds: [cdn] },
    ],
    actor,
  );
  const [website, publicApi, cdnComponent] = components.map((c) => c.id);
  const incident = await statusPages.createIncident(page.id, org.id, { title: 'Elevated error rates in the US region', kind: 'incident', impact: 'major', body: 'We are seeing 5xx responses from the US API region and are investigating.', componentIds: [publicApi ?? ''] }, actor);
  await statusPages.addUpdate(incident.id, org.id, { status: 'identified', body: 'A failed database failover is the cause. Traffic is being moved to the EU region.' }, actor);
  const from = Date.now() + 2 * 86_400_000;
  await statusPages.createIncident(page.id, org.id, { title: 'CDN certificate rotation', kind: 'maintenance', impact: 'minor', body: 'Short connection resets are possible while certificates rotate.', componentIds: [cdnComponent ?? ''], scheduledFor: from, scheduledUntil: from + 3_600_000 }, actor);
  const old = await statusPages.createIncident(page.id, org.id, { title: 'Slow page loads', kind: 'incident', impact: 'minor', body: 'Pages are loading slowly for some visitors.', componentIds: [website ?? ''] }, actor);
  await statusPages.addUpdate(old.id, org.id, { status: 'resolved', body: 'A cache node was replaced; load times are back to normal.' }, actor);
  return { pageId: page.id, orgId: org.id, actor };
}

describe.skipIf(!available)('public status page in real Chromium', () => {
  let session: DashboardSession | undefined;
  let site: HttpReceiver;
  let page: Page;
  let base: string;
  let seeded: Awaited<ReturnType<typeof seed>>;
  // Every console message of type error and every page error: a CSP violation shows up as one.
  const problems: string[] = [];

  beforeAll(async () => {
    site = await startHttpReceiver();
    session = await startDashboardSession('wp-status-e2e-', []);
    ({ page, base } = session);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));
    seeded = await seed(session.server.ctx, site);
  });

  afterAll(async () => {
    await session?.close();
    await site.close();
  });

  it('renders the banner, components, bars, incidents and maintenance with its own styles, no errors', async () => {
    const response = await page.goto(`${base}/status/acme`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Acme Status');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Partial outage');
    for (const name of ['Website', 'Public API', 'CDN', 'Platform']) expect(await page.getByText(name, { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator('.bars i').count()).toBe(3 * 90);
    expect(await page.locator('.bars i').last().getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d: (\d+(\.\d+)?%|no data)$/);
    expect(await page.getByText('Elevated error rates in the US region').isVisible()).toBe(true);
    expect(await page.getByText(/A failed database failover is the cause/).isVisible()).toBe(true);
    expect(await page.getByText('CDN certificate rotation').isVisible()).toBe(true);
    // Past incidents sit in <details>: closed, then opened by a click (no JavaScript involved).
    expect(await page.getByText(/A cache node was replaced/).isVisible()).toBe(false);
    await page.getByText('Slow page loads').click();
    expect(await page.getByText(/A cache node was replaced/).isVisible()).toBe(true);
    expect(await page.getByText('Powered by Watchpost').isVisible()).toBe(true);

    // The inlined stylesheet applied (its CSP hash matched): the banner has its colour.
    expect(await inPage<string>(page, `getComputedStyle(document.querySelector('[role=status]')).backgroundColor`)).toBe('rgb(188, 76, 0)');
    expect(await inPage<number>(page, 'document.scripts.length')).toBe(0);
    await page.screenshot({ path: '/tmp/status-page.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  it('follows the dark colour scheme and fits a phone screen', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await inPage<string>(page, 'getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: '/tmp/status-page-dark.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await inPage<boolean>(page, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    // Phones show the last 30 days.
    expect(await page.locator('.bars i:visible').count()).toBe(3 * 30);
    await page.screenshot({ path: '/tmp/status-page-mobile.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(problems).toEqual([]);
  });

  it('serves an Atom feed that a real XML parser reads, and badges that render as images', async () => {
    const atom = await (await fetch(`${base}/status/acme/feed.atom`)).text();
    const parser = await session!.browser.newPage();
    try {
      const parsed = await inPage<{ error: string | null; root: string; titles: string[] }>(
        parser,
        `(() => {
          const doc = new DOMParser().parseFromString(${JSON.stringify(atom)}, 'application/xml');
          return {
            error: doc.getElementsByTagName('parsererror')[0]?.textContent ?? null,
            root: doc.documentElement.namespaceURI,
            titles: [...doc.getElementsByTagName('entry')].map((e) => e.getElementsByTagName('title')[0]?.textContent),
          };
        })()`,
      );
      expect(parsed.error).toBeNull();
      expect(parsed.root).toBe('http://www.w3.org/2005/Atom');
      expect(parsed.titles).toEqual(expect.arrayContaining(['Elevated error rates in the US region', 'CDN certificate rotation', 'Slow page loads']));

      await parser.setContent(`<img id="b" src="${base}/status/acme/badge/status.svg"><img id="u" src="${base}/status/acme/badge/uptime.svg">`);
      await parser.waitForFunction('[...document.images].every((img) => img.complete)');
      const sizes = await inPage<Array<[number, number]>>(parser, '[...document.images].map((img) => [img.naturalWidth, img.naturalHeight])');
      for (const [width, height] of sizes) {
        expect(width).toBeGreaterThan(60);
        expect(height).toBe(20);
      }
    } finally {
      await parser.close();
    }
  });

  it('asks for the password of a protected page, refuses a wrong one and lets the right one in', async () => {
    const { statusPages } = session!.server.ctx.services;
    await statusPages.setPassword(seeded.pageId, seeded.orgId, 'let me see the status', seeded.actor);
    // A fresh visitor: the public page may sit in a browser's cache for its max-age of 30 s.
    const visitor = await session!.browser.newContext();
    const tab = await visitor.newPage();
    const seen: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') seen.push(message.text());
    });
    tab.on('pageerror', (error) => seen.push(error.message));
    try {
      const locked = await tab.goto(`${base}/status/acme`);
      expect(locked?.status()).toBe(401);
      await tab.screenshot({ path: '/tmp/status-page-login.png' });
      await tab.getByLabel('Password').fill('a wrong password');
      await tab.getByRole('button', { name: 'View status' }).click();
      await tab.getByText('That password is not correct.').waitFor();
      await tab.getByLabel('Password').fill('let me see the status');
      await tab.getByRole('button', { name: 'View status' }).click();
      await tab.getByRole('status').waitFor();
      expect(tab.url()).toBe(`${base}/status/acme`);
      expect(await tab.getByRole('status').textContent()).toBe('Partial outage');
      await tab.screenshot({ path: '/tmp/status-page-after-login.png' });
      // Chromium reports the 401 answers themselves as failed loads; nothing else may appear.
      expect(seen.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await visitor.close();
    }
  });
});
