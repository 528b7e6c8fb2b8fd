import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { claimDueRows } from '../jobs/due-work.js';
import type { NotifyAttemptsTable, NotifyChannelsTable, NotifyDeliveriesTable } from './types.js';

type Db = Kysely<Database>;
export type ChannelRow = Selectable<NotifyChannelsTable>;
export type DeliveryRow = Selectable<NotifyDeliveriesTable>;
export type AttemptRow = Selectable<NotifyAttemptsTable>;

export function listChannels(db: Db, projectId: number): Promise<ChannelRow[]> {
  return db.selectFrom('notify_channels').selectAll().where('project_id', '=', projectId).orderBy('name').orderBy('id').execute();
}

export function getChannel(db: Db, id: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('notify_channels').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function channelProject(db: Db, id: string): Promise<number | undefined> {
  return (await db.selectFrom('notify_channels').select('project_id').where('id', '=', id).executeTakeFirst())?.project_id;
}

export async function insertChannel(db: Db, row: NotifyChannelsTable): Promise<void> {
  await db.insertInto('notify_channels').values(row).execute();
}

export async function updateChannel(db: Db, id: string, patch: Partial<NotifyChannelsTable>): Promise<void> {
  await db.updateTable('notify_channels').set(patch).where('id', '=', id).execute();
}

export async function deleteChannel(db: Db, id: string): Promise<void> {
  await db.deleteFrom('notify_channels').where('id', '=', id).execute();
}

/** Enabled channels a message goes to: the named ones of the project, or its defaults. */
export function targetChannels(db: Db, projectId: number, channelIds: readonly string[] | null): Promise<ChannelRow[]> {
  let query = db.selectFrom('notify_channels').selectAll().where('project_id', '=', projectId).where('enabled', '=', 1);
  if (channelIds === null) query = query.where('is_default', '=', 1);
  else if (channelIds.length === 0) return Promise.resolve([]);
  else query = query.where('id', 'in', [...channelIds]);
  return query.execute();
}

export async function insertDeliveries(db: Db, rows: NotifyDeliveriesTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('notify_deliveries').values(rows).execute();
}

export function claimDeliveries(db: Db, dialect: Dialect, node: string, limit: number, now: number, leaseMs: number): Promise<DeliveryRow[]> {
  return claimDueRows<DeliveryRow>(db, dialect, { table: 'notify_deliveries', dueColumn: 'next_attempt_at', where: sql`status = 'pending'`, node, leaseMs, limit, now });
}

export async function finishAttempt(db: Db, attempt: NotifyAttemptsTable, delivery: { id: string; patch: Partial<NotifyDeliveriesTable> }): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('notify_attempts').values(attempt).execute();
    await tx.updateTable('notify_deliveries').set(delivery.patch).where('id', '=', delivery.id).execute();
  });
}

export function getDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('notify_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deliveryProject(db: Db, id: string): Promise<number | undefined> {
  return (await db.selectFrom('notify_deliveries').select('project_id').where('id', '=', id).executeTakeFirst())?.project_id;
}

export interface DeliveryQuery {
  readonly channelId?: string;
  readonly status?: NotifyDeliveriesTable['status'];
  readonly limit: number;
  /** Delivery id to page after (ids are time-ordered). */
  readonly before?: string;
}

export function listDeliveries(db: Db, projectId: number, q: DeliveryQuery): Promise<DeliveryRow[]> {
  let query = db.selectFrom('notify_deliveries').selectAll().where('project_id', '=', projectId);
  if (q.channelId) query = query.where('channel_id', '=', q.channelId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.before) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export function attemptsOf(db: Db, deliveryIds: readonly string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('notify_attempts').selectAll().where('delivery_id', 'in', [...deliveryIds]).orderBy('delivery_id').orderBy('attempt').execute();
}

/** The newest delivery status per channel, for the channels list (one pass over the project's deliveries). */
export async function lastDeliveries(db: Db, projectId: number, channelId?: string): Promise<Map<string, { status: string; at: number; error: string | null }>> {
  let newest = db.selectFrom('notify_deliveries').select(['channel_id', sql<string>`max(id)`.as('id')]).where('project_id', '=', projectId);
  if (channelId !== undefined) newest = newest.where('channel_id', '=', channelId);
  const ids = (await newest.groupBy('channel_id').execute()).map((r) => r.id);
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('notify_deliveries').select(['channel_id', 'status', 'updated_at', 'last_error']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.channel_id, { status: r.status, at: r.updated_at, error: r.last_error }]));
}

/** Makes a delivery due now; false when it is being sent right now (its lease is held). */
export async function requeueDelivery(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('notify_deliveries')
    .set({ status: 'pending', next_attempt_at: now, lease_owner: null, lease_until: null, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * A problem was resolved: its trigger deliveries still waiting for a retry are not sent any more
 * (a late "down" after the "up" would reopen a PagerDuty incident nobody closes).
 */
export async function supersedeTriggers(db: Db, channelId: string, dedupKey: string, now: number): Promise<void> {
  await db
    .updateTable('notify_deliveries')
    .set({ status: 'failed', last_error: 'Not sent: the problem was resolved before this could be delivered', lease_owner: null, lease_until: null, updated_at: now })
    .where('channel_id', '=', channelId)
    .where('dedup_key', '=', dedupKey)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .execute();
}

/** Deletes settled deliveries created before `cutoff`, in batches; attempts go with them (cascade). */
export async function pruneDeliveries(db: Db, cutoff: number, signal?: AbortSignal): Promise<number> {
  let total = 0;
  for (;;) {
    if (signal?.aborted) break;
    const ids = await db.selectFrom('notify_deliveries').select('id').where('created_at', '<', cutoff).where('status', 'in', ['delivered', 'failed']).limit(1000).execute();
    if (ids.length === 0) break;
    await db.deleteFrom('notify_attempts').where('delivery_id', 'in', ids.map((r) => r.id)).execute();
    await db.deleteFrom('notify_deliveries').where('id', 'in', ids.map((r) => r.id)).execute();
    total += ids.length;
    if (ids.length < 1000) break;
  }
  return total;
}
