import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareRowCounts,
  createDatabase,
  databaseIsEmpty,
  dropDatabase,
  findTool,
  restoreArchive,
  serverVersion,
  startDump,
  startRolesDump,
  tableRowCounts,
  withDatabase,
  type DumpResult,
} from '../src/backups/postgres.js';
import { randomHex } from '../src/lib/ids.js';
import { postgresAvailable } from './helpers/dialects.js';
import { testEnv } from './helpers/env.js';

const available = await postgresAvailable();

/** The test server's URL with a password: trust auth ignores it, and it must never show up in a message. */
const serverUrl = testEnv.postgresUrl;
const SECRET = new URL(serverUrl).password || `Pw-${randomHex(8)}-secret`;
function withSecret(url: string): string {
  const parsed = new URL(url);
  parsed.password = SECRET;
  return parsed.toString();
}

async function query<T extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, database) });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** md5 over a table's rows in key order: equal contents, equal digest. */
async function digest(database: string, table: string): Promise<string> {
  const rows = await query<{ d: string }>(database, `SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) AS d FROM ${table} t`);
  return rows[0]?.d ?? '';
}

/** Backend sessions our dumps opened on `database` (pg_dump's and ours share the application name). */
async function backupSessions(database: string): Promise<number> {
  const rows = await query<{ n: string }>('postgres', `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'watchpost-backup' AND datname = $1`, [database]);
  return Number(rows[0]?.n);
}

/** Command lines of all running processes, as `ps` shows them (read from /proc: Linux). */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // The process ended meanwhile.
    }
  }
  return lines;
}

