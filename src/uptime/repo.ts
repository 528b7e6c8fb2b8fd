import { sql, type Kysely, type Selectable } from 'kysely';
import { claimDueRows } from '../jobs/due-work.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import type {
  HeartbeatPingsTable,
  MaintenanceWindowsTable,
  MonitorChecksTable,
  MonitorDowntimesTable,
  MonitorRollupsTable,
  MonitorsTable,
  MonitorStatus,
} from './types.js';

type Db = Kysely<Database>;

/** A JSON column's value, or null when it is empty or unreadable. */
export function parseStored<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
export type MonitorRow = Selectable<MonitorsTable>;
export type CheckRow = Selectable<MonitorChecksTable>;
export type DowntimeRow = Selectable<MonitorDowntimesTable>;
export type PingRow = Selectable<HeartbeatPingsTable>;
export type WindowRow = Selectable<MaintenanceWindowsTable>;
export type RollupRow = Selectable<MonitorRollupsTable>;

export async function insertMonitor(db: Db, row: MonitorsTable): Promise<void> {
  await db.insertInto('monitors').values(row).execute();
}

export function getMonitor(db: Db, id: string): Promise<MonitorRow | undefined> {
  return db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The monitor locked for the rest of the transaction on PostgreSQL (SQLite has one writer anyway). */
export function lockMonitor(db: Db, dialect: Dialect, id: string): Promise<MonitorRow | undefined> {
  const query = db.selectFrom('monitors').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

export function monitorsByIds(db: Db, ids: readonly string[]): Promise<MonitorRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('monitors').selectAll().where('id', 'in', [...ids]).execute();
}

export function monitorByToken(db: Db, token: string): Promise<MonitorRow | undefined> {
  return db.selectFrom('monitors').selectAll().where('ping_token', '=', token).executeTakeFirst();
}

export function monitorBySlug(db: Db, projectId: number, slug: string): Promise<MonitorRow | undefined> {
  return db.selectFrom('monitors').selectAll().where('project_id', '=', projectId).where('slug', '=', slug).executeTakeFirst();
}

export async function countSluggedMonitors(db: Db, projectId: number): Promise<number> {
  const row = await db.selectFrom('monitors').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).where('slug', 'is not', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function monitorProject(db: Db, id: string): Promise<number | undefined> {
  return (await db.selectFrom('monitors').select('project_id').where('id', '=', id).executeTakeFirst())?.project_id;
}

export async function updateMonitor(db: Db, id: string, patch: Partial<MonitorsTable>): Promise<void> {
  await db.updateTable('monitors').set(patch).where('id', '=', id).execute();
}

export async function deleteMonitor(db: Db, id: string): Promise<void> {
  await db.deleteFrom('monitors').where('id', '=', id).execute();
}

export interface MonitorQuery {
  readonly status?: MonitorStatus;
  readonly type?: string;
  readonly search?: string;
  readonly limit: number;
  readonly offset: number;
}

export async function listMonitors(db: Db, projectId: number, q: MonitorQuery): Promise<{ rows: MonitorRow[]; total: number }> {
  let query = db.selectFrom('monitors').where('project_id', '=', projectId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.type) query = query.where('type', '=', q.type as MonitorsTable['type']);
  if (q.search) {
    const like = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([sql<boolean>`lower(name) LIKE ${like} ESCAPE '\\'`, sql<boolean>`lower(target) LIKE ${like} ESCAPE '\\'`]));
  }
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('name').orderBy('id').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

export async function statusCounts(db: Db, projectId: number): Promise<Record<string, number>> {
  const rows = await db.selectFrom('monitors').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('project_id', '=', projectId).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export function claimDueMonitors(db: Db, dialect: Dialect, node: string, limit: number, now: number, leaseMs: number): Promise<MonitorRow[]> {
  return claimDueRows<MonitorRow>(db, dialect, { table: 'monitors', dueColumn: 'next_check_at', where: sql`paused = 0`, node, leaseMs, limit, now });
}

export async function insertCheck(db: Db, row: MonitorChecksTable): Promise<void> {
  await db.insertInto('monitor_checks').values(row).execute();
}

export function listChecks(db: Db, monitorId: string, limit: number, before?: number): Promise<CheckRow[]> {
  let query = db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', monitorId);
  if (before !== undefined) query = query.where('at', '<', before);
  return query.orderBy('at', 'desc').limit(limit).execute();
}

export function lastCheckWithCertificate(db: Db, monitorId: string): Promise<CheckRow | undefined> {
  return db.selectFrom('monitor_checks').selectAll().where('monitor_id', '=', monitorId).where('details', 'like', '%"certificate":%').orderBy('at', 'desc').limit(1).executeTakeFirst();
}

export function rollupsFor(db: Db, dialect: Dialect, monitorId: string, keys: ReadonlyArray<{ period: string; bucket: number }>, lock: boolean): Promise<RollupRow[]> {
  let query = db
    .selectFrom('monitor_rollups')
    .selectAll()
    .where('monitor_id', '=', monitorId)
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('period', '=', k.period), eb('bucket', '=', k.bucket)]))));
  if (lock && dialect === 'postgres') query = query.forUpdate();
  return query.execute();
}

