import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import { DueWorkRunner } from '../jobs/due-work.js';
import type { SecretBox } from '../lib/crypto.js';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { mergeConfig, openConfig, publicConfig, sealConfig } from '../lib/sealed-config.js';
import { VERSION } from '../lib/version.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { CHANNELS, channelDefinition } from './channels/index.js';
import * as repo from './repo.js';
import { CHANNEL_TYPES, DeliveryError, type ChannelType, type DeliveryStatus, type NotificationMessage, type SmtpSettings } from './types.js';

type Db = Kysely<Database>;

/** Waits before attempt 2, 3, …: 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h — then the delivery has failed (~18 h in all). */
export const RETRY_DELAYS_MS = [5_000, 60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000] as const;
const SEND_TIMEOUT_MS = 20_000;
const LEASE_MS = 60_000;
const MAX_RETRY_AFTER_MS = 86_400_000;

export interface Channel {
  id: string;
  projectId: number;
  name: string;
  type: ChannelType;
  typeLabel: string;
  /** Where it sends, without secrets. */
  target: string;
  /** The non-secret configuration fields. */
  config: Record<string, unknown>;
  /** Names of the secret fields that are set (their values are never returned). */
  secretsSet: string[];
  isDefault: boolean;
  enabled: boolean;
  disabledReason: string | null;
  lastDelivery: { status: string; at: number; error: string | null } | null;
  createdAt: number;
  updatedAt: number;
}

export interface Attempt {
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
  attempts: Attempt[];
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface ChannelInput {
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  isDefault?: boolean;
}

export interface NotifyOptions {
  readonly node: string;
  readonly smtp: SmtpSettings | null;
  readonly log: FastifyBaseLogger;
  /** Deliveries sent at once by this node. */
  readonly concurrency?: number;
  readonly pollMs?: number;
  /** Observes every attempt (metrics). */
  readonly onAttempt?: (channel: ChannelType, result: 'delivered' | 'retry' | 'failed') => void;
}


/** Standard Webhooks signing secret: whsec_ + base64 of 24 random bytes. */
function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function toAttempt(row: repo.AttemptRow): Attempt {
  return { attempt: row.attempt, startedAt: row.started_at, durationMs: row.duration_ms, ok: row.ok === 1, statusCode: row.status_code, response: row.response, error: row.error };
}

const clip = (text: string | undefined | null, max: number) => (text == null ? null : text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Notifications for every feature: channels per project (secrets sealed), and a durable outbox.
 * `notify()` writes one delivery row per channel — inside the caller's transaction when given, so a
 * state change and its notification commit together — and the outbox runner sends them, retrying
 * failures with backoff across restarts and nodes. Every attempt is kept in the delivery log.
 */
export class NotifyService {
  readonly #runner: DueWorkRunner<repo.DeliveryRow>;

  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly options: NotifyOptions,
  ) {
    this.#runner = new DueWorkRunner<repo.DeliveryRow>(
      {
        name: 'notify.outbox',
        concurrency: options.concurrency ?? 16,
        pollMs: options.pollMs ?? 1000,
        claim: (limit, now) => repo.claimDeliveries(this.db, this.dialect, options.node, limit, now, LEASE_MS),
        work: (row, signal) => this.#attempt(row, signal).then(() => undefined),
      },
      options.log,
    );
  }

  /** Starts sending due deliveries (the server calls it when jobs are enabled). */
  start(): void {
    this.#runner.start();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  channelTypes(): Array<{ type: ChannelType; label: string; secretFields: readonly string[] }> {
    return CHANNEL_TYPES.map((type) => ({ type, label: CHANNELS[type].label, secretFields: CHANNELS[type].secretFields }));
  }

  /** JSON Schema of a channel type's configuration (dashboard forms). */
  configJsonSchema(type: ChannelType): unknown {
    return z.toJSONSchema(channelDefinition(type).configSchema, { io: 'input', unrepresentable: 'any' });
  }

