import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import type { IndexedArtifact } from './lookup.js';
import type { ArtifactKind, ArtifactRow, ArtifactsTable } from './types.js';

type Db = Kysely<Database>;

/** Columns without content: listing and lookups never read the blobs. */
const META = ['id', 'project_id', 'release', 'dist', 'name', 'debug_id', 'kind', 'sourcemap', 'sha1', 'size', 'created_at'] as const;
export type ArtifactMeta = Omit<ArtifactRow, 'content'>;

/**
 * Stores artifacts, each replacing the one it supersedes: same release, dist and name, or same
 * debug id and kind. Run in a transaction so readers see the old file or the new one.
 */
export async function replaceArtifacts(trx: Db, rows: readonly ArtifactsTable[]): Promise<void> {
  for (const row of rows) {
    await trx
      .deleteFrom('artifacts')
      .where('project_id', '=', row.project_id)
      .where((eb) => {
        const ors = [];
        if (row.release !== null) ors.push(eb.and([eb('release', '=', row.release), eb('dist', '=', row.dist), eb('name', '=', row.name)]));
        if (row.debug_id !== null) ors.push(eb.and([eb('debug_id', '=', row.debug_id), eb('kind', '=', row.kind)]));
        return eb.or(ors);
      })
      .execute();
    await trx.insertInto('artifacts').values(row).execute();
  }
}

export async function listArtifacts(db: Db, projectId: number, filter: { release?: string; debugId?: string; offset: number; limit: number }): Promise<ArtifactMeta[]> {
  let query = db.selectFrom('artifacts').select(META).where('project_id', '=', projectId);
  if (filter.release !== undefined) query = query.where('release', '=', filter.release);
  if (filter.debugId !== undefined) query = query.where('debug_id', '=', filter.debugId);
  return query.orderBy('name').orderBy('id').offset(filter.offset).limit(filter.limit).execute();
}

export async function findArtifact(db: Db, projectId: number, id: string): Promise<ArtifactMeta | undefined> {
  return db.selectFrom('artifacts').select(META).where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
}

export async function deleteArtifact(db: Db, projectId: number, id: string): Promise<boolean> {
  const result = await db.deleteFrom('artifacts').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function hasArtifacts(db: Db, projectId: number): Promise<boolean> {
  return (await db.selectFrom('artifacts').select('id').where('project_id', '=', projectId).limit(1).executeTakeFirst()) !== undefined;
}

/** What the release index needs of every artifact of one release and dist. */
export async function releaseArtifacts(db: Db, projectId: number, release: string, dist: string): Promise<IndexedArtifact[]> {
  const rows = await db
    .selectFrom('artifacts')
    .select(['id', 'name', 'kind', 'debug_id', 'sourcemap'])
    .where('project_id', '=', projectId)
    .where('release', '=', release)
    .where('dist', '=', dist)
    .limit(20_000)
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, debugId: r.debug_id, sourcemap: r.sourcemap }));
}

export async function findByDebugId(db: Db, projectId: number, debugId: string, kind: ArtifactKind): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('artifacts').select(['id', 'name']).where('project_id', '=', projectId).where('debug_id', '=', debugId).where('kind', '=', kind).executeTakeFirst();
}

export async function artifactContent(db: Db, id: string): Promise<Buffer | undefined> {
  return (await db.selectFrom('artifacts').select('content').where('id', '=', id).executeTakeFirst())?.content;
}

/** Stores an uploaded chunk; a chunk already there (same content, same hash) is kept. */
export async function putChunk(db: Db, orgId: string, sha1: string, data: Buffer, now: number): Promise<void> {
  await db
    .insertInto('upload_chunks')
    .values({ org_id: orgId, sha1, data, created_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'sha1']).doUpdateSet({ created_at: now }))
    .execute();
}

/** Which of these chunks the organisation has uploaded. */
export async function existingChunks(db: Db, orgId: string, sha1s: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < sha1s.length; i += 500) {
    const rows = await db.selectFrom('upload_chunks').select('sha1').where('org_id', '=', orgId).where('sha1', 'in', sha1s.slice(i, i + 500)).execute();
    for (const row of rows) found.add(row.sha1);
  }
  return found;
}

export async function chunkData(db: Db, orgId: string, sha1: string): Promise<Buffer | undefined> {
  return (await db.selectFrom('upload_chunks').select('data').where('org_id', '=', orgId).where('sha1', '=', sha1).executeTakeFirst())?.data;
}

export async function deleteChunks(db: Db, orgId: string, sha1s: readonly string[]): Promise<void> {
  for (let i = 0; i < sha1s.length; i += 500) {
    await db.deleteFrom('upload_chunks').where('org_id', '=', orgId).where('sha1', 'in', sha1s.slice(i, i + 500)).execute();
  }
}

/** Chunks of uploads that were never assembled. */
export async function deleteChunksBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('upload_chunks').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
