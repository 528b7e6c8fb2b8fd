import { sql, type Kysely } from 'kysely';
import { writeSessions } from '../errors/release-health.js';
import { writeEvents, type IssueSignal } from '../errors/write.js';
import { queueSpans } from '../performance/pending.js';
import { chunkRows, hourOf } from '../storage/batch.js';
import type { Dialect } from '../storage/db.js';
import { lockProjects } from '../storage/locks.js';
import type { Database } from '../storage/schema.js';
import type { IngestWork } from './service.js';
import type { Category, Outcome, SentryCheckInsTable } from './types.js';

/**
 * The database side of ingest, as plain functions of a connection: the ingest service runs them on
 * its own connection, or (SQLite) sends them to the writer thread (writer-thread.ts), which runs
 * the same functions on a connection of its own.
 */

/** What a committed batch reports back: counts for the outcome counters, and signals to emit. */
export interface StoredBatch {
  readonly accepted: Map<number, number>;
  readonly duplicates: Map<number, number>;
  readonly signals: IssueSignal[];
  readonly checkIns: SentryCheckInsTable[];
  /** Accepted items per project and category besides errors (transactions, spans, sessions, check-ins). */
  readonly counted: Array<[number, Category, number]>;
  /** True when the batch's outcome counts were written in its transaction (see {@link BatchExtras}). */
  readonly outcomesStored?: boolean;
}

export interface OutcomeRow {
  readonly project_id: number;
  readonly hour: number;
  readonly category: Category;
  readonly outcome: Outcome;
  readonly count: number;
}

/** What a batch transaction writes besides the envelopes. */
export interface BatchExtras {
  /**
   * When set, the batch's own outcome counts (accepted and duplicate items) and these pending ones
   * are added to the hourly counters in the batch's transaction, and the result says so
   * (`outcomesStored`): the counts can't be lost between the batch's commit and theirs, and there is
   * one transaction per batch instead of two. For SQLite, which has one writer anyway; on PostgreSQL
   * the counters stay in a short transaction of their own ({@link storeOutcomes}), so nodes don't
   * queue on the hot row.
   */
  readonly outcomes?: readonly OutcomeRow[];
}

/**
 * Writes a batch of accepted envelopes in one transaction, and records `keysUsed` as used at `now`
 * (at most once a minute per key). Data of a project deleted while it was queued is dropped.
 */
export async function storeBatch(db: Kysely<Database>, dialect: Dialect, batch: readonly IngestWork[], keysUsed: readonly string[], now: number, extras: BatchExtras = {}): Promise<StoredBatch> {
  return db.transaction().execute(async (trx) => {
    const live = await liveProjects(trx, batch.map((w) => w.projectId));
    const items = batch.filter((w) => live.has(w.projectId));
    await lockProjects(trx, dialect, live);
    const events = await writeEvents(trx, dialect, items.flatMap((w) => w.events), now);
    const spans = items.flatMap((w) => (w.spans ? [w.spans] : []));
    await queueSpans(trx, dialect, spans, now);
    await writeSessions(trx, items.flatMap((w) => w.sessions.map((counts) => ({ projectId: w.projectId, counts }))), now);
    const checkIns = items.flatMap((w) => w.checkIns);
    if (checkIns.length > 0) await trx.insertInto('sentry_check_ins').values(checkIns).execute();
    if (keysUsed.length > 0) {
      await trx
        .updateTable('ingest_keys')
        .set({ last_used_at: now })
        .where('id', 'in', keysUsed)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - 60_000)]))
        .execute();
    }
    const counted: Array<[number, Category, number]> = [];
    for (const item of spans) {
      counted.push([item.projectId, 'transaction', item.segments]);
      counted.push([item.projectId, 'span', item.spans]);
    }
    for (const w of items) {
      counted.push([w.projectId, 'session', w.sessions.reduce((a, c) => a + c.total, 0)]);
      counted.push([w.projectId, 'monitor', w.checkIns.length]);
    }
    const stored: StoredBatch = { ...events, checkIns, counted };
    if (!extras.outcomes) return stored;
    await upsertOutcomes(trx, [...extras.outcomes, ...batchOutcomes(stored, now)]);
    return { ...stored, outcomesStored: true };
  });
}

/** The outcome rows of a committed batch: what it accepted (and found duplicate) per project and category. */
function batchOutcomes(stored: StoredBatch, now: number): OutcomeRow[] {
  const hour = hourOf(now);
  const rows: OutcomeRow[] = [];
  for (const [project_id, count] of stored.accepted) rows.push({ project_id, hour, category: 'error', outcome: 'accepted', count });
  for (const [project_id, count] of stored.duplicates) rows.push({ project_id, hour, category: 'error', outcome: 'duplicate', count });
  for (const [project_id, category, count] of stored.counted) rows.push({ project_id, hour, category, outcome: 'accepted', count });
  return rows.filter((r) => r.count > 0);
}

/**
 * Adds outcome counts to the hourly counters, in a short transaction of their own so the hot
 * (project, hour) row is never held across a batch. Rows of deleted projects are dropped.
 */
export async function storeOutcomes(db: Kysely<Database>, all: readonly OutcomeRow[]): Promise<void> {
  if (all.length === 0) return;
  await db.transaction().execute((trx) => upsertOutcomes(trx, all));
}

/** Adds the counts to their hourly rows (one row per key: a multi-row upsert may not name a row twice). */
async function upsertOutcomes(trx: Kysely<Database>, all: readonly OutcomeRow[]): Promise<void> {
  if (all.length === 0) return;
  const live = await liveProjects(trx, all.map((r) => r.project_id));
  const summed = new Map<string, OutcomeRow>();
  for (const r of all) {
    if (!live.has(r.project_id)) continue;
    const key = `${r.project_id}\u0000${r.hour}\u0000${r.category}\u0000${r.outcome}`;
    const seen = summed.get(key);
    summed.set(key, seen ? { ...seen, count: seen.count + r.count } : r);
  }
  // Key order, so two nodes flushing at once lock the rows in the same order.
  const rows = [...summed.values()].sort((a, b) => a.project_id - b.project_id || a.hour - b.hour || (a.category + a.outcome < b.category + b.outcome ? -1 : 1));
  for (const chunk of chunkRows(rows, 5)) {
    await trx
      .insertInto('ingest_outcomes')
      .values(chunk)
      .onConflict((oc) => oc.columns(['project_id', 'hour', 'category', 'outcome']).doUpdateSet({ count: sql`ingest_outcomes.count + excluded.count` }))
      .execute();
  }
}

async function liveProjects(db: Kysely<Database>, ids: readonly number[]): Promise<Set<number>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows = await db.selectFrom('projects').select('id').where('id', 'in', unique).execute();
  return new Set(rows.map((r) => r.id));
}
