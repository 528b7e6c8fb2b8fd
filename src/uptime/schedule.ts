import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { MaintenanceWindowsTable } from './types.js';

/** A heartbeat's expected schedule: every `periodMs`, or on a cron expression in a time zone. */
export interface HeartbeatSchedule {
  readonly periodMs: number | null;
  readonly cron: string | null;
  readonly timezone: string | null;
  readonly graceMs: number;
}

function nextCron(expression: string, timezone: string | null, after: number): number | null {
  const cron = new Cron(expression, { timezone: timezone ?? 'UTC', paused: true });
  try {
    return cron.nextRun(new Date(after))?.getTime() ?? null;
  } finally {
    cron.stop();
  }
}

/** Throws a readable error when the cron expression or time zone is invalid. */
export function validateCron(expression: string, timezone: string): void {
  try {
    if (nextCron(expression, timezone, Date.now()) === null) throw new Error('it has no future run');
  } catch (error) {
    throw new Error(`Invalid schedule "${expression}" in ${timezone}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * When the heartbeat is late: the next expected ping after `from` (the last ping, or the moment
 * the monitor was created or resumed) plus the grace time.
 */
export function heartbeatDeadline(schedule: HeartbeatSchedule, from: number): number {
  if (schedule.cron) {
    const next = nextCron(schedule.cron, schedule.timezone, from);
    // An expression with no future run never expects a ping again.
    return next === null ? Number.MAX_SAFE_INTEGER : next + schedule.graceMs;
  }
  return from + (schedule.periodMs ?? 86_400_000) + schedule.graceMs;
}

/**
 * Whether a maintenance window covers `at` for a monitor. One-off windows run from starts_at to
 * ends_at; recurring ones start on their cron expression (in their time zone) and last duration_ms.
 */
export function inMaintenance(window: Pick<MaintenanceWindowsTable, 'monitor_ids' | 'starts_at' | 'ends_at' | 'cron' | 'duration_ms' | 'timezone'>, monitorId: string, at: number): boolean {
  if (window.monitor_ids !== null && !(JSON.parse(window.monitor_ids) as string[]).includes(monitorId)) return false;
  if (window.cron !== null && window.duration_ms !== null) {
    // The latest start at or before `at`: look from `at - duration` for the next start.
    const start = nextCron(window.cron, window.timezone, at - window.duration_ms - 1);
    return start !== null && start <= at && at < start + window.duration_ms;
  }
  return window.starts_at !== null && window.ends_at !== null && window.starts_at <= at && at < window.ends_at;
}

/** The first check comes within a few seconds, spread so monitors created together don't check together. */
export function firstCheckAt(now: number, intervalMs: number): number {
  return now + Math.floor(Math.random() * Math.min(intervalMs, 5_000));
}

/**
 * The next check. Each monitor checks at its own fixed phase within the interval (from a hash of
 * its id), so 10,000 monitors at 60 s spread evenly over the minute instead of bunching where they
 * were created or resumed. The gap is at least half an interval; in steady state it is exactly one.
 */
export function nextCheckAt(now: number, intervalMs: number, monitorId: string): number {
  const phase = createHash('sha1').update(monitorId).digest().readUInt32BE(0) % intervalMs;
  const earliest = now + intervalMs / 2;
  return phase + Math.ceil((earliest - phase) / intervalMs) * intervalMs;
}