export async function upsertRollups(db: Db, rows: MonitorRollupsTable[]): Promise<void> {
  await db
    .insertInto('monitor_rollups')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['monitor_id', 'period', 'bucket']).doUpdateSet((eb) => ({
        up: eb.ref('excluded.up'),
        degraded: eb.ref('excluded.degraded'),
        down: eb.ref('excluded.down'),
        maintenance: eb.ref('excluded.maintenance'),
        latency_count: eb.ref('excluded.latency_count'),
        latency_sum: eb.ref('excluded.latency_sum'),
        sketch: eb.ref('excluded.sketch'),
      })),
    )
    .execute();
}

/** Rollup rows of some monitors for one period from `since`. */
export function rollupRange(db: Db, monitorIds: readonly string[], period: string, since: number): Promise<RollupRow[]> {
  if (monitorIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('monitor_rollups').selectAll().where('monitor_id', 'in', [...monitorIds]).where('period', '=', period).where('bucket', '>=', since).orderBy('bucket').execute();
}

/** Hourly counts and latency sums of some monitors since `since` (no sketches: lists). */
export function hourlyRollups(db: Db, monitorIds: readonly string[], since: number) {
  if (monitorIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('monitor_rollups')
    .select(['monitor_id', 'bucket', 'up', 'degraded', 'down', 'latency_sum', 'latency_count'])
    .where('monitor_id', 'in', [...monitorIds])
    .where('period', '=', 'h')
    .where('bucket', '>=', since)
    .execute();
}

/** Up/down counts per monitor since `since` from one period's rollups (no sketches: lists). */
export async function uptimeCounts(db: Db, monitorIds: readonly string[], period: string, since: number): Promise<Map<string, { up: number; degraded: number; down: number }>> {
  if (monitorIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('monitor_rollups')
    .select(['monitor_id', (eb) => eb.fn.sum<number>('up').as('up'), (eb) => eb.fn.sum<number>('degraded').as('degraded'), (eb) => eb.fn.sum<number>('down').as('down')])
    .where('monitor_id', 'in', [...monitorIds])
    .where('period', '=', period)
    .where('bucket', '>=', since)
    .groupBy('monitor_id')
    .execute();
  return new Map(rows.map((r) => [r.monitor_id, { up: Number(r.up ?? 0), degraded: Number(r.degraded ?? 0), down: Number(r.down ?? 0) }]));
}

export function openDowntime(db: Db, monitorId: string): Promise<DowntimeRow | undefined> {
  return db.selectFrom('monitor_downtimes').selectAll().where('monitor_id', '=', monitorId).where('ended_at', 'is', null).orderBy('started_at', 'desc').executeTakeFirst();
}

export async function insertDowntime(db: Db, row: MonitorDowntimesTable): Promise<void> {
  await db.insertInto('monitor_downtimes').values(row).execute();
}

export async function endDowntime(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('monitor_downtimes').set({ ended_at: at }).where('id', '=', id).execute();
}

export function listDowntimes(db: Db, monitorId: string, limit: number): Promise<DowntimeRow[]> {
  return db.selectFrom('monitor_downtimes').selectAll().where('monitor_id', '=', monitorId).orderBy('started_at', 'desc').limit(limit).execute();
}

export async function insertPing(db: Db, row: HeartbeatPingsTable): Promise<void> {
  await db.insertInto('heartbeat_pings').values(row).execute();
}

/** The latest /start of a run: the one with `rid`, or the newest start when no rid is given. */
export function lastStart(db: Db, monitorId: string, rid: string | null, since: number): Promise<PingRow | undefined> {
  let query = db.selectFrom('heartbeat_pings').selectAll().where('monitor_id', '=', monitorId).where('kind', '=', 'start').where('at', '>=', since);
  query = rid === null ? query.where('rid', 'is', null) : query.where('rid', '=', rid);
  return query.orderBy('at', 'desc').executeTakeFirst();
}

export function listPings(db: Db, monitorId: string, limit: number): Promise<PingRow[]> {
  return db.selectFrom('heartbeat_pings').selectAll().where('monitor_id', '=', monitorId).orderBy('at', 'desc').limit(limit).execute();
}

export function listWindows(db: Db, projectId: number): Promise<WindowRow[]> {
  return db.selectFrom('maintenance_windows').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').execute();
}

/** Windows that can still matter at `now`: recurring ones, and one-off ones not over yet. */
export function currentWindows(db: Db, projectId: number, now: number): Promise<WindowRow[]> {
  return db
    .selectFrom('maintenance_windows')
    .selectAll()
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('cron', 'is not', null), eb('ends_at', '>', now)]))
    .execute();
}

