import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { DueWorkRunner } from '../jobs/due-work.js';
import type { SecretBox } from '../lib/crypto.js';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { mergeConfig, openConfig, publicConfig, sealConfig } from '../lib/sealed-config.js';
import { VERSION } from '../lib/version.js';
import type { NotifyService } from '../notify/service.js';
import type { NotificationMessage } from '../notify/types.js';
import { LatencySketch } from '../performance/sketch.js';
import type { Dialect } from '../storage/db.js';
import type { SentryCheckInsTable } from '../ingest/types.js';
import type { Database } from '../storage/schema.js';
import { checkerDefinition } from './checkers/index.js';
import type { CheckOutcome, CheckerType } from './checkers/types.js';
import * as repo from './repo.js';
import { firstCheckAt, heartbeatDeadline, inMaintenance, nextCheckAt, validateCron } from './schedule.js';
import { MAX_CHECK_IN_MONITORS, sentrySchedule } from './sentry-crons.js';
import { formatDuration, nextState } from './state.js';
import { monitorStats, monitorSummaries, pct } from './stats.js';
import { certificateWarning, monitorMessage } from './messages.js';
import { MaintenanceWindows } from './maintenance.js';
import type { CheckStatus, MonitorStatus, MonitorsTable, MonitorType, MonitorRollupsTable, PingKind } from './types.js';

type Db = Kysely<Database>;

const DAY = 86_400_000;

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** How long a heartbeat ping's body is kept (bytes of text). */
export const PING_BODY_LIMIT = 10_000;

export interface MonitorInput {
  name: string;
  type: MonitorType;
  /** The checker's configuration (secrets included on input). */
  config: Record<string, unknown>;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  retryIntervalSeconds: number;
  resendEvery: number;
  channelIds: string[] | null;
  paused: boolean;
  periodSeconds: number | null;
  graceSeconds: number;
  cron: string | null;
  timezone: string;
  slug: string | null;
}

export interface Monitor {
  id: string;
  projectId: number;
  name: string;
  type: MonitorType;
  target: string;
  status: MonitorStatus;
  statusSince: number;
  paused: boolean;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  retryIntervalSeconds: number;
  resendEvery: number;
  channelIds: string[] | null;
  config: Record<string, unknown>;
  secretsSet: string[];
  lastCheckAt: number | null;
  lastLatencyMs: number | null;
  lastMessage: string | null;
  nextCheckAt: number | null;
  uptime24h: number | null;
  slug: string | null;
  heartbeat: {
    pingUrl: string;
    periodSeconds: number | null;
    graceSeconds: number;
    cron: string | null;
    timezone: string | null;
    lastPingAt: number | null;
    runningSince: number | null;
  } | null;
  createdAt: number;
  updatedAt: number;
}

export interface CheckResult {
  at: number;
  status: CheckStatus;
  latencyMs: number | null;
  message: string;
  details: Record<string, unknown> | null;
}

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

export interface UptimeOptions {
  readonly node: string;
  readonly publicUrl: string;
  readonly log: FastifyBaseLogger;
  /** Checks run at once by this node. */
  readonly concurrency?: number;
  readonly pollMs?: number;
  /** Observes every recorded check and, for scheduled ones, how late it started (metrics). */
  readonly onCheck?: (info: { type: MonitorType; status: CheckStatus; lagMs: number | null }) => void;
}


function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Uptime monitoring: monitors of every type, their checks scheduled through the database (each
 * due monitor is claimed by one node), the state machine with retries, rollups for uptime and
 * latency, downtimes, heartbeats fed by pings, maintenance windows, and notifications on changes.
 */
