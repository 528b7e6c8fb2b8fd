import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.js';
import type { WatchpostMigration } from './index.js';

/**
 * The issues list filters by tag only on `environment` and `release` (errors/repo.ts), but the
 * (key, value, issue_id) index covered every tag. High-cardinality tags (user, url) add new rows
 * with almost every event, and each one cost a random index page: a quarter of the bytes an error
 * event wrote to the SQLite WAL. The index now covers only the keys anything looks up that way.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are untyped by design
async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.dropIndex('issue_tag_values_lookup_idx').execute();
  // SQLite's planner cannot see that `key = ?` implies the index's IN list, and answers the filter
  // through the primary key (issue_id, key, value) anyway: there the index would only be written.
  if (dialect !== 'postgres') return;
  await db.schema
    .createIndex('issue_tag_values_filter_idx')
    .on('issue_tag_values')
    .columns(['key', 'value', 'issue_id'])
    .where(sql.ref('key'), 'in', [sql.lit('environment'), sql.lit('release')])
    .execute();
}

export const tagLookupIndex: WatchpostMigration = { name: '0008-tag-lookup-index', up };
