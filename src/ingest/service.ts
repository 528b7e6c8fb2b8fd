import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { IngestConfig } from '../config/index.js';
import type { ScrubOptions } from '../errors/scrub.js';
import type { SessionCounts } from '../errors/release-health.js';
import type { EventToStore, IssueSignal } from '../errors/write.js';
import { PendingRollup } from '../performance/pending.js';
import type { QueuedSpans } from '../performance/pending.js';
import type { ProjectsService } from '../projects/service.js';
import { hourOf } from '../storage/batch.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { BatchWriter } from './batch-writer.js';
import type { IngestSettings } from './settings.js';
import { RateLimiter, type Refusal } from './limits.js';
import { unpackWork, type QueuedWork } from './packed-work.js';
import { storeBatch, storeOutcomes, type OutcomeRow, type StoredBatch } from './store.js';
import type { Category, Outcome, SentryCheckInsTable } from './types.js';
import { WriterThread, WriterThreadLostError } from './writer-thread.js';

/** Hooks for /metrics (the server wires them to Prometheus counters). */
export interface IngestObserver {
  readonly items?: (category: Category, outcome: Outcome, n: number) => void;
  readonly batch?: (durationMs: number, failed: boolean) => void;
  readonly queue?: (envelopes: number) => void;
}

/** Everything one accepted envelope asks to store; written atomically with its batch. */
export interface IngestWork {
  readonly projectId: number;
  readonly keyId: string;
  readonly events: readonly EventToStore[];
  readonly spans: QueuedSpans | null;
  readonly sessions: readonly SessionCounts[];
  readonly checkIns: readonly SentryCheckInsTable[];
  /** Approximate bytes held in memory until committed (bounds the queue). */
  readonly size: number;
}

export interface IngestKeyInfo {
  readonly projectId: number;
  readonly keyId: string;
  readonly rateLimitPerMinute: number | null;
}

export interface ProjectIngestSettings {
  readonly scrub: ScrubOptions;
  readonly quotaPerMinute: number | null;
  readonly quotaPerMonth: number | null;
}

export interface IngestServiceOptions {
  /**
   * A SQLite database file: ingest writes go to a writer thread with its own connection to it
   * (writer-thread.ts), so batches never block the main thread. Absent: writes on `db`.
   */
  readonly writerFile?: string | null;
  /** The main connection's write turn (Storage.writeTurn), so the writer thread lets it in. */
  readonly writerTurn?: Int32Array | null;
  /** The writer thread's module (tests run stand-ins). */
  readonly writerModule?: URL;
}

interface Cached<T> {
  readonly value: T;
  readonly until: number;
}

const KEY_TTL_MS = 10_000;
const SETTINGS_TTL_MS = 5_000;
const OUTCOME_FLUSH_MS = 5_000;

/**
 * The part of ingest every wire format shares: ingest-key lookup (cached), per-project settings,
 * rate limits and quotas, outcome accounting and the group-commit writer. Signals about issues
 * (new, regressed) are emitted on `signals` after their batch commits.
 */
