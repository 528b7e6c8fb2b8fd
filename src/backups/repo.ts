import type { Kysely, Selectable } from 'kysely';
import { claimDueRows } from '../jobs/due-work.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import type { BackupSourcesTable, BackupsTable } from './types.js';

type Db = Kysely<Database>;
export type SourceRow = Selectable<BackupSourcesTable>;
export type BackupRow = Selectable<BackupsTable>;

export async function insertSource(db: Db, row: BackupSourcesTable): Promise<void> {
  await db.insertInto('backup_sources').values(row).execute();
}

export function getSource(db: Db, id: string): Promise<SourceRow | undefined> {
  return db.selectFrom('backup_sources').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A source by id or, within a project, by name (the CLI accepts either). */
export function findSource(db: Db, idOrName: string, projectId?: number): Promise<SourceRow | undefined> {
  let query = db.selectFrom('backup_sources').selectAll();
  query = projectId === undefined ? query.where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])) : query.where('project_id', '=', projectId).where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]));
  return query.orderBy('created_at').executeTakeFirst();
}

export function listSources(db: Db, projectId: number): Promise<SourceRow[]> {
  return db.selectFrom('backup_sources').selectAll().where('project_id', '=', projectId).orderBy('name').execute();
}

export async function updateSource(db: Db, id: string, patch: Partial<BackupSourcesTable>): Promise<void> {
  await db.updateTable('backup_sources').set(patch).where('id', '=', id).execute();
}

export async function deleteSource(db: Db, id: string): Promise<void> {
  await db.deleteFrom('backup_sources').where('id', '=', id).execute();
}

/** Takes the source's run lease if free: one backup of a source at a time, across nodes. */
export async function leaseSource(db: Db, id: string, node: string, now: number, untilMs: number): Promise<boolean> {
  const result = await db
    .updateTable('backup_sources')
    .set({ lease_owner: node, lease_until: untilMs })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function leaseVerify(db: Db, id: string, node: string, now: number, untilMs: number): Promise<boolean> {
  const result = await db
    .updateTable('backup_sources')
    .set({ verify_lease_owner: node, verify_lease_until: untilMs })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('verify_lease_until', 'is', null), eb('verify_lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function claimDueBackups(db: Db, dialect: Dialect, node: string, limit: number, now: number, leaseMs: number): Promise<SourceRow[]> {
  return claimDueRows<SourceRow>(db, dialect, { table: 'backup_sources', dueColumn: 'next_run_at', node, leaseMs, limit, now });
}

export function claimDueVerifications(db: Db, dialect: Dialect, node: string, limit: number, now: number, leaseMs: number): Promise<SourceRow[]> {
  return claimDueRows<SourceRow>(db, dialect, { table: 'backup_sources', dueColumn: 'next_verify_at', leaseColumns: ['verify_lease_owner', 'verify_lease_until'], node, leaseMs, limit, now });
}

export async function insertBackup(db: Db, row: BackupsTable): Promise<void> {
  await db.insertInto('backups').values(row).execute();
}

export async function updateBackup(db: Db, id: string, patch: Partial<BackupsTable>): Promise<void> {
  await db.updateTable('backups').set(patch).where('id', '=', id).execute();
}

export function getBackup(db: Db, id: string): Promise<BackupRow | undefined> {
  return db.selectFrom('backups').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listBackups(db: Db, sourceId: string, limit: number, before?: string): Promise<BackupRow[]> {
  let query = db.selectFrom('backups').selectAll().where('source_id', '=', sourceId);
  if (before) query = query.where('id', '<', before);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/** Backups whose files still exist, newest first (retention works on these). */
export function liveBackups(db: Db, sourceId: string): Promise<BackupRow[]> {
  return db.selectFrom('backups').selectAll().where('source_id', '=', sourceId).where('status', '=', 'succeeded').where('deleted_at', 'is', null).orderBy('started_at', 'desc').execute();
}

export function lastSucceeded(db: Db, sourceId: string, before?: number): Promise<BackupRow | undefined> {
  let query = db.selectFrom('backups').selectAll().where('source_id', '=', sourceId).where('status', '=', 'succeeded');
  if (before !== undefined) query = query.where('started_at', '<', before);
  return query.orderBy('started_at', 'desc').executeTakeFirst();
}

export function lastVerified(db: Db, sourceId: string): Promise<BackupRow | undefined> {
  return db.selectFrom('backups').selectAll().where('source_id', '=', sourceId).where('verify_status', '=', 'verified').orderBy('verified_at', 'desc').executeTakeFirst();
}

/** Backups left 'running' by a node that died (call holding the source's run lease). */
export async function failAbandonedBackups(db: Db, sourceId: string, now: number): Promise<void> {
  await db
    .updateTable('backups')
    .set({ status: 'failed', error: 'The node running this backup stopped before it finished', finished_at: now })
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .execute();
}

/** Restore tests left 'running' by a node that died (call holding the source's verify lease). */
export async function failAbandonedVerifications(db: Db, sourceId: string): Promise<void> {
  await db.updateTable('backups').set({ verify_status: 'failed', verify_error: 'The node running this restore test stopped before it finished' }).where('source_id', '=', sourceId).where('verify_status', '=', 'running').execute();
}

/** Scheduled sources not already alerted as overdue. */
export function scheduledSourcesToWatch(db: Db): Promise<SourceRow[]> {
  return db.selectFrom('backup_sources').selectAll().where('schedule', 'is not', null).where('overdue_alerted_at', 'is', null).execute();
}

/** Records progress and reports whether a cancel was requested (from any node). */
export async function progressAndCancel(db: Db, id: string, bytes: number): Promise<boolean> {
  await db.updateTable('backups').set({ progress_bytes: bytes }).where('id', '=', id).execute();
  const row = await db.selectFrom('backups').select('cancel_requested_at').where('id', '=', id).executeTakeFirst();
  return row?.cancel_requested_at != null;
}
