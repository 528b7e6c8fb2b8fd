import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { chunkRows, hourOf } from '../storage/batch.js';
import type { Database } from '../storage/schema.js';

type Db = Kysely<Database>;

/** Session counts for one release, environment and hour, from `session` or `sessions` items. */
export interface SessionCounts {
  release: string;
  environment: string;
  bucket: number;
  total: number;
  errored: number;
  crashed: number;
  abnormal: number;
  /** Distinct ids (hashed `did`) seen, and whether each crashed. */
  users: Map<string, boolean>;
}

const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : null);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(Math.floor(v), 1_000_000) : 0);

function time(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v * 1000;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (Number.isFinite(ms)) return ms;
  }
  return fallback;
}

/** Distinct ids are hashed: release health needs to count users, not to know them. */
const userKey = (did: string) => createHash('sha256').update(did).digest('hex').slice(0, 32);

/**
 * Release health from one `session` (one user session update) or `sessions` (pre-aggregated
 * counts, what server SDKs send) payload. Sessions without a release can't be attributed and are
 * skipped, as Sentry does.
 */
export function sessionCounts(type: 'session' | 'sessions', payload: unknown, receivedAt: number): SessionCounts[] {
  const body = obj(payload);
  if (!body) throw fail('WP_ERR_INGEST_MALFORMED', `${type} item is not a JSON object`);
  const attrs = obj(body.attrs) ?? {};
  const release = str(attrs.release);
  if (release === null) return [];
  const environment = str(attrs.environment) ?? 'production';
  const out = new Map<number, SessionCounts>();
  const at = (ms: number) => {
    const bucket = hourOf(Math.min(ms, receivedAt + 3_600_000));
    let c = out.get(bucket);
    if (!c) out.set(bucket, (c = { release, environment, bucket, total: 0, errored: 0, crashed: 0, abnormal: 0, users: new Map() }));
    return c;
  };
  if (type === 'session') {
    const c = at(time(body.started, receivedAt));
    const status = str(body.status) ?? 'ok';
    if (body.init === true) c.total += 1;
    if (status === 'crashed') c.crashed += 1;
    else if (status === 'abnormal') c.abnormal += 1;
    else if (status === 'errored' || (status === 'exited' && count(body.errors) > 0)) c.errored += 1;
    const did = str(body.did);
    if (did !== null) c.users.set(userKey(did), status === 'crashed');
    return [...out.values()];
  }
  const aggregates = Array.isArray(body.aggregates) ? body.aggregates.slice(0, 1000) : [];
  for (const entry of aggregates) {
    const a = obj(entry);
    if (!a) continue;
    const c = at(time(a.started, receivedAt));
    const errored = count(a.errored);
    const crashed = count(a.crashed);
    const abnormal = count(a.abnormal);
    c.total += count(a.exited) + errored + crashed + abnormal;
    c.errored += errored;
    c.crashed += crashed;
    c.abnormal += abnormal;
    const did = str(a.did);
    if (did !== null) c.users.set(userKey(did), crashed > 0);
  }
  return [...out.values()];
}

/** Adds session counts to the hourly release-health rollup and the per-release user set. */
export async function writeSessions(db: Db, items: ReadonlyArray<{ projectId: number; counts: SessionCounts }>, now: number): Promise<void> {
  if (items.length === 0) return;
  const hours = items.map(({ projectId, counts: c }) => ({ project_id: projectId, release: c.release, environment: c.environment, bucket: c.bucket, total: c.total, errored: c.errored, crashed: c.crashed, abnormal: c.abnormal }));
  for (const chunk of chunkRows(hours, 8)) {
    await db
      .insertInto('release_session_hours')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['project_id', 'release', 'environment', 'bucket']).doUpdateSet({
          total: sql`release_session_hours.total + excluded.total`,
          errored: sql`release_session_hours.errored + excluded.errored`,
          crashed: sql`release_session_hours.crashed + excluded.crashed`,
          abnormal: sql`release_session_hours.abnormal + excluded.abnormal`,
        }),
      )
      .execute();
  }
  // A release is created the first time anything mentions it.
  const releases = new Map<string, { id: string; project_id: number; version: string; created_at: number; last_seen: number }>();
  for (const { projectId, counts } of items) releases.set(`${projectId}\u0000${counts.release}`, { id: newId(now), project_id: projectId, version: counts.release, created_at: now, last_seen: now });
  for (const chunk of chunkRows([...releases.values()], 5)) {
    await db
      .insertInto('releases')
      .values(chunk)
      .onConflict((oc) => oc.columns(['project_id', 'version']).doUpdateSet({ last_seen: sql`excluded.last_seen` }))
      .execute();
  }
  const users = new Map<string, { project_id: number; release: string; user_key: string; crashed: number; last_seen: number }>();
  for (const { projectId, counts } of items) {
    for (const [key, crashed] of counts.users) {
      const k = `${projectId}\u0000${counts.release}\u0000${key}`;
      const prev = users.get(k);
      users.set(k, { project_id: projectId, release: counts.release, user_key: key, crashed: prev?.crashed === 1 || crashed ? 1 : 0, last_seen: now });
    }
  }
  for (const chunk of chunkRows([...users.values()], 5)) {
    await db
      .insertInto('release_users')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['project_id', 'release', 'user_key']).doUpdateSet({
          crashed: sql`CASE WHEN release_users.crashed > excluded.crashed THEN release_users.crashed ELSE excluded.crashed END`,
          last_seen: sql`excluded.last_seen`,
        }),
      )
      .execute();
  }
}
