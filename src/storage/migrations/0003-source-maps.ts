import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { binaryType, TIMESTAMP } from '../dialect.js';
import type { WatchpostMigration } from './index.js';

/**
 * Source maps and minified files for symbolication, sentry-cli's upload chunks, and deploys (which
 * sentry-cli records next to its uploads).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const BLOB = binaryType(dialect);
  const project = (c: ColumnDefinitionBuilder) => c.notNull().references('projects.id').onDelete('cascade');

  await db.schema
    .createTable('artifacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('release', 'text')
    .addColumn('dist', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('debug_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sourcemap', 'text')
    .addColumn('sha1', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', BLOB, (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    // NULLs are distinct in unique keys on both engines: release-less (debug-id) uploads of the
    // same file name don't collide here, and files without a debug id don't collide below.
    .addUniqueConstraint('artifacts_release_name_uq', ['project_id', 'release', 'dist', 'name'])
    .addUniqueConstraint('artifacts_debug_id_uq', ['project_id', 'debug_id', 'kind'])
    .execute();

  await db.schema
    .createTable('upload_chunks')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('sha1', 'text', (c) => c.notNull())
    .addColumn('data', BLOB, (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_chunks_pk', ['org_id', 'sha1'])
    .execute();
  await db.schema.createIndex('upload_chunks_created_idx').on('upload_chunks').column('created_at').execute();

  await db.schema
    .createTable('deploys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', project)
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('url', 'text')
    .addColumn('date_started', TIMESTAMP)
    .addColumn('date_finished', TIMESTAMP, (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deploys_release_idx').on('deploys').columns(['project_id', 'release', 'date_finished']).execute();
}

export const sourceMaps: WatchpostMigration = { name: '0003-source-maps', up };
