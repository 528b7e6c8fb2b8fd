import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { newId } from '../lib/ids.js';
import type { Database } from '../storage/schema.js';
import * as repo from './repo.js';
import { describeSchedule, nextOccurrence, specOf, validateDefinition } from './schedule.js';
import type { JobDefinition, JobInfo, JobRun, JobRunRow } from './types.js';

const DEFAULT_LEASE_MS = 60_000;

export interface SchedulerOptions {
  /** Identifies this node in claims and run records. */
  readonly node: string;
  /** How often the node looks for due occurrences when no timer is nearer (default 1 s). */
  readonly pollMs?: number;
  /** Called after each run, e.g. to count runs in /metrics. */
  readonly onRunFinished?: (run: { job: string; status: 'ok' | 'error'; durationMs: number }) => void;
}

function toRun(row: JobRunRow): JobRun {
  let result: unknown = null;
  if (row.result !== null) {
    try {
      result = JSON.parse(row.result);
    } catch {
      result = row.result;
    }
  }
  return {
    id: row.id,
    jobName: row.job_name,
    node: row.node,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    status: row.status,
    error: row.error,
    result,
  };
}

function resultJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  try {
    const json = JSON.stringify(value);
    return json.length > 4000 ? JSON.stringify({ truncated: json.slice(0, 4000) }) : json;
  } catch {
    return null;
  }
}

/**
 * Runs named periodic jobs. Every node registers the same jobs; each occurrence is claimed through
 * the database (a lease on the job's schedule row), so it runs on exactly one node. The holder
 * renews its lease while the handler runs; if the node dies, the lease lapses and another node
 * runs that occurrence. On SQLite (one node) the same mechanism runs everything in-process.
 */
