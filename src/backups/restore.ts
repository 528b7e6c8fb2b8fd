import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { fail } from '../lib/errors.js';
import type { NotifyService } from '../notify/service.js';
import type { Database } from '../storage/schema.js';
import { decryptStream, keyId } from './crypto-stream.js';
import { backupMessage, clip, messageOf, parse, settleBoth, type Backup, type SourceSecrets } from './model.js';
import { verifyingStream, type StoredFile } from './pipeline.js';
import * as pg from './postgres.js';
import * as repo from './repo.js';
import * as sqlite from './sqlite.js';
import { createTarget } from './targets/index.js';

/** What restores share with the BackupsService that owns them. */
export interface RestoreDeps {
  readonly db: Kysely<Database>;
  readonly notify: NotifyService;
  readonly audit: AuditService;
  readonly log: FastifyBaseLogger;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly tools: { binDir: string | undefined; searchPath: string };
  /** Live progress of work on this node, shown by the dashboard and the CLI. */
  readonly progress: Map<string, { bytes: number; phase: string }>;
  secrets(row: repo.SourceRow): SourceSecrets;
  key(secrets: SourceSecrets): Buffer | null;
  /** The source is Watchpost's own SQLite database (copied with VACUUM INTO, restored as a file). */
  isSqliteSelf(row: repo.SourceRow): boolean;
  getBackup(id: string): Promise<Backup>;
}

/**
 * Getting data back out of a backup: restore tests (into a scratch PostgreSQL database or SQLite
 * file, with row counts and assertions checked) and real restores. Every read checks the stored
 * SHA-256 while it streams and decrypts with the key the backup was made with.
 */
export class BackupRestores {
  constructor(private readonly deps: RestoreDeps) {}

