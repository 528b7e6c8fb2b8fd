import { sql, type Kysely } from 'kysely';
import type { Storage } from './db.js';
import type { Database } from './schema.js';

/**
 * Every table, parents before children, so rows can be copied with foreign keys on. A test
 * compares this list with the live schema: a new table must be added here.
 */
export const TABLES_IN_ORDER = [
  'users',
  'organizations',
  'settings',
  'login_failures',
  'sessions',
  'memberships',
  'invites',
  'api_tokens',
  'audit_log',
  'projects',
  'ingest_keys',
  'job_schedules',
  'job_runs',
  'project_settings',
  'releases',
  'issues',
  'issue_hashes',
  'events',
  'issue_tag_values',
  'issue_users',
  'issue_hours',
  'issue_activity',
  'ingest_outcomes',
  'perf_endpoint_minutes',
  'perf_endpoint_hours',
  'perf_span_hours',
  'perf_vital_hours',
  'perf_pending',
  'release_session_hours',
  'release_users',
  'session_states',
  'sentry_check_ins',
  'artifacts',
  'upload_chunks',
  'deploys',
  'notify_channels',
  'notify_deliveries',
  'notify_attempts',
  'monitors',
  'monitor_checks',
  'monitor_rollups',
  'monitor_downtimes',
  'heartbeat_pings',
  'maintenance_windows',
  'status_pages',
  'status_page_components',
  'status_incidents',
  'status_incident_updates',
  'backup_sources',
  'backups',
] as const satisfies ReadonlyArray<keyof Database>;

/** Primary-key columns: pages are read in key order, so no row is read twice or skipped. */
const KEYS: Partial<Record<(typeof TABLES_IN_ORDER)[number], string[]>> = {
  settings: ['key'],
  login_failures: ['key'],
  memberships: ['org_id', 'user_id'],
  job_schedules: ['name'],
  project_settings: ['project_id'],
  issue_hashes: ['project_id', 'hash'],
  monitor_rollups: ['monitor_id', 'period', 'bucket'],
  events: ['project_id', 'event_id'],
  issue_tag_values: ['issue_id', 'key', 'value'],
  issue_users: ['issue_id', 'user_key'],
  issue_hours: ['issue_id', 'hour'],
  ingest_outcomes: ['project_id', 'hour', 'category', 'outcome'],
  perf_endpoint_minutes: ['project_id', 'bucket', 'name'],
  perf_endpoint_hours: ['project_id', 'bucket', 'name'],
  perf_span_hours: ['project_id', 'bucket', 'segment', 'op', 'description'],
  perf_vital_hours: ['project_id', 'bucket', 'page', 'vital'],
  release_session_hours: ['project_id', 'release', 'environment', 'bucket'],
  release_users: ['project_id', 'release', 'user_key'],
  upload_chunks: ['org_id', 'sha1'],
  session_states: ['project_id', 'sid'],
};

/** Tables whose integer id the database assigns: PostgreSQL's identity must continue after the copy. */
const IDENTITY_TABLES = ['projects', 'perf_pending'] as const;

const BATCH = 500;

// Dynamic table names: the copy treats every table alike, so rows are plain records here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export interface CopyProgress {
  readonly table: string;
  readonly rows: number;
}

async function countRows(db: AnyDb, table: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Runs `read` on one consistent snapshot of the database. PostgreSQL: a repeatable-read
 * transaction. SQLite: a deferred `BEGIN` on one connection, a plain WAL read snapshot (taken at
 * the first read), so a node still writing to the file is not locked out for the whole copy as it
 * would be by the `BEGIN IMMEDIATE` Watchpost's transactions use.
 */
async function readSnapshot(storage: Storage, read: (db: AnyDb) => Promise<void>): Promise<void> {
  const db = storage.db as AnyDb;
  if (storage.dialect === 'postgres') {
    await db.transaction().setIsolationLevel('repeatable read').execute(read);
    return;
  }
  await db.connection().execute(async (conn) => {
    await sql`begin deferred`.execute(conn);
    try {
      await read(conn);
    } finally {
      await sql`rollback`.execute(conn); // read-only: nothing to keep
    }
  });
}

/**
 * Copies every row from one Watchpost database to another (SQLite → PostgreSQL when moving to
 * several nodes, or back). Both must be migrated to the same version; the target must be empty.
 * Runs in one transaction on the target, so a failed copy leaves it empty.
 */
export async function copyDatabase(from: Storage, to: Storage, onProgress: (progress: CopyProgress) => void = () => undefined): Promise<Record<string, number>> {
  for (const table of TABLES_IN_ORDER) {
    if ((await countRows(to.db as AnyDb, table)) > 0) {
      throw new Error(`The target database is not empty (table ${table} has rows); copy into a fresh database`);
    }
  }
  const counts: Record<string, number> = {};
  // Read one consistent snapshot of the source while writing the target in one transaction.
  await readSnapshot(from, async (snapshot) => {
    await (to.db as AnyDb).transaction().execute(async (trx) => {
      for (const table of TABLES_IN_ORDER) {
        const keys = KEYS[table] ?? ['id'];
        let copied = 0;
        for (let offset = 0; ; offset += BATCH) {
          let query = snapshot.selectFrom(table).selectAll();
          for (const key of keys) query = query.orderBy(key);
          const rows = (await query.limit(BATCH).offset(offset).execute()) as Array<Record<string, unknown>>;
          if (rows.length === 0) break;
          await trx.insertInto(table).values(rows).execute();
          copied += rows.length;
          onProgress({ table, rows: copied });
          if (rows.length < BATCH) break;
        }
        counts[table] = copied;
      }
      if (to.dialect === 'postgres') {
        for (const table of IDENTITY_TABLES) {
          await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(trx);
        }
      }
    });
  });
  return counts;
}
