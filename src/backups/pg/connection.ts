import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir, userInfo } from 'node:os';

import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';

/**
 * Connections for backups: postgres:// URLs turned into libpq environment variables for the child
 * tools (credentials never on argv), node-pg connections with libpq's sslmode rules, redaction.
 */
export type PgTool = 'pg_dump' | 'pg_restore' | 'pg_dumpall' | 'psql';
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
export type PostgresBackupErrorKind = 'invalid' | 'connection' | 'tool' | 'archive' | 'dump' | 'restore' | 'aborted';

/** A failure of this module; `kind` says which step (e.g. 'tool' = no suitable pg_dump installed). */
export class PostgresBackupError extends Error {
  constructor(
    readonly kind: PostgresBackupErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PostgresBackupError';
  }
}

export interface PgConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  readonly sslMode: SslMode;
  readonly sslRootCert: string | undefined;
  readonly sslCert: string | undefined;
  readonly sslKey: string | undefined;
  /** libpq `options` (e.g. "-c search_path=app"). */
  readonly options: string | undefined;
  readonly connectTimeoutSeconds: number;
  /** libpq variables for child processes: the only way credentials reach pg_dump and friends. */
  readonly env: Readonly<Record<string, string>>;
  /** Query parameters not passed on (e.g. Prisma's pgbouncer=true). */
  readonly ignoredParams: readonly string[];
}

const APP_NAME = 'watchpost-backup';
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
/** URL query parameters libpq knows that we pass through as environment variables. */
const PASSTHROUGH: Readonly<Record<string, string>> = {
  sslcrl: 'PGSSLCRL',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
  channel_binding: 'PGCHANNELBINDING',
  gssencmode: 'PGGSSENCMODE',
  krbsrvname: 'PGKRBSRVNAME',
};
const HANDLED = new Set(['host', 'port', 'user', 'password', 'dbname', 'sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'options', 'connect_timeout', 'application_name', ...Object.keys(PASSTHROUGH)]);

export function invalid(message: string): PostgresBackupError {
  return new PostgresBackupError('invalid', message);
}

/** Parses a postgres:// URL (libpq URI rules, plus node-pg's ssl=true and sslmode=no-verify). */
export function parseConnection(url: string): PgConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`Not a valid PostgreSQL URL: ${redactUrl(url)}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw invalid(`Not a postgres:// URL: ${redactUrl(url)}`);
  const param = (name: string): string | undefined => parsed.searchParams.get(name) || undefined;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw invalid(`Badly escaped PostgreSQL URL: ${redactUrl(url)}`);
    }
  };
  const hostname = decode(parsed.hostname).replace(/^\[(.*)\]$/, '$1');
  const host = param('host') ?? (hostname || defaultSocketDir());
  const portText = param('port') ?? (parsed.port || '5432');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`Invalid port "${portText}" in ${redactUrl(url)}`);
  const user = param('user') ?? (decode(parsed.username) || osUser());
  const password = param('password') ?? (decode(parsed.password) || undefined);
  const database = param('dbname') ?? (decode(parsed.pathname.replace(/^\//, '')) || user);
  const ssl = param('ssl');
  const rawMode = param('sslmode') ?? (ssl === 'true' || ssl === '1' ? 'require' : ssl === 'false' || ssl === '0' ? 'disable' : 'prefer');
  const sslMode = (rawMode === 'no-verify' ? 'require' : rawMode) as SslMode;
  if (!SSL_MODES.includes(sslMode)) throw invalid(`Unknown sslmode "${rawMode}"; use one of ${SSL_MODES.join(', ')}`);
  const timeout = Number(param('connect_timeout') ?? '15');
  const connectTimeoutSeconds = Number.isFinite(timeout) && timeout > 0 ? Math.ceil(timeout) : 15;
  const env: Record<string, string> = {
    PGHOST: host,
    PGPORT: String(port),
    PGUSER: user,
    PGDATABASE: database,
    PGSSLMODE: sslMode,
    PGAPPNAME: APP_NAME,
    PGCONNECT_TIMEOUT: String(connectTimeoutSeconds),
  };
  if (password !== undefined) env.PGPASSWORD = password;
  const optional = { PGSSLROOTCERT: param('sslrootcert'), PGSSLCERT: param('sslcert'), PGSSLKEY: param('sslkey'), PGOPTIONS: param('options') };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) env[key] = value;
  for (const [name, variable] of Object.entries(PASSTHROUGH)) {
    const value = param(name);
    if (value !== undefined) env[variable] = value;
  }
  return {
    host,
    port,
    user,
    password,
    database,
    sslMode,
    sslRootCert: optional.PGSSLROOTCERT,
    sslCert: optional.PGSSLCERT,
    sslKey: optional.PGSSLKEY,
    options: optional.PGOPTIONS,
    connectTimeoutSeconds,
    env,
    ignoredParams: [...parsed.searchParams.keys()].filter((key) => !HANDLED.has(key)),
  };
}

function defaultSocketDir(): string {
  // libpq's default is the Unix socket; Debian and most packages put it here, Homebrew in /tmp.
  if (existsSync('/var/run/postgresql')) return '/var/run/postgresql';
  return existsSync('/tmp/.s.PGSQL.5432') ? '/tmp' : 'localhost';
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** The URL with its password (and any password= parameter) replaced by "***", for messages and lists. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString().replace('password=%2A%2A%2A', 'password=***');
  } catch {
    return redactText(url, []);
  }
}

