/** Response and request shapes of the backups API (src/backups/routes.ts). Timestamps are epoch milliseconds. */

export type BackupStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type VerifyStatus = 'running' | 'verified' | 'failed';
/** Green within the target, amber up to 1.5×, red beyond; unknown when no target is set. */
export type RecoveryHealth = 'green' | 'amber' | 'red' | 'unknown';

export interface Backup {
  id: string;
  sourceId: string;
  status: BackupStatus;
  /** 'schedule', 'manual' (dashboard/API) or 'cli'. */
  trigger: string;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
  sizeBytes: number | null;
  /** Bytes stored so far while it runs. */
  progressBytes: number;
  /** Hex SHA-256 of the stored file. */
  sha256: string | null;
  serverVersion: string | null;
  dumpVersion: string | null;
  /** Rows per "schema.table" in the dump's snapshot. */
  tableCounts: Record<string, number> | null;
  encrypted: boolean;
  files: { target: number; key: string; bytes: number }[];
  error: string | null;
  verifyStatus: VerifyStatus | null;
  verifiedAt: number | null;
  /** How long the restore test's pg_restore took: the measured RTO. */
  restoreDurationMs: number | null;
  verifyError: string | null;
  /** Removed by retention: the row stays as history, the file is gone. */
  deleted: boolean;
}

export interface Retention {
  keepLast: number;
  keepHourly: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
  keepYearly: number;
}

export interface BackupSource {
  id: string;
  projectId: number;
  name: string;
  /** 'postgres' (a database by connection string) or 'watchpost' (Watchpost's own database). */
  kind: string;
  /** The connection without its password, and the server version: "postgres://app@db:5432/shop (PostgreSQL 16.2)". */
  description: string;
  /** Non-secret descriptions of the targets, in order. */
  targets: string[];
  /** Cron expression, or null for manual backups only. */
  schedule: string | null;
  timezone: string;
  retention: Retention;
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
  health: { rpo: RecoveryHealth; rto: RecoveryHealth };
  createdAt: number;
}

export interface LocalTargetInput {
  kind: 'local';
  /** An absolute directory on the Watchpost server. */
  path: string;
}

export interface S3TargetInput {
  kind: 's3';
  bucket: string;
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

export type BackupTargetInput = LocalTargetInput | S3TargetInput;

export interface BackupSourceInput {
  /** 'watchpost' backs up the database Watchpost itself runs on, and needs no url. */
  kind: 'postgres' | 'watchpost';
  name: string;
  url: string | null;
  targets: BackupTargetInput[];
  schedule: string | null;
  timezone: string;
  retention: Retention;
  encryptionKey: string | null;
  verifySchedule: string | null;
  /** Server for restore tests' scratch databases; null: the source's own server. */
  verifyUrl: string | null;
  assertions: string[];
  rpoMinutes: number | null;
  rtoMinutes: number | null;
}

/** What retention keeps (and why) and removes; nothing changes when `dryRun`. */
export interface PruneDecision {
  dryRun: boolean;
  keep: { id: string; reasons: string[] }[];
  remove: { id: string }[];
}

export interface RestoreResult {
  id: string;
  status: 'restored';
  durationMs: number;
  tables: number;
}
