import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';

/**
 * The PostgreSQL side of backups: pg_dump/pg_dumpall/pg_restore as child processes, plus the few
 * queries around them (snapshot, row counts, scratch databases). Credentials reach the children
 * through libpq environment variables only, never argv, so they show up neither in `ps` nor in
 * logged command lines. Nothing here writes to Watchpost's own database.
 */

export * from './pg/connection.js';
export * from './pg/tools.js';
import { connect, invalid, PostgresBackupError, queryServerVersion, withClient, childEnv, parseConnection, redactUrl, serverVersion, type PgConnection } from './pg/connection.js';
import { abortError, findTool, spawnToStream, supervise, throttled, throwIfAborted, type DumpHandle, type ToolCandidate } from './pg/tools.js';
// ---------------------------------------------------------------------------------------------
// Row counts

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Ordinary tables whose rows pg_dump saves: not system, temporary, partitioned parents or extension members. */
const COUNTED_TABLES = `
  SELECT n.nspname AS schema, c.relname AS "table", quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND c.relpersistence <> 't'
    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND NOT (n.nspname = ANY($1::text[]))
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  ORDER BY 1, 2`;

/** Exact count(*) of every counted table, keyed "schema.table" (identifiers quoted only where needed). */
async function countRows(client: pg.Client, excludeSchemas: readonly string[]): Promise<Record<string, number>> {
  // pg_dump runs with row_security off and fails rather than dump a filtered table; count the same way.
  await client.query('SET LOCAL row_security = off');
  const tables = (await client.query<{ schema: string; table: string; name: string }>(COUNTED_TABLES, [excludeSchemas])).rows;
  const counts: Record<string, number> = {};
  for (let start = 0; start < tables.length; start += 100) {
    const batch = tables.slice(start, start + 100);
    // ONLY: a parent in an inheritance tree would otherwise count its children's rows too.
    const sql = batch.map((t, i) => `SELECT ${i} AS i, count(*) AS n FROM ONLY ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`).join('\nUNION ALL ');
    for (const row of (await client.query<{ i: number; n: string }>(sql)).rows) {
      const table = batch[row.i];
      if (table) counts[table.name] = Number(row.n);
    }
  }
  return counts;
}

/** Runs `work`; an abort cancels the running query from a second connection (count(*) can take minutes). */
async function cancellable<T>(client: pg.Client, conn: PgConnection, signal: AbortSignal | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (!signal) return work();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  const onAbort = (): void => {
    void connect(conn)
      .then((other) => other.query('SELECT pg_cancel_backend($1)', [pid]).finally(() => other.end()))
      .catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    throwIfAborted(signal, name);
    return await work();
  } catch (error) {
    throw signal.aborted ? abortError(name, signal) : error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Exact row counts of every table, in one consistent (REPEATABLE READ) view; same rules as the dump's. */
export function tableRowCounts(url: string, options: { excludeSchemas?: readonly string[] } = {}): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      return await countRows(client, options.excludeSchemas ?? []);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}

/** Human-readable differences, e.g. "public.orders: 1200 at backup, 1199 restored"; empty when equal. */
export function compareRowCounts(expected: Readonly<Record<string, number>>, actual: Readonly<Record<string, number>>): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differences: string[] = [];
  for (const name of names) {
    const before = expected[name];
    const after = actual[name];
    if (before === after) continue;
    if (after === undefined) differences.push(`${name}: ${before} at backup, missing after restore`);
    else if (before === undefined) differences.push(`${name}: not in the backup, ${after} restored`);
    else differences.push(`${name}: ${before} at backup, ${after} restored`);
  }
  return differences;
}

// ---------------------------------------------------------------------------------------------
// Dumps