export class IngestService {
  readonly signals = new EventEmitter<{ issue: [IssueSignal]; checkIn: [SentryCheckInsTable] }>();
  private readonly keys = new Map<string, Cached<IngestKeyInfo | null>>();
  private readonly settingsCache = new Map<number, Cached<ProjectIngestSettings>>();
  private readonly outcomes = new Map<string, { project_id: number; hour: number; category: Category; outcome: Outcome; count: number }>();
  private readonly keysUsed = new Map<string, number>();
  private readonly limiter: RateLimiter;
  private readonly writer: BatchWriter<QueuedWork>;
  private readonly outcomeTimer: NodeJS.Timeout;
  private readonly rollup: PendingRollup;
  /** Started on the first write (most test apps never ingest); null: write on `db`. */
  private writerThread: WriterThread | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly projects: ProjectsService,
    /** IngestSettingsService.get: the one reader of project_settings. */
    private readonly loadSettings: (projectId: number) => Promise<IngestSettings>,
    private readonly config: IngestConfig,
    private readonly log: Logger,
    private readonly observe: IngestObserver = {},
    private readonly options: IngestServiceOptions = {},
  ) {
    this.limiter = new RateLimiter((projectId, since) => this.acceptedSince(projectId, since));
    this.writer = new BatchWriter<QueuedWork>({
      write: (items) => this.writeBatch(items),
      maxBatch: 256,
      maxDelayMs: 4,
      maxPending: config.queueSize,
      weigh: (work) => work.size,
      maxPendingWeight: config.queueBytes,
      onFlush: ({ durationMs, failed }) => observe.batch?.(durationMs, failed),
    });
    this.outcomeTimer = setInterval(() => {
      if (this.outcomes.size > 0 && this.writer.pending === 0) {
        this.writeOutcomesNow().catch((error: unknown) => this.log.warn({ err: error }, 'could not write ingest outcomes'));
      }
    }, OUTCOME_FLUSH_MS);
    this.outcomeTimer.unref();
    this.rollup = new PendingRollup(db, dialect, { log });
    this.rollup.start();
  }

  /**
   * Merges accepted spans still queued into the performance rollups (every node does so once a
   * second); the performance summaries call this first so they include everything accepted.
   */
  flushPerformance(): Promise<number> {
    return this.onRunningThread((thread) => thread.flushRollup(), () => this.rollup.flush());
  }

  /** The project and limits for a DSN public key, or null when unknown or revoked. */
  async resolveKey(publicKey: string): Promise<IngestKeyInfo | null> {
    const now = Date.now();
    const hit = this.keys.get(publicKey);
    if (hit && hit.until > now) return hit.value;
    const found = await this.projects.resolveIngestKey(publicKey);
    const value = found ? { projectId: found.projectId, keyId: found.keyId, rateLimitPerMinute: found.rateLimitPerMinute } : null;
    if (this.keys.size > 10_000) this.keys.clear();
    // A rotated key stops at its revocation time, not up to a cache period later.
    const until = Math.min(now + (value ? KEY_TTL_MS : 2_000), found?.revokedAt ?? Infinity);
    this.keys.set(publicKey, { value, until });
    return value;
  }

  /** A project's scrubbing and quota settings, cached for a few seconds (read on every request). */
  async settings(projectId: number): Promise<ProjectIngestSettings> {
    const now = Date.now();
    const hit = this.settingsCache.get(projectId);
    if (hit && hit.until > now) return hit.value;
    const s = await this.loadSettings(projectId);
    const value: ProjectIngestSettings = {
      scrub: { enabled: s.scrubEnabled, extraKeys: s.scrubExtraKeys, safeKeys: s.scrubSafeKeys, storeClientIp: s.storeClientIp },
      quotaPerMinute: s.quotaPerMinute,
      quotaPerMonth: s.quotaPerMonth,
    };
    this.settingsCache.set(projectId, { value, until: now + SETTINGS_TTL_MS });
    return value;
  }

  /** Forget a cached key (revoked or changed on this node). */
  forgetKeys(): void {
    this.keys.clear();
  }

  /** Forget cached settings (after the settings API changed them on this node). */
  invalidateSettings(projectId: number): void {
    this.settingsCache.delete(projectId);
  }

  /**
   * Admits `events` rate-limited items (errors and transactions) for a key, or says for how long
   * the sender must back off and why.
   */
  async admit(key: IngestKeyInfo, settings: ProjectIngestSettings, events: number, now = Date.now()): Promise<Refusal | null> {
    return this.limiter.admit(
      {
        keyId: key.keyId,
        projectId: key.projectId,
        keyPerMinute: key.rateLimitPerMinute ?? (this.config.keyRateLimitPerMinute > 0 ? this.config.keyRateLimitPerMinute : null),
        projectPerMinute: settings.quotaPerMinute,
        projectPerMonth: settings.quotaPerMonth,
      },
      events,
      now,
    );
  }

  /** Stores the work; resolves after it is committed. Throws BatchWriterFullError when overloaded. */
  submit(work: QueuedWork): Promise<void> {
    this.keysUsed.set(work.keyId, Date.now());
    const done = this.writer.submit([work]);
    this.observe.queue?.(this.writer.pending);
    return done.finally(() => this.observe.queue?.(this.writer.pending));
  }

  /** Counts items that were not stored (rate limited, invalid, dropped by the client, …). */
  count(projectId: number, category: Category, outcome: Outcome, n = 1, now = Date.now()): void {
    if (n <= 0) return;
    this.observe.items?.(category, outcome, n);
    this.tally(projectId, category, outcome, n, now);
  }

  /** Adds to the in-memory counters only (the database write comes later). */
  private tally(projectId: number, category: Category, outcome: Outcome, n: number, now: number): void {
    const hour = hourOf(now);
    const k = `${projectId}\u0000${hour}\u0000${category}\u0000${outcome}`;
    const row = this.outcomes.get(k);
    if (row) row.count += n;
    else this.outcomes.set(k, { project_id: projectId, hour, category, outcome, count: n });
  }

  private async acceptedSince(projectId: number, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('ingest_outcomes')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('count'), eb.lit(0)).as('n'))
      .where('project_id', '=', projectId)
      .where('hour', '>=', hourOf(since))
      .where('outcome', '=', 'accepted')
      .where('category', 'in', ['error', 'transaction'])
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Writes a batch in one transaction. PostgreSQL deadlocks and serialization failures between
   * nodes are retried; any other failure is retried envelope by envelope, so one bad envelope fails
   * only its own request. Outcome counters are written after the commit in their own short
   * transaction, so the hot (project, hour) counter row is never held across a batch.
   */
  private async writeBatch(batch: QueuedWork[]): Promise<ReadonlyArray<unknown>> {
    try {
      await this.writeWithRetry(batch);
      return [];
    } catch (error) {
      if (batch.length === 1) return [error];
      this.log.warn({ err: error, envelopes: batch.length }, 'ingest batch failed; retrying envelope by envelope');
      const results: unknown[] = [];
      for (const work of batch) {
        try {
          await this.writeWithRetry([work]);
          results.push(null);
        } catch (single) {
          this.log.error({ err: single, projectId: work.projectId }, 'could not store an envelope');
          results.push(single);
        }
      }
      return results;
    } finally {
      // On SQLite the counters ride along with the next batch (or the timer, once ingest is idle).
      if (this.outcomes.size > 0 && this.dialect !== 'sqlite') {
        await this.writeOutcomesNow().catch((error: unknown) => this.log.warn({ err: error }, 'could not write ingest outcomes'));
      }
    }
  }

  private async writeWithRetry(batch: QueuedWork[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writeOnce(batch);
        return;
      } catch (error) {
        // The writer thread died: this batch is written again, on the main thread from now on.
        if (error instanceof WriterThreadLostError && attempt < 4) continue;
        const code = (error as { code?: unknown }).code;
        if (attempt >= 4 || (code !== '40P01' && code !== '40001' && code !== 'SQLITE_BUSY')) throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * 10 + Math.random() * 20));
      }
    }
  }

  /** The writer thread, started on first use; null when writing on the main connection. */
  private thread(): WriterThread | null {
    if (!this.options.writerFile) return null;
    if (this.writerThread === null) {
      this.writerThread = new WriterThread({
        file: this.options.writerFile,
        turn: this.options.writerTurn ?? null,
        log: this.log,
        ...(this.options.writerModule ? { module: this.options.writerModule } : {}),
        // The merges go back to this thread's timer when the writer thread stops.
        onLost: () => this.rollup.start(),
      });
      // The writer thread merges the pending spans on its own timer, on its own connection.
      this.rollup.stop();
    }
    return this.writerThread.alive ? this.writerThread : null;
  }

  private async writeOnce(batch: QueuedWork[]): Promise<void> {
    const now = Date.now();
    const keysUsed = this.takeKeysUsed();
    const thread = this.thread();
    // SQLite: the counters so far are written in the batch's own transaction (see BatchExtras), and
    // put back if it fails.
    const outcomes = this.dialect === 'sqlite' ? this.takeOutcomes() : null;
    const extras = outcomes ? { outcomes } : {};
    let result: StoredBatch;
    try {
      result = thread ? await thread.storeBatch(batch, keysUsed, now, extras) : await storeBatch(this.db, this.dialect, batch.map(unpackWork), keysUsed, now, extras);
    } catch (error) {
      for (const r of outcomes ?? []) this.tally(r.project_id, r.category, r.outcome, r.count, r.hour);
      throw error;
    }
    // Counted only once committed: a retried batch must not count twice.
    const count = (projectId: number, category: Category, outcome: Outcome, n: number) => {
      if (!result.outcomesStored) return this.count(projectId, category, outcome, n, now);
      if (n > 0) this.observe.items?.(category, outcome, n);
    };
    for (const [projectId, n] of result.accepted) count(projectId, 'error', 'accepted', n);
    for (const [projectId, n] of result.duplicates) count(projectId, 'error', 'duplicate', n);
    for (const [projectId, category, n] of result.counted) count(projectId, category, 'accepted', n);
    for (const signal of result.signals) this.signals.emit('issue', signal);
    for (const checkIn of result.checkIns) this.signals.emit('checkIn', checkIn);
  }

  /**
   * Moves the in-memory outcome counters into the database. Best effort: counters that fail to
   * write are dropped (they are statistics), never put back to poison every later write.
   */
  private async writeOutcomesNow(): Promise<void> {
    if (this.outcomes.size === 0) return;
    const rows = this.takeOutcomes();
    // Never starts the thread: counters alone (rejected requests, shutdown) go on this connection.
    await this.onRunningThread((thread) => thread.storeOutcomes(rows), () => storeOutcomes(this.db, rows));
  }

  private takeOutcomes(): OutcomeRow[] {
    const rows: OutcomeRow[] = [...this.outcomes.values()];
    this.outcomes.clear();
    return rows;
  }

  /**
   * Runs `onThread` on the writer thread if it is running, else (or once it turns out to have
   * stopped) `inline` on this thread's connection.
   */
  private async onRunningThread<T>(onThread: (thread: WriterThread) => Promise<T>, inline: () => Promise<T>): Promise<T> {
    if (this.writerThread?.alive) {
      try {
        return await onThread(this.writerThread);
      } catch (error) {
        if (!(error instanceof WriterThreadLostError)) throw error;
      }
    }
    return inline();
  }

  /** Keys used since they were last recorded (their last use is written at most once a minute). */
  private takeKeysUsed(): string[] {
    const due = [...this.keysUsed].filter(([, at]) => at > 0).map(([id]) => id);
    for (const id of due) this.keysUsed.set(id, 0);
    return due;
  }

  /** Outcome counts per category since `since` (pending counters are written first). */
  async outcomeTotals(projectId: number, since: number): Promise<Array<{ category: Category; outcome: Outcome; count: number }>> {
    if (this.outcomes.size > 0) await this.writeOutcomesNow();
    const rows = await this.db
      .selectFrom('ingest_outcomes')
      .select(['category', 'outcome', (eb) => eb.fn.sum<number>('count').as('count')])
      .where('project_id', '=', projectId)
      .where('hour', '>=', hourOf(since))
      .groupBy(['category', 'outcome'])
      .execute();
    return rows.map((r) => ({ category: r.category, outcome: r.outcome, count: Number(r.count) }));
  }

  /** Hourly outcome counts since `since`, for the ingest chart. */
  async outcomeSeries(projectId: number, since: number): Promise<Array<{ hour: number; category: Category; outcome: Outcome; count: number }>> {
    if (this.outcomes.size > 0) await this.writeOutcomesNow();
    return this.db.selectFrom('ingest_outcomes').select(['hour', 'category', 'outcome', 'count']).where('project_id', '=', projectId).where('hour', '>=', hourOf(since)).orderBy('hour').execute();
  }

  /** Commits everything accepted, then stops. */
  async close(): Promise<void> {
    clearInterval(this.outcomeTimer);
    await this.writer.close();
    if (this.outcomes.size > 0) await this.writeOutcomesNow().catch(() => undefined);
    // The writer thread merges its pending spans as it closes; this thread's merge takes the rest.
    await this.writerThread?.close();
    await this.rollup.close();
  }
}
