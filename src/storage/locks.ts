import { sql, type Kysely } from 'kysely';
import type { Dialect } from './db.js';
import type { Database } from './schema.js';

/** First key of Watchpost's advisory locks ("WP"), so they never collide with other software's. */
const NAMESPACE = 0x5750;

/**
 * Serialises writers of the same projects' error data across PostgreSQL nodes for the rest of the
 * transaction: ingest batches, merges and deletes of one project queue behind each other, and
 * locks are always taken in project order, so two nodes can never deadlock on issue, tag, hour or
 * rollup rows. SQLite has one writer at a time anyway.
 */
export async function lockProjects(db: Kysely<Database>, dialect: Dialect, projectIds: Iterable<number>): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const id of [...new Set(projectIds)].sort((a, b) => a - b)) {
    await sql`SELECT pg_advisory_xact_lock(${NAMESPACE}, ${id})`.execute(db);
  }
}
