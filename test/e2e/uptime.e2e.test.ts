import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/lib/version.js';
import { verifyStandardWebhook } from '../../src/notify/channels/webhook.js';
import type { RunningServer } from '../../src/server/start.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { chromiumAvailable, startDashboardSession, type DashboardSession } from './browser.js';

const WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web');
const available = chromiumAvailable();
if (available && !existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is missing: run `npm run build` (npm test builds it)');

const PASSWORD = 'e2e password 12345';

describe.skipIf(!available)('uptime monitors and notifications in real Chromium', () => {
  let server: RunningServer;
  let page: Page;
  let base: string;
  let session: DashboardSession | undefined;
  /** A real website to monitor, and a real webhook receiver. */
  let site: HttpReceiver;
  let hooks: HttpReceiver;
  let projectId: number;
  let orgSlug: string;
  let projectPath: string;
  let httpMonitorId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    session = await startDashboardSession('wp-e2e-uptime-', problems);
    ({ server, page, base } = session);
    site = await startHttpReceiver();
    site.answer((request) => (request.path === '/health' ? { status: 200, body: 'all systems go' } : { status: 404 }));
    hooks = await startHttpReceiver();

    if (server.bootstrap.kind !== 'setup-needed') throw new Error('expected a fresh instance');
    await page.goto(`${base}/setup#token=${server.bootstrap.token}`);
    await page.getByLabel('Your name').fill('Olga Ops');
    await page.getByLabel('Email').fill('olga@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByLabel('Organisation name').fill('Night Shift');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.getByRole('button', { name: 'New project' }).waitFor();
    const org = (await server.ctx.services.orgs.listAll())[0]!;
    orgSlug = org.slug;
    projectId = (await server.ctx.services.projects.create(org.id, { name: 'Shop' }, null)).project.id;
    projectPath = `${base}/orgs/${orgSlug}/projects/${projectId}`;
  });

  afterAll(async () => {
    await session?.close();
    await site?.close();
    await hooks?.close();
  });

  it('explains monitors when there are none, tests an HTTP monitor before saving it, and lists it', async () => {
    await page.goto(`${projectPath}/monitors`);
    await page.getByText('Know when something is down before your users do').waitFor();
    await page.getByRole('link', { name: 'Add heartbeat (cron job)' }).waitFor();
    await page.getByRole('link', { name: 'Add website monitor' }).click();

    await page.getByLabel('URL', { exact: true }).fill(`${site.url}/health`);
    await page.getByLabel('Name', { exact: true }).fill('Shop API');
    await page.getByLabel('Keyword', { exact: true }).fill('systems go');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const outcome = page.getByTestId('test-outcome');
    await outcome.getByText('Up', { exact: true }).waitFor();
    expect(await outcome.textContent()).toContain('200');
    expect(site.received.filter((r) => r.path === '/health')).toHaveLength(1);

    await page.getByRole('button', { name: 'Create monitor' }).click();
    // The form lives at /monitors/new?type=http, which must not count as the saved monitor's page.
    await page.waitForURL(/\/monitors\/(?!new(?:[/?]|$))[^/?]+$/);
    httpMonitorId = page.url().split('/').at(-1)!;
    expect(await server.ctx.services.uptime.get(httpMonitorId)).toMatchObject({ name: 'Shop API', type: 'http', config: { keyword: { value: 'systems go' } } });

    await page.getByRole('link', { name: 'Monitors', exact: true }).click();
    const row = page.getByTestId('monitor-row').filter({ hasText: 'Shop API' });
    await row.waitFor();
    expect(await row.textContent()).toContain(`GET ${site.url}/health`);
    await page.getByRole('button', { name: /^All\s*1$/ }).waitFor();
  });

  it('checks the monitor now from its page: status Up and a row in recent checks', async () => {
    await page.getByRole('link', { name: 'Shop API' }).click();
    await page.getByRole('heading', { name: /Shop API/ }).waitFor();
    const before = site.received.length;
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByTestId('monitor-status').getByText('Up', { exact: true }).waitFor();
    const check = page.getByTestId('check-row').first();
    await check.waitFor();
    const text = (await check.textContent()) ?? '';
    expect(text).toContain('Up');
    expect(text).toContain('200');
    expect(site.received.length).toBeGreaterThan(before);
    // The uptime panel comes from rollups that the check just fed.
    await page.getByTestId('uptime-24hours').getByText('100%').waitFor();
  });

  it('creates a heartbeat, shows its ping URL and snippets, and turns Up when a real ping arrives', async () => {
    await page.goto(`${projectPath}/monitors/new`);
    await page.getByText('Heartbeat (cron job)', { exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('Nightly backup');
    await page.getByRole('button', { name: 'Create heartbeat' }).click();

    const shown = page.getByTestId('ping-url');
    await shown.waitFor();
    const pingUrl = ((await shown.textContent()) ?? '').trim();
    expect(pingUrl).toMatch(new RegExp(`^${base}/ping/[0-9a-f-]{36}$`));
    await page.getByTestId('monitor-status').getByText('Pending', { exact: true }).waitFor();
    await page.getByText('Waiting for the first ping…').waitFor();

    await page.getByRole('tab', { name: 'Crontab' }).click();
    expect(await page.getByRole('tabpanel').textContent()).toContain(`${pingUrl}/start ; /path/job.sh ; curl -fsS -m 10 --retry 5 -o /dev/null ${pingUrl}/$?`);
    await page.getByRole('tab', { name: 'Sentry SDK' }).click();
    const sentry = (await page.getByRole('tabpanel').textContent()) ?? '';
    expect(sentry).toContain('Sentry.withMonitor(');
    expect(sentry).toContain("'nightly-backup'");
    const dsn = (await server.ctx.services.projects.listKeys(projectId))[0]!.dsn;
    expect(sentry).toContain(dsn);

    const response = await fetch(pingUrl);
    expect(response.status).toBe(200);
    // The page polls while the heartbeat waits for its first ping.
    await page.getByTestId('monitor-status').getByText('Up', { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByTestId('ping-row').filter({ hasText: 'Success' }).waitFor();
  });

  it('adds a webhook channel, shows its signing secret once, and delivers a signed test', async () => {
    await page.getByRole('link', { name: 'Notifications', exact: true }).click();
    await page.getByText('No notification channels yet').waitFor();
    await page.getByRole('button', { name: 'Add channel', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type').selectOption('webhook');
    await dialog.getByLabel('Name', { exact: true }).fill('Ops hook');
    await dialog.getByLabel('URL', { exact: true }).fill(`${hooks.url}/watchpost`);
    await dialog.getByRole('button', { name: 'Add channel' }).click();

    const secretBox = page.getByTestId('signing-secret');
    await secretBox.waitFor();
    const secret = ((await secretBox.textContent()) ?? '').trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await page.getByText('It won’t be shown again').waitFor();
    await page.getByRole('button', { name: 'I’ve copied it' }).click();
    await secretBox.waitFor({ state: 'detached' });
    const row = page.getByTestId('channel-row').filter({ hasText: 'Ops hook' });
    expect(await row.textContent()).toContain(`Signed webhook to ${hooks.url}`);
    expect(await row.textContent()).toContain('Default');

    await page.getByRole('button', { name: 'Send test to Ops hook' }).click();
    await page.getByTestId('test-result').getByText('Test delivered to Ops hook').waitFor();
    expect(await page.getByTestId('test-result').textContent()).toContain('HTTP 200');
    const [received] = await hooks.waitFor(1);
    expect(received!.path).toBe('/watchpost');
    expect(verifyStandardWebhook(secret, received!.headers, received!.body)).toBe(true);
    expect(JSON.parse(received!.body)).toMatchObject({ type: 'test' });

    // Editing never shows the secret again: it is "set".
    await page.getByRole('button', { name: 'Edit Ops hook' }).click();
    await page.getByRole('dialog').getByPlaceholder('set — leave empty to keep').first().waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('tab', { name: 'Delivery log' }).click();
    const delivery = page.getByTestId('delivery-row').filter({ hasText: 'Ops hook' });
    await delivery.getByText('Delivered').waitFor();
    expect(await delivery.textContent()).toContain('Test notification for "Ops hook"');
    await delivery.getByRole('button', { name: /Show attempts/ }).click();
    const attempt = page.getByTestId('attempt-row').first();
    await attempt.waitFor();
    expect(await attempt.textContent()).toContain('200');
  });

  it('sends the project-only links of notifications to the organisation’s page', async () => {
    await page.goto(`${base}/projects/${projectId}/monitors/${httpMonitorId}`);
    await page.waitForURL(`${projectPath}/monitors/${httpMonitorId}`);
    await page.getByRole('heading', { name: /Shop API/ }).waitFor();
    expect(problems).toEqual([]);
  });
});
