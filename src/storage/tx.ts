import type { Kysely } from 'kysely';

/**
 * Runs `fn` in a transaction, or inside the caller's transaction when `db` already is one
 * (Kysely has no nested transactions), so services compose into larger atomic operations.
 */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
