import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, testDialects, type TestDatabase } from './helpers/dialects.js';
import { testEnv } from './helpers/env.js';

const dialects = await testDialects();
const havePostgres = await postgresAvailable();
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build:server` (npm test builds it)');

function databaseUrl(name: string): string {
  const url = new URL(testEnv.postgresUrl);
  url.pathname = `/${name}`;
  url.search = '';
  return url.toString();
}

async function sql(query: string, database = 'postgres'): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

describe.skipIf(!havePostgres).each(dialects)('watchpost backup … from the command line [%s]', (dialect) => {
  const suffix = `${dialect}_${Date.now().toString(36)}`;
  const source = `wp_cli_src_${suffix}`;
  const target = `wp_cli_dst_${suffix}`;
  let database: TestDatabase;
  let env: Record<string, string>;
  let dir: string;

  const cli = (args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', WATCHPOST_LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: <T>() => JSON.parse(result.stdout) as T };
  };

  beforeAll(async () => {
    await sql(`DROP DATABASE IF EXISTS ${source}`);
    await sql(`DROP DATABASE IF EXISTS ${target}`);
    await sql(`CREATE DATABASE ${source}`);
    await sql(`CREATE DATABASE ${target}`);
    await sql('CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 3000) g', source);
    database = await createTestDatabase(dialect, { migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'wp-cli-backups-'));
    env = {
      DATABASE_URL: database.url,
      WATCHPOST_SECRET_KEY: 'cli-backup-secret-key-0123456789abcdefghij',
      WATCHPOST_DATA_DIR: mkdtempSync(join(tmpdir(), 'wp-cli-')),
      WATCHPOST_BACKUP_KEY: 'cli-backup-encryption-key-0123456789',
      SOURCE_URL: databaseUrl(source),
      TARGET_URL: databaseUrl(target),
    };
    expect(cli(['user', 'create', '--email', 'ops@example.com', '--password', 'a long enough password', '--admin', '--org', 'Ops']).status).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await sql(`DROP DATABASE IF EXISTS ${source} WITH (FORCE)`);
    await sql(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
  });

  it('adds a source, runs, verifies, lists, prunes and restores with --json and exit codes', () => {
    const project = cli(['project', 'create', 'Shop', '--json']);
    expect(project.status, project.stderr).toBe(0);
    const projectId = project.json<{ id: number }>().id;

    const added = cli(['backup', 'source', 'add', '--project', String(projectId), '--name', 'shop-db', '--url-env', 'SOURCE_URL', '--target', `local:${dir}`, '--schedule', '0 3 * * *', '--json']);
    expect(added.status, added.stderr).toBe(0);
    expect(added.json<{ name: string; encrypted: boolean }>()).toMatchObject({ name: 'shop-db', encrypted: true });

    const run = cli(['backup', 'run', '--source', 'shop-db', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const backup = run.json<{ id: string; status: string; sizeBytes: number; sha256: string; durationMs: number }>();
    expect(backup).toMatchObject({ status: 'succeeded', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(backup.sizeBytes).toBeGreaterThan(0);
    expect(backup.durationMs).toBeGreaterThan(0);

    const verified = cli(['backup', 'verify', backup.id, '--json']);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.json<{ id: string; status: string; restoreDurationMs: number }>()).toMatchObject({ id: backup.id, status: 'verified' });

    const listed = cli(['backup', 'list', '--source', 'shop-db', '--json']);
    expect(listed.json<Array<{ id: string; verifyStatus: string }>>()[0]).toMatchObject({ id: backup.id, verifyStatus: 'verified' });

    const prune = cli(['backup', 'prune', '--source', 'shop-db', '--dry-run', '--json']);
    expect(prune.status).toBe(0);
    expect(prune.json<{ dryRun: boolean; remove: unknown[] }>()).toMatchObject({ dryRun: true, remove: [] });

    const restored = cli(['backup', 'restore', backup.id, '--to-env', 'TARGET_URL', '--json']);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.json<{ status: string }>().status).toBe('restored');
    // Restoring again into the now non-empty database is refused without --force: exit code 1, a clear message.
    const again = cli(['backup', 'restore', backup.id, '--to-env', 'TARGET_URL', '--json']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  });

  it('fails with exit code 1 and a clear message for a database it cannot reach', () => {
    env.BAD_URL = 'postgres://postgres@127.0.0.1:1/nothing';
    const added = cli(['backup', 'source', 'add', '--project', '1', '--name', 'nowhere', '--url-env', 'BAD_URL', '--target', `local:${dir}`, '--json']);
    expect(added.status).toBe(1);
    expect(added.stderr).toMatch(/watchpost: /);
  });
});