export class JobScheduler {
  readonly #jobs = new Map<string, JobDefinition>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;
  #ticking: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: FastifyBaseLogger,
    private readonly options: SchedulerOptions,
  ) {}

  /** Registers a job; call before start(). */
  register(job: JobDefinition): void {
    validateDefinition(job);
    if (this.#jobs.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
    this.#jobs.set(job.name, job);
    if (this.#started) {
      this.#ensureSchedule(job).catch((error: unknown) => this.log.error({ err: error, job: job.name }, 'job scheduler: could not schedule a late-registered job'));
    }
  }

  get names(): string[] {
    return [...this.#jobs.keys()];
  }

  async #ensureSchedule(job: JobDefinition): Promise<void> {
    const now = Date.now();
    await repo.upsertSchedule(this.db, job.name, specOf(job), nextOccurrence(job, now), now);
  }

  /** Writes schedules for registered jobs and starts claiming due occurrences. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const job of this.#jobs.values()) await this.#ensureSchedule(job);
    this.#schedule(0);
  }

  /** Stops claiming new work and waits (up to `graceMs`) for running handlers, which see an aborted signal. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#ticking;
    this.#abort.abort();
    const running = Promise.allSettled([...this.#running.values()]);
    await Promise.race([running, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick().finally(() => (this.#ticking = undefined));
    }, Math.max(0, delayMs));
  }

  async #tick(): Promise<void> {
    const pollMs = this.options.pollMs ?? 1000;
    let wait = pollMs;
    try {
      const now = Date.now();
      const rows = await repo.listSchedules(this.db, this.names);
      for (const row of rows) {
        const job = this.#jobs.get(row.name);
        if (!job || this.#running.has(row.name)) continue;
        const leased = row.lease_until !== null && row.lease_until >= now;
        if (row.next_run_at <= now && !leased) {
          if (await repo.claimOccurrence(this.db, row.name, row.next_run_at, this.options.node, now, job.leaseMs ?? DEFAULT_LEASE_MS)) {
            this.#launch(job, row.next_run_at);
          }
        } else if (!leased) {
          wait = Math.min(wait, row.next_run_at - now);
        }
      }
    } catch (error) {
      this.log.error({ err: error }, 'job scheduler: could not check for due jobs');
    }
    this.#schedule(wait);
  }

  #launch(job: JobDefinition, scheduledFor: number): void {
    const promise = this.#run(job, scheduledFor).finally(() => {
      this.#running.delete(job.name);
      // The finished job's next occurrence may be sooner than the next poll.
      if (!this.#stopped) this.#schedule(0);
    });
    this.#running.set(job.name, promise);
  }

  async #run(job: JobDefinition, scheduledFor: number): Promise<void> {
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    const startedAt = Date.now();
    const runId = newId(startedAt);
    const node = this.options.node;
    // The handler's signal aborts on shutdown, and when this node has lost its claim (another node
    // took the occurrence over after our lease lapsed): the handler should stop, not run twice.
    const runAbort = new AbortController();
    const onStop = () => runAbort.abort(new Error('shutting down'));
    this.#abort.signal.addEventListener('abort', onStop, { once: true });
    const renew = setInterval(() => {
      repo.renewLease(this.db, job.name, node, Date.now() + leaseMs).then(
        (held) => {
          if (!held && !runAbort.signal.aborted) {
            this.log.warn({ job: job.name }, 'job scheduler: lost the lease of a running job; asking it to stop');
            runAbort.abort(new Error('lease lost'));
          }
        },
        (error: unknown) => this.log.warn({ err: error, job: job.name }, 'job scheduler: could not renew lease'),
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    renew.unref();

    let status: 'ok' | 'error' = 'ok';
    let errorText: string | null = null;
    let result: unknown;
    try {
      await repo.insertRun(this.db, {
        id: runId,
        job_name: job.name,
        node,
        scheduled_for: scheduledFor,
        started_at: startedAt,
        finished_at: null,
        duration_ms: null,
        status: 'running',
        error: null,
        result: null,
      });
      await repo.abandonStaleRuns(this.db, job.name, runId, startedAt);
      result = await job.handler({ scheduledFor, signal: runAbort.signal });
    } catch (error) {
      status = 'error';
      errorText = error instanceof Error ? error.message : String(error);
      this.log.error({ err: error, job: job.name }, 'job failed');
    } finally {
      clearInterval(renew);
      this.#abort.signal.removeEventListener('abort', onStop);
    }
    const finishedAt = Date.now();
    const durationMs = finishedAt - startedAt;
    try {
      await repo.finishRun(this.db, runId, {
        status,
        finished_at: finishedAt,
        duration_ms: durationMs,
        error: errorText?.slice(0, 2000) ?? null,
        result: resultJson(result),
      });
      await repo.completeOccurrence(this.db, job.name, node, scheduledFor, nextOccurrence(job, Math.max(finishedAt, scheduledFor)), finishedAt);
    } catch (error) {
      // The lease will lapse and another node (or this one) retries the occurrence.
      this.log.error({ err: error, job: job.name }, 'job scheduler: could not record the end of a run');
    }
    this.options.onRunFinished?.({ job: job.name, status, durationMs });
  }

  /** Makes a job due now (the dashboard's "Run now"); some node picks it up within a poll. */
  async runNow(name: string): Promise<boolean> {
    if (!this.#jobs.has(name)) return false;
    const now = Date.now();
    const updated = await repo.setNextRunAt(this.db, name, now, now);
    if (updated && this.#started) this.#schedule(0);
    return updated;
  }

  /** Registered jobs with their schedule, lease and last run. */
  async list(): Promise<JobInfo[]> {
    const names = this.names;
    const [schedules, latest] = await Promise.all([repo.listSchedules(this.db, names), repo.latestRuns(this.db, names)]);
    const now = Date.now();
    const lastByName = new Map(latest.map((row) => [row.job_name, toRun(row)]));
    const scheduleByName = new Map(schedules.map((row) => [row.name, row]));
    return names.sort().map((name) => {
      const job = this.#jobs.get(name) as JobDefinition;
      const row = scheduleByName.get(name);
      const leased = row?.lease_owner != null && row.lease_until != null && row.lease_until >= now;
      return {
        name,
        description: job.description ?? null,
        schedule: describeSchedule(job),
        nextRunAt: row?.next_run_at ?? nextOccurrence(job, now),
        running: leased && row ? { node: row.lease_owner ?? '', since: row.updated_at } : null,
        lastRun: lastByName.get(name) ?? null,
      };
    });
  }

  async runs(name: string | null, limit: number, before?: string): Promise<JobRun[]> {
    return (await repo.listRuns(this.db, name, limit, before)).map(toRun);
  }

  /** Deletes run records older than `maxAgeMs` (the jobs.prune-runs job). */
  pruneRuns(maxAgeMs: number): Promise<number> {
    return repo.deleteRunsBefore(this.db, Date.now() - maxAgeMs);
  }
}
