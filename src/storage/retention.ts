import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** One table's retention rule: rows whose `column` is older than `maxAgeMs` are deleted. */
export interface RetentionRule {
  readonly table: keyof Database;
  readonly column: string;
  /** The primary-key columns, so a batch can be chosen with LIMIT (row values work in both engines). */
  readonly key: readonly string[];
  readonly maxAgeMs: number;
}

/**
 * Deletes expired rows in batches of `batch`, one short statement at a time, so a large backlog
 * never holds a long write lock over ingest. Stops early when `signal` aborts.
 */
export async function applyRetention(db: Kysely<Database>, rules: readonly RetentionRule[], now: number, signal?: AbortSignal, batch = 5000): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const rule of rules) {
    const cutoff = now - rule.maxAgeMs;
    const keys = sql.join(rule.key.map((k) => sql.ref(k)));
    const keyTuple = rule.key.length === 1 ? keys : sql`(${keys})`;
    let total = 0;
    for (;;) {
      if (signal?.aborted) break;
      const result = await sql`DELETE FROM ${sql.table(rule.table)} WHERE ${keyTuple} IN (SELECT ${keys} FROM ${sql.table(rule.table)} WHERE ${sql.ref(rule.column)} < ${cutoff} LIMIT ${batch})`.execute(db);
      const n = Number(result.numAffectedRows ?? 0);
      total += n;
      if (n < batch) break;
    }
    deleted[rule.table] = total;
  }
  return deleted;
}