export interface DumpOptions {
  readonly url: string;
  readonly signal?: AbortSignal | undefined;
  /** Bytes of archive produced so far, about 4 times a second. */
  readonly onProgress?: ((bytes: number) => void) | undefined;
  readonly binDir?: string | undefined;
  readonly searchPath?: string | undefined;
  /** Schemas left out of both the dump and the row counts (names, not patterns). */
  readonly excludeSchemas?: readonly string[] | undefined;
  /** zlib level 0–9; default 6. */
  readonly compress?: number | undefined;
  /** Give up when a table lock can't be had in this time (someone holds ACCESS EXCLUSIVE); default 120. */
  readonly lockWaitTimeoutSeconds?: number | undefined;
}

export interface DumpResult {
  /** Rows per table at the snapshot the dump was taken from. */
  readonly tableCounts: Record<string, number>;
  readonly serverVersion: string;
  readonly pgDumpVersion: string;
  readonly bytes: number;
}

/** A pg_dump pattern that matches exactly this name. */
const literalPattern = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Starts `pg_dump -Fc` of one database. First exports a snapshot from a REPEATABLE READ READ ONLY
 * transaction and counts every table's rows in it, then runs pg_dump on that same snapshot, so the
 * counts describe exactly the rows in the archive. Resolves once pg_dump is running.
 */
export async function startDump(options: DumpOptions): Promise<DumpHandle<DumpResult>> {
  const conn = parseConnection(options.url);
  const { signal } = options;
  const compress = options.compress ?? 6;
  if (!Number.isInteger(compress) || compress < 0 || compress > 9) throw invalid(`compress must be 0–9, not ${compress}`);
  const excludeSchemas = options.excludeSchemas ?? [];
  throwIfAborted(signal, 'pg_dump');
  const client = await connect(conn);
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    const version = await queryServerVersion(client);
    const tool = await findTool('pg_dump', version.major, { binDir: options.binDir, searchPath: options.searchPath });
    const lockWait = options.lockWaitTimeoutSeconds ?? 120;
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The counts take the same ACCESS SHARE locks pg_dump will; give up after the same time it does.
    await client.query(`SET LOCAL lock_timeout = '${Math.max(1, Math.floor(lockWait))}s'`);
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id ?? '';
    const tableCounts = await cancellable(client, conn, signal, 'pg_dump', () => countRows(client, excludeSchemas)).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== '55P03') throw error;
      throw new PostgresBackupError('dump', `A table stayed locked for over ${lockWait} s (an ACCESS EXCLUSIVE lock, e.g. a running migration); try again later`, { cause: error });
    });
    throwIfAborted(signal, 'pg_dump');
    const args = [
      '--format=custom',
      `--compress=${compress}`,
      '--no-password',
      `--snapshot=${snapshot}`,
      `--lock-wait-timeout=${Math.max(1, Math.floor(lockWait))}s`,
      ...excludeSchemas.map((schema) => `--exclude-schema=${literalPattern(schema)}`),
    ];
    const output = spawnToStream(tool, 'pg_dump', args, conn, {
      signal,
      onProgress: options.onProgress,
      // pg_dump writes nothing until it has read the catalog inside its own transaction, which
      // imported our snapshot first; from the first byte on, ours is no longer needed.
      onFirstByte: () => void release(),
    });
    const done = output.bytes
      .then((bytes) => ({ tableCounts, serverVersion: version.full, pgDumpVersion: tool.version, bytes }))
      .finally(release);
    // Callers often await `done` only after the stream settled; a rejection meanwhile is not "unhandled".
    done.catch(() => undefined);
    return { stream: output.stream, done };
  } catch (error) {
    await release();
    throw error;
  }
}

export interface RolesDumpResult {
  readonly serverVersion: string;
  readonly pgDumpallVersion: string;
  readonly bytes: number;
}

/**
 * Starts `pg_dumpall --roles-only --no-role-passwords` (plain SQL). Without passwords, pg_dumpall
 * reads pg_roles instead of pg_authid, so it works without superuser (Supabase, RDS, Cloud SQL…);
 * restored roles need their passwords set again.
 */
