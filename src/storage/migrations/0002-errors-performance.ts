import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { binaryType, TIMESTAMP } from '../dialect.js';
import type { WatchpostMigration } from './index.js';

/**
 * Error tracking (issues, events, releases), ingest accounting, performance rollups and release
 * health. High-volume tables are keyed so that a batch writes them with multi-row upserts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const BLOB = binaryType(dialect);
  const project = (c: ColumnDefinitionBuilder) => c.notNull().references('projects.id').onDelete('cascade');

  await db.schema.alterTable('ingest_keys').addColumn('rate_limit_per_minute', 'integer').execute();

  await db.schema
    .createTable('project_settings')
    .addColumn('project_id', 'integer', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('scrub_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('scrub_extra_keys', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('scrub_safe_keys', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('store_client_ip', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quota_per_minute', 'integer')
    .addColumn('quota_per_month', 'integer')
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('last_seen', TIMESTAMP, (c) => c.notNull())
    .addUniqueConstraint('releases_project_version_uq', ['project_id', 'version'])
    .execute();

  await db.schema
    .createTable('issues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('culprit', 'text', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('value', 'text')
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('substatus', 'text', (c) => c.notNull())
    .addColumn('times_seen', 'integer', (c) => c.notNull())
    .addColumn('user_count', 'integer', (c) => c.notNull())
    .addColumn('first_seen', TIMESTAMP, (c) => c.notNull())
    .addColumn('last_seen', TIMESTAMP, (c) => c.notNull())
    .addColumn('first_release', 'text')
    .addColumn('last_release', 'text')
    .addColumn('resolved_at', TIMESTAMP)
    .addColumn('resolved_in_release', 'text')
    .addColumn('resolved_in_next_release', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ignore_until', TIMESTAMP)
    .addColumn('ignore_until_count', 'integer')
    .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('issues_list_last_seen_idx').on('issues').columns(['project_id', 'status', 'last_seen']).execute();
  await db.schema.createIndex('issues_list_count_idx').on('issues').columns(['project_id', 'status', 'times_seen']).execute();
  await db.schema.createIndex('issues_list_users_idx').on('issues').columns(['project_id', 'status', 'user_count']).execute();
  await db.schema.createIndex('issues_project_last_seen_idx').on('issues').columns(['project_id', 'last_seen']).execute();
  await db.schema.createIndex('issues_last_seen_idx').on('issues').column('last_seen').execute();

  // Grouping hashes point at issues; merging moves hashes, so new events follow the merge.
  await db.schema
    .createTable('issue_hashes')
    .addColumn('project_id', 'integer', project)
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('issue_hashes_pk', ['project_id', 'hash'])
    .execute();
  await db.schema.createIndex('issue_hashes_issue_idx').on('issue_hashes').column('issue_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('project_id', 'integer', project)
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('timestamp', TIMESTAMP, (c) => c.notNull())
    .addColumn('received_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('release', 'text')
    .addColumn('transaction', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text')
    // The normalised event JSON, deflate-compressed: read only by the detail view.
    .addColumn('data', BLOB, (c) => c.notNull())
    .addPrimaryKeyConstraint('events_pk', ['project_id', 'event_id'])
    .execute();
  await db.schema.createIndex('events_issue_idx').on('events').columns(['issue_id', 'received_at']).execute();
  // Retention deletes by age across projects.
  await db.schema.createIndex('events_received_idx').on('events').column('received_at').execute();

  await db.schema
    .createTable('issue_tag_values')
    .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('first_seen', TIMESTAMP, (c) => c.notNull())
    .addColumn('last_seen', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('issue_tag_values_pk', ['issue_id', 'key', 'value'])
    // On SQLite, store rows in key order (no rowid): an issue's tag rows sit together, so a
    // batch's upserts touch far fewer pages.
    .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
    .execute();
  await db.schema.createIndex('issue_tag_values_lookup_idx').on('issue_tag_values').columns(['key', 'value', 'issue_id']).execute();

  await db.schema
    .createTable('issue_users')
    .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('issue_users_pk', ['issue_id', 'user_key'])
    .execute();

  await db.schema
    .createTable('issue_hours')
    .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('hour', TIMESTAMP, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('issue_hours_pk', ['issue_id', 'hour'])
    .execute();
  await db.schema.createIndex('issue_hours_hour_idx').on('issue_hours').column('hour').execute();

  await db.schema
    .createTable('issue_activity')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('issue_id', 'text', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', project)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('data', 'text')
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('issue_activity_issue_idx').on('issue_activity').columns(['issue_id', 'created_at']).execute();
  await db.schema.createIndex('issue_activity_project_idx').on('issue_activity').columns(['project_id', 'kind', 'created_at']).execute();

  // Ingest accounting per project, hour, data category and outcome (accepted, rate_limited, ...).
  await db.schema
    .createTable('ingest_outcomes')
    .addColumn('project_id', 'integer', project)
    .addColumn('hour', TIMESTAMP, (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_outcomes_pk', ['project_id', 'hour', 'category', 'outcome'])
    .execute();

  // Per-endpoint latency: count, failures, Apdex buckets and a DDSketch, per minute and per hour.
  for (const table of ['perf_endpoint_minutes', 'perf_endpoint_hours'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('project_id', 'integer', project)
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('bucket', TIMESTAMP, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('satisfied', 'integer', (c) => c.notNull())
      .addColumn('tolerating', 'integer', (c) => c.notNull())
      .addColumn('sum_ms', 'double precision', (c) => c.notNull())
      .addColumn('sketch', BLOB, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['project_id', 'bucket', 'name'])
      .execute();
  }
  await db.schema.createIndex('perf_endpoint_minutes_bucket_idx').on('perf_endpoint_minutes').column('bucket').execute();

  await db.schema
    .createTable('perf_span_hours')
    .addColumn('project_id', 'integer', project)
    .addColumn('segment', 'text', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('bucket', TIMESTAMP, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('sum_ms', 'double precision', (c) => c.notNull())
    .addColumn('max_ms', 'double precision', (c) => c.notNull())
    .addColumn('sketch', BLOB, (c) => c.notNull())
    .addPrimaryKeyConstraint('perf_span_hours_pk', ['project_id', 'bucket', 'segment', 'op', 'description'])
    .execute();

  await db.schema
    .createTable('perf_vital_hours')
    .addColumn('project_id', 'integer', project)
    .addColumn('page', 'text', (c) => c.notNull())
    .addColumn('vital', 'text', (c) => c.notNull())
    .addColumn('bucket', TIMESTAMP, (c) => c.notNull())
    .addColumn('good', 'integer', (c) => c.notNull())
    .addColumn('meh', 'integer', (c) => c.notNull())
    .addColumn('poor', 'integer', (c) => c.notNull())
    .addColumn('sketch', BLOB, (c) => c.notNull())
    .addPrimaryKeyConstraint('perf_vital_hours_pk', ['project_id', 'bucket', 'page', 'vital'])
    .execute();

  // Release health: session counts per release, environment and hour; distinct users per release.
  await db.schema
    .createTable('release_session_hours')
    .addColumn('project_id', 'integer', project)
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('bucket', TIMESTAMP, (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('errored', 'bigint', (c) => c.notNull())
    .addColumn('crashed', 'bigint', (c) => c.notNull())
    .addColumn('abnormal', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('release_session_hours_pk', ['project_id', 'release', 'environment', 'bucket'])
    .execute();
  // Which state changes of a client session (by sid) were already counted: SDKs resend updates.
  await db.schema
    .createTable('session_states')
    .addColumn('project_id', 'integer', project)
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('flags', 'integer', (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('session_states_pk', ['project_id', 'sid'])
    .execute();
  await db.schema.createIndex('session_states_updated_idx').on('session_states').column('updated_at').execute();
  await db.schema
    .createTable('release_users')
    .addColumn('project_id', 'integer', project)
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('crashed', 'integer', (c) => c.notNull())
    .addColumn('last_seen', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('release_users_pk', ['project_id', 'release', 'user_key'])
    .execute();

  // Sentry cron check-ins, kept until cron monitoring consumes them.
  await db.schema
    .createTable('sentry_check_ins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('check_in_id', 'text', (c) => c.notNull())
    .addColumn('monitor_slug', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'double precision')
    .addColumn('environment', 'text')
    .addColumn('monitor_config', 'text')
    .addColumn('received_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sentry_check_ins_received_idx').on('sentry_check_ins').column('received_at').execute();
  await db.schema.createIndex('sentry_check_ins_slug_idx').on('sentry_check_ins').columns(['project_id', 'monitor_slug', 'received_at']).execute();
}

export const errorsPerformance: WatchpostMigration = { name: '0002-errors-performance', up };
