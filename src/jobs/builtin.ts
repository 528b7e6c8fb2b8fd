import { errorRetentionRules } from '../errors/retention.js';
import type { AppContext } from '../server/context.js';
import { applyRetention } from '../storage/retention.js';

const RUN_HISTORY_MS = 30 * 86_400_000;

/** Housekeeping jobs the foundation itself needs. Features register theirs the same way. */
export function registerBuiltinJobs(ctx: AppContext): void {
  ctx.jobs.register({
    name: 'accounts.cleanup',
    description: 'Deletes expired and revoked sessions and stale login-failure counters',
    everyMs: 3_600_000,
    handler: () => ctx.services.accounts.cleanup(),
  });
  ctx.jobs.register({
    name: 'jobs.prune-runs',
    description: 'Deletes job run records older than 30 days',
    cron: '17 3 * * *',
    handler: async () => ({ deleted: await ctx.jobs.pruneRuns(RUN_HISTORY_MS) }),
  });
  ctx.jobs.register({
    name: 'retention.errors',
    description: `Deletes events and issues older than ${ctx.config.retention.eventDays} days and expired performance rollups`,
    everyMs: 3_600_000,
    leaseMs: 10 * 60_000,
    handler: ({ signal }) => applyRetention(ctx.storage.db, errorRetentionRules(ctx.config.retention.eventDays), Date.now(), signal),
  });
  ctx.jobs.register({
    name: 'retention.uptime',
    description: `Deletes monitor checks and heartbeat pings older than ${ctx.config.retention.checkDays} days, minute rollups after 2 days, hourly after 90, daily after 400`,
    everyMs: 3_600_000,
    leaseMs: 10 * 60_000,
    handler: ({ signal }) => ctx.services.uptime.prune(ctx.config.retention.checkDays, signal),
  });
  ctx.jobs.register({
    name: 'backups.overdue',
    description: 'Alerts when a scheduled backup source has had no good backup for longer than its schedule allows',
    everyMs: 300_000,
    handler: async () => ({ alerted: await ctx.services.backups.checkOverdue() }),
  });
  ctx.jobs.register({
    name: 'retention.notifications',
    description: 'Deletes settled notification deliveries and their attempts after 30 days',
    everyMs: 3_600_000,
    leaseMs: 10 * 60_000,
    handler: ({ signal }) => ctx.services.notify.prune(30, signal),
  });
}
