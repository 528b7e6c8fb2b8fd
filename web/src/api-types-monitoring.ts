/** Response shapes of the uptime and notification APIs. Timestamps are epoch milliseconds. */

export const MONITOR_STATUSES = ['up', 'degraded', 'pending', 'down', 'maintenance', 'paused'] as const;
export type MonitorStatus = (typeof MONITOR_STATUSES)[number];

export const MONITOR_TYPES = ['http', 'tcp', 'dns', 'tls', 'headers', 'postgres', 'redis', 'heartbeat'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

/** What one check (or heartbeat evaluation) found. */
export type CheckStatus = 'up' | 'degraded' | 'down' | 'maintenance';

export interface HeartbeatInfo {
  pingUrl: string;
  periodSeconds: number | null;
  graceSeconds: number;
  cron: string | null;
  timezone: string | null;
  lastPingAt: number | null;
  /** A /start arrived without its finish: the job is running since then. */
  runningSince: number | null;
}

export interface Monitor {
  id: string;
  projectId: number;
  name: string;
  type: MonitorType;
  /** Short, non-secret description of what is checked: "GET https://…", "db.example.com:5432". */
  target: string;
  status: MonitorStatus;
  statusSince: number;
  paused: boolean;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  retryIntervalSeconds: number;
  resendEvery: number;
  /** Null: the project's default channels. */
  channelIds: string[] | null;
  /** The checker's non-secret settings. */
  config: Record<string, unknown>;
  /** Names of secret settings that are stored (their values are never returned). */
  secretsSet: string[];
  lastCheckAt: number | null;
  lastLatencyMs: number | null;
  lastMessage: string | null;
  nextCheckAt: number | null;
  /** Percent (0–100) over the last 24 hours, null without checks. */
  uptime24h: number | null;
  /** In lists: average response time per hour over the last 24 hours, oldest first (null: no data). */
  latency24h?: Array<number | null>;
  /** Sentry cron monitor slug that SDK check-ins use. */
  slug: string | null;
  heartbeat: HeartbeatInfo | null;
  createdAt: number;
  updatedAt: number;
}

export interface MonitorList {
  items: Monitor[];
  total: number;
  /** Monitors of the project per status, whatever the filters. */
  counts: Partial<Record<MonitorStatus, number>>;
}

export interface MonitorQuery {
  status?: MonitorStatus;
  type?: MonitorType;
  search?: string;
  limit?: number;
  offset?: number;
}

/** Create (with `type`) or change a monitor; secret config fields left out of a change keep their value. */
export interface MonitorInput {
  type?: MonitorType;
  name?: string;
  config?: Record<string, unknown>;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  retries?: number;
  retryIntervalSeconds?: number;
  resendEvery?: number;
  channelIds?: string[] | null;
  paused?: boolean;
  periodSeconds?: number;
  graceSeconds?: number;
  cron?: string | null;
  timezone?: string;
  slug?: string | null;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: number;
  validTo: number;
  daysLeft: number;
}

/** The result of a test run (nothing stored). */
export interface CheckOutcome {
  status: 'up' | 'degraded' | 'down';
  latencyMs: number | null;
  message: string;
  details?: Record<string, unknown>;
  certificate?: CertificateInfo;
}

export interface CheckResult {
  at: number;
  status: CheckStatus;
  latencyMs: number | null;
  message: string;
  details: Record<string, unknown> | null;
}

export interface Downtime {
  id: string;
  startedAt: number;
  /** Null while it lasts. */
  endedAt: number | null;
  durationMs: number;
  cause: string;
}

export interface HeartbeatPing {
  id: string;
  at: number;
  kind: 'success' | 'start' | 'fail' | 'log';
  exitCode: number | null;
  rid: string | null;
  /** From the matching /start. */
  durationMs: number | null;
  body: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

type Percent = number | null;

export interface MonitorStats {
  /** Percent (0–100) per period, null without checks. */
  uptime: { h24: Percent; d7: Percent; d30: Percent; d90: Percent; y1: Percent };
  latency: { avgMs: number | null; p50Ms: number | null; p95Ms: number | null };
  /** 10-minute buckets of the last 24 hours that had checks, oldest first. */
  series: { t: number; avgMs: number | null; p95Ms: number | null; up: number; degraded: number; down: number; maintenance: number }[];
  /** The last 90 days (UTC), oldest first. */
  days: { day: number; uptime: Percent; checks: number; down: number; maintenance: number }[];
}

export interface MaintenanceWindow {
  id: string;
  title: string;
  /** Null: every monitor of the project. */
  monitorIds: string[] | null;
  startsAt: number | null;
  endsAt: number | null;
  cron: string | null;
  durationMinutes: number | null;
  timezone: string;
  activeNow: boolean;
  createdAt: number;
}

export interface MaintenanceInput {
  title: string;
  monitorIds: string[] | null;
  startsAt: number | null;
  endsAt: number | null;
  cron: string | null;
  durationMinutes: number | null;
  timezone: string;
}

// Notifications

/** The subset of JSON Schema the channel types' configurations use (zod's output). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  description?: string;
  title?: string;
}

export interface ChannelTypeInfo {
  type: string;
  label: string;
  secretFields: string[];
  configSchema: JsonSchema;
}

export interface Channel {
  id: string;
  projectId: number;
  name: string;
  type: string;
  typeLabel: string;
  /** Where it sends, without secrets. */
  target: string;
  config: Record<string, unknown>;
  secretsSet: string[];
  isDefault: boolean;
  enabled: boolean;
  /** Why Watchpost switched it off (an endpoint answered 410 Gone). */
  disabledReason: string | null;
  lastDelivery: { status: string; at: number; error: string | null } | null;
  createdAt: number;
  updatedAt: number;
}

export interface CreatedChannel extends Channel {
  /** A webhook's generated signing secret: only in the reply that created it. */
  signingSecret?: string;
}

export interface ChannelInput {
  name?: string;
  type?: string;
  config?: Record<string, unknown>;
  isDefault?: boolean;
  enabled?: boolean;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryAttempt {
  attempt: number;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  response: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  channelId: string;
  event: string;
  title: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface DeliveryQuery {
  channelId?: string;
  status?: DeliveryStatus;
  /** Delivery id to page after. */
  before?: string | null;
  limit?: number;
}
