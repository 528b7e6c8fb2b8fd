import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transform } from 'node:stream';
import type { Kysely } from 'kysely';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { DueWorkRunner } from '../jobs/due-work.js';
import type { SecretBox } from '../lib/crypto.js';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { NotifyService } from '../notify/service.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { backupKey, encryptStream, keyId } from './crypto-stream.js';
import { storeStream, type StoredFile } from './pipeline.js';
import { backupMessage, clip, formatBytes, messageOf, MINUTE, NEVER, nextCron, parse, toBackup, type Backup, type BackupSource, type BackupsOptions, type SourceInput, type SourceSecrets } from './model.js';
import * as pg from './postgres.js';
import * as repo from './repo.js';
import { describePolicy, selectRetention } from './retention.js';
import { BackupRestores } from './restore.js';
import * as sqlite from './sqlite.js';
import { createTarget } from './targets/index.js';
import type { RetentionDecision, RetentionPolicy } from './types.js';

type Db = Kysely<Database>;

export type { Backup, BackupSource, BackupsOptions, SourceInput } from './model.js';

/**
 * PostgreSQL backups proven by restoring them. A backup is one streaming pass: pg_dump (custom
 * format, in an exported snapshot whose row counts are recorded) → optional AES-256-GCM → SHA-256
 * → every target. Restore tests fetch the file, check its checksum, decrypt, pg_restore into a
 * scratch database, compare row counts, run the user's assertions and drop it; the measured time
 * is the real RTO (restore.ts). Scheduled runs are claimed through the database like monitor checks.
 */