/** Removes the given secrets, URL passwords and password=... pairs from free text (tool output). */
export function redactText(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // A secret shorter than 4 characters would turn every occurrence of common letters into ***.
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@').replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***');
}

/** Environment for child processes: a clean slate plus libpq variables, so stray PG* settings of the Watchpost process cannot redirect a backup. */
export function childEnv(conn?: PgConnection): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: homedir(), LC_ALL: 'C', ...conn?.env };
}

// ---------------------------------------------------------------------------------------------
// Connections through node-pg, with libpq's sslmode semantics

function sslAttempts(conn: PgConnection): Array<false | ConnectionOptions> {
  // sslrootcert=system (libpq 16+) means the system CAs, which is also Node's default.
  const read = (path: string | undefined): Buffer | undefined => (path && path !== 'system' ? readFileOrThrow(path) : undefined);
  const base: ConnectionOptions = { ca: read(conn.sslRootCert), cert: read(conn.sslCert), key: read(conn.sslKey), servername: isIP(conn.host) ? undefined : conn.host };
  const noVerify: ConnectionOptions = { ...base, rejectUnauthorized: false };
  const caOnly: ConnectionOptions = { ...base, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  switch (conn.sslMode) {
    case 'disable':
      return [false];
    case 'allow':
      return [false, noVerify];
    case 'prefer':
      return [noVerify, false];
    case 'require':
      // libpq: require with a root certificate behaves like verify-ca.
      return [conn.sslRootCert ? caOnly : noVerify];
    case 'verify-ca':
      return [caOnly];
    case 'verify-full':
      return [{ ...base, rejectUnauthorized: true }];
  }
}

function readFileOrThrow(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw invalid(`Cannot read the TLS file ${path}: ${(error as Error).message}`);
  }
}

export const isUnixSocket = (host: string): boolean => host.startsWith('/');

/** Connects with node-pg; like libpq, sslmode=prefer tries TLS first and falls back to plain when the server has no TLS. */
export async function connect(conn: PgConnection): Promise<pg.Client> {
  const attempts = isUnixSocket(conn.host) ? [false as const] : sslAttempts(conn);
  let firstError: unknown;
  for (const [index, ssl] of attempts.entries()) {
    const client = new pg.Client({
      host: conn.host,
      port: conn.port,
      user: conn.user,
      password: conn.password,
      database: conn.database,
      ssl,
      options: conn.options,
      application_name: APP_NAME,
      connectionTimeoutMillis: conn.connectTimeoutSeconds * 1000,
    });
    // A server restart or a killed backend must not become an uncaught 'error' event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0');
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      firstError ??= error;
      const message = (error as Error).message;
      const retry =
        index + 1 < attempts.length && (ssl === false ? /no encryption|SSL/i.test(message) : message === 'The server does not support SSL connections');
      if (!retry) {
        const shown = index === 0 ? message : `${(firstError as Error).message}; then without TLS: ${message}`;
        throw new PostgresBackupError('connection', `Cannot connect to PostgreSQL at ${describeConnection(conn)}: ${redactText(shown, [conn.password])}`, { cause: error });
      }
    }
  }
  throw new PostgresBackupError('connection', `Cannot connect to PostgreSQL at ${describeConnection(conn)}`);
}

export function describeConnection(conn: PgConnection): string {
  return `${conn.host}:${conn.port}/${conn.database} as ${conn.user}`;
}

export async function withClient<T>(url: string, work: (client: pg.Client, conn: PgConnection) => Promise<T>): Promise<T> {
  const conn = parseConnection(url);
  const client = await connect(conn);
  try {
    return await work(client, conn);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ServerVersion {
  /** 15 for 15.4; 9 for every 9.x (all supported tools are newer anyway). */
  readonly major: number;
  /** As the server reports it: "15.4 (Debian 15.4-1.pgdg120+1)". */
  readonly full: string;
}

export async function queryServerVersion(client: pg.Client): Promise<ServerVersion> {
  const num = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  const full = await client.query<{ server_version: string }>('SHOW server_version');
  return { major: Math.floor(Number(num.rows[0]?.server_version_num) / 10000), full: full.rows[0]?.server_version ?? 'unknown' };
}

/** The server's major and full version. */
export function serverVersion(url: string): Promise<ServerVersion> {
  return withClient(url, (client) => queryServerVersion(client));
}

