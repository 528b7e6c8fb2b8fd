import type { Kysely } from 'kysely';
import { newId } from '../lib/ids.js';
import { DAY, HOUR, MINUTE } from '../lib/periods.js';
import type { NotifyService } from '../notify/service.js';
import type { NotificationMessage } from '../notify/types.js';
import { LatencySketch } from '../performance/sketch.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { certificateWarning, monitorMessage } from './messages.js';
import * as repo from './repo.js';
import { heartbeatDeadline, inMaintenance, nextCheckAt } from './schedule.js';
import { formatDuration, nextState } from './state.js';
import type { CheckStatus, MonitorsTable, MonitorRollupsTable, PingKind } from './types.js';

type Db = Kysely<Database>;

export interface CheckResult {
  at: number;
  status: CheckStatus;
  latencyMs: number | null;
  message: string;
  details: Record<string, unknown> | null;
}

/**
 * Records check results: for each one, in one transaction with the monitor locked, the check row,
 * the minute/hour/day rollups, the state machine with retries, downtimes, the next check time and
 * the notifications (queued in the same transaction, so a committed "down" is always notified).
 */
export class CheckRecorder {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly notify: NotifyService,
    private readonly publicUrl: string,
  ) {}

  /** Whether a maintenance window covers the monitor at `at`. */
  async inMaintenance(row: Pick<repo.MonitorRow, 'id' | 'project_id'>, at: number, db: Db = this.db): Promise<boolean> {
    const windows = await repo.currentWindows(db, row.project_id, at);
    return windows.some((w) => inMaintenance(w, row.id, at));
  }

  /**
   * Applies one result to a monitor in one transaction: the check row, rollups, the state machine,
   * downtimes, the next check time, and the notifications (queued in the same transaction).
   */
  async record(id: string, result: CheckResult, options: { lateHeartbeat?: boolean; ping?: { kind: PingKind } } = {}): Promise<CheckResult> {
    let stored = result;
    await this.db.transaction().execute(async (tx) => {
      const row = await repo.lockMonitor(tx, this.dialect, id);
      if (!row) return;
      if (row.paused === 1) {
        await repo.updateMonitor(tx, id, { lease_owner: null, lease_until: null });
        return;
      }
      const now = result.at;
      const heartbeat = row.type === 'heartbeat' ? { periodMs: row.period_ms, cron: row.cron, timezone: row.timezone, graceMs: row.grace_ms ?? 0 } : null;
      if (options.ping) {
        // In this transaction, with the monitor locked: a lateness evaluation sees the ping or waits for it.
        await repo.updateMonitor(tx, id, { last_ping_at: now, last_start_at: null });
        row.last_ping_at = now;
      }
      let lateInWindow = false;
      if (options.lateHeartbeat && heartbeat) {
        // A ping may have arrived since the monitor was claimed: then it isn't late any more.
        if (row.next_check_at > now || (row.last_ping_at !== null && heartbeatDeadline(heartbeat, row.last_ping_at) > now)) {
          await repo.updateMonitor(tx, id, { lease_owner: null, lease_until: null });
          return;
        }
        const last = row.last_ping_at;
        const inWindow = await this.inMaintenance(row, now, tx);
        lateInWindow = inWindow;
        stored = {
          ...result,
          status: inWindow ? 'maintenance' : 'down',
          message: inWindow ? 'Late, during a maintenance window' : last === null ? 'No ping received yet' : `No ping for ${formatDuration(now - last)} (expected within the period plus ${formatDuration(row.grace_ms ?? 0)} grace)`,
        };
      }
      const transition = nextState(
        { status: row.status, statusSince: row.status_since, consecutiveFailures: row.consecutive_failures, downChecks: row.down_checks, retries: row.retries, resendEvery: row.resend_every },
        stored.status,
        now,
      );
      const certificateWarning = await this.certificateWarningFor(tx, row, stored);
      await repo.insertCheck(tx, {
        id: newId(now),
        monitor_id: id,
        project_id: row.project_id,
        at: now,
        status: stored.status,
        latency_ms: stored.latencyMs,
        message: stored.message,
        details: stored.details === null ? null : JSON.stringify(stored.details).slice(0, 8000),
      });
      await this.rollup(tx, id, stored);

      let next: number;
      // Late during maintenance: look again in a minute, so a deadline inside a recurring window
      // isn't pushed to the same (maintained) time every period.
      if (heartbeat) next = options.ping ? heartbeatDeadline(heartbeat, now) : lateInWindow ? now + MINUTE : now + (heartbeat.periodMs ?? Math.max(row.interval_ms, MINUTE));
      else next = transition.retrying ? now + row.retry_interval_ms : nextCheckAt(now, row.interval_ms, id);
      // A ping that fails (or a late heartbeat) keeps the existing deadline logic: re-check a period on.
      if (heartbeat && options.ping && stored.status === 'down') next = heartbeatDeadline(heartbeat, now);

      const patch: Partial<MonitorsTable> = {
        status: transition.status,
        status_since: transition.statusSince,
        consecutive_failures: transition.consecutiveFailures,
        down_checks: transition.downChecks,
        last_check_at: now,
        last_latency_ms: stored.latencyMs,
        last_message: stored.message,
        next_check_at: next,
        lease_owner: null,
        lease_until: null,
      };
      await repo.updateMonitor(tx, id, patch);

      let downtimeMs = 0;
      if (transition.closeDowntime) {
        const open = await repo.openDowntime(tx, id);
        if (open) {
          await repo.endDowntime(tx, open.id, now);
          downtimeMs = now - open.started_at;
        }
      }
      if (transition.openDowntime) {
        await repo.insertDowntime(tx, { id: newId(now), monitor_id: id, project_id: row.project_id, started_at: now, ended_at: null, cause: stored.message.slice(0, 500) });
      }
      if (certificateWarning) await this.notify.notify(row.project_id, certificateWarning, repo.parseStored<string[]>(row.channel_ids), tx);
      if (transition.notify) {
        const message = this.message(row, transition.notify, stored, transition.notify === 'up' ? downtimeMs : now - transition.statusSince);
        await this.notify.notify(row.project_id, message, repo.parseStored<string[]>(row.channel_ids), tx);
      }
    });
    return stored;
  }

  /** A certificate warning when this result crosses a warnDays threshold (see messages.ts). */
  private async certificateWarningFor(tx: Db, row: repo.MonitorRow, result: CheckResult): Promise<NotificationMessage | null> {
    if (typeof (result.details?.certificate as { daysLeft?: unknown } | undefined)?.daysLeft !== 'number') return null;
    // The last check that saw a certificate: a failed check in between must not warn again.
    const previous = await repo.lastCheckWithCertificate(tx, row.id);
    return certificateWarning(row, result, previous?.details ?? null, this.publicUrl);
  }

  private message(row: repo.MonitorRow, kind: 'down' | 'up' | 'resend', result: CheckResult, durationMs: number): NotificationMessage {
    return monitorMessage(row, kind, result, durationMs, this.publicUrl);
  }

  /** Adds one result to the minute, hour and day rollups (counts, latency sum and sketch). */
  private async rollup(tx: Db, monitorId: string, result: CheckResult): Promise<void> {
    const keys = [
      { period: 'm', bucket: Math.floor(result.at / MINUTE) * MINUTE },
      { period: 'h', bucket: Math.floor(result.at / HOUR) * HOUR },
      { period: 'd', bucket: Math.floor(result.at / DAY) * DAY },
    ];
    const existing = await repo.rollupsFor(tx, this.dialect, monitorId, keys, true);
    const rows: MonitorRollupsTable[] = keys.map((key) => {
      const row = existing.find((r) => r.period === key.period && Number(r.bucket) === key.bucket);
      const sketch = row && row.sketch.length > 0 ? LatencySketch.decode(row.sketch) : LatencySketch.empty();
      const hasLatency = result.latencyMs !== null && result.status !== 'maintenance' && result.status !== 'down';
      if (hasLatency) sketch.add(result.latencyMs as number);
      return {
        monitor_id: monitorId,
        period: key.period,
        bucket: key.bucket,
        up: Number(row?.up ?? 0) + (result.status === 'up' ? 1 : 0),
        degraded: Number(row?.degraded ?? 0) + (result.status === 'degraded' ? 1 : 0),
        down: Number(row?.down ?? 0) + (result.status === 'down' ? 1 : 0),
        maintenance: Number(row?.maintenance ?? 0) + (result.status === 'maintenance' ? 1 : 0),
        latency_count: Number(row?.latency_count ?? 0) + (hasLatency ? 1 : 0),
        latency_sum: Number(row?.latency_sum ?? 0) + (hasLatency ? (result.latencyMs as number) : 0),
        sketch: sketch.encode(),
      };
    });
    await repo.upsertRollups(tx, rows);
  }
}
