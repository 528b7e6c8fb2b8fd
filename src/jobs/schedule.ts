import { Cron } from 'croner';
import type { JobDefinition } from './types.js';

/** A job's schedule as stored: changing it in code reschedules the job on the next start. */
export function specOf(job: JobDefinition): string {
  if (job.everyMs !== undefined) return `every:${job.everyMs}`;
  return `cron:${job.cron ?? ''}@${job.timezone ?? 'UTC'}`;
}

/** Throws a descriptive error when a definition has no valid schedule. */
export function validateDefinition(job: JobDefinition): void {
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(job.name)) {
    throw new Error(`Job name "${job.name}" must be lower-case letters, digits, dots, dashes or underscores`);
  }
  if ((job.everyMs === undefined) === (job.cron === undefined)) {
    throw new Error(`Job ${job.name}: give exactly one of everyMs or cron`);
  }
  if (job.everyMs !== undefined && (!Number.isInteger(job.everyMs) || job.everyMs < 100)) {
    throw new Error(`Job ${job.name}: everyMs must be a whole number of at least 100`);
  }
  if (job.cron !== undefined) {
    // Throws on an invalid expression or time zone, with croner's explanation.
    const cron = new Cron(job.cron, { timezone: job.timezone ?? 'UTC', paused: true });
    try {
      cron.nextRun();
    } finally {
      cron.stop();
    }
  }
}

/**
 * The first occurrence strictly after `after`. Intervals are aligned to the epoch, so every node
 * computes the same occurrence times and can race for the same claim.
 */
export function nextOccurrence(job: JobDefinition, after: number): number {
  if (job.everyMs !== undefined) return Math.floor(after / job.everyMs) * job.everyMs + job.everyMs;
  const cron = new Cron(job.cron ?? '', { timezone: job.timezone ?? 'UTC', paused: true });
  const next = cron.nextRun(new Date(after));
  cron.stop();
  if (next === null) throw new Error(`Job ${job.name}: cron expression has no future occurrence`);
  return next.getTime();
}

/** Human-readable schedule for the dashboard. */
export function describeSchedule(job: JobDefinition): string {
  if (job.everyMs !== undefined) {
    const ms = job.everyMs;
    if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
    if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
    if (ms % 1000 === 0) return `every ${ms / 1000} s`;
    return `every ${ms} ms`;
  }
  return `cron ${job.cron ?? ''} (${job.timezone ?? 'UTC'})`;
}
