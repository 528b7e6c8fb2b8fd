import type { z } from 'zod';

/**
 * What every feature hands to `src/notify/` — channel-agnostic. Channels render it in their own
 * format (Slack blocks, an adaptive card, an email, a PagerDuty event, a signed JSON webhook…).
 */
export type Severity = 'critical' | 'error' | 'warning' | 'info';

export interface NotificationMessage {
  /** Machine name of what happened: 'monitor.down', 'monitor.up', 'issue.new', 'backup.failed', 'test', … */
  readonly event: string;
  /** Which feature sent it: 'uptime', 'errors', 'backups', 'alerts', 'incidents', 'deploys', 'test'. */
  readonly source: string;
  /**
   * 'trigger' opens or repeats a problem, 'resolve' closes it (PagerDuty resolve, green colour),
   * 'info' is neither (a test, a deploy).
   */
  readonly action: 'trigger' | 'resolve' | 'info';
  /**
   * Stable key of the thing the message is about ('monitor:<id>'): trigger and resolve of one
   * problem share it (PagerDuty dedup_key, email Message-ID threading).
   */
  readonly dedupKey: string;
  readonly severity: Severity;
  /** One line, at most 200 characters: "API is down", "Backup of prod failed". */
  readonly title: string;
  /** Plain text, a few lines; channels may shorten it to their limits. */
  readonly text: string;
  /** Link to the dashboard page about it, absolute. */
  readonly url?: string;
  /** Short facts shown as a table/fields: [{ name: 'Status', value: '503' }]. */
  readonly fields?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** Unix ms when it happened. */
  readonly occurredAt: number;
  /** Machine-readable details, sent as-is by the generic webhook. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export const CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'teams', 'email', 'telegram', 'pagerduty', 'ntfy', 'pushover'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** SMTP settings: a channel's own, or the instance default (WATCHPOST_SMTP_URL / WATCHPOST_SMTP_FROM). */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** 'tls' = implicit TLS (465), 'starttls' = upgrade required, 'none' = plain (local relays, tests). */
  readonly security: 'tls' | 'starttls' | 'none';
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  /** Accept self-signed certificates (local relays). Default false. */
  readonly allowInvalidCertificate?: boolean;
}

export interface SendContext {
  /** Aborted on timeout or shutdown; pass it to fetch / the SMTP transport. */
  readonly signal: AbortSignal;
  /** Unique per delivery and stable across its retries (Standard Webhooks `webhook-id`). */
  readonly deliveryId: string;
  /** Unix ms of this attempt. */
  readonly now: number;
  /** The instance's SMTP settings, when configured; email channels without their own use it. */
  readonly defaultSmtp: SmtpSettings | null;
  /** User-Agent for outgoing HTTP requests. */
  readonly userAgent: string;
}

/** What a successful send reports, shown in the delivery log. */
export interface SendResult {
  readonly status?: number;
  /** The first ~500 characters of the response body or SMTP reply. */
  readonly response?: string;
}

/**
 * A failed send. `retryable` failures are retried with backoff (network errors, timeouts, 5xx, 408,
 * 429); others are final (4xx: a wrong URL or token will not fix itself). `disable` asks Watchpost
 * to switch the channel off (a webhook answering 410 Gone). `retryAfterMs` honours Retry-After.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly response: string | undefined;
  readonly disable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { retryable: boolean; status?: number; response?: string; disable?: boolean; retryAfterMs?: number }) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.status = options.status;
    this.response = options.response;
    this.disable = options.disable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * One notification channel type: how its configuration looks, which fields are secret (stored
 * encrypted, never returned by the API in clear), and how it sends a message.
 */
export interface ChannelDefinition<C = unknown> {
  readonly type: ChannelType;
  /** Human name for the dashboard: 'Slack', 'Microsoft Teams', … */
  readonly label: string;
  /** Validates the full configuration (secrets included) as the API receives it. */
  readonly configSchema: z.ZodType<C>;
  /** Top-level config fields that are secret: masked in API output and kept when an update omits them. */
  readonly secretFields: readonly string[];
  /** A short, non-secret description of where it sends ('#ops via hooks.slack.com', 'ops@example.com'). */
  describe(config: C): string;
  /** Sends one message; resolves on success, throws DeliveryError (or anything: treated as retryable). */
  send(config: C, message: NotificationMessage, context: SendContext): Promise<SendResult>;
}

/** A configured channel of a project. Secret config fields live sealed in `secrets`. */
export interface NotifyChannelsTable {
  id: string;
  project_id: number;
  name: string;
  type: ChannelType;
  /** JSON of the non-secret config fields. */
  config: string;
  /** SecretBox-sealed JSON of the secret fields (context: the channel id), or null when none. */
  secrets: string | null;
  /** 1 = gets the project's notifications unless a monitor (or rule) names its own channels. */
  is_default: number;
  enabled: number;
  /** Why Watchpost switched the channel off (a webhook answered 410 Gone), or null. */
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** The durable outbox: one row per message per channel, retried with backoff until delivered or given up. */
export interface NotifyDeliveriesTable {
  id: string;
  project_id: number;
  channel_id: string;
  /** JSON NotificationMessage. */
  message: string;
  event: string;
  title: string;
  /** The message's dedupKey: a resolve supersedes pending triggers of the same problem. */
  dedup_key: string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** Every attempt of every delivery: the delivery log. */
export interface NotifyAttemptsTable {
  id: string;
  delivery_id: string;
  project_id: number;
  channel_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  ok: number;
  status_code: number | null;
  response: string | null;
  error: string | null;
}

export interface NotifyTables {
  notify_channels: NotifyChannelsTable;
  notify_deliveries: NotifyDeliveriesTable;
  notify_attempts: NotifyAttemptsTable;
}
