import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { TIMESTAMP } from '../dialect.js';
import type { WatchpostMigration } from './index.js';

/**
 * Accepted transactions and spans waiting to be merged into the performance rollups: ingest
 * commits one small row per envelope before it answers, the rollup merges them in large batches
 * (src/performance/pending.ts). The id only orders rows; on PostgreSQL it is a bigint identity.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('perf_pending')
    .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey()))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .execute();
}

export const perfPending: WatchpostMigration = { name: '0007-perf-pending', up };
