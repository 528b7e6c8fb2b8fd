import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Dialect } from '../storage/db.js';
import { chunkRows, insertValues } from '../storage/batch.js';
import { lockProjects } from '../storage/locks.js';
import type { Database } from '../storage/schema.js';
import { writeSpans, type RollupSpan, type SpansToStore } from './write.js';

type Db = Kysely<Database>;

/**
 * Rows merged per rollup transaction, and how often a node merges. Each rollup row a merge touches
 * is read, decoded, merged, re-encoded and written once per merge, whatever the number of envelopes
 * it folds in: at ~200 endpoints a merge touches ~2,800 rows however many transactions it holds,
 * so fewer, larger merges cost less per transaction. The limit bounds how long one merge holds the
 * (SQLite) writer. Measured on the 2-core reference machine with 5–20 spans per transaction and the
 * writer saturated: every 1 s in merges of 1,000, 1,250–1,390 tx/s; every 2 s in merges of up to
 * 3,000, 1,465–1,580 tx/s, one merge holding the writer ~0.3–0.5 s (250 rows a merge: ~1,250).
 * Summaries stay current either way: readers flush what is pending first.
 */
const ROWS_PER_MERGE = 3000;
/** How often every node merges what is pending (readers flush first; the rest lags by at most this). */
export const MERGE_INTERVAL_MS = 2000;

/** What one pending row carries: the envelope's spans reduced to the fields the rollups use. */
interface PendingSpans {
  readonly segments: RollupSpan[];
  readonly spans: RollupSpan[];
}

function reduce(record: RollupSpan): RollupSpan {
  const { spanId, segmentId, segmentName, isSegment, name, op, failed, startMs, durationMs, measurements } = record;
  return { spanId, segmentId, segmentName, isSegment, name, op, failed, startMs, durationMs, measurements };
}

/**
 * An envelope's spans as the ingest queue carries them: already reduced to the rollup fields and
 * serialised into the pending row's payload. The processing worker builds it, so the main thread
 * and the SQLite writer only move a string (full span records were ~7 KB per transaction to copy
 * between threads, more than the envelope they came from).
 */
export interface QueuedSpans {
  readonly projectId: number;
  readonly segments: number;
  readonly spans: number;
  readonly payload: string;
}

/** The pending row of an envelope's spans; null when it has none. */
export function queuedSpans(item: SpansToStore): QueuedSpans | null {
  if (item.segments.length === 0 && item.spans.length === 0) return null;
  const payload = JSON.stringify({ segments: item.segments.map(reduce), spans: item.spans.map(reduce) } satisfies PendingSpans);
  return { projectId: item.projectId, segments: item.segments.length, spans: item.spans.length, payload };
}

const PENDING_COLUMNS = ['project_id', 'payload', 'created_at'] as const;

/**
 * Queues accepted spans inside the ingest transaction: one small append per envelope instead of
 * a read-merge-write of every rollup row it touches. Committed before the 200, so a crash loses
 * nothing; {@link PendingRollup} merges the rows into the rollup tables soon after.
 */
export async function queueSpans(db: Db, dialect: Dialect, items: readonly QueuedSpans[], now: number): Promise<void> {
  for (const chunk of chunkRows(items, PENDING_COLUMNS.length)) {
    await db.executeQuery(insertValues(dialect, 'perf_pending', PENDING_COLUMNS, chunk.map((item) => [item.projectId, item.payload, now])));
  }
}

function decode(row: { project_id: number; payload: string }): SpansToStore | null {
  try {
    const parsed = JSON.parse(row.payload) as Partial<PendingSpans>;
    if (!Array.isArray(parsed.segments) || !Array.isArray(parsed.spans)) return null;
    return { projectId: row.project_id, segments: parsed.segments, spans: parsed.spans };
  } catch {
    return null;
  }
}

export interface PendingRollupOptions {
  readonly log: Logger;
  readonly intervalMs?: number;
  readonly rowsPerMerge?: number;
}

/**
 * Merges pending spans into the performance rollups, in batches of thousands of envelopes, so the
 * sketches of a busy endpoint are decoded, merged and written once per batch instead of once per
 * request. Every node runs it; rows are claimed by deleting them in the merging transaction
 * (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so each envelope is counted exactly once and rows of a
 * node that died are merged by the others. Readers call {@link flush} first, so what a request
 * was told is stored is in every summary read after it.
 */
