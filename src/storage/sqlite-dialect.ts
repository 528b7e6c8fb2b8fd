import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver with `BEGIN IMMEDIATE` transactions. A plain (deferred) `BEGIN` takes the
 * write lock only at the first write; if another connection — a `watchpost` CLI command, a second
 * process on the same file — committed after this transaction's first read, that write fails at
 * once with SQLITE_BUSY, and the busy timeout does not help. An immediate transaction takes the
 * write lock up front and waits for it under the busy timeout, so concurrent writers queue
 * instead of failing. Inside one process nothing changes: Kysely already runs one transaction at a
 * time on the single connection.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
