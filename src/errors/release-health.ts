import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { fail } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { asString, isRecord, parseTimestamp } from './json-values.js';
import { chunkRows, hourOf } from '../storage/batch.js';
import type { Database } from '../storage/schema.js';

type Db = Kysely<Database>;

/** One client session's update (a `session` item): which states it reports, counted once per sid. */
export interface SessionUpdate {
  readonly sid: string;
  /** SESSION_INIT | SESSION_ERRORED | SESSION_CRASHED | SESSION_ABNORMAL */
  readonly flags: number;
}

export const SESSION_INIT = 1;
export const SESSION_ERRORED = 2;
export const SESSION_CRASHED = 4;
export const SESSION_ABNORMAL = 8;

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
  /** For a `session` item: its state, counted by writeSessions only where it is news for the sid. */
  update?: SessionUpdate;
}

const obj = (v: unknown): Record<string, unknown> | null => (isRecord(v) ? v : null);
const str = (v: unknown): string | null => asString(v, 200);
/** Counts in one aggregate entry; capped so a hostile client can't overflow the counters. */
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(Math.floor(v), 100_000) : 0);
const time = (v: unknown, fallback: number): number => parseTimestamp(v) ?? fallback;

/** Distinct ids are hashed: release health needs to count users, not to know them. */
const userKey = (did: string) => createHash('sha256').update(`watchpost-release-user:${did}`).digest('hex').slice(0, 32);

/**
 * Release health from one `session` (one user session update) or `sessions` (pre-aggregated
 * counts, what server SDKs send) payload. Sessions without a release can't be attributed and are
 * skipped, as Sentry does. A `session` update carries flags instead of counts: SDKs send several
 * updates per session (browser ones send `{status:"ok", errors:1}` and never "exited"), so each
 * state is counted the first time a sid reports it.
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
    const bucket = hourOf(Math.max(receivedAt - 30 * 86_400_000, Math.min(ms, receivedAt + 3_600_000)));
    let c = out.get(bucket);
    if (!c) out.set(bucket, (c = { release, environment, bucket, total: 0, errored: 0, crashed: 0, abnormal: 0, users: new Map() }));
    return c;
  };
  if (type === 'session') {
    const sid = str(body.sid);
    if (sid === null) throw fail('WP_ERR_INGEST_MALFORMED', 'session item has no sid');
    const c = at(time(body.started, receivedAt));
    const status = str(body.status) ?? 'ok';
    let flags = body.init === true ? SESSION_INIT : 0;
    if (status === 'crashed') flags |= SESSION_CRASHED;
    else if (status === 'abnormal') flags |= SESSION_ABNORMAL;
    if (status === 'errored' || count(body.errors) > 0) flags |= SESSION_ERRORED;
    c.update = { sid, flags };
    const did = str(body.did);
    if (did !== null) c.users.set(userKey(did), status === 'crashed');
    return [...out.values()];
  }
  const aggregates = Array.isArray(body.aggregates) ? body.aggregates.slice(0, 100) : [];
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

/** Turns session updates into counts: only states a sid reports for the first time count. */
async function countUpdates(db: Db, items: ReadonlyArray<{ projectId: number; counts: SessionCounts }>, now: number): Promise<void> {
  const updates = new Map<string, { projectId: number; sid: string; flags: number; counts: SessionCounts }>();
  for (const { projectId, counts } of items) {
    if (!counts.update) continue;
    const k = `${projectId}\u0000${counts.update.sid}`;
    const prev = updates.get(k);
    if (prev) prev.flags |= counts.update.flags;
    else updates.set(k, { projectId, sid: counts.update.sid, flags: counts.update.flags, counts });
  }
  if (updates.size === 0) return;
  const known = new Map<string, number>();
  const byProject = new Map<number, string[]>();
  for (const u of updates.values()) byProject.set(u.projectId, [...(byProject.get(u.projectId) ?? []), u.sid]);
  for (const [projectId, sids] of byProject) {
    for (const chunk of chunkRows(sids, 1)) {
      const rows = await db.selectFrom('session_states').select(['sid', 'flags']).where('project_id', '=', projectId).where('sid', 'in', chunk).execute();
      for (const row of rows) known.set(`${projectId}\u0000${row.sid}`, row.flags);
    }
  }
  for (const [k, u] of updates) {
    const fresh = u.flags & ~(known.get(k) ?? 0);
    if (fresh & SESSION_INIT) u.counts.total += 1;
    if (fresh & SESSION_ERRORED) u.counts.errored += 1;
    if (fresh & SESSION_CRASHED) u.counts.crashed += 1;
    if (fresh & SESSION_ABNORMAL) u.counts.abnormal += 1;
  }
  const rows = [...updates.values()].map((u) => ({ project_id: u.projectId, sid: u.sid, flags: u.flags, updated_at: now })).sort((a, b) => a.project_id - b.project_id || (a.sid < b.sid ? -1 : 1));
  for (const chunk of chunkRows(rows, 4)) {
    await db
      .insertInto('session_states')
      .values(chunk)
      .onConflict((oc) => oc.columns(['project_id', 'sid']).doUpdateSet({ flags: sql`session_states.flags | excluded.flags`, updated_at: sql`excluded.updated_at` }))
      .execute();
  }
}

/** Adds session counts to the hourly release-health rollup and the per-release user set. */
export async function writeSessions(db: Db, items: ReadonlyArray<{ projectId: number; counts: SessionCounts }>, now: number): Promise<void> {
  if (items.length === 0) return;
  await countUpdates(db, items, now);
  // One row per key (PostgreSQL refuses an upsert that touches a row twice), in key order (so
  // concurrent nodes lock rows in the same order and can't deadlock).
  const merged = new Map<string, { project_id: number; release: string; environment: string; bucket: number; total: number; errored: number; crashed: number; abnormal: number }>();
  for (const { projectId, counts: c } of items) {
    const k = `${projectId}\u0000${c.release}\u0000${c.environment}\u0000${c.bucket}`;
    const row = merged.get(k) ?? { project_id: projectId, release: c.release, environment: c.environment, bucket: c.bucket, total: 0, errored: 0, crashed: 0, abnormal: 0 };
    row.total += c.total;
    row.errored += c.errored;
    row.crashed += c.crashed;
    row.abnormal += c.abnormal;
    merged.set(k, row);
  }
  const hours = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row).filter((r) => r.total + r.errored + r.crashed + r.abnormal > 0);
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
  for (const chunk of chunkRows([...releases.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r), 5)) {
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
  for (const chunk of chunkRows([...users.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r), 5)) {
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
