import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/index.js';
import type { Database } from './schema.js';
import { cachingDatabase } from './statement-cache.js';
import { ImmediateSqliteDialect, newWriteTurn, type LockWait } from './sqlite-dialect.js';

export type Dialect = 'sqlite' | 'postgres';

/** Called after every query with its duration; the server feeds these into /metrics. */
export type QueryObserver = (event: { kind: string; durationMs: number; failed: boolean }) => void;

/** An open database: the Kysely instance plus what differs between the two engines. */
export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The SQLite database file (null for PostgreSQL and in-memory SQLite): other threads open it too. */
  readonly file: string | null;
  /**
   * SQLite file: raised while this connection wants or holds the write lock. The ingest writer
   * thread gets it and steps aside between its transactions, so this connection is not starved.
   */
  readonly writeTurn: Int32Array | null;
  /** Engine version, e.g. "SQLite 3.53.2" or "PostgreSQL 15.20", for doctor and health. */
  version(): Promise<string>;
  observeQueries(observer: QueryObserver): () => void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL schema to use as search_path (tests give each file its own). */
  readonly schema?: string;
  /** How long a SQLite write waits for another connection's lock (default 5 s). */
  readonly busyTimeoutMs?: number;
  /**
   * The writer thread's connection: waits for the lock synchronously (its own thread) and steps
   * aside while the main connection's `writeTurn` is raised. Without it a file database's
   * connection waits asynchronously, so the thread keeps running while another holds the lock.
   */
  readonly yieldTo?: Int32Array;
}

/** How long the writer thread steps aside for the main connection before it takes its turn anyway. */
const MAX_YIELD_MS = 1_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Opens SQLite (WAL, busy timeout, foreign keys) or a PostgreSQL pool, depending on config. */
export function openStorage(config: DatabaseConfig, options: OpenOptions = {}): Storage {
  const observers = new Set<QueryObserver>();
  const log = (event: LogEvent): void => {
    if (observers.size === 0) return;
    const node = event.query.query.kind;
    // Hand-compiled statements (storage/batch.ts insertValues) are raw nodes: name them by their verb.
    const kind = node === 'RawNode' ? (/^\s*(\w+)/.exec(event.query.sql)?.[1]?.toLowerCase() ?? 'raw') : node.replace(/QueryNode$/, '').toLowerCase() || 'raw';
    for (const observer of observers) {
      observer({ kind, durationMs: event.queryDurationMillis, failed: event.level === 'error' });
    }
  };

  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    const database = new SQLite(config.file);
    const file = config.file === ':memory:' ? null : config.file;
    const patienceMs = Math.round(options.busyTimeoutMs ?? 5000);
    // Another connection may hold the write lock (the writer thread, the CLI). The writer thread
    // waits in SQLite's busy handler; every other connection waits on a timer (busy_timeout 0).
    const writeTurn = file && !options.yieldTo ? newWriteTurn() : null;
    const lockWait: LockWait | undefined = options.yieldTo ? { mode: 'yield', turn: options.yieldTo, maxYieldMs: MAX_YIELD_MS } : writeTurn ? { mode: 'async', patienceMs, turn: writeTurn } : undefined;
    database.pragma('journal_mode = WAL');
    // NORMAL is durable across a process crash (kill -9) in WAL mode; only power loss can drop the
    // last transactions, the trade every WAL deployment makes for group-commit speed.
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${lockWait?.mode === 'async' ? 0 : patienceMs}`);
    // Checkpoint the WAL every ~16 MB instead of every 4 MB: fewer, larger checkpoints under ingest
    // load. Durability is unchanged (it depends on synchronous, not on when pages move back).
    database.pragma('wal_autocheckpoint = 4000');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({ database: cachingDatabase(database), inTransaction: () => database.inTransaction, ...(lockWait ? { lockWait } : {}) }),
      log,
    });
    return {
      db,
      dialect: 'sqlite',
      file,
      writeTurn,
      version: () => Promise.resolve(`SQLite ${String((database.prepare('select sqlite_version() as v').get() as { v: string }).v)}`),
      observeQueries: (observer) => {
        observers.add(observer);
        return () => observers.delete(observer);
      },
      close: () => db.destroy(),
    };
  }

  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    // Timestamps are epoch milliseconds in bigint columns: parse them as numbers (safe below 2^53).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : (pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  return {
    db,
    dialect: 'postgres',
    file: null,
    writeTurn: null,
    version: async () => {
      const result = await pool.query<{ v: string }>("select current_setting('server_version') as v");
      return `PostgreSQL ${result.rows[0]?.v ?? 'unknown'}`;
    },
    observeQueries: (observer) => {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    close: () => db.destroy(),
  };
}
