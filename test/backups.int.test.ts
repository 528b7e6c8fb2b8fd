import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Caller, type TestApp } from './helpers/app.js';
import { createTestDatabase, postgresAvailable, testDialects } from './helpers/dialects.js';
import { testEnv } from './helpers/env.js';
import { startHttpReceiver, type HttpReceiver } from './helpers/http-receiver.js';

const dialects = await testDialects();
const havePostgres = await postgresAvailable();

/** A URL to another database on the test server. */
function databaseUrl(name: string): string {
  const url = new URL(testEnv.postgresUrl);
  url.pathname = `/${name}`;
  url.search = '';
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The same URL with a password: trust auth ignores it, and it must never show up anywhere. */
const PASSWORD = 'Sup3rS3cretPw';
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

/** md5 over a table's rows in key order: equal contents, equal digest. */
async function digest(database: string, table: string): Promise<string> {
  return admin(async (c) => (await c.query<{ d: string }>(`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS d FROM ${table} t`)).rows[0]?.d ?? '', database);
}

interface Backup {
  id: string;
  status: string;
  sizeBytes: number | null;
  sha256: string | null;
  durationMs: number | null;
  tableCounts: Record<string, number> | null;
  encrypted: boolean;
  files: Array<{ target: number; key: string; bytes: number }>;
  error: string | null;
  verifyStatus: string | null;
  restoreDurationMs: number | null;
  verifyError: string | null;
}

describe.skipIf(!havePostgres).each(dialects)('PostgreSQL backups, verified by restoring them [%s]', (dialect) => {
  const suffix = `${dialect}_${Date.now().toString(36)}`;
  const source = `wp_bk_app_${suffix}`;
  const restored = `wp_bk_restored_${suffix}`;
  const busy = `wp_bk_busy_${suffix}`;
  const KEY = 'test-backup-key-0123456789abcdef';
  let t: TestApp;
  let call: Caller;
  let projectId: number;
  let dir: string;
  let hooks: HttpReceiver;
  let sourceId: string;
  let first: Backup;

  beforeAll(async () => {
    await admin(async (c) => {
      for (const db of [source, restored, busy]) await c.query(`DROP DATABASE IF EXISTS ${db}`);
      await c.query(`CREATE DATABASE ${source}`);
      await c.query(`CREATE DATABASE ${restored}`);
      await c.query(`CREATE DATABASE ${busy}`);
    });
    await admin(async (c) => {
      await c.query('CREATE EXTENSION IF NOT EXISTS citext');
      await c.query('CREATE TABLE customers (id serial PRIMARY KEY, email citext UNIQUE NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
      await c.query("INSERT INTO customers (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 5000) g");
      await c.query('CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2), note text)');
      await c.query("INSERT INTO orders (customer_id, total, note) SELECT 1 + g % 5000, (g % 997) / 7.0, repeat('x', g % 50) FROM generate_series(1, 120000) g");
      await c.query('CREATE SCHEMA billing');
      await c.query('CREATE TABLE billing.invoices (id int PRIMARY KEY, amount int)');
      await c.query('INSERT INTO billing.invoices SELECT g, g * 3 FROM generate_series(1, 777) g');
      await c.query('CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100');
    }, source);
    await admin((c) => c.query('CREATE TABLE leftover (id int)'), busy);

    t = await createTestApp(dialect, { WATCHPOST_BACKUP_KEY: KEY });
    const owner = await t.signUp('backups@example.com', { orgName: 'Backups' });
    if (!owner.org) throw new Error('no org');
    call = owner.call;
    projectId = (await t.ctx.services.projects.create(owner.org.id, { name: 'Shop' }, null)).project.id;
    dir = mkdtempSync(join(tmpdir(), 'wp-backups-'));
    hooks = await startHttpReceiver();
    await call({ method: 'POST', url: `/api/projects/${projectId}/channels`, payload: { name: 'Ops', type: 'webhook', config: { url: `${hooks.url}/ops` } } });
    t.ctx.services.notify.start();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await hooks?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await admin(async (c) => {
      for (const db of [source, restored, busy]) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    });
  });

  const events = () => hooks.received.filter((r) => r.path === '/ops').map((r) => (JSON.parse(r.body) as { type: string; data: { text: string } }));

  it('adds a source (checking the connection), keeps its secrets sealed, and backs it up encrypted to a local directory', async () => {
    const response = await call({
      method: 'POST',
      url: `/api/projects/${projectId}/backup-sources`,
      payload: { name: 'shop-db', url: withPassword(databaseUrl(source)), targets: [{ kind: 'local', path: dir }], retention: { keepLast: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepHourly: 0 }, rpoMinutes: 1440, rtoMinutes: 30, assertions: ["SELECT count(*) = 777 FROM billing.invoices"] },
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<{ id: string; encrypted: boolean; description: string; targets: string[] }>();
    sourceId = created.id;
    expect(created.encrypted).toBe(true);
    expect(created.targets[0]).toContain(dir);
    const row = await t.db.storage.db.selectFrom('backup_sources').selectAll().where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(response.body).not.toContain(PASSWORD);

    first = await t.ctx.services.backups.runNow(sourceId, 'manual');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.encrypted).toBe(true);
    expect(first.tableCounts).toMatchObject({ 'public.customers': 5000, 'public.orders': 120000, 'billing.invoices': 777 });
    const file = join(dir, first.files[0]?.key ?? '');
    expect(statSync(file).size).toBe(first.sizeBytes);
    // Encrypted at rest: no table data in clear in the file.
    expect(readFileSync(file).includes(Buffer.from('user42@example.com'))).toBe(false);
  });

  it('verifies a backup by restoring it into a scratch database, then drops it', async () => {
    const response = await call({ method: 'POST', url: `/api/backups/${first.id}/verify` });
    expect(response.statusCode, response.body).toBe(200);
    const verified = response.json<Backup>();
    expect(verified.verifyStatus, verified.verifyError ?? '').toBe('verified');
    expect(verified.restoreDurationMs).toBeGreaterThan(0);
    const leftovers = await admin((c) => c.query("SELECT datname FROM pg_database WHERE datname LIKE 'watchpost_verify_%'"));
    expect(leftovers.rows).toHaveLength(0);
    const sourceView = (await call({ url: `/api/backup-sources/${sourceId}` })).json<{ health: { rpo: string; rto: string }; lastVerified: { id: string } | null }>();
    expect(sourceView.health).toEqual({ rpo: 'green', rto: 'green' });
    expect(sourceView.lastVerified?.id).toBe(first.id);
  });

  it('restores into an empty database with identical contents, and refuses a non-empty one without force', async () => {
    const refused = await call({ method: 'POST', url: `/api/backups/${first.id}/restore`, payload: { to: databaseUrl(busy), confirm: 'shop-db' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/not empty/);
    const unconfirmed = await call({ method: 'POST', url: `/api/backups/${first.id}/restore`, payload: { to: databaseUrl(restored), confirm: 'wrong' } });
    expect(unconfirmed.statusCode).toBe(400);
    const done = await call({ method: 'POST', url: `/api/backups/${first.id}/restore`, payload: { to: databaseUrl(restored), confirm: 'shop-db' } });
    expect(done.statusCode, done.body).toBe(200);
    for (const table of ['customers', 'orders', 'billing.invoices']) expect(await digest(restored, table)).toBe(await digest(source, table));
    const audit = await t.db.storage.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'backup.restored').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(await t.db.storage.db.selectFrom('audit_log').selectAll().execute())).not.toContain(PASSWORD);
  });

  it('a damaged file fails verification with a clear reason and an alert', async () => {
    const second = await t.ctx.services.backups.runNow(sourceId, 'manual');
    expect(second.status).toBe('succeeded');
    const file = join(dir, second.files[0]?.key ?? '');
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    const flipped = await t.ctx.services.backups.verify(second.id);
    expect(flipped.verifyStatus).toBe('failed');
    expect(flipped.verifyError).toMatch(/Checksum mismatch|authentication failed/);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const truncated = await t.ctx.services.backups.verify(second.id);
    expect(truncated.verifyStatus).toBe('failed');
    expect(truncated.verifyError).toMatch(/Checksum mismatch|truncated/);
    await expect.poll(() => events().filter((e) => e.type === 'backup.verify_failed').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  });

  it('a failing backup is recorded and alerted; retention keeps the newest verified backup', async () => {
    await admin((c) => c.query(`ALTER DATABASE ${source} ALLOW_CONNECTIONS false`));
    try {
      const failed = await t.ctx.services.backups.runNow(sourceId, 'manual');
      expect(failed.status).toBe('failed');
      expect(failed.error).toBeTruthy();
      expect(failed.error).not.toContain(PASSWORD);
    } finally {
      await admin((c) => c.query(`ALTER DATABASE ${source} ALLOW_CONNECTIONS true`));
    }
    await expect.poll(() => events().some((e) => e.type === 'backup.failed'), { timeout: 10_000 }).toBe(true);

    const third = await t.ctx.services.backups.runNow(sourceId, 'manual');
    expect(third.status).toBe('succeeded');
    // keepLast 2: of first (verified), second (damaged), third — the two newest and the newest verified stay.
    const preview = (await call({ method: 'POST', url: `/api/backup-sources/${sourceId}/prune`, payload: { dryRun: true } })).json<{ keep: Array<{ id: string; reasons: string[] }>; remove: Array<{ id: string }> }>();
    expect(preview.keep.map((k) => k.id)).toContain(first.id);
    expect(preview.keep.find((k) => k.id === first.id)?.reasons.join(' ')).toMatch(/verified/);
    const files = readdirSync(join(dir, sourceId));
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('runs on its schedule (claimed through the database), alerts on a much smaller backup and when overdue', async () => {
    await t.db.storage.db.updateTable('backup_sources').set({ schedule: '0 3 * * *', next_run_at: Date.now() - 1 }).where('id', '=', sourceId).execute();
    await admin((c) => c.query('TRUNCATE orders'), source);
    t.ctx.services.backups.start();
    try {
      await expect
        .poll(async () => (await t.ctx.services.backups.backups(sourceId, 1))[0], { timeout: 20_000, interval: 200 })
        .toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    } finally {
      await t.ctx.services.backups.stop();
    }
    const next = await t.db.storage.db.selectFrom('backup_sources').select('next_run_at').where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(next.next_run_at).toBeGreaterThan(Date.now());
    // The orders are gone: far below half the previous backup.
    await expect.poll(() => events().some((e) => e.type === 'backup.small'), { timeout: 10_000 }).toBe(true);
    // Three days without a good backup on a daily schedule: overdue, alerted once.
    expect(await t.ctx.services.backups.checkOverdue(Date.now() + 3 * 86_400_000)).toBe(1);
    expect(await t.ctx.services.backups.checkOverdue(Date.now() + 3 * 86_400_000)).toBe(0);
    await expect.poll(() => events().some((e) => e.type === 'backup.overdue'), { timeout: 10_000 }).toBe(true);
  });

  it('cancels a running backup (here stuck behind a table lock) and stores nothing', async () => {
    const locker = new pg.Client({ connectionString: databaseUrl(source) });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      const running = await t.ctx.services.backups.runNow(sourceId, 'manual', { wait: false });
      expect(running.status).toBe('running');
      expect((await call({ method: 'POST', url: `/api/backups/${running.id}/cancel` })).statusCode).toBe(200);
      await expect.poll(async () => (await t.ctx.services.backups.getBackup(running.id)).status, { timeout: 10_000, interval: 100 }).toBe('cancelled');
      expect((await call({ method: 'POST', url: `/api/backups/${running.id}/cancel` })).statusCode).toBe(409);
      // The lease is free again: the next run may start.
      expect((await t.db.storage.db.selectFrom('backup_sources').select('lease_owner').where('id', '=', sourceId).executeTakeFirstOrThrow()).lease_owner).toBeNull();
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });

  it('changes schedule, retention and objectives without losing history', async () => {
    const before = (await t.ctx.services.backups.backups(sourceId, 200)).length;
    const response = await call({ method: 'PATCH', url: `/api/backup-sources/${sourceId}`, payload: { schedule: '15 2 * * *', timezone: 'Europe/Berlin', rpoMinutes: 60, retention: { keepLast: 3, keepHourly: 0, keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepYearly: 1 } } });
    expect(response.statusCode, response.body).toBe(200);
    const updated = response.json<{ schedule: string; timezone: string; rpoMinutes: number; retentionText: string; nextRunAt: number }>();
    expect(updated).toMatchObject({ schedule: '15 2 * * *', timezone: 'Europe/Berlin', rpoMinutes: 60 });
    expect(updated.retentionText).toContain('last 3');
    expect(new Date(updated.nextRunAt).getUTCMinutes()).toBe(15);
    expect((await call({ method: 'PATCH', url: `/api/backup-sources/${sourceId}`, payload: { schedule: 'not a cron' } })).statusCode).toBe(400);
    expect((await t.ctx.services.backups.backups(sourceId, 200)).length).toBe(before);
  });

  it('never shows the connection password or keys in the API, and keeps other organisations out', async () => {
    const body = (await call({ url: `/api/projects/${projectId}/backup-sources` })).body;
    expect(body).not.toContain(KEY);
    expect(body).not.toContain(PASSWORD);
    const stranger = await t.signUp('other-backups@example.com', { orgName: 'Other' });
    expect((await stranger.call({ url: `/api/backup-sources/${sourceId}` })).statusCode).toBe(403);
    expect((await stranger.call({ method: 'POST', url: `/api/backups/${first.id}/restore`, payload: { to: databaseUrl(restored), confirm: 'shop-db', force: true } })).statusCode).toBe(403);
  });
});

describe("backing up Watchpost's own database", () => {
  it('SQLite: a copy taken while events are ingested is consistent and restorable', async () => {
    const database = await createTestDatabase('sqlite');
    const file = (database.config as { file: string }).file;
    const t = await createTestApp('sqlite', { DATABASE_URL: `sqlite:${file}`, WATCHPOST_BACKUP_KEY: 'self-backup-key-0123456789abcdef' }, database);
    const dir = mkdtempSync(join(tmpdir(), 'wp-self-backup-'));
    try {
      const owner = await t.signUp('self@example.com', { orgName: 'Self' });
      if (!owner.org) throw new Error('no org');
      const created = await t.ctx.services.projects.create(owner.org.id, { name: 'Web' }, null);
      const add = await owner.call({ method: 'POST', url: `/api/projects/${created.project.id}/backup-sources`, payload: { kind: 'watchpost', name: 'watchpost-itself', targets: [{ kind: 'local', path: dir }] } });
      expect(add.statusCode, add.body).toBe(201);
      expect(add.json<{ description: string }>().description).toContain('SQLite');

      // Events keep arriving while the backup runs.
      let sending = true;
      let sent = 0;
      const ingest = (async () => {
        while (sending) {
          const event = { event_id: randomUUID().replace(/-/g, ''), level: 'error', message: `ingested while backing up ${sent}` };
          const response = await t.app.inject({ method: 'POST', url: `/api/${created.project.id}/store/?sentry_key=${created.key.publicKey}`, payload: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
          if (response.statusCode === 200) sent += 1;
        }
      })();
      // Some events are stored before the copy starts (the first one also starts a processing worker).
      while (sent < 5) await new Promise((resolve) => setTimeout(resolve, 20));
      const backup = await t.ctx.services.backups.runNow(add.json<{ id: string }>().id, 'manual');
      sending = false;
      await ingest;
      expect(backup.status, backup.error ?? '').toBe('succeeded');
      expect(backup.tableCounts?.events).toBeGreaterThan(0);
      expect(sent).toBeGreaterThan(backup.tableCounts?.events ?? 0);

      const verified = await t.ctx.services.backups.verify(backup.id);
      expect(verified.verifyStatus, verified.verifyError ?? '').toBe('verified');

      const restoredFile = join(dir, 'restored.db');
      const restored = await t.ctx.services.backups.restore(backup.id, restoredFile, { force: false, orgId: owner.org.id, actor: null });
      expect(restored.status).toBe('restored');
      const copy = new SQLite(restoredFile, { readonly: true });
      try {
        expect((copy.pragma('integrity_check') as Array<{ integrity_check: string }>)[0]?.integrity_check).toBe('ok');
        expect((copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(backup.tableCounts?.events);
        // Every issue the copy's events point at is in the copy: one consistent moment.
        expect((copy.prepare('SELECT count(*) AS n FROM events WHERE issue_id NOT IN (SELECT id FROM issues)').get() as { n: number }).n).toBe(0);
      } finally {
        copy.close();
      }
      await expect(t.ctx.services.backups.restore(backup.id, restoredFile, { force: false, orgId: owner.org.id, actor: null })).rejects.toThrow(/exists/);
    } finally {
      await t.close();
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
