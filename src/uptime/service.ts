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
import type { Dialect } from '../storage/db.js';
import type { SentryCheckInsTable } from '../ingest/types.js';
import type { Database } from '../storage/schema.js';
import { DAY, HOUR } from '../lib/periods.js';
import { checkerDefinition } from './checkers/index.js';
import type { CheckOutcome, CheckerType } from './checkers/types.js';
import * as repo from './repo.js';
import { firstCheckAt, heartbeatDeadline, validateCron } from './schedule.js';
import { monitorStats, monitorSummaries, pct } from './stats.js';
import { MaintenanceWindows } from './maintenance.js';
import { CheckRecorder, type CheckResult } from './recorder.js';
import { HeartbeatPings, type PingInput } from './heartbeats.js';
import type { CheckStatus, MonitorStatus, MonitorsTable, MonitorType } from './types.js';

type Db = Kysely<Database>;

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

/**
 * Uptime monitoring: monitors of every type, their checks scheduled through the database (each
 * due monitor is claimed by one node), the state machine with retries, rollups for uptime and
 * latency, downtimes, heartbeats fed by pings, maintenance windows, and notifications on changes.
 */
export class UptimeService {
  readonly #runner: DueWorkRunner<repo.MonitorRow>;
  readonly #maintenance: MaintenanceWindows;
  readonly #recorder: CheckRecorder;
  readonly #heartbeats: HeartbeatPings;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly notify: NotifyService,
    private readonly options: UptimeOptions,
  ) {
    this.#maintenance = new MaintenanceWindows(db, audit);
    this.#recorder = new CheckRecorder(db, dialect, notify, options.publicUrl);
    this.#heartbeats = new HeartbeatPings(db, this.#recorder, options.log, (projectId, orgId, input, actor) => this.create(projectId, orgId, input, actor));
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
      channelIds: repo.parseStored<string[]>(row.channel_ids),
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
      await this.#recorder.record(row.id, { at: Date.now(), status: 'down', latencyMs: null, message: '', details: null }, { lateHeartbeat: true });
      return;
    }
    const result = await this.#checkAndRecord(row, signal, { abortedMeansStopping: true });
    if (result) this.options.onCheck?.({ type: row.type, status: result.status, lagMs });
  }

  /** Runs one check and records it; null when the node is shutting down (the check is left for the next claim). */
  async #checkAndRecord(row: repo.MonitorRow, signal: AbortSignal, options: { abortedMeansStopping?: boolean } = {}): Promise<CheckResult | null> {
    const at = Date.now();
    if (await this.#recorder.inMaintenance(row, at)) {
      return this.#recorder.record(row.id, { at, status: 'maintenance', latencyMs: null, message: 'In a maintenance window: not checked', details: null });
    }
    let config: Record<string, unknown>;
    try {
      config = openConfig(this.box, row.id, row);
    } catch {
      // Not a target problem, and it won't fix itself: say so on the monitor instead of retrying silently.
      return this.#recorder.record(row.id, { at, status: 'down', latencyMs: null, message: "Cannot read this monitor's stored settings (was WATCHPOST_SECRET_KEY changed?); edit the monitor and enter its secrets again", details: null });
    }
    const outcome = await this.#runChecker(row.type as CheckerType, config, row.timeout_ms, signal);
    if (signal.aborted && options.abortedMeansStopping) {
      // The node is stopping: a cancelled check says nothing about the target. Release the claim
      // without recording; this node after its restart, or another node, checks it.
      await repo.updateMonitor(this.db, row.id, { lease_owner: null, lease_until: null });
      return null;
    }
    return this.#recorder.record(row.id, {
      at,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      message: outcome.message.slice(0, 1000),
      details: outcome.details || outcome.certificate ? { ...(outcome.details ?? {}), ...(outcome.certificate ? { certificate: outcome.certificate } : {}) } : null,
    });
  }

  /**
   * A heartbeat ping (healthchecks.io style): success, /start, /fail, an exit code, or /log. Returns
   * false when the token is unknown.
   */
  ping(token: string, input: PingInput): Promise<boolean> {
    return this.#heartbeats.ping(token, input);
  }

  /** A Sentry cron check-in, counted as a ping of the heartbeat monitor with its slug (see heartbeats.ts). */
  sentryCheckIn(orgId: string, checkIn: SentryCheckInsTable): Promise<void> {
    return this.#heartbeats.sentryCheckIn(orgId, checkIn);
  }

  async checks(id: string, limit: number, before?: number): Promise<CheckResult[]> {
    const rows = await repo.listChecks(this.db, id, limit, before);
    return rows.map((r) => ({ at: r.at, status: r.status, latencyMs: r.latency_ms, message: r.message, details: repo.parseStored<Record<string, unknown>>(r.details) }));
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
