import type { Kysely } from 'kysely';
import { newId } from '../lib/ids.js';
import type { Database } from '../storage/schema.js';
import type { DeploysTable } from './types.js';

type Db = Kysely<Database>;

/**
 * Creates the release for each project unless it exists. The `releases` table is shared with
 * error ingest, which adds releases as events name them; created here, a release exists before
 * its first event.
 */
export async function ensureReleases(db: Db, projectIds: readonly number[], version: string, now: number): Promise<void> {
  if (projectIds.length === 0) return;
  await db
    .insertInto('releases')
    .values(projectIds.map((projectId) => ({ id: newId(now), project_id: projectId, version, created_at: now, last_seen: now })))
    .onConflict((oc) => oc.columns(['project_id', 'version']).doNothing())
    .execute();
}

/** The projects (of those given) that have this release. */
export async function projectsWithRelease(db: Db, projectIds: readonly number[], version: string): Promise<Array<{ projectId: number; createdAt: number }>> {
  if (projectIds.length === 0) return [];
  const rows = await db.selectFrom('releases').select(['project_id', 'created_at']).where('project_id', 'in', [...projectIds]).where('version', '=', version).execute();
  return rows.map((r) => ({ projectId: r.project_id, createdAt: r.created_at }));
}

export async function insertDeploys(db: Db, rows: readonly DeploysTable[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('deploys').values([...rows]).execute();
}

export async function listDeploys(db: Db, projectIds: readonly number[], version: string): Promise<DeploysTable[]> {
  if (projectIds.length === 0) return [];
  return db.selectFrom('deploys').selectAll().where('project_id', 'in', [...projectIds]).where('release', '=', version).orderBy('date_finished', 'desc').limit(100).execute();
}