export async function startRolesDump(options: {
  readonly url: string;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((bytes: number) => void) | undefined;
  readonly binDir?: string | undefined;
  readonly searchPath?: string | undefined;
}): Promise<DumpHandle<RolesDumpResult>> {
  const conn = parseConnection(options.url);
  throwIfAborted(options.signal, 'pg_dumpall');
  const version = await serverVersion(options.url);
  const tool = await findTool('pg_dumpall', version.major, { binDir: options.binDir, searchPath: options.searchPath });
  throwIfAborted(options.signal, 'pg_dumpall');
  const args = ['--roles-only', '--no-role-passwords', '--no-password', `--database=${conn.database}`];
  const output = spawnToStream(tool, 'pg_dumpall', args, conn, { signal: options.signal, onProgress: options.onProgress });
  const done = output.bytes.then((bytes) => ({ serverVersion: version.full, pgDumpallVersion: tool.version, bytes }));
  done.catch(() => undefined);
  return { stream: output.stream, done };
}

// ---------------------------------------------------------------------------------------------
// Archives and restores

export interface ArchiveHeader {
  /** Archive format version, "1.14.0" for pg_dump 12–15. */
  readonly formatVersion: string;
  readonly database: string | null;
  readonly serverVersion: string | null;
  readonly pgDumpVersion: string | null;
  /** Major version of the pg_dump that wrote it (pg_restore must be at least this). */
  readonly dumpMajor: number;
}

function archiveError(message: string): PostgresBackupError {
  return new PostgresBackupError('archive', message);
}

/** Reads the header of a custom-format archive (pg_backup_archiver.c ReadHead). */
export function parseArchiveHeader(head: Buffer): ArchiveHeader {
  if (head.length === 0) throw archiveError('The archive is empty');
  if (head.subarray(0, 5).toString('latin1') !== 'PGDMP') {
    throw archiveError('The input is not a pg_dump custom-format archive (no PGDMP header): a plain SQL file, another file, or still encrypted');
  }
  let pos = 5;
  const byte = (): number => {
    const value = head[pos++];
    if (value === undefined) throw archiveError('The archive header is truncated');
    return value;
  };
  const [major, minor, revision] = [byte(), byte(), byte()];
  if (major !== 1 || minor < 10) throw archiveError(`Unsupported archive format ${major}.${minor}: written by a pg_dump older than 9.0`);
  const intSize = byte();
  byte(); // offset size
  const format = byte();
  if (intSize < 1 || intSize > 8) throw archiveError('The archive header is corrupted');
  if (format !== 1) throw archiveError('Only pg_dump custom-format (-Fc) archives can be restored from a stream');
  const readInt = (): number => {
    const negative = byte() !== 0;
    let value = 0;
    for (let i = 0; i < intSize; i++) value += byte() * 2 ** (8 * i);
    return negative ? -value : value;
  };
  const readString = (): string | null => {
    const length = readInt();
    if (length < 0) return null;
    if (length > 4096 || pos + length > head.length) throw archiveError('The archive header is truncated or corrupted');
    const text = head.subarray(pos, pos + length).toString('utf8');
    pos += length;
    return text;
  };
  if (minor >= 15) byte();
  else readInt(); // compression: an algorithm byte since 1.15, a zlib level before
  for (let i = 0; i < 7; i++) readInt(); // creation time
  const database = readString();
  const serverVersion = readString();
  const pgDumpVersion = readString();
  return { formatVersion: `${major}.${minor}.${revision}`, database, serverVersion, pgDumpVersion, dumpMajor: Number.parseInt(pgDumpVersion ?? '0', 10) || 0 };
}

const HEADER_PEEK = 8192;

/** Reads the first bytes of a stream and gives back a stream that yields everything, those bytes included. */
async function peekStream(input: Readable, want: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < want) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* everything(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      while (!ended) {
        const next = await iterator.next();
        if (next.done) return;
        yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head, stream: Readable.from(everything(), { objectMode: false }) };
}

