import type { Selectable } from 'kysely';

export interface JobSchedulesTable {
  name: string;
  /** "every:<ms>" or "cron:<expression>@<timezone>"; a changed spec reschedules the job. */
  spec: string;
  next_run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_run_at: number | null;
  updated_at: number;
}

export type JobRunStatus = 'running' | 'ok' | 'error' | 'abandoned';

export interface JobRunsTable {
  id: string;
  job_name: string;
  node: string;
  /** The occurrence this run is for (the claimed next_run_at), unique per successful claim. */
  scheduled_for: number;
  started_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  status: JobRunStatus;
  error: string | null;
  result: string | null;
}

export interface JobsTables {
  job_schedules: JobSchedulesTable;
  job_runs: JobRunsTable;
}

export type JobScheduleRow = Selectable<JobSchedulesTable>;
export type JobRunRow = Selectable<JobRunsTable>;

/** What a handler gets: the occurrence it runs for and a signal aborted on shutdown. */
export interface JobRunContext {
  readonly scheduledFor: number;
  readonly signal: AbortSignal;
}

export interface JobDefinition {
  readonly name: string;
  readonly description?: string;
  /** Run every N milliseconds, aligned to the epoch so every node computes the same occurrences. */
  readonly everyMs?: number;
  /** Or a cron expression (croner syntax, seconds optional) in `timezone` (default UTC). */
  readonly cron?: string;
  readonly timezone?: string;
  /** How long a claim lasts without renewal before another node may take over (default 60 s). */
  readonly leaseMs?: number;
  readonly handler: (context: JobRunContext) => Promise<unknown>;
}

export interface JobRun {
  id: string;
  jobName: string;
  node: string;
  scheduledFor: number;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  status: JobRunStatus;
  error: string | null;
  result: unknown;
}

export interface JobInfo {
  name: string;
  description: string | null;
  schedule: string;
  nextRunAt: number;
  running: { node: string; since: number } | null;
  lastRun: JobRun | null;
}
