import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';

/**
 * Many small scheduled items (monitor checks, notification deliveries, later backups) each with its
 * own due time — too many for one named job each. Rows carry `due column`, `lease_owner` and
 * `lease_until`; a node claims due rows whose lease is free in one statement (PostgreSQL: `FOR
 * UPDATE SKIP LOCKED`, so nodes never claim the same row; SQLite has one writer), works on them,
 * and moves their due time on. A node that dies leaves leases that lapse, and another node takes
 * the rows over.
 */
export interface ClaimOptions {
  readonly table: 'monitors' | 'notify_deliveries' | 'backup_sources';
  readonly dueColumn: string;
  /** The lease columns (default lease_owner / lease_until): a row can carry several kinds of due work. */
  readonly leaseColumns?: readonly [owner: string, until: string];
  /** Extra condition on claimable rows, e.g. sql`status = 'pending'`. */
  readonly where?: ReturnType<typeof sql>;
  readonly node: string;
  readonly leaseMs: number;
  readonly limit: number;
  readonly now: number;
}

export async function claimDueRows<Row>(db: Kysely<Database>, dialect: Dialect, options: ClaimOptions): Promise<Row[]> {
  if (options.limit <= 0) return [];
  const { table, dueColumn, node, now } = options;
  const [ownerColumn, untilColumn] = options.leaseColumns ?? ['lease_owner', 'lease_until'];
  const owner = sql.ref(ownerColumn);
  const until = sql.ref(untilColumn);
  const extra = options.where ? sql`AND (${options.where})` : sql``;
  const lock = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const result = await sql<Row>`
    UPDATE ${sql.table(table)} SET ${owner} = ${node}, ${until} = ${now + options.leaseMs}
    WHERE id IN (
      SELECT id FROM ${sql.table(table)}
      WHERE ${sql.ref(dueColumn)} <= ${now} AND (${until} IS NULL OR ${until} < ${now}) ${extra}
      ORDER BY ${sql.ref(dueColumn)} LIMIT ${options.limit} ${lock}
    )
    RETURNING *`.execute(db);
  return result.rows;
}

export interface DueWorkOptions<Row> {
  readonly name: string;
  /** Claims up to `limit` due rows (usually with claimDueRows). */
  readonly claim: (limit: number, now: number) => Promise<Row[]>;
  /** Works on one claimed row; must release or move its lease on. Errors are logged. */
  readonly work: (row: Row, signal: AbortSignal) => Promise<void>;
  /** Rows worked on at once by this node. */
  readonly concurrency: number;
  /** How often to look for due rows when nothing woke the runner (ms). */
  readonly pollMs: number;
}

/**
 * Polls for due rows and works on them with bounded concurrency. `wake()` makes it look at once
 * (after something was enqueued on this node); other nodes find the work on their next poll.
 */
export class DueWorkRunner<Row> {
  #abort = new AbortController();
  readonly #active = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #again = false;
  #started = false;

  constructor(
    private readonly options: DueWorkOptions<Row>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts polling (again, after stop()). */
  start(): void {
    if (this.#started && !this.#abort.signal.aborted) return;
    this.#started = true;
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.wake();
  }

  /** Looks for due work now (coalesced with a poll already running). */
  wake(): void {
    if (!this.#started || this.#abort.signal.aborted) return;
    if (this.#polling) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#polling = this.#poll().finally(() => {
      this.#polling = undefined;
      if (this.#abort.signal.aborted) return;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        this.#timer = setTimeout(() => this.wake(), this.options.pollMs);
        this.#timer.unref();
      }
    });
  }

  async #poll(): Promise<void> {
    const free = this.options.concurrency - this.#active.size;
    if (free <= 0) return;
    let rows: Row[];
    try {
      rows = await this.options.claim(free, Date.now());
    } catch (error) {
      this.log.error({ err: error, runner: this.options.name }, 'could not claim due work');
      return;
    }
    for (const row of rows) {
      const task = this.options
        .work(row, this.#abort.signal)
        .catch((error: unknown) => this.log.error({ err: error, runner: this.options.name }, 'due work failed'))
        .finally(() => {
          this.#active.delete(task);
          // A slot came free: more rows may be waiting.
          this.wake();
        });
      this.#active.add(task);
    }
    // A full batch suggests more is due right now.
    if (rows.length === free) this.#again = true;
  }

  /** Stops claiming and waits (up to `graceMs`) for work in progress, which sees an aborted signal. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#abort.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#polling;
    const all = Promise.allSettled([...this.#active]);
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }
}