export class BackupsService {
  readonly #backups: DueWorkRunner<repo.SourceRow>;
  readonly #verifications: DueWorkRunner<repo.SourceRow>;
  /** Where pg_dump / pg_restore are looked for. */
  readonly #tools: { binDir: string | undefined; searchPath: string };
  /** Live progress of work on this node (bytes so far), for the dashboard and the CLI. */
  readonly #progress = new Map<string, { bytes: number; phase: string }>();
  /** Backups running on this node, to cancel them. */
  readonly #running = new Map<string, AbortController>();
  readonly #restores: BackupRestores;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly notify: NotifyService,
    private readonly options: BackupsOptions,
  ) {
    this.#tools = { binDir: options.pgBinDir ?? undefined, searchPath: options.pgSearchPath };
    this.#restores = new BackupRestores({
      db,
      notify,
      audit,
      log: options.log,
      publicUrl: options.publicUrl,
      dataDir: options.dataDir,
      tools: this.#tools,
      progress: this.#progress,
      secrets: (row) => this.#secrets(row),
      key: (secrets) => this.#key(secrets),
      isSqliteSelf: (row) => this.#isSqliteSelf(row),
      getBackup: (id) => this.getBackup(id),
    });
    this.#backups = new DueWorkRunner<repo.SourceRow>(
      {
        name: 'backups.run',
        concurrency: 2,
        pollMs: 5000,
        claim: (limit, now) => repo.claimDueBackups(this.db, this.dialect, options.node, limit, now, 10 * MINUTE),
        work: async (row, signal) => {
          await this.#run(row, 'schedule', signal).catch(() => undefined);
        },
      },
      options.log,
    );
    this.#verifications = new DueWorkRunner<repo.SourceRow>(
      {
        name: 'backups.verify',
        concurrency: 1,
        pollMs: 5000,
        claim: (limit, now) => repo.claimDueVerifications(this.db, this.dialect, options.node, limit, now, 10 * MINUTE),
        work: async (row, signal) => {
          await this.#verifyScheduled(row, signal);
        },
      },
      options.log,
    );
  }

  start(): void {
    this.#backups.start();
    this.#verifications.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.#backups.stop(), this.#verifications.stop()]);
  }

  #secrets(row: repo.SourceRow): SourceSecrets {
    return JSON.parse(this.box.open(row.secrets, row.id)) as SourceSecrets;
  }

  #key(secrets: SourceSecrets): Buffer | null {
    const secret = secrets.encryptionKey ?? this.options.defaultKey;
    return secret ? backupKey(secret) : null;
  }

  async #toSource(row: repo.SourceRow): Promise<BackupSource> {
    const [recent, good, verified] = await Promise.all([repo.listBackups(this.db, row.id, 1), repo.lastSucceeded(this.db, row.id), repo.lastVerified(this.db, row.id)]);
    const now = Date.now();
    const level = (value: number | null | undefined, target: number | null): 'green' | 'amber' | 'red' | 'unknown' => {
      if (target === null) return 'unknown';
      if (value === null || value === undefined) return 'red';
      return value <= target ? 'green' : value <= target * 1.5 ? 'amber' : 'red';
    };
    const retention = parse<RetentionPolicy>(row.retention, { keepLast: 0, keepHourly: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 });
    return {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      kind: row.kind,
      description: row.description,
      targets: parse<string[]>(row.targets, []),
      schedule: row.schedule,
      timezone: row.timezone,
      retention,
      retentionText: describePolicy(retention),
      encrypted: row.encrypted === 1,
      includeRoles: row.include_roles === 1,
      verifySchedule: row.verify_schedule,
      assertions: parse<string[]>(row.assertions, []),
      rpoMinutes: row.rpo_minutes,
      rtoMinutes: row.rto_minutes,
      smallBackupPct: row.small_backup_pct,
      timeoutMinutes: row.timeout_minutes,
      nextRunAt: row.next_run_at >= NEVER ? null : row.next_run_at,
      nextVerifyAt: row.next_verify_at >= NEVER ? null : row.next_verify_at,
      running: row.lease_until !== null && row.lease_until > now && recent[0]?.status === 'running',
      lastBackup: recent[0] ? this.#withProgress(toBackup(recent[0])) : null,
      lastGoodBackup: good ? toBackup(good) : null,
      lastVerified: verified ? toBackup(verified) : null,
      health: {
        rpo: level(good ? (now - good.started_at) / MINUTE : null, row.rpo_minutes),
        rto: level(verified?.restore_duration_ms == null ? null : verified.restore_duration_ms / MINUTE, row.rto_minutes),
      },
      createdAt: row.created_at,
    };
  }

  #withProgress(backup: Backup): Backup {
    const live = this.#progress.get(backup.id);
    if (live && backup.status === 'running') return { ...backup, progressBytes: Math.max(backup.progressBytes, live.bytes) };
    // A restore test on this node: progressBytes counts the bytes read back so far.
    if (live && live.phase === 'verify' && backup.verifyStatus === 'running') return { ...backup, progressBytes: live.bytes };
    return backup;
  }

  async listSources(projectId: number): Promise<BackupSource[]> {
    return Promise.all((await repo.listSources(this.db, projectId)).map((row) => this.#toSource(row)));
  }

  async getSource(id: string): Promise<BackupSource> {
    const row = await repo.getSource(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    return this.#toSource(row);
  }

  /** A source by id or name (the CLI). */
  async findSource(idOrName: string, projectId?: number): Promise<BackupSource> {
    const row = await repo.findSource(this.db, idOrName, projectId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', `No backup source "${idOrName}"`);
    return this.#toSource(row);
  }

  sourceProject(id: string): Promise<number | undefined> {
    return repo.getSource(this.db, id).then((row) => row?.project_id);
  }

  backupProject(id: string): Promise<number | undefined> {
    return repo.getBackup(this.db, id).then((row) => row?.project_id);
  }

  /**
   * Adds a source after checking that Watchpost can reach the database and has a pg_dump that
   * fits its server version (a mismatch is a clear error now, not a failed backup at 3 a.m.).
   */
  async createSource(projectId: number, orgId: string, input: SourceInput, actor: AuditActor): Promise<BackupSource> {
    if (input.targets.length === 0) throw fail('WP_ERR_VALIDATION', 'Give at least one target (a local directory or S3 bucket)');
    for (const [name, expression] of [
      ['schedule', input.schedule],
      ['verifySchedule', input.verifySchedule],
    ] as const) {
      if (expression === null) continue;
      try {
        nextCron(expression, input.timezone, Date.now());
      } catch (error) {
        throw fail('WP_ERR_VALIDATION', `${name}: invalid cron expression "${expression}" in ${input.timezone}: ${messageOf(error)}`);
      }
    }
    const self = input.kind === 'watchpost' ? this.options.self : null;
    const url = self ? (self.dialect === 'postgres' ? self.url : '') : input.url;
    if (url === null) throw fail('WP_ERR_VALIDATION', 'url: a postgres:// connection string is required');
    let description: string;
    if (self?.dialect === 'sqlite') {
      description = `Watchpost's own database (SQLite ${self.file})`;
    } else {
      try {
        const version = await pg.serverVersion(url);
        await pg.findTool('pg_dump', version.major, { ...this.#tools });
        description = `${self ? "Watchpost's own database: " : ''}${pg.redactUrl(url)} (PostgreSQL ${version.full})`;
      } catch (error) {
        throw fail('WP_ERR_VALIDATION', clip(messageOf(error), 500));
      }
    }
    const now = Date.now();
    const id = newId(now);
    const secrets: SourceSecrets = { url, targets: input.targets, ...(input.encryptionKey ? { encryptionKey: input.encryptionKey } : {}), ...(input.verifyUrl ? { verifyUrl: input.verifyUrl } : {}) };
    const row = {
      id,
      project_id: projectId,
      name: input.name,
      kind: input.kind,
      description,
      secrets: this.box.seal(JSON.stringify(secrets), id),
      targets: JSON.stringify(input.targets.map((t) => createTarget(t).describe())),
      schedule: input.schedule,
      timezone: input.timezone,
      retention: JSON.stringify(input.retention),
      encrypted: input.encryptionKey || this.options.defaultKey ? 1 : 0,
      include_roles: input.includeRoles ? 1 : 0,
      verify_schedule: input.verifySchedule,
      assertions: input.assertions.length > 0 ? JSON.stringify(input.assertions) : null,
      rpo_minutes: input.rpoMinutes,
      rto_minutes: input.rtoMinutes,
      small_backup_pct: input.smallBackupPct,
      timeout_minutes: input.timeoutMinutes,
      next_run_at: nextCron(input.schedule, input.timezone, now),
      next_verify_at: nextCron(input.verifySchedule, input.timezone, now),
      lease_owner: null,
      lease_until: null,
      verify_lease_owner: null,
      verify_lease_until: null,
      overdue_alerted_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await repo.insertSource(tx, row);
      await this.audit.record({ orgId, actor, action: 'backup_source.created', target: { type: 'backup_source', id }, details: { name: input.name, projectId, database: description } }, tx);
    });
    this.#backups.wake();
    return this.#toSource(row);
  }

  /**
   * Changes a source's schedule, retention, restore tests, objectives or name; the history stays.
   * (Connection, targets and keys are fixed: a new one is a new source, so old backups stay readable.)
   */
  async updateSource(id: string, orgId: string, patch: Partial<Pick<SourceInput, 'name' | 'schedule' | 'timezone' | 'retention' | 'verifySchedule' | 'assertions' | 'rpoMinutes' | 'rtoMinutes' | 'smallBackupPct' | 'timeoutMinutes'>>, actor: AuditActor): Promise<BackupSource> {
    const row = await repo.getSource(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    const timezone = patch.timezone ?? row.timezone;
    const schedule = patch.schedule !== undefined ? patch.schedule : row.schedule;
    const verifySchedule = patch.verifySchedule !== undefined ? patch.verifySchedule : row.verify_schedule;
    const now = Date.now();
    let nextRun: number;
    let nextVerify: number;
    try {
      nextRun = nextCron(schedule, timezone, now);
      nextVerify = nextCron(verifySchedule, timezone, now);
    } catch (error) {
      throw fail('WP_ERR_VALIDATION', `Invalid schedule in ${timezone}: ${messageOf(error)}`);
    }
    const changes: Partial<repo.SourceRow> = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.schedule !== undefined || patch.timezone !== undefined) Object.assign(changes, { schedule, timezone, next_run_at: nextRun });
    if (patch.verifySchedule !== undefined || patch.timezone !== undefined) Object.assign(changes, { verify_schedule: verifySchedule, timezone, next_verify_at: nextVerify });
    if (patch.retention !== undefined) changes.retention = JSON.stringify(patch.retention);
    if (patch.assertions !== undefined) changes.assertions = patch.assertions.length > 0 ? JSON.stringify(patch.assertions) : null;
    if (patch.rpoMinutes !== undefined) changes.rpo_minutes = patch.rpoMinutes;
    if (patch.rtoMinutes !== undefined) changes.rto_minutes = patch.rtoMinutes;
    if (patch.smallBackupPct !== undefined) changes.small_backup_pct = patch.smallBackupPct;
    if (patch.timeoutMinutes !== undefined) changes.timeout_minutes = patch.timeoutMinutes;
    await this.db.transaction().execute(async (tx) => {
      await repo.updateSource(tx, id, changes);
      await this.audit.record({ orgId, actor, action: 'backup_source.updated', target: { type: 'backup_source', id }, details: { fields: Object.keys(patch) } }, tx);
    });
    this.#backups.wake();
    return this.getSource(id);
  }

  async deleteSource(id: string, orgId: string, actor: AuditActor): Promise<void> {
    const row = await repo.getSource(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    await this.db.transaction().execute(async (tx) => {
      await repo.deleteSource(tx, id);
      await this.audit.record({ orgId, actor, action: 'backup_source.deleted', target: { type: 'backup_source', id }, details: { name: row.name } }, tx);
    });
  }

  async backups(sourceId: string, limit: number, before?: string): Promise<Backup[]> {
    return (await repo.listBackups(this.db, sourceId, limit, before)).map((row) => this.#withProgress(toBackup(row)));
  }

  async getBackup(id: string): Promise<Backup> {
    const row = await repo.getBackup(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such backup');
    return this.#withProgress(toBackup(row));
  }

  /**
   * Backs up a source now. Refuses (409) while another run of the same source is in progress on
   * any node. `wait: false` returns as soon as the backup has started (the dashboard follows its
   * progress); otherwise resolves with the finished backup (CLI, tests).
   */
  async runNow(sourceId: string, trigger: 'manual' | 'cli', options: { wait?: boolean; onProgress?: (bytes: number) => void } = {}): Promise<Backup> {
    const row = await repo.getSource(this.db, sourceId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    const now = Date.now();
    if (!(await repo.leaseSource(this.db, row.id, this.options.node, now, now + row.timeout_minutes * MINUTE + MINUTE))) {
      throw fail('WP_ERR_CONFLICT', 'A backup of this source is already running');
    }
    const controller = new AbortController();
    const running = this.#run(row, trigger, controller.signal, options.onProgress);
    if (options.wait === false) {
      running.catch(() => undefined);
      const started = await this.#waitForStart(row.id, now);
      return started;
    }
    const id = await running;
    return this.getBackup(id);
  }

  /**
   * Cancels a running backup: at once when it runs on this node, otherwise the node running it
   * sees the request with its next progress update (every 2 s) and stops. Nothing is stored.
   */
  async cancel(backupId: string): Promise<void> {
    const row = await repo.getBackup(this.db, backupId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such backup');
    if (row.status !== 'running') throw fail('WP_ERR_CONFLICT', `This backup is not running (it ${row.status})`);
    await repo.updateBackup(this.db, backupId, { cancel_requested_at: Date.now() });
    this.#running.get(backupId)?.abort(new Error('Cancelled'));
  }

  async #waitForStart(sourceId: string, since: number): Promise<Backup> {
    for (let i = 0; i < 100; i++) {
      const [latest] = await repo.listBackups(this.db, sourceId, 1);
      if (latest && latest.started_at >= since) return this.#withProgress(toBackup(latest));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw fail('WP_ERR_INTERNAL', 'The backup did not start');
  }

  /** One backup run; the caller holds the source's lease. Returns the backup id (failed runs too, after recording them). */
  async #run(source: repo.SourceRow, trigger: string, signal: AbortSignal, onProgress?: (bytes: number) => void): Promise<string> {
    const startedAt = Date.now();
    const id = newId(startedAt);
    await repo.failAbandonedBackups(this.db, source.id, startedAt);
    await repo.insertBackup(this.db, {
      id,
      source_id: source.id,
      project_id: source.project_id,
      status: 'running',
      trigger,
      node: this.options.node,
      started_at: startedAt,
      finished_at: null,
      duration_ms: null,
      size_bytes: null,
      progress_bytes: 0,
      sha256: null,
      server_version: null,
      dump_version: null,
      table_counts: null,
      key_id: null,
      files: null,
      error: null,
      verify_status: null,
      verify_started_at: null,
      verified_at: null,
      restore_duration_ms: null,
      verify_error: null,
      deleted_at: null,
      cancel_requested_at: null,
    });
    this.#progress.set(id, { bytes: 0, phase: 'dump' });
    const cancel = new AbortController();
    this.#running.set(id, cancel);
    let lastWrite = 0;
    const progress = (bytes: number) => {
      this.#progress.set(id, { bytes, phase: 'dump' });
      onProgress?.(bytes);
      const now = Date.now();
      if (now - lastWrite > 2000) {
        lastWrite = now;
        repo.progressAndCancel(this.db, id, bytes).then(
          (requested) => {
            if (requested) cancel.abort(new Error('Cancelled'));
          },
          () => undefined,
        );
      }
    };
    const timeout = AbortSignal.timeout(source.timeout_minutes * MINUTE);
    const runSignal = AbortSignal.any([signal, timeout, cancel.signal]);
    try {
      const secrets = this.#secrets(source);
      const key = this.#key(secrets);
      const targets = secrets.targets.map((t) => createTarget(t));
      const transforms: Transform[] = key ? [encryptStream(key)] : [];
      const stamp = `${source.id}/${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}-${id.slice(-12)}`;
      if (this.#isSqliteSelf(source)) {
        await this.#runSqlite(source, id, startedAt, stamp, key, targets, runSignal, progress);
        return id;
      }
      const version = await pg.serverVersion(secrets.url);
      const dump = await pg.startDump({ url: secrets.url, signal: runSignal, ...this.#tools });
      const fileKey = `${stamp}.dump${key ? '.enc' : ''}`;
      const stored = await storeStream(dump.stream, transforms, targets, fileKey, runSignal, progress);
      const dumped = await dump.done;
      let files = stored.files;
      if (source.include_roles === 1) {
        const roles = await pg.startRolesDump({ url: secrets.url, signal: runSignal, ...this.#tools });
        const rolesFile = await storeStream(roles.stream, key ? [encryptStream(key)] : [], targets, fileKey.replace(/\.dump(\.enc)?$/, '.roles.sql$1'), runSignal);
        await roles.done;
        files = [...files, ...rolesFile.files];
      }
      const finishedAt = Date.now();
      await repo.updateBackup(this.db, id, {
        status: 'succeeded',
        finished_at: finishedAt,
        duration_ms: finishedAt - startedAt,
        size_bytes: stored.bytes,
        progress_bytes: stored.bytes,
        sha256: stored.sha256,
        server_version: version.full,
        dump_version: dumped.pgDumpVersion,
        table_counts: JSON.stringify(dumped.tableCounts),
        key_id: key ? keyId(key) : null,
        files: JSON.stringify(files),
      });
      await this.#afterSuccess(source, id, stored.bytes, startedAt);
    } catch (error) {
      const cancelled = signal.aborted || cancel.signal.aborted;
      const reason = timeout.aborted ? `Timed out after ${source.timeout_minutes} min` : cancel.signal.aborted ? 'Cancelled' : clip(messageOf(error));
      await repo.updateBackup(this.db, id, { status: cancelled ? 'cancelled' : 'failed', finished_at: Date.now(), duration_ms: Date.now() - startedAt, error: reason });
      if (!cancelled) {
        await this.notify.notify(source.project_id, backupMessage(this.options.publicUrl, source, 'backup.failed', 'trigger', 'error', `Backup of ${source.name} failed`, reason));
      }
      this.options.log.error({ source: source.id, backup: id, err: reason }, 'backup failed');
    } finally {
      this.#progress.delete(id);
      this.#running.delete(id);
      await repo.updateSource(this.db, source.id, { lease_owner: null, lease_until: null, next_run_at: nextCron(source.schedule, source.timezone, Date.now()), updated_at: Date.now() }).catch(() => undefined);
    }
    return id;
  }

  #isSqliteSelf(source: repo.SourceRow): boolean {
    return source.kind === 'watchpost' && this.options.self.dialect === 'sqlite';
  }

  /** Watchpost's own SQLite: a consistent VACUUM INTO copy, streamed like a dump, then deleted. */
  async #runSqlite(source: repo.SourceRow, id: string, startedAt: number, stamp: string, key: Buffer | null, targets: ReturnType<typeof createTarget>[], signal: AbortSignal, progress: (bytes: number) => void): Promise<void> {
    if (this.options.self.dialect !== 'sqlite') return;
    const copy = join(this.options.dataDir, `backup-${id}.sqlite.partial`);
    try {
      const snapshot = sqlite.snapshotSqlite(this.options.self.file, copy);
      const stored = await storeStream(sqlite.fileStream(copy), key ? [encryptStream(key)] : [], targets, `${stamp}.sqlite${key ? '.enc' : ''}`, signal, progress);
      const finishedAt = Date.now();
      await repo.updateBackup(this.db, id, {
        status: 'succeeded',
        finished_at: finishedAt,
        duration_ms: finishedAt - startedAt,
        size_bytes: stored.bytes,
        progress_bytes: stored.bytes,
        sha256: stored.sha256,
        server_version: snapshot.version,
        dump_version: 'VACUUM INTO',
        table_counts: JSON.stringify(snapshot.tableCounts),
        key_id: key ? keyId(key) : null,
        files: JSON.stringify(stored.files),
      });
      await this.#afterSuccess(source, id, stored.bytes, startedAt);
    } finally {
      await rm(copy, { force: true });
    }
  }

  async #afterSuccess(source: repo.SourceRow, id: string, bytes: number, startedAt: number): Promise<void> {
    const previous = await repo.lastSucceeded(this.db, source.id, startedAt);
    const smaller = previous?.size_bytes != null && previous.size_bytes > 0 && bytes < (previous.size_bytes * source.small_backup_pct) / 100;
    if (smaller && previous?.size_bytes != null) {
      const share = Math.round((bytes / previous.size_bytes) * 100);
      await this.notify.notify(
        source.project_id,
        backupMessage(this.options.publicUrl, source, 'backup.small', 'info', 'warning', `Backup of ${source.name} is much smaller than the last one`, `${formatBytes(bytes)} now, ${formatBytes(previous.size_bytes)} before (${share} %). Tables may have been emptied or dropped.`, `backup-size:${source.id}`),
      );
    }
    // A good backup ends a failure or overdue alert.
    await this.notify.notify(source.project_id, backupMessage(this.options.publicUrl, source, 'backup.succeeded', 'resolve', 'info', `Backup of ${source.name} succeeded`, `${formatBytes(bytes)} stored.`));
    if (source.overdue_alerted_at !== null) await repo.updateSource(this.db, source.id, { overdue_alerted_at: null });
    await this.prune(source.id, { dryRun: false }).catch((error: unknown) => this.options.log.warn({ err: error, source: source.id }, 'backup retention failed'));
    void id;
  }

  /**
   * Restore test: checksum, decrypt, pg_restore into a scratch database, row counts compared with
   * the dump's, the source's assertions, scratch database dropped. Records and returns the result.
   */
  verify(backupId: string, signal: AbortSignal = new AbortController().signal): Promise<Backup> {
    return this.#restores.verify(backupId, signal);
  }

  /**
   * Restores a backup into `toUrl` (PostgreSQL) or a file (Watchpost's own SQLite). The target must
   * be empty unless `force`. Recorded in the audit log.
   */
  restore(...args: Parameters<BackupRestores['restore']>): ReturnType<BackupRestores['restore']> {
    return this.#restores.restore(...args);
  }

  async #verifyScheduled(source: repo.SourceRow, signal: AbortSignal): Promise<void> {
    try {
      await repo.failAbandonedVerifications(this.db, source.id);
      const latest = await repo.lastSucceeded(this.db, source.id);
      if (latest) await this.verify(latest.id, signal);
    } finally {
      await repo.updateSource(this.db, source.id, { verify_lease_owner: null, verify_lease_until: null, next_verify_at: nextCron(source.verify_schedule, source.timezone, Date.now()) });
    }
  }

  /**
   * Alerts once when a scheduled source has had no successful backup for longer than its schedule
   * interval plus a grace (its timeout + 30 min); a later success resolves it. Run every 5 minutes.
   */
  async checkOverdue(now = Date.now()): Promise<number> {
    let alerted = 0;
    const sources = await repo.scheduledSourcesToWatch(this.db);
    for (const source of sources) {
      const next = nextCron(source.schedule, source.timezone, now);
      const after = nextCron(source.schedule, source.timezone, next);
      if (next >= NEVER || after >= NEVER) continue;
      const allowed = after - next + (source.timeout_minutes + 30) * MINUTE;
      const last = await repo.lastSucceeded(this.db, source.id);
      const since = last?.started_at ?? source.created_at;
      if (now - since <= allowed) continue;
      await repo.updateSource(this.db, source.id, { overdue_alerted_at: now });
      await this.notify.notify(source.project_id, backupMessage(this.options.publicUrl, source, 'backup.overdue', 'trigger', 'error', `No backup of ${source.name} for ${Math.round((now - since) / 3_600_000)} h`, last ? `The last good backup started ${new Date(last.started_at).toUTCString()}.` : 'There has never been a good backup of this source.'));
      alerted += 1;
    }
    return alerted;
  }

  /** GFS retention: what would go (dry run) or is removed now. The newest verified backup stays. */
  async prune(sourceId: string, options: { dryRun: boolean }): Promise<RetentionDecision & { dryRun: boolean }> {
    const source = await repo.getSource(this.db, sourceId);
    if (!source) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    const live = await repo.liveBackups(this.db, sourceId);
    const decision = selectRetention(
      live.map((b) => ({ id: b.id, createdAt: b.started_at, verified: b.verify_status === 'verified' })),
      parse<RetentionPolicy>(source.retention, { keepLast: 0, keepHourly: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 }),
      source.timezone,
    );
    if (!options.dryRun && decision.remove.length > 0) {
      const secrets = this.#secrets(source);
      for (const { id } of decision.remove) {
        const backup = live.find((b) => b.id === id);
        for (const file of parse<StoredFile[]>(backup?.files ?? null, [])) {
          const config = secrets.targets[file.target];
          if (config) await createTarget(config).delete(file.key);
        }
        await repo.updateBackup(this.db, id, { deleted_at: Date.now() });
      }
    }
    return { ...decision, dryRun: options.dryRun };
  }
}
