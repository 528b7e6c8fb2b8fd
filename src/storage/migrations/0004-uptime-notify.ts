import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { binaryType, TIMESTAMP } from '../dialect.js';
import type { WatchpostMigration } from './index.js';

/** Notification channels with their durable outbox and delivery log; uptime monitors, checks, rollups, downtimes, heartbeat pings, maintenance windows. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const BLOB = binaryType(dialect);
  const project = (c: ColumnDefinitionBuilder) => c.notNull().references('projects.id').onDelete('cascade');
  const monitor = (c: ColumnDefinitionBuilder) => c.notNull().references('monitors.id').onDelete('cascade');

  await db.schema
    .createTable('notify_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notify_channels_project_idx').on('notify_channels').columns(['project_id', 'name']).execute();

  await db.schema
    .createTable('notify_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('channel_id', 'text', (c) => c.notNull().references('notify_channels.id').onDelete('cascade'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', TIMESTAMP)
    .addColumn('last_error', 'text')
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('delivered_at', TIMESTAMP)
    .execute();
  await db.schema.createIndex('notify_deliveries_due_idx').on('notify_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notify_deliveries_project_idx').on('notify_deliveries').columns(['project_id', 'created_at']).execute();
  // Newest delivery per channel, and pending deliveries of one problem (superseded by its resolve).
  await db.schema.createIndex('notify_deliveries_channel_idx').on('notify_deliveries').columns(['channel_id', 'id']).execute();
  await db.schema.createIndex('notify_deliveries_dedup_idx').on('notify_deliveries').columns(['channel_id', 'dedup_key', 'status']).execute();

  await db.schema
    .createTable('notify_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('notify_deliveries.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', project)
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('notify_attempts_delivery_idx').on('notify_attempts').columns(['delivery_id', 'attempt']).execute();
  await db.schema.createIndex('notify_attempts_started_idx').on('notify_attempts').column('started_at').execute();

  await db.schema
    .createTable('monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text')
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('interval_ms', 'integer', (c) => c.notNull())
    .addColumn('timeout_ms', 'integer', (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull())
    .addColumn('retry_interval_ms', 'integer', (c) => c.notNull())
    .addColumn('resend_every', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('channel_ids', 'text')
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_since', TIMESTAMP, (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('down_checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_check_at', TIMESTAMP)
    .addColumn('last_latency_ms', 'double precision')
    .addColumn('last_message', 'text')
    .addColumn('next_check_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', TIMESTAMP)
    .addColumn('ping_token', 'text', (c) => c.unique())
    .addColumn('period_ms', TIMESTAMP)
    .addColumn('cron', 'text')
    .addColumn('timezone', 'text')
    .addColumn('grace_ms', TIMESTAMP)
    .addColumn('last_ping_at', TIMESTAMP)
    .addColumn('last_start_at', TIMESTAMP)
    .addColumn('slug', 'text')
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addUniqueConstraint('monitors_slug_uq', ['project_id', 'slug'])
    .execute();
  await db.schema.createIndex('monitors_project_idx').on('monitors').columns(['project_id', 'name']).execute();
  await db.schema.createIndex('monitors_due_idx').on('monitors').columns(['next_check_at']).execute();

  await db.schema
    .createTable('monitor_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', monitor)
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('at', TIMESTAMP, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('monitor_checks_monitor_idx').on('monitor_checks').columns(['monitor_id', 'at']).execute();
  await db.schema.createIndex('monitor_checks_at_idx').on('monitor_checks').column('at').execute();

  await db.schema
    .createTable('monitor_rollups')
    .addColumn('monitor_id', 'text', monitor)
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('bucket', TIMESTAMP, (c) => c.notNull())
    .addColumn('up', 'integer', (c) => c.notNull())
    .addColumn('degraded', 'integer', (c) => c.notNull())
    .addColumn('down', 'integer', (c) => c.notNull())
    .addColumn('maintenance', 'integer', (c) => c.notNull())
    .addColumn('latency_count', 'integer', (c) => c.notNull())
    .addColumn('latency_sum', 'double precision', (c) => c.notNull())
    .addColumn('sketch', BLOB, (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_rollups_pk', ['monitor_id', 'period', 'bucket'])
    .execute();
  await db.schema.createIndex('monitor_rollups_bucket_idx').on('monitor_rollups').columns(['period', 'bucket']).execute();

  await db.schema
    .createTable('monitor_downtimes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', monitor)
    .addColumn('project_id', 'integer', (c) => c.notNull())
    .addColumn('started_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('ended_at', TIMESTAMP)
    .addColumn('cause', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('monitor_downtimes_monitor_idx').on('monitor_downtimes').columns(['monitor_id', 'started_at']).execute();

  await db.schema
    .createTable('heartbeat_pings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', monitor)
    .addColumn('at', TIMESTAMP, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('exit_code', 'integer')
    .addColumn('rid', 'text')
    .addColumn('duration_ms', TIMESTAMP)
    .addColumn('body', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('heartbeat_pings_monitor_idx').on('heartbeat_pings').columns(['monitor_id', 'at']).execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('monitor_ids', 'text')
    .addColumn('starts_at', TIMESTAMP)
    .addColumn('ends_at', TIMESTAMP)
    .addColumn('cron', 'text')
    .addColumn('duration_ms', TIMESTAMP)
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('maintenance_windows_project_idx').on('maintenance_windows').column('project_id').execute();
}

export const uptimeNotify: WatchpostMigration = { name: '0004-uptime-notify', up };
