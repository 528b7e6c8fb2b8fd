import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { StatusIncidentsTable, StatusIncidentUpdatesTable, StatusPageComponentsTable, StatusPagesTable } from './types.js';

type Db = Kysely<Database>;
export type PageRow = Selectable<StatusPagesTable>;
export type ComponentRow = Selectable<StatusPageComponentsTable>;
export type IncidentRow = Selectable<StatusIncidentsTable>;
export type UpdateRow = Selectable<StatusIncidentUpdatesTable>;

export function listPages(db: Db, projectId: number): Promise<PageRow[]> {
  return db.selectFrom('status_pages').selectAll().where('project_id', '=', projectId).orderBy('title').orderBy('id').execute();
}

export function getPage(db: Db, id: string): Promise<PageRow | undefined> {
  return db.selectFrom('status_pages').selectAll().where('id', '=', id).executeTakeFirst();
}

export function pageBySlug(db: Db, slug: string): Promise<PageRow | undefined> {
  return db.selectFrom('status_pages').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function pageProject(db: Db, id: string): Promise<number | undefined> {
  return (await db.selectFrom('status_pages').select('project_id').where('id', '=', id).executeTakeFirst())?.project_id;
}

/** Every custom domain with its page's slug (one row per page that has a domain). */
export function customDomains(db: Db): Promise<Array<{ id: string; custom_domain: string | null; slug: string }>> {
  return db.selectFrom('status_pages').select(['id', 'custom_domain', 'slug']).where('custom_domain', 'is not', null).execute();
}

export async function insertPage(db: Db, row: StatusPagesTable): Promise<void> {
  await db.insertInto('status_pages').values(row).execute();
}

export async function updatePage(db: Db, id: string, patch: Partial<StatusPagesTable>): Promise<void> {
  await db.updateTable('status_pages').set(patch).where('id', '=', id).execute();
}

export async function deletePage(db: Db, id: string): Promise<void> {
  await db.deleteFrom('status_pages').where('id', '=', id).execute();
}

export function componentsOf(db: Db, pageIds: readonly string[]): Promise<ComponentRow[]> {
  if (pageIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('status_page_components').selectAll().where('page_id', 'in', [...pageIds]).orderBy('page_id').orderBy('position').execute();
}

/** Replaces a page's components with `rows` (ids kept by the caller stay stable). */
export async function replaceComponents(db: Db, pageId: string, rows: StatusPageComponentsTable[]): Promise<void> {
  await db.deleteFrom('status_page_components').where('page_id', '=', pageId).execute();
  if (rows.length > 0) await db.insertInto('status_page_components').values(rows).execute();
}

export function getIncident(db: Db, id: string): Promise<IncidentRow | undefined> {
  return db.selectFrom('status_incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function incidentProject(db: Db, id: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('status_incidents as i')
    .innerJoin('status_pages as p', 'p.id', 'i.page_id')
    .select('p.project_id')
    .where('i.id', '=', id)
    .executeTakeFirst();
  return row?.project_id;
}

export interface IncidentQuery {
  readonly open?: boolean;
  readonly kind?: StatusIncidentsTable['kind'];
  readonly limit: number;
  /** Incident id to page after (ids are time-ordered). */
  readonly before?: string;
}

export function listIncidents(db: Db, pageId: string, q: IncidentQuery): Promise<IncidentRow[]> {
  let query = db.selectFrom('status_incidents').selectAll().where('page_id', '=', pageId);
  if (q.open === true) query = query.where('resolved_at', 'is', null);
  if (q.open === false) query = query.where('resolved_at', 'is not', null);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.before) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** Open incidents and maintenance, and those resolved since `resolvedSince`, of one page. */
export function incidentsForView(db: Db, pageId: string, resolvedSince: number, limit: number): Promise<IncidentRow[]> {
  return db
    .selectFrom('status_incidents')
    .selectAll()
    .where('page_id', '=', pageId)
    .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', resolvedSince)]))
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export function updatesOf(db: Db, incidentIds: readonly string[]): Promise<UpdateRow[]> {
  if (incidentIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('status_incident_updates').selectAll().where('incident_id', 'in', [...incidentIds]).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function insertIncident(db: Db, row: StatusIncidentsTable): Promise<void> {
  await db.insertInto('status_incidents').values(row).execute();
}

export async function updateIncident(db: Db, id: string, patch: Partial<StatusIncidentsTable>): Promise<void> {
  await db.updateTable('status_incidents').set(patch).where('id', '=', id).execute();
}

export async function deleteIncident(db: Db, id: string): Promise<void> {
  await db.deleteFrom('status_incidents').where('id', '=', id).execute();
}

export async function insertUpdate(db: Db, row: StatusIncidentUpdatesTable): Promise<void> {
  await db.insertInto('status_incident_updates').values(row).execute();
}