async function readFileHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r').catch((error: Error) => {
    throw archiveError(`Cannot open the archive ${path}: ${error.message}`);
  });
  try {
    const buffer = Buffer.alloc(HEADER_PEEK);
    const { bytesRead } = await file.read(buffer, 0, HEADER_PEEK, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export interface RestoreOptions {
  /** The database to restore into; must exist. */
  readonly url: string;
  /** The archive: a stream (fed to pg_restore's stdin) or a file path (needed for jobs > 1). */
  readonly input: Readable | string;
  readonly signal?: AbortSignal | undefined;
  /** Archive bytes read so far (stream input only). */
  readonly onProgress?: ((bytes: number) => void) | undefined;
  /** Drop objects of the same name first (pg_restore --clean --if-exists). */
  readonly clean?: boolean | undefined;
  /** Parallel jobs; a file path only, since pg_restore -j must seek in the archive. */
  readonly jobs?: number | undefined;
  readonly binDir?: string | undefined;
  readonly searchPath?: string | undefined;
  /** Minimum pg_restore major; default: that of the pg_dump named in the archive's header. */
  readonly minMajor?: number | undefined;
}

export interface RestoreResult {
  readonly archive: ArchiveHeader;
  readonly pgRestoreVersion: string;
  /** Archive bytes read (stream input). */
  readonly bytes: number;
  /** pg_restore's stderr on success (warnings), redacted. */
  readonly warnings: string;
}

/** libpq conninfo naming only the database: credentials and host still come from the environment. */
const conninfoDatabase = (name: string): string => `dbname='${name.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * Restores a custom-format archive with pg_restore (--no-owner --no-privileges --exit-on-error).
 * Resolves when pg_restore exited 0; rejects with its stderr otherwise, or with the input's own
 * error when reading the archive failed (e.g. a checksum or decryption error upstream).
 */
export async function restoreArchive(options: RestoreOptions): Promise<RestoreResult> {
  const conn = parseConnection(options.url);
  const { input, signal } = options;
  const jobs = options.jobs ?? 1;
  const fromStream = typeof input !== 'string';
  try {
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw invalid(`jobs must be 1–64, not ${jobs}`);
    if (jobs > 1 && fromStream) throw invalid('pg_restore --jobs needs a seekable archive file; a stream is restored with one job');
    throwIfAborted(signal, 'pg_restore');
  } catch (error) {
    if (fromStream) input.destroy();
    throw error;
  }
  let body: Readable | undefined;
  let archive: ArchiveHeader;
  let tool: ToolCandidate;
  try {
    if (fromStream) {
      const peeked = await peekStream(input, HEADER_PEEK).catch((error: Error) => {
        throw new PostgresBackupError('restore', `Reading the archive failed: ${error.message}`, { cause: error });
      });
      body = peeked.stream;
      archive = parseArchiveHeader(peeked.head);
    } else {
      archive = parseArchiveHeader(await readFileHead(input));
    }
    tool = await findTool('pg_restore', options.minMajor ?? archive.dumpMajor, { binDir: options.binDir, searchPath: options.searchPath });
    throwIfAborted(signal, 'pg_restore');
  } catch (error) {
    if (fromStream) (body ?? input).destroy();
    throw error;
  }
  const args = ['--no-password', '--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${conninfoDatabase(conn.database)}`];
  if (options.clean) args.push('--clean', '--if-exists');
  if (!fromStream) args.push(...(jobs > 1 ? [`--jobs=${jobs}`] : []), resolve(input));
  const child = spawn(tool.path, args, { env: childEnv(conn), stdio: [body ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
  const supervised = supervise(child, 'pg_restore', [conn.password], signal);
  let bytes = 0;
  if (body && child.stdin) {
    let inputError: Error | undefined;
    body.once('error', (error) => (inputError ??= error));
    const progress = throttled(options.onProgress);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        progress(bytes);
        callback(null, chunk);
      },
    });
    pipeline(body, counter, child.stdin).catch(() => {
      // pg_restore stopping early (EPIPE) is explained by its exit status; a failing input is not.
      if (inputError) supervised.fail(new PostgresBackupError('restore', `Reading the archive failed: ${inputError.message}`, { cause: inputError }));
    });
  }
  await supervised.exited;
  throttled(options.onProgress)(bytes, true);
  return { archive, pgRestoreVersion: tool.version, bytes, warnings: supervised.stderr().trim() };
}

