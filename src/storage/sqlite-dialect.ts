import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig } from 'kysely';

/**
 * How a connection waits for the write lock another connection holds.
 * - `async`: SQLite answers SQLITE_BUSY at once and the statement is retried on a timer, so the
 *   thread (the main thread: HTTP) keeps running meanwhile. While it wants or holds the lock it
 *   raises `turn`, which the writer thread reads to step aside between its transactions.
 * - `yield`: the writer thread. Before each transaction it waits (blocking, it is its own thread)
 *   while `turn` is raised, then takes the lock under SQLite's synchronous busy timeout.
 */
export type LockWait = { readonly mode: 'async'; readonly patienceMs: number; readonly turn: Int32Array } | { readonly mode: 'yield'; readonly turn: Int32Array; readonly maxYieldMs: number };

export interface ImmediateSqliteConfig extends SqliteDialectConfig {
  /** better-sqlite3's `inTransaction`: a statement is retried only outside a transaction. */
  readonly inTransaction: () => boolean;
  readonly lockWait?: LockWait;
}

const isBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kysely's SQLite driver with `BEGIN IMMEDIATE` transactions. A plain (deferred) `BEGIN` takes the
 * write lock only at the first write; if another connection — the ingest writer thread, a
 * `watchpost` CLI command, a second process on the same file — committed after this transaction's
 * first read, that write fails at once with SQLITE_BUSY, and the busy timeout does not help. An
 * immediate transaction takes the write lock up front and waits for it, so concurrent writers
 * queue instead of failing. Inside one connection Kysely already runs one transaction at a time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  #wrapped: DatabaseConnection | null = null;
  /** This connection's transaction raised the turn and has not lowered it yet. */
  #holdsTurn = false;

  constructor(private readonly options: ImmediateSqliteConfig) {
    super(options);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    const wait = this.options.lockWait;
    if (wait?.mode !== 'async') return connection;
    this.#wrapped ??= this.waiting(connection, wait);
    return this.#wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const wait = this.options.lockWait;
    if (wait?.mode === 'async') {
      Atomics.add(wait.turn, 0, 1);
      this.#holdsTurn = true;
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      } catch (error) {
        this.lowerTurn(wait.turn);
        throw error;
      }
      return;
    }
    if (wait?.mode === 'yield') stepAside(wait.turn, wait.maxYieldMs);
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.ended();
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.ended();
    }
  }

  /**
   * Lowers the turn once the transaction is over. A failed COMMIT can leave it open (a deferred
   * constraint, SQLITE_BUSY): the turn stays raised until the rollback that follows ends it. One
   * that SQLite already rolled back (disk full) is lowered by the commit, and not again by the
   * rollback Kysely sends after it.
   */
  private ended(): void {
    const wait = this.options.lockWait;
    if (wait?.mode === 'async' && !this.options.inTransaction()) this.lowerTurn(wait.turn);
  }

  private lowerTurn(turn: Int32Array): void {
    if (!this.#holdsTurn) return;
    this.#holdsTurn = false;
    release(turn);
  }

  /**
   * Outside a transaction, a statement refused with SQLITE_BUSY had no effect: it is retried
   * after a short sleep until `patienceMs` has passed. A write raises the turn while it waits.
   */
  private waiting(connection: DatabaseConnection, wait: Extract<LockWait, { mode: 'async' }>): DatabaseConnection {
    const run = async (query: CompiledQuery): Promise<QueryResult<unknown>> => {
      const deadline = Date.now() + wait.patienceMs;
      for (let delay = 1; ; delay = Math.min(delay * 2, 8)) {
        try {
          return await connection.executeQuery(query);
        } catch (error) {
          if (!isBusy(error) || this.options.inTransaction() || Date.now() + delay > deadline) throw error;
          await sleep(delay);
        }
      }
    };
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const write = !this.options.inTransaction() && query.query.kind !== 'SelectQueryNode' && !/^\s*(select|begin|commit|rollback)\b/i.test(query.sql);
        if (!write) return (await run(query)) as QueryResult<R>;
        Atomics.add(wait.turn, 0, 1);
        try {
          return (await run(query)) as QueryResult<R>;
        } finally {
          release(wait.turn);
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }
}

/** A write turn: [0] writes waiting for or holding the lock, [1] writes finished so far. */
export function newWriteTurn(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

function release(turn: Int32Array): void {
  Atomics.sub(turn, 0, 1);
  Atomics.add(turn, 1, 1);
  Atomics.notify(turn, 1);
}

/**
 * Blocks while another thread wants or holds the write lock, until one of its writes finished or
 * `maxMs` passed. Waiting for one write, not for the count to reach zero, keeps the two threads
 * taking turns: back-to-back main-thread transactions cannot hold the writer off indefinitely.
 */
function stepAside(turn: Int32Array, maxMs: number): void {
  if (Atomics.load(turn, 0) <= 0) return;
  const served = Atomics.load(turn, 1);
  const until = Date.now() + maxMs;
  while (Atomics.load(turn, 0) > 0 && Atomics.load(turn, 1) === served) {
    const left = until - Date.now();
    if (left <= 0) return;
    Atomics.wait(turn, 1, served, Math.min(left, 50));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ImmediateSqliteConfig;

  constructor(config: ImmediateSqliteConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
