import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { TIMESTAMP } from '../dialect.js';
import type { WatchpostMigration } from './index.js';

/** Backup sources (databases to back up, with schedule, targets, retention, RPO/RTO) and their backups. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('backup_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('retention', 'text', (c) => c.notNull())
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('include_roles', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('verify_schedule', 'text')
    .addColumn('assertions', 'text')
    .addColumn('rpo_minutes', 'integer')
    .addColumn('rto_minutes', 'integer')
    .addColumn('small_backup_pct', 'integer', (c) => c.notNull().defaultTo(50))
    .addColumn('timeout_minutes', 'integer', (c) => c.notNull().defaultTo(240))
    .addColumn('next_run_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('next_verify_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', TIMESTAMP)
    .addColumn('verify_lease_owner', 'text')
    .addColumn('verify_lease_until', TIMESTAMP)
    .addColumn('overdue_alerted_at', TIMESTAMP)
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('backup_sources_project_idx').on('backup_sources').columns(['project_id', 'name']).execute();
  await db.schema.createIndex('backup_sources_due_idx').on('backup_sources').column('next_run_at').execute();
  await db.schema.createIndex('backup_sources_verify_due_idx').on('backup_sources').column('next_verify_at').execute();

  await db.schema
    .createTable('backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('backup_sources.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('started_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('finished_at', TIMESTAMP)
    .addColumn('duration_ms', TIMESTAMP)
    .addColumn('size_bytes', TIMESTAMP)
    .addColumn('progress_bytes', TIMESTAMP, (c) => c.notNull().defaultTo(0))
    .addColumn('sha256', 'text')
    .addColumn('server_version', 'text')
    .addColumn('dump_version', 'text')
    .addColumn('table_counts', 'text')
    .addColumn('key_id', 'text')
    .addColumn('files', 'text')
    .addColumn('error', 'text')
    .addColumn('verify_status', 'text')
    .addColumn('verify_started_at', TIMESTAMP)
    .addColumn('verified_at', TIMESTAMP)
    .addColumn('restore_duration_ms', TIMESTAMP)
    .addColumn('verify_error', 'text')
    .addColumn('deleted_at', TIMESTAMP)
    .addColumn('cancel_requested_at', TIMESTAMP)
    .execute();
  await db.schema.createIndex('backups_source_idx').on('backups').columns(['source_id', 'started_at']).execute();
}

export const backups: WatchpostMigration = { name: '0006-backups', up };