/** A stand-in client tool that prints its arguments and environment to stderr, then fails. */
function leakyTool(dir: string, name: string): void {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1" = "--version" ]; then echo "${name} (PostgreSQL) 99.1"; exit 0; fi
echo "args: $*" >&2
echo "connecting to postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE with password=$PGPASSWORD ($PGPASSWORD)" >&2
cat > /dev/null
exit 3
`,
  );
  chmodSync(path, 0o755);
}

describe.skipIf(!available)('PostgreSQL dumps and restores with the real pg_dump and pg_restore', () => {
  const suffix = randomHex(4);
  const src = `wp_bk_src_${suffix}`;
  const dst = `wp_bk_dst_${suffix}`;
  const scratch = `wp_bk_scratch_${suffix}`;
  const srcUrl = withDatabase(serverUrl, src);
  const dstUrl = withDatabase(serverUrl, dst);
  const scratchUrl = withDatabase(serverUrl, scratch);
  const dir = mkdtempSync(join(tmpdir(), 'wp-backup-pg-'));
  const archivePath = join(dir, 'src.dump');
  let extension: string | null = null;
  let dumped: DumpResult | undefined;

  const expectedCounts: Record<string, number> = {
    'billing.invoices': 25,
    'public."Mixed Case"': 2,
    'public.child_t': 2,
    'public.customers': 500,
    'public.empty_table': 0,
    'public.events': 3,
    'public.orders': 200_000,
    'public.parent_t': 1,
  };

  beforeAll(async () => {
    await createDatabase(serverUrl, src);
    const available = await query<{ name: string }>(src, `SELECT name FROM pg_available_extensions WHERE name IN ('citext', 'pgcrypto') ORDER BY name`);
    extension = available[0]?.name ?? null;
    const emailType = extension === 'citext' ? 'citext' : 'text';
    await query(
      src,
      `${extension ? `CREATE EXTENSION ${extension};` : ''}
      CREATE TABLE customers (id serial PRIMARY KEY, email ${emailType} NOT NULL UNIQUE, name text);
      INSERT INTO customers (email, name) SELECT 'user' || g || '@example.com', 'Name ' || g FROM generate_series(1, 500) g;
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, amount numeric(10, 2), note text, created_at timestamptz);
      INSERT INTO orders SELECT g, 1 + g % 500, (g % 1000) / 7.0, md5(g::text), timestamptz '2024-01-01 00:00Z' + g * interval '1 minute'
        FROM generate_series(1, 200000) g;
      CREATE TABLE events (id serial PRIMARY KEY, kind text);
      INSERT INTO events (kind) VALUES ('a'), ('b'), ('c');
      CREATE TABLE empty_table (id int);
      CREATE TABLE "Mixed Case" (id int);
      INSERT INTO "Mixed Case" VALUES (1), (2);
      CREATE TABLE parent_t (id int);
      CREATE TABLE child_t () INHERITS (parent_t);
      INSERT INTO parent_t VALUES (1);
      INSERT INTO child_t VALUES (2), (3);
      CREATE SCHEMA billing;
      CREATE TABLE billing.invoices (id int PRIMARY KEY, total numeric);
      INSERT INTO billing.invoices SELECT g, g * 10 FROM generate_series(1, 25) g;
      CREATE SEQUENCE billing.invoice_no START 1000;
      SELECT setval('billing.invoice_no', 1041);
      CREATE FUNCTION billing.double(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2';
      CREATE VIEW order_totals AS SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id;`,
    );
  });

  afterAll(async () => {
    for (const name of [src, dst, scratch]) await dropDatabase(serverUrl, name);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the pg_dump matching the server and says what to install when none fits', async () => {
    const version = await serverVersion(srcUrl);
    const tool = await findTool('pg_dump', version.major);
    expect(tool.major).toBeGreaterThanOrEqual(version.major);
    expect(execFileSync(tool.path, ['--version'], { encoding: 'utf8' })).toContain(`(PostgreSQL) ${tool.major}`);
    await expect(findTool('pg_dump', 99)).rejects.toThrow(
      /^PostgreSQL 99 needs pg_dump 99 or newer; found pg_dump \d+ \(\/.*\)\. Install postgresql-client-99 \(Debian\/Ubuntu: apt-get install postgresql-client-99\) or set WATCHPOST_PG_BIN_DIR\.$/,
    );
  });

  it('dumps a consistent snapshot with exact per-table row counts, credentials kept out of argv', async () => {
    const progress: number[] = [];
    const handle = await startDump({ url: withSecret(srcUrl), onProgress: (bytes) => progress.push(bytes) });
    // The snapshot is fixed once startDump resolved: rows written now are in neither the counts nor the archive.
    await query(src, `INSERT INTO events (kind) VALUES ('late'), ('later')`);
    const dumps = commandLines().filter((line) => line.includes('--snapshot='));
    expect(dumps.some((line) => line.includes('pg_dump'))).toBe(true);
    expect(dumps.join('\n')).not.toContain(SECRET);

    await pipeline(handle.stream, createWriteStream(archivePath));
    dumped = await handle.done;
    const size = statSync(archivePath).size;
    expect(dumped.tableCounts).toEqual(expectedCounts);
    expect(dumped.bytes).toBe(size);
    expect(dumped.serverVersion).toBe((await serverVersion(srcUrl)).full);
    expect(Number.parseInt(dumped.pgDumpVersion, 10)).toBeGreaterThanOrEqual(Number.parseInt(dumped.serverVersion, 10));
    expect(readFileSync(archivePath).subarray(0, 5).toString()).toBe('PGDMP');
    expect(progress.at(-1)).toBe(size);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await backupSessions(src)).toBe(0);
  });

  it('restores into an empty database with the same rows, contents, sequences, views and functions', async () => {
    expect(dumped).toBeDefined();
    await createDatabase(serverUrl, dst);
    if (extension) await query(dst, `CREATE EXTENSION ${extension}`);
    expect(await databaseIsEmpty(dstUrl)).toBe(true); // an extension alone doesn't make it non-empty

    const progress: number[] = [];
    const result = await restoreArchive({ url: withSecret(dstUrl), input: createReadStream(archivePath), onProgress: (bytes) => progress.push(bytes) });
    expect(result.archive).toMatchObject({ database: src, serverVersion: dumped!.serverVersion, pgDumpVersion: dumped!.pgDumpVersion });
    expect(progress.at(-1)).toBe(statSync(archivePath).size);
    expect(await databaseIsEmpty(dstUrl)).toBe(false);

    expect(compareRowCounts(dumped!.tableCounts, await tableRowCounts(dstUrl))).toEqual([]);
    expect(compareRowCounts(dumped!.tableCounts, await tableRowCounts(srcUrl))).toEqual(['public.events: 3 at backup, 5 restored']);
    expect(await digest(dst, 'orders')).toBe(await digest(src, 'orders'));
    expect(await digest(dst, 'billing.invoices')).toBe(await digest(src, 'billing.invoices'));
    const [checks] = await query<{ next: string; totals: string; doubled: number; lookup: string }>(
      dst,
      `SELECT nextval('billing.invoice_no') AS next, (SELECT count(*) FROM order_totals) AS totals, billing.double(21) AS doubled,
        (SELECT count(*) FROM customers WHERE email = ${extension === 'citext' ? `'USER7@EXAMPLE.COM'` : `'user7@example.com'`}) AS lookup`,
    );
    expect(checks).toEqual({ next: '1042', totals: '500', doubled: 42, lookup: '1' });
  });

  it('restores over existing objects when asked to clean first', async () => {
    await query(dst, `DELETE FROM orders WHERE id > 100; INSERT INTO events (kind) VALUES ('stray')`);
    await restoreArchive({ url: dstUrl, input: createReadStream(archivePath), clean: true });
    expect(compareRowCounts(dumped!.tableCounts, await tableRowCounts(dstUrl))).toEqual([]);
  });

  it('refuses a truncated archive with a clear message', async () => {
    const full = readFileSync(archivePath);
    const half = join(dir, 'half.dump');
    writeFileSync(half, full.subarray(0, Math.floor(full.length / 2)));
    await createDatabase(serverUrl, scratch);
    await expect(restoreArchive({ url: scratchUrl, input: createReadStream(half) })).rejects.toThrow(
      /^pg_restore failed \(exit code 1\): the archive ends early: truncated .*could not read from input file: end of file/s,
    );
  });

  it('refuses an archive with a flipped bit in its table data', async () => {
    // zlib's checksum catches any change inside compressed data. A flip in the uncompressed table
    // of contents is not always noticed by pg_restore; the SHA-256 of the stored file catches those.
    const flipped = readFileSync(archivePath);
    const at = Math.floor(flipped.length * 0.6);
    flipped[at] = (flipped[at] ?? 0) ^ 0x08;
    await dropDatabase(serverUrl, scratch);
    await createDatabase(serverUrl, scratch);
    await expect(restoreArchive({ url: scratchUrl, input: Readable.from([flipped]) })).rejects.toThrow(/pg_restore failed \(exit code 1\): the archive is corrupted/);
  });

  it('refuses input that is not a custom-format archive before running pg_restore', async () => {
    const input = Readable.from([Buffer.from('-- PostgreSQL database dump\nCREATE TABLE x (id int);\n')]);
    await expect(restoreArchive({ url: scratchUrl, input })).rejects.toThrow(/not a pg_dump custom-format archive/);
    expect(input.destroyed).toBe(true);
  });

  it('reports a failure of the archive stream itself rather than pg_restore’s complaint', async () => {
    const head = readFileSync(archivePath).subarray(0, 64 * 1024);
    const input = Readable.from(
      (function* () {
        yield head;
        throw new Error('SHA-256 mismatch: the stored file is damaged');
      })(),
    );
    await dropDatabase(serverUrl, scratch);
    await createDatabase(serverUrl, scratch);
    await expect(restoreArchive({ url: scratchUrl, input })).rejects.toThrow(/^Reading the archive failed: SHA-256 mismatch/);
  });

  it('stops pg_dump promptly when aborted and leaves no session behind', async () => {
    const controller = new AbortController();
    // Nobody reads the stream, so pg_dump blocks on a full pipe until it is killed.
    const handle = await startDump({ url: srcUrl, signal: controller.signal, onProgress: () => controller.abort(new Error('cancelled by the test')) });
    await expect(handle.done).rejects.toMatchObject({ kind: 'aborted', message: 'pg_dump stopped: cancelled by the test' });
    expect(handle.stream.destroyed).toBe(true);
    for (let i = 0; i < 50 && (await backupSessions(src)) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await backupSessions(src)).toBe(0);

    const before = new AbortController();
    before.abort();
    await expect(startDump({ url: srcUrl, signal: before.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('never puts the password in an error, even when the tool prints its environment', async () => {
    const binDir = join(dir, 'bin');
    mkdirSync(binDir);
    leakyTool(binDir, 'pg_dump');
    leakyTool(binDir, 'pg_restore');

    const handle = await startDump({ url: withSecret(srcUrl), binDir });
    const copied = pipeline(handle.stream, createWriteStream(join(dir, 'leaky.dump')));
    await expect(copied).rejects.toThrow(/pg_dump failed \(exit code 3\)/);
    const dumpError = await handle.done.then(() => null, (error: Error) => error);
    expect(dumpError?.message).toMatch(/args: --format=custom .*--snapshot=/);
    expect(dumpError?.message).toContain('***');
    expect(dumpError?.message).not.toContain(SECRET);

    const restoreError = await restoreArchive({ url: withSecret(scratchUrl), input: createReadStream(archivePath), binDir }).then(() => null, (error: Error) => error);
    expect(restoreError?.message).toMatch(/^pg_restore failed \(exit code 3\)\. args: --no-password --no-owner/);
    expect(restoreError?.message).not.toContain(SECRET);

    const missing = withSecret(withDatabase(serverUrl, `wp_bk_missing_${suffix}`));
    const connectError = await startDump({ url: missing }).then(() => null, (error: Error) => error);
    expect(connectError?.message).toMatch(/^Cannot connect to PostgreSQL at .*: database "wp_bk_missing_\w+" does not exist$/);
    expect(connectError?.message).not.toContain(SECRET);
  });

  it('dumps roles without their passwords', async () => {
    const handle = await startRolesDump({ url: withSecret(srcUrl) });
    const chunks: Buffer[] = [];
    for await (const chunk of handle.stream) chunks.push(chunk as Buffer);
    const sql = Buffer.concat(chunks).toString('utf8');
    await handle.done;
    expect(sql).toContain(`CREATE ROLE ${new URL(serverUrl).username || 'postgres'};`);
    expect(sql).not.toMatch(/PASSWORD '/);
  });
});
