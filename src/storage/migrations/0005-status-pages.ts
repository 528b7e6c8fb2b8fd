import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import { TIMESTAMP } from '../dialect.js';
import type { WatchpostMigration } from './index.js';

/** Public status pages: pages, their components (built from monitors), incidents and maintenance with their updates. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  const page = (c: ColumnDefinitionBuilder) => c.notNull().references('status_pages.id').onDelete('cascade');

  await db.schema
    .createTable('status_pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('custom_domain', 'text', (c) => c.unique())
    .addColumn('password_hash', 'text')
    .addColumn('show_uptime_bars', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('status_pages_project_idx').on('status_pages').columns(['project_id', 'title']).execute();

  await db.schema
    .createTable('status_page_components')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('page_id', 'text', page)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('monitor_ids', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text')
    .execute();
  await db.schema.createIndex('status_page_components_page_idx').on('status_page_components').columns(['page_id', 'position']).execute();

  await db.schema
    .createTable('status_incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('page_id', 'text', page)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('component_ids', 'text', (c) => c.notNull())
    .addColumn('scheduled_for', TIMESTAMP)
    .addColumn('scheduled_until', TIMESTAMP)
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('updated_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('resolved_at', TIMESTAMP)
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('status_incidents_page_idx').on('status_incidents').columns(['page_id', 'created_at']).execute();
  await db.schema.createIndex('status_incidents_resolved_idx').on('status_incidents').columns(['page_id', 'resolved_at']).execute();

  await db.schema
    .createTable('status_incident_updates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('status_incidents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', TIMESTAMP, (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('status_incident_updates_incident_idx').on('status_incident_updates').columns(['incident_id', 'created_at']).execute();
}

export const statusPages: WatchpostMigration = { name: '0005-status-pages', up };
