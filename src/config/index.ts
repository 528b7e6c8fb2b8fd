import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SmtpSettings } from '../notify/types.js';
import { envSchema, SECRET_VARIABLES } from './schema.js';

export { SECRET_VARIABLES } from './schema.js';
export { namedVariable } from './env.js';

export type DatabaseConfig =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly poolSize: number };

/** The validated, frozen configuration every module receives; nothing else reads process.env. */
/** Limits for the ingest endpoints (docs/configuration.md, "Ingest"). */
const MIB = 1024 * 1024;

export interface IngestConfig {
  readonly maxBodyBytes: number;
  readonly maxDecompressedBytes: number;
  readonly maxEventBytes: number;
  /** Default events per minute per ingest key; 0 = no limit. Keys can override it. */
  readonly keyRateLimitPerMinute: number;
  /** Threads that process Sentry envelopes (scrub, normalise, group, compress); 0 = main thread. */
  readonly workers: number;
  /** SQLite: ingest batches are written on a thread with its own connection (false: main thread). */
  readonly writerThread: boolean;
  /** Envelopes accepted but not yet committed before ingest answers 503. */
  readonly queueSize: number;
  readonly queueBytes: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly publicUrl: string;
  readonly secretKey: string;
  /** Where the secret key came from, for `watchpost doctor`. */
  readonly secretKeySource: 'env' | 'file' | 'generated';
  readonly admin: { readonly email: string; readonly password: string } | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** false, a number of trusted proxy hops, or the trusted proxy addresses. */
  readonly trustProxy: false | number | readonly string[];
  readonly sessionTtlMs: number;
  readonly login: { readonly maxFailures: number; readonly lockoutMs: number };
  readonly apiBodyLimitBytes: number;
  readonly ingest: IngestConfig;
  /** How long raw data is kept (docs/configuration.md). */
  readonly retention: { readonly eventDays: number; readonly checkDays: number };
  /** Backups: the default encryption key and where to look first for pg_dump / pg_restore. */
  readonly backups: { readonly key: string | null; readonly pgBinDir: string | null; readonly pgSearchPath: string };
  /** Whether webhooks and uptime checks may connect to link-local / cloud-metadata addresses. */
  readonly egress: { readonly allowLinkLocal: boolean };
  /** Monitor checks and notification deliveries one node works on at once. */
  readonly workers: { readonly checks: number; readonly deliveries: number };
  /** The instance's outgoing mail server for email notifications, when configured. */
  readonly smtp: SmtpSettings | null;
  readonly metricsToken: string | null;
  readonly jobsEnabled: boolean;
  readonly nodeName: string;
  /** The raw variables after *_FILE resolution, for `watchpost doctor` (secrets masked there). */
  readonly effective: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** Thrown when configuration is invalid; `problems` names every variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const PG_NEEDS_SECRET =
  'WATCHPOST_SECRET_KEY: required when DATABASE_URL points at PostgreSQL (all nodes must share it); generate one with: openssl rand -base64 48';

/** Reads NAME_FILE for each secret (Docker/Kubernetes secrets); NAME itself wins if both are set. */
function resolveSecretFiles(env: Env, problems: string[]): Env {
  const out: Env = { ...env };
  for (const name of SECRET_VARIABLES) {
    const fileVar = `${name}_FILE`;
    const path = env[fileVar];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${fileVar}: both ${name} and ${fileVar} are set; set only one`);
      continue;
    }
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${fileVar}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return out;
}

/** Empty strings mean "unset": docker-compose and .env files often leave `NAME=` lines behind. */
function dropEmpty(env: Env): Env {
  const out: Env = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

function databaseFrom(url: string | undefined, dataDir: string, poolSize: number): DatabaseConfig {
  if (url === undefined) return { dialect: 'sqlite', file: join(dataDir, 'watchpost.db') };
  if (url.startsWith('sqlite:')) {
    const path = url.replace(/^sqlite:(\/\/)?/, '');
    return { dialect: 'sqlite', file: path === ':memory:' ? path : resolve(path) };
  }
  return { dialect: 'postgres', url, poolSize };
}

/**
 * On SQLite a missing secret key is generated once and kept in the data dir so sessions and stored
 * secrets survive restarts. On PostgreSQL several nodes must share it, so it has to be configured.
 */
function secretKeyFor(
  given: string | undefined,
  fromFile: boolean,
  database: DatabaseConfig,
  dataDir: string,
  problems: string[],
): { key: string; source: Config['secretKeySource'] } {
  if (given !== undefined) return { key: given, source: fromFile ? 'file' : 'env' };
  if (database.dialect === 'postgres') {
    problems.push(PG_NEEDS_SECRET);
    return { key: '', source: 'env' };
  }
  const keyFile = join(dataDir, 'secret.key');
  try {
    if (!existsSync(keyFile)) {
      mkdirSync(dataDir, { recursive: true });
      // Written to a temporary file and linked into place: the key file is either complete or
      // absent, and if two processes race, the second one uses the first one's key.
      const temporary = `${keyFile}.${process.pid}.tmp`;
      writeFileSync(temporary, `${randomBytes(48).toString('base64')}\n`, { mode: 0o600 });
      chmodSync(temporary, 0o600);
      try {
        linkSync(temporary, keyFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(temporary);
      }
    }
    const key = readFileSync(keyFile, 'utf8').trim();
    if (key.length < 32) {
      problems.push(
        `WATCHPOST_SECRET_KEY: ${keyFile} is empty or truncated (${key.length} characters); restore it from a backup, or delete it to generate a new key (everyone is logged out, API tokens and stored secrets stop working)`,
      );
    }
    return { key, source: 'generated' };
  } catch (error) {
    problems.push(
      `WATCHPOST_SECRET_KEY: not set and ${keyFile} cannot be created (${(error as Error).message}); set the variable or make WATCHPOST_DATA_DIR writable`,
    );
    return { key: '', source: 'generated' };
  }
}

/** Validates the environment and returns a frozen Config, or throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const resolved = dropEmpty(resolveSecretFiles(env, problems));
  const parsed = envSchema.safeParse(resolved);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      const received = resolved[name];
      const shown = received === undefined || (SECRET_VARIABLES as readonly string[]).includes(name) ? '' : ` (got "${received}")`;
      problems.push(`${name}: ${issue.message}${shown}`);
    }
  }
  // Cross-field checks run on the raw values too, so one run reports every problem at once.
  if ((resolved.WATCHPOST_ADMIN_EMAIL === undefined) !== (resolved.WATCHPOST_ADMIN_PASSWORD === undefined)) {
    problems.push('WATCHPOST_ADMIN_EMAIL/WATCHPOST_ADMIN_PASSWORD: set both to create the first admin, or neither');
  }
  if (!parsed.success) {
    if (/^postgres(ql)?:/.test(resolved.DATABASE_URL ?? '') && resolved.WATCHPOST_SECRET_KEY === undefined) {
      problems.push(PG_NEEDS_SECRET);
    }
    throw new ConfigError(problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const v = parsed.data;

  const dataDir = resolve(v.WATCHPOST_DATA_DIR);
  const database = databaseFrom(v.DATABASE_URL, dataDir, v.WATCHPOST_DB_POOL_SIZE);
  const secret = secretKeyFor(
    v.WATCHPOST_SECRET_KEY,
    env.WATCHPOST_SECRET_KEY_FILE !== undefined && env.WATCHPOST_SECRET_KEY === undefined,
    database,
    dataDir,
    problems,
  );
  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = (v.WATCHPOST_PUBLIC_URL ?? `http://localhost:${v.WATCHPOST_PORT}`).replace(/\/+$/, '');
  const config: Config = {
    port: v.WATCHPOST_PORT,
    host: v.WATCHPOST_HOST,
    dataDir,
    database,
    publicUrl,
    secretKey: secret.key,
    secretKeySource: secret.source,
    admin:
      v.WATCHPOST_ADMIN_EMAIL !== undefined && v.WATCHPOST_ADMIN_PASSWORD !== undefined
        ? { email: v.WATCHPOST_ADMIN_EMAIL, password: v.WATCHPOST_ADMIN_PASSWORD }
        : null,
    logLevel: v.WATCHPOST_LOG_LEVEL,
    trustProxy: v.WATCHPOST_TRUST_PROXY,
    sessionTtlMs: v.WATCHPOST_SESSION_TTL_HOURS * 3_600_000,
    login: { maxFailures: v.WATCHPOST_LOGIN_MAX_FAILURES, lockoutMs: v.WATCHPOST_LOGIN_LOCKOUT_MINUTES * 60_000 },
    apiBodyLimitBytes: v.WATCHPOST_API_BODY_LIMIT_BYTES,
    retention: { eventDays: v.WATCHPOST_RETENTION_EVENT_DAYS, checkDays: v.WATCHPOST_RETENTION_CHECK_DAYS },
    backups: { key: v.WATCHPOST_BACKUP_KEY ?? null, pgBinDir: v.WATCHPOST_PG_BIN_DIR ?? null, pgSearchPath: env.PATH ?? '' },
    egress: { allowLinkLocal: v.WATCHPOST_EGRESS_ALLOW_LINK_LOCAL },
    workers: { checks: v.WATCHPOST_UPTIME_CONCURRENCY, deliveries: v.WATCHPOST_NOTIFY_CONCURRENCY },
    smtp: v.WATCHPOST_SMTP_URL === undefined ? null : smtpFrom(v.WATCHPOST_SMTP_URL, v.WATCHPOST_SMTP_FROM, problems),
    ingest: {
      maxBodyBytes: v.WATCHPOST_INGEST_MAX_BODY_MB * MIB,
      maxDecompressedBytes: v.WATCHPOST_INGEST_MAX_DECOMPRESSED_MB * MIB,
      maxEventBytes: v.WATCHPOST_INGEST_MAX_EVENT_KB * 1024,
      keyRateLimitPerMinute: v.WATCHPOST_INGEST_KEY_RATE_LIMIT,
      queueSize: v.WATCHPOST_INGEST_QUEUE_SIZE,
      queueBytes: v.WATCHPOST_INGEST_QUEUE_MB * MIB,
      // One core stays with the main thread (HTTP, database); up to four process envelopes.
      workers: v.WATCHPOST_INGEST_WORKERS ?? Math.max(0, Math.min(4, availableParallelism() - 1)),
      writerThread: v.WATCHPOST_INGEST_WRITER_THREAD,
    },
    metricsToken: v.WATCHPOST_METRICS_TOKEN ?? null,
    jobsEnabled: v.WATCHPOST_JOBS,
    nodeName: v.WATCHPOST_NODE_NAME ?? `${hostname()}:${process.pid}`,
    effective: Object.freeze({
      ...v,
      WATCHPOST_DATA_DIR: dataDir,
      WATCHPOST_PUBLIC_URL: publicUrl,
      WATCHPOST_TRUST_PROXY: Array.isArray(v.WATCHPOST_TRUST_PROXY) ? v.WATCHPOST_TRUST_PROXY.join(',') : v.WATCHPOST_TRUST_PROXY,
    }),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}


/**
 * WATCHPOST_SMTP_URL: smtp://user:password@host:587 (STARTTLS required), smtps://host:465 (implicit
 * TLS), or smtp://host:25?tls=none for a plain local relay.
 */
function smtpFrom(raw: string, from: string | undefined, problems: string[]): SmtpSettings | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('WATCHPOST_SMTP_URL: is not a valid URL');
    return null;
  }
  const implicit = url.protocol === 'smtps:';
  const mode = url.searchParams.get('tls') === 'none' ? 'none' : implicit ? 'tls' : 'starttls';
  const sender = from ?? url.searchParams.get('from') ?? (url.username ? decodeURIComponent(url.username) : '');
  if (!sender.includes('@')) {
    problems.push('WATCHPOST_SMTP_FROM: set the sender address (e.g. watchpost@example.com) for email notifications');
    return null;
  }
  return {
    host: url.hostname,
    port: url.port === '' ? (implicit ? 465 : 587) : Number(url.port),
    security: mode,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    from: sender,
  };
}
