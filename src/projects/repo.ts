import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { IngestKeyRow, ProjectRow } from './types.js';

type Db = Kysely<Database>;

/** Inserts unless the organisation already has the slug; undefined when it has (the transaction stays usable). */
export async function insertProjectIfSlugFree(db: Db, row: Omit<ProjectRow, 'id'>): Promise<ProjectRow | undefined> {
  return db
    .insertInto('projects')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'slug']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findProject(db: Db, id: number): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findProjectBySlug(db: Db, orgId: string, slug: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('org_id', '=', orgId).where('slug', '=', slug).executeTakeFirst();
}

export async function listProjects(db: Db, orgId: string): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().where('org_id', '=', orgId).execute();
}

export async function projectSlugsLike(db: Db, orgId: string, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('projects').select('slug').where('org_id', '=', orgId).where('slug', 'like', `${base}%`).execute();
  return new Set(rows.map((r) => r.slug));
}

export async function updateProject(db: Db, id: number, patch: { name?: string; platform?: string | null }, now: number): Promise<void> {
  await db.updateTable('projects').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteProject(db: Db, id: number): Promise<void> {
  await db.deleteFrom('projects').where('id', '=', id).execute();
}

export async function insertKey(db: Db, row: IngestKeyRow): Promise<void> {
  await db.insertInto('ingest_keys').values(row).execute();
}

export async function listKeys(db: Db, projectId: number): Promise<IngestKeyRow[]> {
  return db.selectFrom('ingest_keys').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
}

export async function findKey(db: Db, projectId: number, keyId: string): Promise<IngestKeyRow | undefined> {
  return db.selectFrom('ingest_keys').selectAll().where('project_id', '=', projectId).where('id', '=', keyId).executeTakeFirst();
}

export async function findKeyByPublicKey(db: Db, publicKey: string): Promise<IngestKeyRow | undefined> {
  return db.selectFrom('ingest_keys').selectAll().where('public_key', '=', publicKey).executeTakeFirst();
}

export async function setKeyRevokedAt(db: Db, keyId: string, revokedAt: number): Promise<void> {
  await db.updateTable('ingest_keys').set({ revoked_at: revokedAt }).where('id', '=', keyId).execute();
}

export async function updateKey(db: Db, keyId: string, patch: { label?: string; rate_limit_per_minute?: number | null }): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.updateTable('ingest_keys').set(patch).where('id', '=', keyId).execute();
}

export async function setKeyLabel(db: Db, keyId: string, label: string): Promise<void> {
  await db.updateTable('ingest_keys').set({ label }).where('id', '=', keyId).execute();
}
