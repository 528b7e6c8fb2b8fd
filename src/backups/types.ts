import type { Readable } from 'node:stream';

/**
 * Shared shapes of the backup pipeline. The pieces are: a dump (src/backups/postgres.ts: pg_dump
 * streaming its custom-format archive), optional encryption (src/backups/crypto-stream.ts), a
 * SHA-256 of the bytes stored, and one or more targets (src/backups/targets/: local directory,
 * S3-compatible storage). One streaming pass; nothing is written to a temporary file.
 */

/** Where backup files go. Keys are relative paths like "<source id>/<backup id>.dump.enc". */
export interface BackupTarget {
  readonly kind: 'local' | 's3';
  /** Non-secret description for lists and logs: '/var/backups/watchpost', 's3://bucket/prefix (eu-west-1)'. */
  describe(): string;
  /**
   * Streams `body` to `key`. Resolves when the object is complete and durable (local: fsynced and
   * renamed into place; S3: multipart upload completed). On error or abort nothing is left behind
   * (local: the temporary file is removed; S3: the multipart upload is aborted).
   */
  put(key: string, body: Readable, signal: AbortSignal): Promise<{ bytes: number }>;
  /** Reads an object back as a stream; rejects with a clear message when it doesn't exist. */
  get(key: string, signal?: AbortSignal): Promise<Readable>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Size in bytes, or null when the object doesn't exist. */
  size(key: string): Promise<number | null>;
}

export interface LocalTargetConfig {
  readonly kind: 'local';
  /** An absolute directory; created if missing. */
  readonly path: string;
}

export interface S3TargetConfig {
  readonly kind: 's3';
  readonly bucket: string;
  /** Key prefix inside the bucket, without leading slash ('' for none). */
  readonly prefix: string;
  readonly region: string;
  /** Custom endpoint for R2, MinIO, B2…; omitted for AWS. */
  readonly endpoint?: string;
  /** Path-style addressing (MinIO and most local servers need it). */
  readonly forcePathStyle?: boolean;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export type TargetConfig = LocalTargetConfig | S3TargetConfig;

/** GFS retention, restic's semantics (`restic forget --keep-*`). 0 = that rule keeps nothing. */
export interface RetentionPolicy {
  readonly keepLast: number;
  readonly keepHourly: number;
  readonly keepDaily: number;
  readonly keepWeekly: number;
  readonly keepMonthly: number;
  readonly keepYearly: number;
}

export interface RetentionCandidate {
  readonly id: string;
  /** Unix ms when the backup was taken. */
  readonly createdAt: number;
  /** Whether a restore test of this backup passed. */
  readonly verified: boolean;
}

export interface RetentionDecision {
  readonly keep: ReadonlyArray<{ readonly id: string; readonly reasons: readonly string[] }>;
  readonly remove: ReadonlyArray<{ readonly id: string }>;
}

export type BackupStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type VerifyStatus = 'running' | 'verified' | 'failed';

/** A database Watchpost backs up: connection (sealed), schedule, targets (sealed), retention, RPO/RTO. */
export interface BackupSourcesTable {
  id: string;
  project_id: number;
  name: string;
  /** 'postgres' (a database by connection string). */
  kind: string;
  /** Non-secret description: 'postgres://app@db.example.com:5432/shop'. */
  description: string;
  /** Sealed JSON {url, encryptionKey?, verifyUrl?, targets: TargetConfig[]} (context: the source id). */
  secrets: string;
  /** JSON array of the targets' non-secret descriptions, in order. */
  targets: string;
  /** Cron expression of scheduled backups, or null for manual only. */
  schedule: string | null;
  timezone: string;
  /** JSON RetentionPolicy. */
  retention: string;
  encrypted: number;
  include_roles: number;
  /** Cron expression of restore tests, or null for none. */
  verify_schedule: string | null;
  /** JSON array of SQL statements that must return a true first column after a restore. */
  assertions: string | null;
  rpo_minutes: number | null;
  rto_minutes: number | null;
  /** Alert when a backup is smaller than this share (%) of the previous good one. */
  small_backup_pct: number;
  timeout_minutes: number;
  next_run_at: number;
  next_verify_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  verify_lease_owner: string | null;
  verify_lease_until: number | null;
  overdue_alerted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface BackupsTable {
  id: string;
  source_id: string;
  project_id: number;
  status: BackupStatus;
  /** 'schedule', 'manual' (dashboard/API) or 'cli'. */
  trigger: string;
  node: string;
  started_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  size_bytes: number | null;
  progress_bytes: number;
  /** Hex SHA-256 of the stored file (after encryption). */
  sha256: string | null;
  server_version: string | null;
  dump_version: string | null;
  /** JSON {"schema.table": rows} counted in the dump's snapshot. */
  table_counts: string | null;
  /** Which key encrypted it (keyId), or null when not encrypted. */
  key_id: string | null;
  /** JSON [{target: index, key, bytes}] where the file is stored. */
  files: string | null;
  error: string | null;
  verify_status: VerifyStatus | null;
  verify_started_at: number | null;
  verified_at: number | null;
  restore_duration_ms: number | null;
  verify_error: string | null;
  /** Set when retention pruned it (files deleted); the row stays as history. */
  deleted_at: number | null;
  /** Someone asked to cancel this running backup; the node running it stops within seconds. */
  cancel_requested_at: number | null;
}

export interface BackupsTables {
  backup_sources: BackupSourcesTable;
  backups: BackupsTable;
}
