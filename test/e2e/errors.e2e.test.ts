import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/lib/version.js';
import type { RunningServer } from '../../src/server/start.js';
import { chromiumAvailable, startDashboardSession, type DashboardSession } from './browser.js';
import { randomHex } from '../../src/lib/ids.js';

const WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web');
const available = chromiumAvailable();
if (available && !existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is missing: run `npm run build` (npm test builds it)');

const PASSWORD = 'e2e password 12345';

/** An error as @sentry/node would send it: an unhandled TypeError thrown in app code, with context lines. */
function errorEvent(userId: string) {
  const now = Date.now() / 1000;
  return {
    event_id: randomHex(16),
    timestamp: now,
    platform: 'node',
    level: 'error',
    environment: 'production',
    release: 'storefront@1.4.2',
    tags: { checkout_step: 'payment' },
    user: { id: userId },
    request: { method: 'GET', url: 'https://shop.example.com/cart?coupon=SPRING' },
    contexts: { runtime: { name: 'node', version: 'v20.19.0' } },
    breadcrumbs: {
      values: [
        { timestamp: now - 2, type: 'http', category: 'http', data: { method: 'GET', url: '/cart', status_code: 200 } },
        { timestamp: now - 1, category: 'console', level: 'info', message: 'Rendering cart with 3 items' },
      ],
    },
    exception: {
      values: [
        {
          type: 'TypeError',
          value: "Cannot read properties of undefined (reading 'price')",
          mechanism: { type: 'onunhandledrejection', handled: false },
          stacktrace: {
            frames: [
              { filename: 'node:internal/process/task_queues', function: 'process.processTicksAndRejections', lineno: 95, colno: 5, in_app: false },
              {
                filename: '/app/src/routes/cart.js',
                function: 'handleCart',
                lineno: 18,
                colno: 16,
                in_app: true,
                pre_context: ['export async function handleCart(req, res) {', '  const cart = await loadCart(req.params.id);'],
                context_line: '  const view = renderCart(cart);',
                post_context: ['  res.send(view);', '}'],
              },
              {
                filename: '/app/src/views/cart.js',
                function: 'renderCart',
                lineno: 42,
                colno: 33,
                in_app: true,
                pre_context: ['export function renderCart(cart) {', '  const lines = cart.items.map(formatLine);'],
                context_line: '  const total = cart.discount.price * lines.length;',
                post_context: ['  return { lines, total };', '}'],
              },
            ],
          },
        },
      ],
    },
  };
}

function messageEvent() {
  return { event_id: randomHex(16), timestamp: Date.now() / 1000, platform: 'node', level: 'warning', message: 'Payment provider answered slowly' };
}

/** A Sentry envelope: header line, item header line, event line. */
function envelope(event: { event_id: string }, dsn: string): string {
  return [JSON.stringify({ event_id: event.event_id, dsn, sent_at: new Date().toISOString() }), JSON.stringify({ type: 'event' }), JSON.stringify(event)].join('\n');
}

describe.skipIf(!available)('errors in real Chromium', () => {
  let server: RunningServer;
  let page: Page;
  let base: string;
  let dsn = '';
  const problems: string[] = [];

  let session: DashboardSession | undefined;
  beforeAll(async () => {
    session = await startDashboardSession('wp-e2e-errors-', problems);
    ({ server, page, base } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const send = async (event: { event_id: string }) => {
    const url = new URL(dsn);
    const response = await fetch(`${base}/api${url.pathname}/envelope/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_client=e2e/1.0, sentry_key=${url.username}` },
      body: envelope(event, dsn),
    });
    expect(response.status).toBe(200);
  };
  const issueRow = (text: string) => page.getByTestId('issue-row').filter({ hasText: text });

  it('shows a new project’s empty issue list with its DSN and SDK snippets', async () => {
    if (server.bootstrap.kind !== 'setup-needed') throw new Error('expected a fresh instance');
    await page.goto(`${base}/setup#token=${server.bootstrap.token}`);
    await page.getByLabel('Your name').fill('Grace Hopper');
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByLabel('Organisation name').fill('Compilers');
    await page.getByRole('button', { name: 'Create admin account' }).click();

    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill('Storefront');
    await page.getByRole('button', { name: 'Create project' }).click();
    dsn = ((await page.getByTestId('dsn').first().textContent()) ?? '').trim();
    expect(dsn).toMatch(/^http:\/\/[0-9a-f]+@127\.0\.0\.1:\d+\/\d+$/);

    await page.getByRole('link', { name: 'Issues', exact: true }).click();
    await page.getByRole('heading', { name: 'Send your first error' }).waitFor();
    await page.getByText(dsn, { exact: true }).first().waitFor();
    await page.getByText('npm install @sentry/node').first().waitFor();
  });

  it('groups two events of the same error into one issue with count 2', async () => {
    await send(errorEvent('u-1'));
    await send(errorEvent('u-2'));
    await send(messageEvent());

    await page.reload();
    const row = issueRow('TypeError');
    await row.waitFor();
    expect(await row.getByTestId('issue-events').textContent()).toBe('2');
    expect(await row.textContent()).toContain("Cannot read properties of undefined (reading 'price')");
    await issueRow('Payment provider answered slowly').waitFor();
    expect(page.url()).toMatch(/\/projects\/\d+\/issues$/);
  });

  it('opens the issue with its stack trace, in-app context and breadcrumbs', async () => {
    await issueRow('TypeError').getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /TypeError/ }).waitFor();
    // The in-app frame that threw is expanded: its function and the highlighted line of code.
    await page.getByText('renderCart', { exact: true }).first().waitFor();
    const current = page.locator('[aria-current="true"]', { hasText: 'const total = cart.discount.price * lines.length;' });
    await current.waitFor();
    expect(await current.textContent()).toContain('42');
    // Library frames are folded away.
    await page.getByRole('button', { name: 'Show 1 library frame' }).waitFor();
    await page.getByText('Rendering cart with 3 items').waitFor();
    await page.getByText('checkout_step').first().waitFor();
  });

  it('resolves the issue, which then shows under the Resolved filter', async () => {
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByRole('button', { name: 'Now', exact: true }).click();
    await page.getByTestId('issue-status').getByText('Resolved').waitFor();
    await page.getByText('marked this resolved').waitFor();

    await page.getByRole('link', { name: '← Issues' }).click();
    await issueRow('Payment provider answered slowly').waitFor();
    expect(await issueRow('TypeError').count()).toBe(0);

    await page.getByRole('button', { name: 'Resolved', exact: true }).click();
    await issueRow('TypeError').waitFor();
    expect(page.url()).toContain('status=resolved');
    expect(await issueRow('Payment provider answered slowly').count()).toBe(0);
  });

  it('lists the release, offers tracing set-up and shows ingest statistics', async () => {
    await page.getByRole('link', { name: 'Releases', exact: true }).click();
    await page.getByRole('cell', { name: 'storefront@1.4.2' }).waitFor();
    await page.getByRole('link', { name: 'Performance', exact: true }).click();
    await page.getByRole('heading', { name: 'No transactions in this period' }).waitFor();
    await page.getByText('tracesSampleRate: 1.0,').first().waitFor();
    await page.getByRole('link', { name: 'Project settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Ingest, last 24 hours' }).waitFor();
    await page.getByTitle('Stored and processed').getByText('Accepted').waitFor();
    expect(problems).toEqual([]);
  });
});