  /** Reads a backup's file from the first target that has it, checking the checksum and decrypting. */
  private async open(source: repo.SourceRow, backup: repo.BackupRow, signal: AbortSignal, onProgress?: (bytes: number) => void): Promise<{ stream: Readable; checked: Promise<void> }> {
    if (backup.status !== 'succeeded' || backup.sha256 === null) throw fail('WP_ERR_CONFLICT', 'Only a successful backup can be restored');
    if (backup.deleted_at !== null) throw fail('WP_ERR_CONFLICT', 'This backup was removed by retention');
    const secrets = this.deps.secrets(source);
    const files = parse<StoredFile[]>(backup.files, []).filter((f) => /\.(dump|sqlite)(\.enc)?$/.test(f.key));
    let lastError: unknown = new Error('The backup has no stored file');
    for (const file of files) {
      const config = secrets.targets[file.target];
      if (!config) continue;
      try {
        const raw = await createTarget(config).get(file.key, signal);
        const verified = verifyingStream(raw, backup.sha256, onProgress);
        if (backup.key_id === null) return verified;
        const key = this.deps.key(secrets);
        if (!key || keyId(key) !== backup.key_id) throw new Error('This backup was encrypted with another key than the one configured now');
        const decrypt = decryptStream(key);
        verified.stream.on('error', (error) => decrypt.destroy(error));
        return { stream: verified.stream.pipe(decrypt), checked: verified.checked };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  /**
   * Restore test: checksum, decrypt, pg_restore into a scratch database, row counts compared with
   * the dump's, the source's assertions, scratch database dropped. Records and returns the result.
   */
  async verify(backupId: string, signal: AbortSignal = new AbortController().signal): Promise<Backup> {
    const backup = await repo.getBackup(this.deps.db, backupId);
    if (!backup) throw fail('WP_ERR_NOT_FOUND', 'No such backup');
    const source = await repo.getSource(this.deps.db, backup.source_id);
    if (!source) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    const startedAt = Date.now();
    await repo.updateBackup(this.deps.db, backupId, { verify_status: 'running', verify_started_at: startedAt, verify_error: null });
    if (this.deps.isSqliteSelf(source)) return this.verifySqlite(source, backup, signal);
    const secrets = this.deps.secrets(source);
    const server = secrets.verifyUrl ?? secrets.url;
    const scratch = `watchpost_verify_${randomBytes(6).toString('hex')}`;
    let created = false;
    this.deps.progress.set(backupId, { bytes: 0, phase: 'verify' });
    try {
      await pg.createDatabase(server, scratch);
      created = true;
      const target = pg.withDatabase(server, scratch);
      const restoreStarted = Date.now();
      const input = await this.open(source, backup, signal, (bytes) => this.deps.progress.set(backupId, { bytes, phase: 'verify' }));
      await settleBoth(pg.restoreArchive({ url: target, input: input.stream, signal, ...this.deps.tools }), input.checked);
      const restoreMs = Date.now() - restoreStarted;
      const differences = pg.compareRowCounts(parse<Record<string, number>>(backup.table_counts, {}), await pg.tableRowCounts(target));
      if (differences.length > 0) throw new Error(`Row counts differ after the restore: ${differences.slice(0, 5).join('; ')}${differences.length > 5 ? ` (and ${differences.length - 5} more)` : ''}`);
      for (const assertion of parse<string[]>(source.assertions, [])) {
        const ok = await pg.runAssertion(target, assertion);
        if (!ok) throw new Error(`Assertion failed: ${clip(assertion, 200)}`);
      }
      await repo.updateBackup(this.deps.db, backupId, { verify_status: 'verified', verified_at: Date.now(), restore_duration_ms: restoreMs, verify_error: null });
      await this.deps.notify.notify(source.project_id, backupMessage(this.deps.publicUrl, source, 'backup.verified', 'resolve', 'info', `Restore test of ${source.name} passed`, `Restored in ${Math.round(restoreMs / 1000)} s.`, `backup-verify:${source.id}`));
    } catch (error) {
      const reason = clip(messageOf(error));
      await repo.updateBackup(this.deps.db, backupId, { verify_status: 'failed', verified_at: Date.now(), verify_error: reason });
      await this.deps.notify.notify(source.project_id, backupMessage(this.deps.publicUrl, source, 'backup.verify_failed', 'trigger', 'error', `Restore test of ${source.name} failed`, reason, `backup-verify:${source.id}`));
    } finally {
      this.deps.progress.delete(backupId);
      if (created) await pg.dropDatabase(server, scratch).catch((error: unknown) => this.deps.log.warn({ err: messageOf(error), database: scratch }, 'could not drop the scratch database of a restore test'));
    }
    return this.deps.getBackup(backupId);
  }

  /** Restore test of a SQLite copy: checksum, decrypt into a scratch file, integrity check, row counts. */
  private async verifySqlite(source: repo.SourceRow, backup: repo.BackupRow, signal: AbortSignal): Promise<Backup> {
    const scratch = join(this.deps.dataDir, `verify-${backup.id}.sqlite.partial`);
    try {
      const started = Date.now();
      const input = await this.open(source, backup, signal);
      const [written, verified] = await Promise.allSettled([sqlite.writeFile(input.stream, scratch), input.checked]);
      if (verified.status === 'rejected') throw verified.reason;
      if (written.status === 'rejected') throw written.reason;
      const problem = sqlite.sqliteIntegrity(scratch);
      if (problem) throw new Error(`SQLite integrity check failed: ${problem}`);
      const differences = pg.compareRowCounts(parse<Record<string, number>>(backup.table_counts, {}), sqlite.sqliteRowCounts(scratch));
      if (differences.length > 0) throw new Error(`Row counts differ after the restore: ${differences.slice(0, 5).join('; ')}`);
      await repo.updateBackup(this.deps.db, backup.id, { verify_status: 'verified', verified_at: Date.now(), restore_duration_ms: Date.now() - started, verify_error: null });
    } catch (error) {
      const reason = clip(messageOf(error));
      await repo.updateBackup(this.deps.db, backup.id, { verify_status: 'failed', verified_at: Date.now(), verify_error: reason });
      await this.deps.notify.notify(source.project_id, backupMessage(this.deps.publicUrl, source, 'backup.verify_failed', 'trigger', 'error', `Restore test of ${source.name} failed`, reason, `backup-verify:${source.id}`));
    } finally {
      await rm(scratch, { force: true });
    }
    return this.deps.getBackup(backup.id);
  }

  /**
   * Restores a backup into `toUrl`. The database must be empty unless `force` (then objects of the
   * same names are replaced: pg_restore --clean). Recorded in the audit log.
   */
  async restore(backupId: string, toUrl: string, options: { force: boolean; orgId: string; actor: AuditActor | null; onProgress?: (bytes: number) => void; signal?: AbortSignal }): Promise<{ id: string; status: 'restored'; durationMs: number; tables: number }> {
    const backup = await repo.getBackup(this.deps.db, backupId);
    if (!backup) throw fail('WP_ERR_NOT_FOUND', 'No such backup');
    const source = await repo.getSource(this.deps.db, backup.source_id);
    if (!source) throw fail('WP_ERR_NOT_FOUND', 'No such backup source');
    if (this.deps.isSqliteSelf(source)) return this.restoreSqlite(source, backup, toUrl, options);
    if (!/^postgres(ql)?:\/\//.test(toUrl)) throw fail('WP_ERR_VALIDATION', 'Restore into a postgres:// connection string');
    if (!options.force && !(await pg.databaseIsEmpty(toUrl))) {
      throw fail('WP_ERR_CONFLICT', `The database ${pg.redactUrl(toUrl)} is not empty: restore into a new or empty database, or restore with force (CLI --force) to replace objects of the same names`);
    }
    const started = Date.now();
    const signal = options.signal ?? new AbortController().signal;
    const input = await this.open(source, backup, signal, options.onProgress);
    await settleBoth(pg.restoreArchive({ url: toUrl, input: input.stream, signal, clean: options.force, ...this.deps.tools }), input.checked);
    const durationMs = Date.now() - started;
    await this.deps.audit.record({ orgId: options.orgId, actor: options.actor, action: 'backup.restored', target: { type: 'backup', id: backupId }, details: { source: source.name, to: pg.redactUrl(toUrl), force: options.force, durationMs } });
    return { id: backupId, status: 'restored', durationMs, tables: Object.keys(parse<Record<string, number>>(backup.table_counts, {})).length };
  }

  /**
   * Restores a copy of Watchpost's SQLite database to a file (stop Watchpost, then point
   * WATCHPOST_DATA_DIR at it or move it into place). An existing file is replaced only with force.
   */
  private async restoreSqlite(source: repo.SourceRow, backup: repo.BackupRow, to: string, options: { force: boolean; orgId: string; actor: AuditActor | null; signal?: AbortSignal }): Promise<{ id: string; status: 'restored'; durationMs: number; tables: number }> {
    if (!isAbsolute(to)) throw fail('WP_ERR_VALIDATION', 'Restoring a SQLite backup needs an absolute file path as the target');
    if (existsSync(to) && !options.force) throw fail('WP_ERR_CONFLICT', `${to} exists: choose a new file, or restore with force (CLI --force) to replace it`);
    const started = Date.now();
    const partial = `${to}.partial`;
    const input = await this.open(source, backup, options.signal ?? new AbortController().signal);
    const [written, verified] = await Promise.allSettled([sqlite.writeFile(input.stream, partial), input.checked]);
    if (verified.status === 'rejected' || written.status === 'rejected') {
      await rm(partial, { force: true });
      throw verified.status === 'rejected' ? verified.reason : (written as PromiseRejectedResult).reason;
    }
    await rename(partial, to);
    const durationMs = Date.now() - started;
    await this.deps.audit.record({ orgId: options.orgId, actor: options.actor, action: 'backup.restored', target: { type: 'backup', id: backup.id }, details: { source: source.name, to, force: options.force, durationMs } });
    return { id: backup.id, status: 'restored', durationMs, tables: Object.keys(parse<Record<string, number>>(backup.table_counts, {})).length };
  }
}