export class UptimeService {
  readonly #runner: DueWorkRunner<repo.MonitorRow>;
  readonly #maintenance: MaintenanceWindows;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly notify: NotifyService,
    private readonly options: UptimeOptions,
  ) {
    this.#maintenance = new MaintenanceWindows(db, audit);
    this.#runner = new DueWorkRunner<repo.MonitorRow>(
      {
        name: 'uptime.checks',
        concurrency: options.concurrency ?? 100,
        pollMs: options.pollMs ?? 1000,
        // The lease outlives the longest check (timeouts are at most 120 s) plus recording it.
        claim: (limit, now) => repo.claimDueMonitors(this.db, this.dialect, options.node, limit, now, 150_000),
        work: (row, signal) => this.#runDue(row, signal),
      },
      options.log,
    );
  }

  start(): void {
    this.#runner.start();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  pingUrl(token: string): string {
    return `${this.options.publicUrl}/ping/${token}`;
  }

  #toMonitor(row: repo.MonitorRow, uptime24h: number | null = null): Monitor {
    const shown = publicConfig(this.box, row.id, row);
    return {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      type: row.type,
      target: row.target,
      status: row.status,
      statusSince: row.status_since,
      paused: row.paused === 1,
      intervalSeconds: Math.round(row.interval_ms / 1000),
      timeoutSeconds: Math.round(row.timeout_ms / 1000),
      retries: row.retries,
      retryIntervalSeconds: Math.round(row.retry_interval_ms / 1000),
      resendEvery: row.resend_every,
      channelIds: parseJson<string[]>(row.channel_ids),
      config: shown.config,
      secretsSet: shown.secretsSet,
      lastCheckAt: row.last_check_at,
      lastLatencyMs: row.last_latency_ms === null ? null : Math.round(row.last_latency_ms * 10) / 10,
      lastMessage: row.last_message,
      nextCheckAt: row.paused === 1 || row.next_check_at >= Number.MAX_SAFE_INTEGER ? null : row.next_check_at,
      uptime24h,
      slug: row.slug,
      heartbeat:
        row.type === 'heartbeat' && row.ping_token !== null
          ? {
              pingUrl: this.pingUrl(row.ping_token),
              periodSeconds: row.period_ms === null ? null : Math.round(row.period_ms / 1000),
              graceSeconds: Math.round((row.grace_ms ?? 0) / 1000),
              cron: row.cron,
              timezone: row.timezone,
              lastPingAt: row.last_ping_at,
              runningSince: row.last_start_at,
            }
          : null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** Validates the checker config; returns it parsed and the target description. */
  #checkerConfig(type: MonitorType, config: Record<string, unknown>): { config: Record<string, unknown>; target: string; secretFields: readonly string[] } {
    if (type === 'heartbeat') return { config: {}, target: 'heartbeat', secretFields: [] };
    const definition = checkerDefinition(type);
    const parsed = definition.configSchema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
      throw fail('WP_ERR_VALIDATION', `Invalid ${definition.label} monitor settings: ${problems}`);
    }
    const valid = parsed.data as Record<string, unknown>;
    return { config: valid, target: definition.describe(valid), secretFields: definition.secretFields };
  }

  #heartbeatSchedule(input: Pick<MonitorInput, 'periodSeconds' | 'cron' | 'timezone' | 'graceSeconds'>) {
    if (input.cron) {
      try {
        validateCron(input.cron, input.timezone);
      } catch (error) {
        throw fail('WP_ERR_VALIDATION', error instanceof Error ? error.message : String(error));
      }
      return { periodMs: null, cron: input.cron, timezone: input.timezone, graceMs: input.graceSeconds * 1000 };
    }
    if (input.periodSeconds === null) throw fail('WP_ERR_VALIDATION', 'A heartbeat needs periodSeconds or a cron expression');
    return { periodMs: input.periodSeconds * 1000, cron: null, timezone: null, graceMs: input.graceSeconds * 1000 };
  }

  async #checkChannels(projectId: number, channelIds: string[] | null): Promise<void> {
    if (channelIds === null || channelIds.length === 0) return;
    const own = new Set((await this.notify.listChannels(projectId)).map((c) => c.id));
    const foreign = channelIds.filter((id) => !own.has(id));
    if (foreign.length > 0) throw fail('WP_ERR_VALIDATION', `No such notification channel in this project: ${foreign.join(', ')}`);
  }

  async create(projectId: number, orgId: string, input: MonitorInput, actor: AuditActor): Promise<Monitor> {
    const now = Date.now();
    const id = newId(now);
    const checker = this.#checkerConfig(input.type, input.config);
    await this.#checkChannels(projectId, input.channelIds);
    const heartbeat = input.type === 'heartbeat' ? this.#heartbeatSchedule(input) : null;
    const row: MonitorsTable = {
      id,
      project_id: projectId,
      name: input.name,
      type: input.type,
      ...sealConfig(this.box, id, checker.config, checker.secretFields),
      target: checker.target,
      interval_ms: input.intervalSeconds * 1000,
      timeout_ms: input.timeoutSeconds * 1000,
      retries: heartbeat ? 0 : input.retries,
      retry_interval_ms: input.retryIntervalSeconds * 1000,
      resend_every: input.resendEvery,
      channel_ids: input.channelIds === null ? null : JSON.stringify(input.channelIds),
      paused: input.paused ? 1 : 0,
      status: input.paused ? 'paused' : 'pending',
      status_since: now,
      consecutive_failures: 0,
      down_checks: 0,
      last_check_at: null,
      last_latency_ms: null,
      last_message: heartbeat ? 'Waiting for the first ping' : null,
      next_check_at: input.paused ? Number.MAX_SAFE_INTEGER : heartbeat ? heartbeatDeadline(heartbeat, now) : firstCheckAt(now, input.intervalSeconds * 1000),
      lease_owner: null,
      lease_until: null,
      ping_token: heartbeat ? randomUUID() : null,
      period_ms: heartbeat?.periodMs ?? null,
      cron: heartbeat?.cron ?? null,
      timezone: heartbeat?.timezone ?? null,
      grace_ms: heartbeat?.graceMs ?? null,
      last_ping_at: null,
      last_start_at: null,
      slug: input.slug,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await repo.insertMonitor(tx, row).catch((error: unknown) => {
        if (input.slug !== null && /unique|constraint/i.test(String(error))) throw fail('WP_ERR_CONFLICT', `A monitor with slug "${input.slug}" already exists in this project`);
        throw error;
      });
      await this.audit.record({ orgId, actor, action: 'monitor.created', target: { type: 'monitor', id }, details: { name: input.name, type: input.type, projectId } }, tx);
    });
    this.#runner.wake();
    return this.#toMonitor(row);
  }

  async get(id: string): Promise<Monitor> {
    const row = await repo.getMonitor(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such monitor');
    const counts = await repo.uptimeCounts(this.db, [id], 'h', Math.floor((Date.now() - DAY) / HOUR) * HOUR);
    return this.#toMonitor(row, pct(counts.get(id)));
  }

  projectOf(id: string): Promise<number | undefined> {
    return repo.monitorProject(this.db, id);
  }

  windowProject(id: string): Promise<number | undefined> {
    return repo.windowProject(this.db, id);
  }

  /** A page of monitors with 24 h uptime and hourly average latency (24 points, oldest first) from the hourly rollups. */
  async list(projectId: number, q: repo.MonitorQuery): Promise<{ items: Array<Monitor & { latency24h: Array<number | null> }>; total: number; counts: Record<string, number> }> {
    const [{ rows, total }, counts] = await Promise.all([repo.listMonitors(this.db, projectId, q), repo.statusCounts(this.db, projectId)]);
    const first = Math.floor(Date.now() / HOUR) * HOUR - 23 * HOUR;
    const hourly = await repo.hourlyRollups(this.db, rows.map((r) => r.id), first);
    const byMonitor = new Map<string, { counts: { up: number; degraded: number; down: number }; latency: Array<number | null> }>();
    for (const r of hourly) {
      let entry = byMonitor.get(r.monitor_id);
      if (!entry) byMonitor.set(r.monitor_id, (entry = { counts: { up: 0, degraded: 0, down: 0 }, latency: new Array<number | null>(24).fill(null) }));
      entry.counts.up += Number(r.up);
      entry.counts.degraded += Number(r.degraded);
      entry.counts.down += Number(r.down);
      const slot = Math.floor((Number(r.bucket) - first) / HOUR);
      if (slot >= 0 && slot < 24 && Number(r.latency_count) > 0) entry.latency[slot] = Math.round((Number(r.latency_sum) / Number(r.latency_count)) * 10) / 10;
    }
    return {
      items: rows.map((row) => {
        const entry = byMonitor.get(row.id);
        return { ...this.#toMonitor(row, pct(entry?.counts)), latency24h: entry?.latency ?? new Array<number | null>(24).fill(null) };
      }),
      total,
      counts,
    };
  }

  /** Changes a monitor; secret config fields left out keep their value. */
  async update(id: string, orgId: string, patch: Partial<MonitorInput>, actor: AuditActor): Promise<Monitor> {
    const row = await repo.getMonitor(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such monitor');
    const now = Date.now();
    const changes: Partial<MonitorsTable> = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.config !== undefined && row.type !== 'heartbeat') {
      const secretFields = checkerDefinition(row.type).secretFields;
      const merged = mergeConfig(openConfig(this.box, id, row), patch.config, secretFields);
      const checker = this.#checkerConfig(row.type, merged);
      Object.assign(changes, sealConfig(this.box, id, checker.config, checker.secretFields), { target: checker.target });
    }
    if (patch.intervalSeconds !== undefined) changes.interval_ms = patch.intervalSeconds * 1000;
    if (patch.timeoutSeconds !== undefined) changes.timeout_ms = patch.timeoutSeconds * 1000;
    if (patch.retries !== undefined && row.type !== 'heartbeat') changes.retries = patch.retries;
    if (patch.retryIntervalSeconds !== undefined) changes.retry_interval_ms = patch.retryIntervalSeconds * 1000;
    if (patch.resendEvery !== undefined) changes.resend_every = patch.resendEvery;
    if (patch.channelIds !== undefined) {
      await this.#checkChannels(row.project_id, patch.channelIds);
      changes.channel_ids = patch.channelIds === null ? null : JSON.stringify(patch.channelIds);
    }
    if (patch.slug !== undefined) changes.slug = patch.slug;
    if (row.type === 'heartbeat' && (patch.periodSeconds !== undefined || patch.cron !== undefined || patch.graceSeconds !== undefined || patch.timezone !== undefined)) {
      const schedule = this.#heartbeatSchedule({
        periodSeconds: patch.periodSeconds !== undefined ? patch.periodSeconds : row.period_ms === null ? null : row.period_ms / 1000,
        cron: patch.cron !== undefined ? patch.cron : row.cron,
        timezone: patch.timezone ?? row.timezone ?? 'UTC',
        graceSeconds: patch.graceSeconds ?? (row.grace_ms ?? 0) / 1000,
      });
      Object.assign(changes, { period_ms: schedule.periodMs, cron: schedule.cron, timezone: schedule.timezone, grace_ms: schedule.graceMs });
      if (row.paused === 0) changes.next_check_at = heartbeatDeadline(schedule, row.last_ping_at ?? now);
    }
    if (patch.paused !== undefined && (patch.paused ? 1 : 0) !== row.paused) {
      changes.paused = patch.paused ? 1 : 0;
      changes.status = patch.paused ? 'paused' : 'pending';
      changes.status_since = now;
      changes.consecutive_failures = 0;
      changes.down_checks = 0;
      if (patch.paused) {
        // Never due while paused: the claim query doesn't have to step over it.
        changes.next_check_at = Number.MAX_SAFE_INTEGER;
      } else {
        const heartbeat =
          row.type === 'heartbeat'
            ? { periodMs: changes.period_ms !== undefined ? changes.period_ms : row.period_ms, cron: changes.cron !== undefined ? changes.cron : row.cron, timezone: changes.timezone !== undefined ? changes.timezone : row.timezone, graceMs: changes.grace_ms ?? row.grace_ms ?? 0 }
            : null;
        changes.next_check_at = heartbeat ? heartbeatDeadline(heartbeat, now) : now;
      }
    } else if (changes.interval_ms !== undefined && row.type !== 'heartbeat') {
      changes.next_check_at = Math.min(row.next_check_at, now + changes.interval_ms);
    }
    await this.db.transaction().execute(async (tx) => {
      await repo.updateMonitor(tx, id, changes).catch((error: unknown) => {
        if (changes.slug && /unique|constraint/i.test(String(error))) throw fail('WP_ERR_CONFLICT', `A monitor with slug "${changes.slug}" already exists in this project`);
        throw error;
      });
      const fields = Object.keys(patch).filter((k) => patch[k as keyof MonitorInput] !== undefined);
      await this.audit.record({ orgId, actor, action: 'monitor.updated', target: { type: 'monitor', id }, details: { fields } }, tx);
      // Paused: close the open downtime, the monitor is no longer watched.
      if (changes.paused === 1) {
        const open = await repo.openDowntime(tx, id);
        if (open) await repo.endDowntime(tx, open.id, now);
      }
    });
    this.#runner.wake();
    return this.get(id);
  }

  async delete(id: string, orgId: string, actor: AuditActor): Promise<void> {
    const row = await repo.getMonitor(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such monitor');
    await this.db.transaction().execute(async (tx) => {
      await repo.deleteMonitor(tx, id);
      await this.audit.record({ orgId, actor, action: 'monitor.deleted', target: { type: 'monitor', id }, details: { name: row.name, type: row.type } }, tx);
    });
  }

  /** Runs a checker on a configuration without storing anything (the form's "Test"). */
  async test(type: MonitorType, config: Record<string, unknown>, timeoutSeconds: number): Promise<CheckOutcome> {
    if (type === 'heartbeat') throw fail('WP_ERR_VALIDATION', 'Heartbeats are not checked by Watchpost: they wait for your pings');
    const checker = this.#checkerConfig(type, config);
    return this.#runChecker(type, checker.config, timeoutSeconds * 1000, AbortSignal.timeout(timeoutSeconds * 1000 + 1000));
  }

  /**
   * Tests changed settings of an existing monitor before they are saved: the changes are merged
   * into the stored settings like an update would, so stored secrets (which the form never sees)
   * take part. Nothing is stored.
   */
  async testExisting(id: string, patch: Record<string, unknown> | undefined, timeoutSeconds?: number): Promise<CheckOutcome> {
    const row = await repo.getMonitor(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such monitor');
    if (row.type === 'heartbeat') throw fail('WP_ERR_VALIDATION', 'Heartbeats are not checked by Watchpost: they wait for your pings');
    const stored = openConfig(this.box, id, row);
    const config = patch === undefined ? stored : mergeConfig(stored, patch, checkerDefinition(row.type).secretFields);
    return this.test(row.type, config, timeoutSeconds ?? Math.round(row.timeout_ms / 1000));
  }

  async #runChecker(type: CheckerType, config: Record<string, unknown>, timeoutMs: number, signal: AbortSignal): Promise<CheckOutcome> {
    const started = performance.now();
    try {
      return await checkerDefinition(type).check(config, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), timeoutMs, userAgent: `Watchpost/${VERSION} (uptime monitor)` });
    } catch (error) {
      this.options.log.warn({ err: error, type }, 'uptime checker threw');
      return { status: 'down', latencyMs: performance.now() - started, message: `Check failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Checks a monitor now (the dashboard's "Check now") and records the result like a scheduled check. */
  async checkNow(id: string): Promise<CheckResult> {
    const row = await repo.getMonitor(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such monitor');
    if (row.type === 'heartbeat') throw fail('WP_ERR_VALIDATION', 'A heartbeat is checked by its pings; send one to its ping URL');
    return (await this.#checkAndRecord(row, AbortSignal.timeout(row.timeout_ms + 5000))) as CheckResult;
  }

  async #runDue(row: repo.MonitorRow, signal: AbortSignal): Promise<void> {
    const lagMs = Math.max(0, Date.now() - row.next_check_at);
    if (row.type === 'heartbeat') {
      await this.#record(row.id, { at: Date.now(), status: 'down', latencyMs: null, message: '', details: null }, { lateHeartbeat: true });
      return;
    }
    const result = await this.#checkAndRecord(row, signal, { abortedMeansStopping: true });
    if (result) this.options.onCheck?.({ type: row.type, status: result.status, lagMs });
  }

  /** Runs one check and records it; null when the node is shutting down (the check is left for the next claim). */
  async #checkAndRecord(row: repo.MonitorRow, signal: AbortSignal, options: { abortedMeansStopping?: boolean } = {}): Promise<CheckResult | null> {
    const at = Date.now();
    if (await this.#inMaintenance(row, at)) {
      return this.#record(row.id, { at, status: 'maintenance', latencyMs: null, message: 'In a maintenance window: not checked', details: null });
    }
    let config: Record<string, unknown>;
    try {
      config = openConfig(this.box, row.id, row);
    } catch {
      // Not a target problem, and it won't fix itself: say so on the monitor instead of retrying silently.
      return this.#record(row.id, { at, status: 'down', latencyMs: null, message: "Cannot read this monitor's stored settings (was WATCHPOST_SECRET_KEY changed?); edit the monitor and enter its secrets again", details: null });
    }
    const outcome = await this.#runChecker(row.type as CheckerType, config, row.timeout_ms, signal);
    if (signal.aborted && options.abortedMeansStopping) {
      // The node is stopping: a cancelled check says nothing about the target. Release the claim
      // without recording; this node after its restart, or another node, checks it.
      await repo.updateMonitor(this.db, row.id, { lease_owner: null, lease_until: null });
      return null;
    }
    return this.#record(row.id, {
      at,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      message: outcome.message.slice(0, 1000),
      details: outcome.details || outcome.certificate ? { ...(outcome.details ?? {}), ...(outcome.certificate ? { certificate: outcome.certificate } : {}) } : null,
    });
  }

  async #inMaintenance(row: Pick<repo.MonitorRow, 'id' | 'project_id'>, at: number, db: Db = this.db): Promise<boolean> {
    const windows = await repo.currentWindows(db, row.project_id, at);
    return windows.some((w) => inMaintenance(w, row.id, at));
  }

  /**
   * Applies one result to a monitor in one transaction: the check row, rollups, the state machine,
   * downtimes, the next check time, and the notifications (queued in the same transaction).
   */
  async #record(id: string, result: CheckResult, options: { lateHeartbeat?: boolean; ping?: { kind: PingKind } } = {}): Promise<CheckResult> {
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
        const inWindow = await this.#inMaintenance(row, now, tx);
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
      const certificateWarning = await this.#certificateWarning(tx, row, stored);
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
      await this.#rollup(tx, id, stored);

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
      if (certificateWarning) await this.notify.notify(row.project_id, certificateWarning, parseJson<string[]>(row.channel_ids), tx);
      if (transition.notify) {
        const message = this.#message(row, transition.notify, stored, transition.notify === 'up' ? downtimeMs : now - transition.statusSince);
        await this.notify.notify(row.project_id, message, parseJson<string[]>(row.channel_ids), tx);
      }
    });
    return stored;
  }

  /** A certificate warning when this result crosses a warnDays threshold (see messages.ts). */
  async #certificateWarning(tx: Db, row: repo.MonitorRow, result: CheckResult): Promise<NotificationMessage | null> {
    if (typeof (result.details?.certificate as { daysLeft?: unknown } | undefined)?.daysLeft !== 'number') return null;
    // The last check that saw a certificate: a failed check in between must not warn again.
    const previous = await repo.lastCheckWithCertificate(tx, row.id);
    return certificateWarning(row, result, previous?.details ?? null, this.options.publicUrl);
  }

  #message(row: repo.MonitorRow, kind: 'down' | 'up' | 'resend', result: CheckResult, durationMs: number): NotificationMessage {
    return monitorMessage(row, kind, result, durationMs, this.options.publicUrl);
  }

  /** Adds one result to the minute, hour and day rollups (counts, latency sum and sketch). */
  async #rollup(tx: Db, monitorId: string, result: CheckResult): Promise<void> {
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

  /**
   * A heartbeat ping (healthchecks.io style): success, /start, /fail, an exit code, or /log. Returns
   * false when the token is unknown. Start/finish pairs (matched by `rid`, or the last open start)
   * give run durations.
   */
  async ping(token: string, input: PingInput): Promise<boolean> {
    const row = await repo.monitorByToken(this.db, token);
    if (!row) return false;
    await this.#ping(row, input);
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
        this.options.log.warn({ projectId: checkIn.project_id, slug: checkIn.monitor_slug }, `check-in ignored: the project already has ${MAX_CHECK_IN_MONITORS} monitors created by check-ins`);
        return;
      }
      await this.create(
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
    await this.#ping(row, { kind, exitCode: null, rid: checkIn.check_in_id || null, body: null, ip: null, userAgent: 'Sentry SDK check-in', durationMs: checkIn.duration_ms });
  }

  async #ping(row: repo.MonitorRow, input: PingInput): Promise<void> {
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
    await this.#record(row.id, { at: now, status: failed ? 'down' : 'up', latencyMs: durationMs, message, details: input.exitCode !== null ? { exitCode: input.exitCode } : null }, { ping: { kind } });
  }

  async checks(id: string, limit: number, before?: number): Promise<CheckResult[]> {
    const rows = await repo.listChecks(this.db, id, limit, before);
    return rows.map((r) => ({ at: r.at, status: r.status, latencyMs: r.latency_ms, message: r.message, details: parseJson<Record<string, unknown>>(r.details) }));
  }

  async downtimes(id: string, limit: number): Promise<Array<{ id: string; startedAt: number; endedAt: number | null; durationMs: number; cause: string }>> {
    const now = Date.now();
    return (await repo.listDowntimes(this.db, id, limit)).map((d) => ({ id: d.id, startedAt: d.started_at, endedAt: d.ended_at, durationMs: (d.ended_at ?? now) - d.started_at, cause: d.cause }));
  }

  async pings(id: string, limit: number) {
    return (await repo.listPings(this.db, id, limit)).map((p) => ({ id: p.id, at: p.at, kind: p.kind, exitCode: p.exit_code, rid: p.rid, durationMs: p.duration_ms, body: p.body, sourceIp: p.source_ip, userAgent: p.user_agent }));
  }

  /** Uptime, latency percentiles, a 24 h series and 90 daily bars, from rollups (see stats.ts). */
  stats(id: string, now = Date.now()) {
    return monitorStats(this.db, id, now);
  }

  /** For public status pages: status and 90 daily bars of some monitors of a project (see stats.ts). */
  summaries(projectId: number, monitorIds: readonly string[], now = Date.now()) {
    return monitorSummaries(this.db, projectId, monitorIds, now);
  }

  windows(projectId: number) {
    return this.#maintenance.list(projectId);
  }

  createWindow(...args: Parameters<MaintenanceWindows['create']>) {
    return this.#maintenance.create(...args);
  }

  deleteWindow(...args: Parameters<MaintenanceWindows['delete']>) {
    return this.#maintenance.delete(...args);
  }

  /** Deletes expired checks, pings and rollups (the retention.uptime job). */
  prune(checkDays: number, signal?: AbortSignal): Promise<Record<string, number>> {
    return repo.pruneUptime(this.db, Date.now(), checkDays, signal);
  }
}
