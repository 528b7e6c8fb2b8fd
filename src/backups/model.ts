import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import type { NotificationMessage } from '../notify/types.js';
import type { StoredFile } from './pipeline.js';
import type * as repo from './repo.js';
import type { BackupStatus, RetentionPolicy, TargetConfig, VerifyStatus } from './types.js';

/** The shapes the backups service works with and returns, and small helpers around them. */

export const NEVER = Number.MAX_SAFE_INTEGER;
export const MINUTE = 60_000;

/** What a source keeps sealed: the connection, keys and target credentials. */
export interface SourceSecrets {
  url: string;
  encryptionKey?: string;
  /** Where restore tests run (a server URL); default: the source's own server. */
  verifyUrl?: string;
  targets: TargetConfig[];
}

export interface SourceInput {
  /** 'postgres' (a database by URL) or 'watchpost' (Watchpost's own database, whatever it is). */
  kind: 'postgres' | 'watchpost';
  name: string;
  /** Required for 'postgres'. */
  url: string | null;
  targets: TargetConfig[];
  schedule: string | null;
  timezone: string;
  retention: RetentionPolicy;
  encryptionKey: string | null;
  includeRoles: boolean;
  verifySchedule: string | null;
  verifyUrl: string | null;
  assertions: string[];
  rpoMinutes: number | null;
  rtoMinutes: number | null;
  smallBackupPct: number;
  timeoutMinutes: number;
}

export interface Backup {
  id: string;
  sourceId: string;
  status: BackupStatus;
  trigger: string;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  sizeBytes: number | null;
  progressBytes: number;
  sha256: string | null;
  serverVersion: string | null;
  dumpVersion: string | null;
  tableCounts: Record<string, number> | null;
  encrypted: boolean;
  files: StoredFile[];
  error: string | null;
  verifyStatus: VerifyStatus | null;
  verifiedAt: number | null;
  restoreDurationMs: number | null;
  verifyError: string | null;
  deleted: boolean;
}

export interface BackupSource {
  id: string;
  projectId: number;
  name: string;
  kind: string;
  description: string;
  targets: string[];
  schedule: string | null;
  timezone: string;
  retention: RetentionPolicy;
  retentionText: string;
  encrypted: boolean;
  includeRoles: boolean;
  verifySchedule: string | null;
  assertions: string[];
  rpoMinutes: number | null;
  rtoMinutes: number | null;
  smallBackupPct: number;
  timeoutMinutes: number;
  nextRunAt: number | null;
  nextVerifyAt: number | null;
  running: boolean;
  lastBackup: Backup | null;
  lastGoodBackup: Backup | null;
  lastVerified: Backup | null;
  /** Green / amber / red: last good backup's age against the RPO, last restore time against the RTO. */
  health: { rpo: 'green' | 'amber' | 'red' | 'unknown'; rto: 'green' | 'amber' | 'red' | 'unknown' };
  createdAt: number;
}

export interface BackupsOptions {
  readonly node: string;
  readonly publicUrl: string;
  readonly log: FastifyBaseLogger;
  /** Instance-wide encryption key (WATCHPOST_BACKUP_KEY) for sources without their own. */
  readonly defaultKey: string | null;
  /** Directory searched first for pg_dump / pg_restore (WATCHPOST_PG_BIN_DIR). */
  readonly pgBinDir: string | null;
  /** PATH-style list searched last (the process's PATH, read by config). */
  readonly pgSearchPath: string;
  /** Watchpost's own database, for 'watchpost' sources; scratch files go to `dataDir`. */
  readonly self: { readonly dialect: 'sqlite'; readonly file: string } | { readonly dialect: 'postgres'; readonly url: string };
  readonly dataDir: string;
}

export function parse<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function nextCron(expression: string | null, timezone: string, after: number): number {
  if (!expression) return NEVER;
  const cron = new Cron(expression, { timezone, paused: true });
  try {
    return cron.nextRun(new Date(after))?.getTime() ?? NEVER;
  } finally {
    cron.stop();
  }
}

export function toBackup(row: repo.BackupRow): Backup {
  return {
    id: row.id,
    sourceId: row.source_id,
    status: row.status,
    trigger: row.trigger,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    sizeBytes: row.size_bytes,
    progressBytes: row.progress_bytes,
    sha256: row.sha256,
    serverVersion: row.server_version,
    dumpVersion: row.dump_version,
    tableCounts: parse<Record<string, number> | null>(row.table_counts, null),
    encrypted: row.key_id !== null,
    files: parse<StoredFile[]>(row.files, []),
    error: row.error,
    verifyStatus: row.verify_status,
    verifiedAt: row.verified_at,
    restoreDurationMs: row.restore_duration_ms,
    verifyError: row.verify_error,
    deleted: row.deleted_at !== null,
  };
}

export const clip = (text: string, max = 2000) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Waits for pg_restore and the checksum both (so nothing still writes to a database we are about
 * to drop); a damaged file is the reason given even when pg_restore failed because of it.
 */
export async function settleBoth(restore: Promise<unknown>, checked: Promise<void>): Promise<void> {
  const [restored, verified] = await Promise.allSettled([restore, checked]);
  if (verified.status === 'rejected') throw verified.reason;
  if (restored.status === 'rejected') throw restored.reason;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A notification about a backup source, for every channel (see notify/types.ts). */
export function backupMessage(publicUrl: string, source: repo.SourceRow, event: string, action: NotificationMessage['action'], severity: NotificationMessage['severity'], title: string, text: string, dedupKey = `backup:${source.id}`): NotificationMessage {
  return {
    event,
    source: 'backups',
    action,
    severity,
    dedupKey,
    title,
    text,
    url: `${publicUrl}/projects/${source.project_id}/backups`,
    occurredAt: Date.now(),
    fields: [
      { name: 'Source', value: source.name },
      { name: 'Database', value: source.description },
    ],
    data: { sourceId: source.id, projectId: source.project_id },
  };
}
