import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import type { Storage } from './db.js';
import { migrations } from './migrations/index.js';

class StaticProvider implements MigrationProvider {
  constructor(private readonly storage: Storage) {}

  getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const migration of migrations) {
      out[migration.name] = { up: (db) => migration.up(db, this.storage.dialect) };
    }
    return Promise.resolve(out);
  }
}

/**
 * Our own bookkeeping table names, so an application sharing the database with its own Kysely
 * migrations doesn't collide. On PostgreSQL they live in the current schema explicitly: Kysely
 * otherwise looks for them in every schema and can mistake another schema's table for ours.
 */
async function migratorFor(storage: Storage): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (storage.dialect === 'postgres') {
    const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db);
    migrationTableSchema = result.rows[0]?.schema;
  }
  return new Migrator({
    db: storage.db,
    provider: new StaticProvider(storage),
    migrationTableName: 'watchpost_migrations',
    migrationLockTableName: 'watchpost_migration_lock',
    migrationTableSchema,
  });
}

/**
 * Applies pending migrations. Kysely's migrator takes a PostgreSQL advisory lock (and runs SQLite
 * migrations in one connection), so nodes starting together apply each migration exactly once.
 */
export async function migrateToLatest(storage: Storage): Promise<MigrationResult[]> {
  const { error, results } = await (await migratorFor(storage)).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`Migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, {
      cause: error,
    });
  }
  return results ?? [];
}

/** Which migrations are applied and which are pending, for readiness and `watchpost doctor`. */
export async function migrationStatus(storage: Storage): Promise<{ applied: string[]; pending: string[] }> {
  const all = await (await migratorFor(storage)).getMigrations();
  return {
    applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