export class PendingRollup {
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly rowsPerMerge: number;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly options: PendingRollupOptions,
  ) {
    this.rowsPerMerge = options.rowsPerMerge ?? ROWS_PER_MERGE;
  }

  /** Starts merging every `intervalMs` on this node. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush(true).catch((error: unknown) => this.options.log.warn({ err: error }, 'could not merge pending spans into the performance rollups'));
    }, this.options.intervalMs ?? MERGE_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Merges everything pending; resolves with the number of envelopes merged. Concurrent callers on
   * one node share one run. `skipLocked` (the timer) leaves rows another node is merging to it; a
   * reader waits for them instead, so it sees them merged.
   */
  flush(skipLocked = false): Promise<number> {
    if (this.running) return skipLocked ? this.running : this.running.then(() => this.flush(false));
    this.running = this.drain(skipLocked).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer (another merger took over; `flush` still works). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the timer and merges what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush(false).catch((error: unknown) => this.options.log.warn({ err: error }, 'could not merge pending spans on shutdown'));
  }

  private async drain(skipLocked: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      let merged: number;
      try {
        merged = await this.mergeWithRetry(this.rowsPerMerge, skipLocked);
      } catch (error) {
        // One row the merge can't take must not stall every row behind it: go one by one.
        this.options.log.warn({ err: error }, 'merging pending spans failed; retrying row by row');
        merged = await this.mergeOneByOne(skipLocked);
      }
      total += merged;
      if (merged < this.rowsPerMerge) return total;
      // Let requests waiting on the database in between (SQLite shares one connection).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async mergeOneByOne(skipLocked: boolean): Promise<number> {
    let total = 0;
    for (let i = 0; i < this.rowsPerMerge; i++) {
      try {
        const merged = await this.mergeWithRetry(1, skipLocked);
        if (merged === 0) break;
        total += merged;
      } catch (error) {
        const dropped = await this.dropFirst(skipLocked);
        if (dropped === null) break;
        this.options.log.error({ err: error, pendingId: dropped }, 'dropping pending spans the rollups cannot take');
      }
    }
    return total;
  }

  /** Deletes the row a one-row merge would claim (the one that just failed); its id, or null when none is left. */
  private dropFirst(skipLocked: boolean): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const first =
        this.dialect === 'postgres'
          ? sql<{ id: number }>`SELECT id FROM perf_pending ORDER BY id LIMIT 1 FOR UPDATE ${skipLocked ? sql`SKIP LOCKED` : sql``}`
          : sql<{ id: number }>`SELECT id FROM perf_pending ORDER BY id LIMIT 1`;
      const row = (await first.execute(trx)).rows[0];
      if (!row) return null;
      await trx.deleteFrom('perf_pending').where('id', '=', row.id).execute();
      return Number(row.id);
    });
  }

  private async mergeWithRetry(limit: number, skipLocked: boolean): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.merge(limit, skipLocked);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= 4 || (code !== '40P01' && code !== '40001')) throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * 10 + Math.random() * 20));
      }
    }
  }

  private merge(limit: number, skipLocked: boolean): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const claim =
        this.dialect === 'postgres'
          ? sql<{ project_id: number; payload: string }>`DELETE FROM perf_pending WHERE id IN (SELECT id FROM perf_pending ORDER BY id LIMIT ${limit} FOR UPDATE ${skipLocked ? sql`SKIP LOCKED` : sql``}) RETURNING project_id, payload`
          : sql<{ project_id: number; payload: string }>`DELETE FROM perf_pending WHERE id IN (SELECT id FROM perf_pending ORDER BY id LIMIT ${limit}) RETURNING project_id, payload`;
      const rows = (await claim.execute(trx)).rows;
      if (rows.length === 0) return 0;
      const items = rows.map(decode).filter((item): item is SpansToStore => item !== null);
      if (items.length < rows.length) this.options.log.error({ rows: rows.length - items.length }, 'dropped unreadable pending spans');
      // The same per-project order as ingest, so the two never wait on each other in a cycle.
      await lockProjects(trx, this.dialect, items.map((item) => item.projectId));
      await writeSpans(trx, this.dialect, items);
      return rows.length;
    });
  }
}
