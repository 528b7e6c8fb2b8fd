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