// ---------------------------------------------------------------------------------------------
// Databases

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const PROTECTED_DATABASES = new Set(['postgres', 'template0', 'template1']);

function checkDatabaseName(name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw invalid(`Invalid database name "${name}": use up to 63 lowercase letters, digits and underscores, not starting with a digit`);
  }
}

/** The same URL pointing at database `name` on the same server. */
export function withDatabase(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`Not a valid PostgreSQL URL: ${redactUrl(url)}`);
  }
  parsed.pathname = `/${encodeURIComponent(name)}`;
  parsed.searchParams.delete('dbname');
  return parsed.toString();
}

/** A URL to run CREATE/DROP DATABASE from: the given one, unless it points at `name` itself. */
function maintenanceUrl(serverUrl: string, name: string): string {
  return parseConnection(serverUrl).database === name ? withDatabase(serverUrl, 'postgres') : serverUrl;
}

/** Creates an empty database (from template0, as pg_restore expects). */
export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  checkDatabaseName(name);
  await withClient(maintenanceUrl(serverUrl, name), async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`).catch((error: Error) => {
      throw new PostgresBackupError('invalid', `Cannot create the database ${name}: ${error.message}`, { cause: error });
    });
  });
}

/** Drops a database, disconnecting its sessions first; a missing database is not an error. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  checkDatabaseName(name);
  if (PROTECTED_DATABASES.has(name)) throw invalid(`Refusing to drop the ${name} database`);
  await withClient(maintenanceUrl(serverUrl, name), async (client) => {
    const { major } = await queryServerVersion(client);
    if (major >= 13) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      return;
    }
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  });
}

const NOT_SYSTEM = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`;
const notExtensionMember = (catalog: string, oid: string): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/**
 * True when the database holds nothing a restore could collide with: no tables, views,
 * sequences, functions, types or schemas besides public outside the system schemas. Objects that
 * belong to extensions (plpgsql, pgcrypto…) don't count.
 */
export function databaseIsEmpty(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ objects: string }>(`SELECT
      (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${NOT_SYSTEM} AND ${notExtensionMember('pg_class', 'c.oid')})
    + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE ${NOT_SYSTEM} AND ${notExtensionMember('pg_proc', 'p.oid')})
    + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class r ON r.oid = t.typrelid
        WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND r.relkind = 'c')) AND ${NOT_SYSTEM} AND ${notExtensionMember('pg_type', 't.oid')})
    + (SELECT count(*) FROM pg_namespace n
        WHERE ${NOT_SYSTEM} AND n.nspname <> 'public' AND ${notExtensionMember('pg_namespace', 'n.oid')}) AS objects`);
    return Number(rows[0]?.objects ?? 0) === 0;
  });
}

/**
 * Runs a user's check query (one statement, read-only, time-limited) against a restored database.
 * Passes when the first column of the first row is true or a non-zero number.
 */
export function runAssertion(url: string, sql: string, timeoutMs = 60_000): Promise<boolean> {
  return withClient(url, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
      // The extended protocol refuses several statements, so "SELECT 1; COMMIT; DROP …" can't slip through.
      const query = { text: sql, rowMode: 'array', queryMode: 'extended' } as pg.QueryArrayConfig;
      const result = await client.query(query).catch((error: Error) => {
        throw new PostgresBackupError('invalid', `The assertion query failed: ${error.message}`, { cause: error });
      });
      const value: unknown = result.rows[0]?.[0];
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) && Number(value) !== 0;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}
