import { CompiledQuery } from 'kysely';
import type { Dialect } from './db.js';

/**
 * Splits rows for multi-row statements: SQLite allows 32,766 bound parameters per statement and
 * PostgreSQL 65,535, so a batch insert of `columns`-wide rows is cut to stay under both.
 */
export function chunkRows<T>(rows: readonly T[], columns: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / Math.max(1, columns)));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Start of the UTC minute / hour containing `ms`. */
export const minuteOf = (ms: number): number => ms - (ms % 60_000);
export const hourOf = (ms: number): number => ms - (ms % 3_600_000);

/**
 * `INSERT INTO table (columns) VALUES (…), (…) <suffix>`, compiled by hand for the hottest ingest
 * statements: building and compiling a multi-row insert through Kysely's query builder costs more
 * CPU than SQLite takes to run it. Table, columns and suffix are code constants (never input);
 * every value is a bound parameter. Run it with `db.executeQuery(…)`.
 */
export function insertValues(dialect: Dialect, table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, suffix = ''): CompiledQuery {
  const params: unknown[] = [];
  const tuples: string[] = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] ?? [];
    let tuple = '(';
    for (let c = 0; c < row.length; c++) {
      params.push(row[c]);
      tuple += (c === 0 ? '' : ', ') + (dialect === 'postgres' ? `$${params.length}` : '?');
    }
    tuples[r] = `${tuple})`;
  }
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}${suffix === '' ? '' : ` ${suffix}`}`;
  return CompiledQuery.raw(text, params);
}