export async function insertWindow(db: Db, row: MaintenanceWindowsTable): Promise<void> {
  await db.insertInto('maintenance_windows').values(row).execute();
}

export async function windowProject(db: Db, id: string): Promise<number | undefined> {
  return (await db.selectFrom('maintenance_windows').select('project_id').where('id', '=', id).executeTakeFirst())?.project_id;
}

export async function deleteWindow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('maintenance_windows').where('id', '=', id).execute();
}

/** Deletes expired raw checks, pings and rollups in batches (each period keeps its own horizon). */
export async function pruneUptime(db: Db, now: number, checkDays: number, signal?: AbortSignal): Promise<Record<string, number>> {
  const day = 86_400_000;
  const deleted: Record<string, number> = {};
  const batches: Array<[string, () => Promise<number>]> = [
    ['monitor_checks', async () => Number((await sql`DELETE FROM monitor_checks WHERE id IN (SELECT id FROM monitor_checks WHERE at < ${now - checkDays * day} LIMIT 5000)`.execute(db)).numAffectedRows ?? 0)],
    ['heartbeat_pings', async () => Number((await sql`DELETE FROM heartbeat_pings WHERE id IN (SELECT id FROM heartbeat_pings WHERE at < ${now - checkDays * day} LIMIT 5000)`.execute(db)).numAffectedRows ?? 0)],
    ...(
      [
        ['m', 2 * day],
        ['h', Math.max(checkDays, 90) * day],
        ['d', 400 * day],
      ] as const
    ).map(
      ([period, keep]) =>
        [
          `monitor_rollups.${period}`,
          async () =>
            Number(
              (await sql`DELETE FROM monitor_rollups WHERE (monitor_id, period, bucket) IN (SELECT monitor_id, period, bucket FROM monitor_rollups WHERE period = ${period} AND bucket < ${now - keep} LIMIT 5000)`.execute(db)).numAffectedRows ?? 0,
            ),
        ] as [string, () => Promise<number>],
    ),
  ];
  for (const [name, run] of batches) {
    let total = 0;
    for (;;) {
      if (signal?.aborted) break;
      const n = await run();
      total += n;
      if (n < 5000) break;
    }
    deleted[name] = total;
  }
  return deleted;
}
