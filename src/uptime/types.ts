import type { CheckerType } from './checkers/types.js';

export type MonitorType = CheckerType | 'heartbeat';
export const MONITOR_STATUSES = ['up', 'degraded', 'pending', 'down', 'maintenance', 'paused'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];
/** What one check (or heartbeat evaluation) found; maintenance checks are stored but excluded from uptime. */
export type CheckStatus = 'up' | 'degraded' | 'down' | 'maintenance';

export interface MonitorsTable {
  id: string;
  project_id: number;
  name: string;
  type: MonitorType;
  /** JSON of the non-secret config fields of the checker. */
  config: string;
  /** SecretBox-sealed JSON of the secret fields (context: the monitor id), or null. */
  secrets: string | null;
  /** A short, non-secret description of the target ('GET https://…'). */
  target: string;
  interval_ms: number;
  timeout_ms: number;
  /** Failed checks tolerated (status pending) before the monitor is DOWN. */
  retries: number;
  retry_interval_ms: number;
  /** Re-send the down notification every N failing checks (0 = never). */
  resend_every: number;
  /** JSON array of channel ids, or null for the project's default channels. */
  channel_ids: string | null;
  paused: number;
  status: MonitorStatus;
  status_since: number;
  consecutive_failures: number;
  /** Failing checks since the monitor went down (for resend). */
  down_checks: number;
  last_check_at: number | null;
  last_latency_ms: number | null;
  last_message: string | null;
  next_check_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  // Heartbeats: a secret token in the ping URL, and a schedule (period or cron) + grace.
  ping_token: string | null;
  period_ms: number | null;
  cron: string | null;
  timezone: string | null;
  grace_ms: number | null;
  last_ping_at: number | null;
  /** Open /start without its finish: the job is running. */
  last_start_at: number | null;
  /** Sentry cron monitor slug, when the monitor came from (or is fed by) SDK check-ins. */
  slug: string | null;
  created_at: number;
  updated_at: number;
}

export interface MonitorChecksTable {
  id: string;
  monitor_id: string;
  project_id: number;
  at: number;
  status: CheckStatus;
  latency_ms: number | null;
  message: string;
  /** JSON details of the checker, or null. */
  details: string | null;
}

/** Per-minute / hour / day rollups of checks: uptime and latency without scanning raw checks. */
export interface MonitorRollupsTable {
  monitor_id: string;
  /** 'm' minute, 'h' hour, 'd' day. */
  period: string;
  bucket: number;
  up: number;
  degraded: number;
  down: number;
  maintenance: number;
  latency_count: number;
  latency_sum: number;
  /** LatencySketch (DDSketch) of the latencies, for p50/p95. */
  sketch: Uint8Array;
}

export interface MonitorDowntimesTable {
  id: string;
  monitor_id: string;
  project_id: number;
  started_at: number;
  ended_at: number | null;
  cause: string;
}

export type PingKind = 'success' | 'start' | 'fail' | 'log';

export interface HeartbeatPingsTable {
  id: string;
  monitor_id: string;
  at: number;
  kind: PingKind;
  exit_code: number | null;
  rid: string | null;
  /** From the matching /start (same rid, or the last open start). */
  duration_ms: number | null;
  body: string | null;
  source_ip: string | null;
  user_agent: string | null;
}

export interface MaintenanceWindowsTable {
  id: string;
  project_id: number;
  title: string;
  /** JSON array of monitor ids, or null for every monitor of the project. */
  monitor_ids: string | null;
  /** One-off: starts_at..ends_at. Recurring: cron (start times) + duration_ms in timezone. */
  starts_at: number | null;
  ends_at: number | null;
  cron: string | null;
  duration_ms: number | null;
  timezone: string;
  created_at: number;
  updated_at: number;
}

export interface UptimeTables {
  monitors: MonitorsTable;
  monitor_checks: MonitorChecksTable;
  monitor_rollups: MonitorRollupsTable;
  monitor_downtimes: MonitorDowntimesTable;
  heartbeat_pings: HeartbeatPingsTable;
  maintenance_windows: MaintenanceWindowsTable;
}
