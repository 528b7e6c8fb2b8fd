import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/lib/version.js';
import type { RunningServer } from '../../src/server/start.js';
import { postgresAvailable } from '../helpers/dialects.js';
import { testEnv } from '../helpers/env.js';
import { chromiumAvailable, startDashboardSession, type DashboardSession } from './browser.js';

const WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web');
const available = chromiumAvailable();
if (available && !existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is missing: run `npm run build` (npm test builds it)');
const havePostgres = await postgresAvailable();

const PASSWORD = 'e2e password 12345';
const KEY = 'e2e-backup-key-0123456789abcdef';
const ROWS = 4000;

/** A URL to another database on the test server. */
function databaseUrl(name: string): string {
  const url = new URL(testEnv.postgresUrl);
  url.pathname = `/${name}`;
  url.search = '';
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!available || !havePostgres)('backups in real Chromium', () => {
  const suffix = randomBytes(4).toString('hex');
  const sourceDb = `wp_e2e_bk_${suffix}`;
  const restoredDb = `wp_e2e_bk_${suffix}_restored`;
  let server: RunningServer;
  let page: Page;
  let base: string;
  let session: DashboardSession | undefined;
  let dir: string;
  let projectId: number;
  let projectPath: string;
  const problems: string[] = [];

  beforeAll(async () => {
    await query('postgres', `CREATE DATABASE ${sourceDb}`);
    await query('postgres', `CREATE DATABASE ${restoredDb}`);
    await query(sourceDb, 'CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL)');
    await query(sourceDb, `INSERT INTO orders (customer, total) SELECT 'customer ' || g, (g % 997) / 7.0 FROM generate_series(1, ${ROWS}) g`);
    dir = mkdtempSync(join(tmpdir(), 'wp-e2e-backups-'));

    session = await startDashboardSession('wp-e2e-backups-', problems);
    ({ server, page, base } = session);
    if (server.bootstrap.kind !== 'setup-needed') throw new Error('expected a fresh instance');
    await page.goto(`${base}/setup#token=${server.bootstrap.token}`);
    await page.getByLabel('Your name').fill('Rita Restore');
    await page.getByLabel('Email').fill('rita@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await page.getByLabel('Organisation name').fill('Safe Keeping');
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.getByRole('button', { name: 'New project' }).waitFor();
    const org = (await server.ctx.services.orgs.listAll())[0]!;
    projectId = (await server.ctx.services.projects.create(org.id, { name: 'Shop' }, null)).project.id;
    projectPath = `${base}/orgs/${org.slug}/projects/${projectId}`;
  });

  afterAll(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (havePostgres) {
      for (const db of [sourceDb, restoredDb]) await query('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  });

  it('explains backups when there are none, with an Add database button and the CLI command', async () => {
    await page.goto(`${projectPath}/settings`);
    await page.getByRole('link', { name: 'Backups', exact: true }).click();
    await page.getByText('Backups you know you can restore').waitFor();
    await page.getByRole('button', { name: 'Add database' }).waitFor();
    const snippet = (await page.locator('.code-block code').textContent()) ?? '';
    expect(snippet).toContain(`watchpost backup source add --project ${projectId} --name app-db --url-env DB_URL`);
    expect(snippet).toContain("--target local:/var/backups/watchpost --schedule '0 3 * * *' --json");
  });

  it('shows a connection failure in the form, then adds the database with an encrypted local target', async () => {
    await page.getByRole('button', { name: 'Add database' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('shop-db');
    // Nothing listens on port 1: the server's connection check must fail, visibly, in the form.
    await dialog.getByLabel('Connection string').fill('postgres://postgres@127.0.0.1:1/nowhere');
    await dialog.getByLabel('Directory').fill(dir);
    await dialog.getByLabel('Encryption key').fill(KEY);
    await dialog.getByRole('button', { name: 'Add database' }).click();
    const failure = dialog.getByTestId('source-form-error');
    await failure.getByText('Could not connect to the database').waitFor();
    expect(await failure.textContent()).toContain('127.0.0.1:1/nowhere');

    await dialog.getByLabel('Connection string').fill(databaseUrl(sourceDb));
    // Generous targets, so a fresh backup and a small restore are well within them.
    await dialog.getByLabel('RPO (minutes)').fill('1440');
    await dialog.getByLabel('RTO (minutes)').fill('30');
    await dialog.getByRole('button', { name: 'Add database' }).click();
    await dialog.waitFor({ state: 'detached' });

    const card = page.getByTestId('backup-source');
    await card.getByRole('heading', { name: 'shop-db' }).waitFor();
    // The card renders before its list of backups has loaded ("Loading backups…"): wait for it.
    await card.getByText('No backups yet').waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(`/${sourceDb} (PostgreSQL `);
    expect(text).toContain(dir);
    expect(text).toContain('Encrypted');
    expect(text).toContain('Daily at 03:00');
    expect(text).toContain('No backups yet');
    // No good backup yet: the RPO is missed.
    expect(await card.getByTestId('recovery-rpo').getAttribute('data-health')).toBe('red');
  });

  it('backs up now and shows the backup succeeded with its size, and the RPO green', async () => {
    const card = page.getByTestId('backup-source');
    await card.getByRole('button', { name: 'Back up now' }).click();
    const row = card.locator('[data-testid="backup-row"][data-status="succeeded"]');
    await row.waitFor({ timeout: 30_000 });
    const [backup] = await server.ctx.services.backups.backups((await server.ctx.services.backups.listSources(projectId))[0]!.id, 1);
    expect(backup?.status).toBe('succeeded');
    expect(backup?.sizeBytes).toBeGreaterThan(0);
    expect(statSync(join(dir, backup!.files[0]!.key)).size).toBe(backup!.sizeBytes);
    const size = ((await row.getByTestId('backup-size').textContent()) ?? '').trim();
    expect(size).toMatch(/^\d+(\.\d)? (B|KB|MB)$/);
    expect(await row.textContent()).toContain(backup!.sha256!.slice(0, 12));
    expect(await row.getByTestId('backup-verified').textContent()).toBe('Not verified');

    const rpo = card.getByTestId('recovery-rpo');
    await card.locator('[data-testid="recovery-rpo"][data-health="green"]').waitFor();
    expect(await rpo.textContent()).toContain('just now');
    expect(await rpo.textContent()).toContain('(RPO 24 h)');
    await card.getByLabel(/^Size of the last 1 good backup,/).waitFor();
  });

  it('verifies the latest backup by restoring it, and shows the restore time against the RTO', async () => {
    const card = page.getByTestId('backup-source');
    expect(await card.getByTestId('recovery-rto').getAttribute('data-health')).toBe('red');
    await card.getByRole('button', { name: 'Verify latest' }).click();
    const row = card.getByTestId('backup-row').first();
    await row.getByTestId('backup-verified').getByText('Verified', { exact: true }).waitFor({ timeout: 30_000 });
    const restoreTime = ((await row.getByTestId('backup-restore-time').textContent()) ?? '').trim();
    expect(restoreTime).toMatch(/^\d+(\.\d+)? (ms|s)$/);

    const rto = card.locator('[data-testid="recovery-rto"][data-health="green"]');
    await rto.waitFor();
    const text = (await rto.textContent()) ?? '';
    expect(text).toContain(restoreTime);
    expect(text).toContain('(RTO 30 min)');
    // The scratch database is gone again.
    const leftovers = await query<{ datname: string }>('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'watchpost_verify_%'");
    expect(leftovers).toEqual([]);
  });

  it('restores only after the source name is typed: refuses a database that is not empty, then fills an empty one', async () => {
    const card = page.getByTestId('backup-source');
    await card.getByTestId('backup-row').first().getByRole('button', { name: /^Restore the backup of/ }).click();
    const dialog = page.getByRole('dialog');
    const restore = dialog.getByRole('button', { name: 'Restore', exact: true });
    await dialog.getByLabel('Target connection string').fill(databaseUrl(sourceDb));
    expect(await restore.isDisabled()).toBe(true);
    await dialog.getByLabel('Type shop-db to confirm').fill('shop');
    expect(await restore.isDisabled()).toBe(true);
    await dialog.getByLabel('Type shop-db to confirm').fill('shop-db');
    expect(await restore.isEnabled()).toBe(true);

    // The source itself has tables: without force the server refuses, and says why.
    await restore.click();
    await dialog.getByRole('alert').getByText(/is not empty/).waitFor();

    await dialog.getByLabel('Replace existing objects (force)').check();
    await dialog.getByText('Tables, views and functions with the same names are dropped and replaced').waitFor();
    await dialog.getByLabel('Replace existing objects (force)').uncheck();

    await dialog.getByLabel('Target connection string').fill(databaseUrl(restoredDb));
    await restore.click();
    const result = dialog.getByTestId('restore-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(/Restored in \d/);
    expect(await result.textContent()).toContain('1 table restored');
    const [restored] = await query<{ n: string; sum: string }>(restoredDb, 'SELECT count(*) AS n, sum(total) AS sum FROM orders');
    const [original] = await query<{ n: string; sum: string }>(sourceDb, 'SELECT count(*) AS n, sum(total) AS sum FROM orders');
    expect(restored).toEqual(original);
    expect(Number(restored?.n)).toBe(ROWS);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('previews retention: the verified backup is kept, with its reasons', async () => {
    const card = page.getByTestId('backup-source');
    await card.getByRole('button', { name: 'Prune…' }).click();
    const preview = page.getByRole('dialog').getByTestId('prune-preview');
    await preview.waitFor();
    const text = (await preview.textContent()) ?? '';
    expect(text).toContain('Kept (1)');
    expect(text).toContain('Would be removed (0)');
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).first().click();
    expect(readdirSync(join(dir, (await server.ctx.services.backups.listSources(projectId))[0]!.id))).toHaveLength(1);
  });

  it('follows the project-only link of a backup alert to the page', async () => {
    await page.goto(`${base}/projects/${projectId}/backups`);
    await page.waitForURL(`${projectPath}/backups`);
    await page.getByTestId('backup-source').getByRole('heading', { name: 'shop-db' }).waitFor();
  });

  it('deletes the source after its name is typed; the stored files stay', async () => {
    const sourceId = (await server.ctx.services.backups.listSources(projectId))[0]!.id;
    await page.getByRole('button', { name: 'Delete shop-db' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete source' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type shop-db to confirm').fill('shop-db');
    await confirm.click();
    await page.getByText('Backups you know you can restore').waitFor();
    expect(await server.ctx.services.backups.listSources(projectId)).toEqual([]);
    expect(readdirSync(join(dir, sourceId))).toHaveLength(1);
  });

  it('logged no errors in the browser except the two refusals the test provoked', () => {
    // The failed connection check (400) and the non-empty target (409) are answers the test asked for.
    expect(problems.filter((problem) => !/status of (400|409)/.test(problem))).toEqual([]);
    expect(problems.filter((problem) => /status of (400|409)/.test(problem))).toHaveLength(2);
  });
});
