import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { SentryCheckInsTable } from '../ingest/types.js';
import { newId } from '../lib/ids.js';
import { DAY } from '../lib/periods.js';
import type { AuditActor } from '../audit/types.js';
import type { Database } from '../storage/schema.js';
import type { CheckRecorder } from './recorder.js';
import * as repo from './repo.js';
import { MAX_CHECK_IN_MONITORS, sentrySchedule } from './sentry-crons.js';
import type { MonitorInput } from './service.js';
import { formatDuration } from './state.js';
import type { PingKind } from './types.js';

type Db = Kysely<Database>;

/** How much of a heartbeat ping's body is kept (characters of text). */
export const PING_BODY_LIMIT = 10_000;

export interface PingInput {
  kind: PingKind;
  exitCode: number | null;
  rid: string | null;
  body: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The run's duration as the client measured it (Sentry check-ins send one); else start → finish. */
  durationMs?: number | null;
}

/**
 * Heartbeat monitors fed by pings (healthchecks.io style URLs) and by Sentry cron check-ins: each
 * ping is stored, start/finish pairs give run durations, and success or failure is recorded as a
 * check through the {@link CheckRecorder}.
 */
export class HeartbeatPings {
  constructor(
    private readonly db: Db,
    private readonly recorder: CheckRecorder,
    private readonly log: FastifyBaseLogger,
    /** UptimeService.create: check-ins with a monitor_config create their monitor. */
    private readonly createMonitor: (projectId: number, orgId: string, input: MonitorInput, actor: AuditActor) => Promise<unknown>,
  ) {}

  /**
   * A heartbeat ping (healthchecks.io style): success, /start, /fail, an exit code, or /log. Returns
   * false when the token is unknown. Start/finish pairs (matched by `rid`, or the last open start)
   * give run durations.
   */
  async ping(token: string, input: PingInput): Promise<boolean> {
    const row = await repo.monitorByToken(this.db, token);
    if (!row) return false;
    await this.receive(row, input);
    return true;
  }

  /**
   * A Sentry cron check-in (`captureCheckIn`, `withMonitor`): the heartbeat monitor with the
   * check-in's slug counts it as a ping (in_progress = start, ok = success, error = fail, paired by
   * check_in_id). A check-in with `monitor_config` creates the monitor if needed and keeps its
   * schedule in step with the SDK's, as Sentry's upserting monitors do.
   */
  async sentryCheckIn(orgId: string, checkIn: SentryCheckInsTable): Promise<void> {
    let row = await repo.monitorBySlug(this.db, checkIn.project_id, checkIn.monitor_slug);
    let config: ReturnType<typeof sentrySchedule> = null;
    try {
      config = checkIn.monitor_config === null ? null : sentrySchedule(JSON.parse(checkIn.monitor_config) as Record<string, unknown>);
    } catch {
      config = null;
    }
    if (!row) {
      if (!config) return;
      // A DSN is public in browsers: don't let check-ins create monitors without end.
      if ((await repo.countSluggedMonitors(this.db, checkIn.project_id)) >= MAX_CHECK_IN_MONITORS) {
        this.log.warn({ projectId: checkIn.project_id, slug: checkIn.monitor_slug }, `check-in ignored: the project already has ${MAX_CHECK_IN_MONITORS} monitors created by check-ins`);
        return;
      }
      await this.createMonitor(
        checkIn.project_id,
        orgId,
        {
          name: checkIn.monitor_slug,
          type: 'heartbeat',
          config: {},
          intervalSeconds: 60,
          timeoutSeconds: 30,
          retries: 0,
          retryIntervalSeconds: 60,
          resendEvery: 0,
          channelIds: null,
          paused: false,
          slug: checkIn.monitor_slug,
          ...config,
        },
        { userId: null, label: 'Sentry SDK check-in', ip: null },
      ).catch((error: unknown) => {
        // Two first check-ins at once: the other one created it.
        if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
      });
      row = await repo.monitorBySlug(this.db, checkIn.project_id, checkIn.monitor_slug);
      if (!row) return;
    } else if (config && row.type === 'heartbeat' && (row.cron !== config.cron || (row.period_ms ?? null) !== (config.periodSeconds === null ? null : config.periodSeconds * 1000) || (row.grace_ms ?? 0) !== config.graceSeconds * 1000 || (row.timezone ?? 'UTC') !== config.timezone)) {
      await repo.updateMonitor(this.db, row.id, { cron: config.cron, period_ms: config.periodSeconds === null ? null : config.periodSeconds * 1000, grace_ms: config.graceSeconds * 1000, timezone: config.timezone, updated_at: Date.now() });
      row = (await repo.getMonitor(this.db, row.id)) ?? row;
    }
    if (row.type !== 'heartbeat') return;
    const kind: PingKind = checkIn.status === 'in_progress' ? 'start' : checkIn.status === 'error' ? 'fail' : 'success';
    await this.receive(row, { kind, exitCode: null, rid: checkIn.check_in_id || null, body: null, ip: null, userAgent: 'Sentry SDK check-in', durationMs: checkIn.duration_ms });
  }

  private async receive(row: repo.MonitorRow, input: PingInput): Promise<void> {
    const now = Date.now();
    const failed = input.kind === 'fail' || (input.exitCode !== null && input.exitCode !== 0);
    const kind: PingKind = input.exitCode !== null ? (failed ? 'fail' : 'success') : input.kind;
    let durationMs: number | null = null;
    if (kind === 'success' || kind === 'fail') {
      const start = await repo.lastStart(this.db, row.id, input.rid, now - DAY);
      // With a run id, its own start; without one, only a start newer than the last finish.
      if (start && (input.rid !== null || start.at > (row.last_ping_at ?? 0))) durationMs = now - start.at;
      if (input.durationMs != null && Number.isFinite(input.durationMs) && input.durationMs >= 0) durationMs = Math.round(input.durationMs);
    }
    await repo.insertPing(this.db, {
      id: newId(now),
      monitor_id: row.id,
      at: now,
      kind,
      exit_code: input.exitCode,
      rid: input.rid,
      duration_ms: durationMs,
      body: input.body === null ? null : input.body.slice(0, PING_BODY_LIMIT),
      source_ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    });
    if (row.paused === 1 || kind === 'log') return;
    if (kind === 'start') {
      await repo.updateMonitor(this.db, row.id, { last_start_at: now });
      return;
    }
    const message = failed
      ? `The job reported failure${input.exitCode !== null ? ` (exit code ${input.exitCode})` : ''}${durationMs !== null ? ` after ${formatDuration(durationMs)}` : ''}`
      : `Ping received${durationMs !== null ? `: ran ${formatDuration(durationMs)}` : ''}`;
    await this.recorder.record(row.id, { at: now, status: failed ? 'down' : 'up', latencyMs: durationMs, message, details: input.exitCode !== null ? { exitCode: input.exitCode } : null }, { ping: { kind } });
  }
}
