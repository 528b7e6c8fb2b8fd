import type { CreateTableBuilder } from 'kysely';
import type { Dialect } from './db.js';

/**
 * The few places where the two engines differ in DDL, so migrations are written once.
 */

/** An integer primary key the database assigns (projects need numeric ids: Sentry DSNs require them). */
export function addSerialId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
  column = 'id',
): CreateTableBuilder<T, never> {
  return dialect === 'postgres'
    ? table.addColumn(column, 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Epoch-millisecond timestamp column (int8 on PostgreSQL, INTEGER affinity on SQLite). */
export const TIMESTAMP = 'bigint' as const;

/** Binary column type: BLOB on SQLite, bytea on PostgreSQL (compressed event bodies, sketches). */
export function binaryType(dialect: Dialect): 'blob' | 'bytea' {
  return dialect === 'postgres' ? 'bytea' : 'blob';
}