  #toChannel(row: repo.ChannelRow, last?: Channel['lastDelivery']): Channel {
    const definition = channelDefinition(row.type);
    const shown = publicConfig(this.box, row.id, row);
    let target: string;
    try {
      target = definition.describe(definition.configSchema.parse(openConfig(this.box, row.id, row)));
    } catch {
      target = definition.label;
    }
    return {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      type: row.type,
      typeLabel: definition.label,
      target,
      config: shown.config,
      secretsSet: shown.secretsSet,
      isDefault: row.is_default === 1,
      enabled: row.enabled === 1,
      disabledReason: row.disabled_reason,
      lastDelivery: last ?? null,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async listChannels(projectId: number): Promise<Channel[]> {
    const [rows, last] = await Promise.all([repo.listChannels(this.db, projectId), repo.lastDeliveries(this.db, projectId)]);
    return rows.map((row) => this.#toChannel(row, last.get(row.id)));
  }

  async getChannel(id: string): Promise<Channel> {
    const row = await repo.getChannel(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such notification channel');
    return this.#toChannel(row, (await repo.lastDeliveries(this.db, row.project_id, id)).get(id));
  }

  channelProject(id: string): Promise<number | undefined> {
    return repo.channelProject(this.db, id);
  }

  deliveryProject(id: string): Promise<number | undefined> {
    return repo.deliveryProject(this.db, id);
  }

  #validate(type: ChannelType, config: Record<string, unknown>): Record<string, unknown> {
    const parsed = channelDefinition(type).configSchema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
      throw fail('WP_ERR_VALIDATION', `Invalid ${channelDefinition(type).label} settings: ${problems}`);
    }
    return parsed.data as Record<string, unknown>;
  }

  /** Creates a channel. A webhook without a signing secret gets one, returned here once (`signingSecret`). */
  async createChannel(projectId: number, orgId: string, input: ChannelInput, actor: AuditActor): Promise<Channel & { signingSecret?: string }> {
    const config = { ...input.config };
    let signingSecret: string | undefined;
    if (input.type === 'webhook' && (config.secret === undefined || config.secret === null || config.secret === '')) {
      signingSecret = newWebhookSecret();
      config.secret = signingSecret;
    }
    const valid = this.#validate(input.type, config);
    const now = Date.now();
    const id = newId(now);
    const sealed = sealConfig(this.box, id, valid, channelDefinition(input.type).secretFields);
    const row = { id, project_id: projectId, name: input.name, type: input.type, ...sealed, is_default: input.isDefault === false ? 0 : 1, enabled: 1, disabled_reason: null, created_at: now, updated_at: now };
    await this.db.transaction().execute(async (tx) => {
      await repo.insertChannel(tx, row);
      await this.audit.record({ orgId, actor, action: 'channel.created', target: { type: 'channel', id }, details: { name: input.name, type: input.type, projectId } }, tx);
    });
    return { ...this.#toChannel(row), ...(signingSecret ? { signingSecret } : {}) };
  }

  async updateChannel(id: string, orgId: string, patch: { name?: string; config?: Record<string, unknown>; isDefault?: boolean; enabled?: boolean }, actor: AuditActor): Promise<Channel> {
    const row = await repo.getChannel(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such notification channel');
    const definition = channelDefinition(row.type);
    const changes: Partial<repo.ChannelRow> = { updated_at: Date.now() };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.isDefault !== undefined) changes.is_default = patch.isDefault ? 1 : 0;
    if (patch.enabled !== undefined) {
      changes.enabled = patch.enabled ? 1 : 0;
      if (patch.enabled) changes.disabled_reason = null;
    }
    if (patch.config !== undefined) {
      const merged = mergeConfig(openConfig(this.box, id, row), patch.config, definition.secretFields);
      Object.assign(changes, sealConfig(this.box, id, this.#validate(row.type, merged), definition.secretFields));
    }
    await this.db.transaction().execute(async (tx) => {
      await repo.updateChannel(tx, id, changes);
      const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
      await this.audit.record({ orgId, actor, action: 'channel.updated', target: { type: 'channel', id }, details: { fields } }, tx);
    });
    return this.getChannel(id);
  }

  async deleteChannel(id: string, orgId: string, actor: AuditActor): Promise<void> {
    const row = await repo.getChannel(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such notification channel');
    await this.db.transaction().execute(async (tx) => {
      await repo.deleteChannel(tx, id);
      await this.audit.record({ orgId, actor, action: 'channel.deleted', target: { type: 'channel', id }, details: { name: row.name, type: row.type } }, tx);
    });
  }

  /**
   * Queues `message` for the given channels of the project (null: its default channels). Pass the
   * caller's transaction as `db` so the notification commits with the change it reports.
   * Returns the delivery ids.
   */
  async notify(projectId: number, message: NotificationMessage, channelIds: readonly string[] | null = null, db: Db = this.db): Promise<string[]> {
    const channels = await repo.targetChannels(db, projectId, channelIds);
    const now = Date.now();
    if (message.action === 'resolve') {
      for (const channel of channels) await repo.supersedeTriggers(db, channel.id, message.dedupKey, now);
    }
    const rows = channels.map((channel) => ({
      id: newId(now),
      project_id: projectId,
      channel_id: channel.id,
      message: JSON.stringify(message),
      event: message.event,
      title: message.title.slice(0, 200),
      dedup_key: message.action === 'info' ? null : message.dedupKey.slice(0, 300),
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    }));
    await repo.insertDeliveries(db, rows);
    // Inside a transaction the rows become visible at commit; a wake-up that comes too early is
    // harmless (the next poll finds them).
    if (rows.length > 0) setTimeout(() => this.#runner.wake(), db === this.db ? 0 : 50).unref();
    return rows.map((r) => r.id);
  }

  /** Sends a test message to one channel now, once, and reports the attempt (also in the delivery log). */
  async test(id: string): Promise<Delivery> {
    const row = await repo.getChannel(this.db, id);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such notification channel');
    const now = Date.now();
    const message: NotificationMessage = {
      event: 'test',
      source: 'test',
      action: 'info',
      dedupKey: `test:${id}`,
      severity: 'info',
      title: `Test notification for "${row.name}"`,
      text: 'If you can read this, Watchpost can reach this channel. Nothing needs doing.',
      occurredAt: now,
    };
    const deliveryId = newId(now);
    const delivery: repo.DeliveryRow = {
      id: deliveryId,
      project_id: row.project_id,
      channel_id: id,
      message: JSON.stringify(message),
      event: message.event,
      title: message.title,
      dedup_key: null,
      status: 'pending',
      attempts: 0,
      // Never due for the outbox: this node sends it right here, once.
      next_attempt_at: Number.MAX_SAFE_INTEGER,
      lease_owner: this.options.node,
      lease_until: now + LEASE_MS,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    };
    await repo.insertDeliveries(this.db, [delivery]);
    try {
      await this.#attempt(delivery, AbortSignal.timeout(SEND_TIMEOUT_MS), { once: true, ignoreDisabled: true });
    } catch (error) {
      // Recording the attempt failed (the database?): don't leave a test "pending" forever.
      await repo.finishAttempt(
        this.db,
        { id: newId(), delivery_id: deliveryId, project_id: row.project_id, channel_id: id, attempt: 1, started_at: now, duration_ms: Date.now() - now, ok: 0, status_code: null, response: null, error: clip(error instanceof Error ? error.message : String(error), 1000) },
        { id: deliveryId, patch: { attempts: 1, status: 'failed', lease_owner: null, lease_until: null, last_error: 'The test could not be recorded', updated_at: Date.now() } },
      ).catch(() => undefined);
      throw error;
    }
    return (await this.deliveries(row.project_id, { limit: 1, before: undefined, id: deliveryId }))[0] as Delivery;
  }

  /** Sends one delivery attempt and records it; schedules the retry or settles the delivery. */
  async #attempt(delivery: repo.DeliveryRow, signal: AbortSignal, options: { once?: boolean; ignoreDisabled?: boolean } = {}): Promise<void> {
    const attempt = delivery.attempts + 1;
    const startedAt = Date.now();
    const channel = await repo.getChannel(this.db, delivery.channel_id);
    let ok = false;
    let statusCode: number | null = null;
    let response: string | null = null;
    let error: string | null = null;
    let retryable = false;
    let disable = false;
    let retryAfterMs: number | undefined;
    if (!channel) {
      error = 'The channel was deleted';
    } else if (channel.enabled !== 1 && !options.ignoreDisabled) {
      error = `The channel is switched off${channel.disabled_reason ? `: ${channel.disabled_reason}` : ''}`;
    } else {
      try {
        const definition = channelDefinition(channel.type);
        const config: unknown = definition.configSchema.parse(openConfig(this.box, channel.id, channel));
        const result = await definition.send(config, JSON.parse(delivery.message) as NotificationMessage, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
          deliveryId: delivery.id,
          now: startedAt,
          defaultSmtp: this.options.smtp,
          userAgent: `Watchpost/${VERSION}`,
        });
        ok = true;
        statusCode = result.status ?? null;
        response = clip(result.response, 500);
      } catch (err) {
        if (err instanceof DeliveryError) {
          retryable = err.retryable;
          disable = err.disable;
          statusCode = err.status ?? null;
          response = clip(err.response, 500);
          retryAfterMs = err.retryAfterMs;
        } else {
          // Not a classified failure (a bug, a config that no longer parses): retry, it may be transient.
          retryable = true;
        }
        error = clip(err instanceof Error ? err.message : String(err), 1000);
      }
    }
    const finishedAt = Date.now();
    const delay = RETRY_DELAYS_MS[attempt - 1];
    const retry = !ok && retryable && !options.once && delay !== undefined;
    const next = retry ? finishedAt + Math.min(MAX_RETRY_AFTER_MS, Math.max(delay, retryAfterMs ?? 0)) : delivery.next_attempt_at;
    await repo.finishAttempt(
      this.db,
      { id: newId(startedAt), delivery_id: delivery.id, project_id: delivery.project_id, channel_id: delivery.channel_id, attempt, started_at: startedAt, duration_ms: finishedAt - startedAt, ok: ok ? 1 : 0, status_code: statusCode, response, error },
      {
        id: delivery.id,
        patch: {
          attempts: attempt,
          status: ok ? 'delivered' : retry ? 'pending' : 'failed',
          next_attempt_at: next,
          lease_owner: null,
          lease_until: null,
          last_error: error,
          updated_at: finishedAt,
          delivered_at: ok ? finishedAt : null,
        },
      },
    );
    if (channel) this.options.onAttempt?.(channel.type, ok ? 'delivered' : retry ? 'retry' : 'failed');
    if (disable && channel) {
      await repo.updateChannel(this.db, channel.id, { enabled: 0, disabled_reason: `The endpoint answered ${statusCode ?? 'gone'}: switched off automatically; fix it and switch it back on`, updated_at: finishedAt });
      this.options.log.warn({ channel: channel.id }, 'notification channel switched off: the endpoint is gone');
    }
  }

  /** The delivery log of a project, newest first, with every attempt. */
  async deliveries(projectId: number, q: repo.DeliveryQuery & { id?: string }): Promise<Delivery[]> {
    const rows = q.id ? [await repo.getDelivery(this.db, q.id)].filter((r): r is repo.DeliveryRow => r !== undefined && r.project_id === projectId) : await repo.listDeliveries(this.db, projectId, q);
    const attempts = await repo.attemptsOf(this.db, rows.map((r) => r.id));
    const byDelivery = new Map<string, Attempt[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.delivery_id) ?? [];
      list.push(toAttempt(a));
      byDelivery.set(a.delivery_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      event: r.event,
      title: r.title,
      status: r.status,
      attempts: byDelivery.get(r.id) ?? [],
      nextAttemptAt: r.status === 'pending' && r.next_attempt_at !== Number.MAX_SAFE_INTEGER ? r.next_attempt_at : null,
      lastError: r.last_error,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  }

  /** Deletes delivered and failed deliveries (with their attempts) older than `days` days. */
  prune(days: number, signal?: AbortSignal): Promise<number> {
    return repo.pruneDeliveries(this.db, Date.now() - days * 86_400_000, signal);
  }

  /** Sends a failed (or waiting) delivery again now. */
  async retry(deliveryId: string): Promise<void> {
    const row = await repo.getDelivery(this.db, deliveryId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such delivery');
    if (row.status === 'delivered') throw fail('WP_ERR_CONFLICT', 'This delivery already succeeded');
    if (!(await repo.requeueDelivery(this.db, deliveryId, Date.now()))) throw fail('WP_ERR_CONFLICT', 'This delivery is being sent right now');
    this.#runner.wake();
  }
}
