import { sql, type Kysely } from 'kysely';
import { newId } from '../lib/ids.js';
import { chunkRows } from '../storage/batch.js';
import type { Database } from '../storage/schema.js';
import type { IssueActivityTable, IssueRow, IssuesTable } from './types.js';

type Db = Kysely<Database>;

export type IssueSort = 'last_seen' | 'first_seen' | 'events' | 'users';

export interface IssueFilter {
  readonly projectId: number;
  readonly status: IssuesTable['status'] | 'all';
  readonly level?: string;
  readonly environment?: string;
  readonly release?: string;
  readonly search?: string;
  readonly assigneeId?: string;
  /** Only issues seen at or after this time. */
  readonly since?: number;
  readonly sort: IssueSort;
  readonly offset: number;
  readonly limit: number;
}

const SORT_COLUMN = { last_seen: 'last_seen', first_seen: 'first_seen', events: 'times_seen', users: 'user_count' } as const;

function filtered(db: Db, f: IssueFilter) {
  let q = db.selectFrom('issues').where('project_id', '=', f.projectId);
  if (f.status !== 'all') q = q.where('status', '=', f.status);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.since !== undefined) q = q.where('last_seen', '>=', f.since);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  if (f.search) {
    const like = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(title)`, 'like', sql`lower(${like}) escape '\\'`), eb(sql`lower(culprit)`, 'like', sql`lower(${like}) escape '\\'`)]));
  }
  for (const [key, value] of [
    ['environment', f.environment],
    ['release', f.release],
  ] as const) {
    if (!value) continue;
    q = q.where((eb) => eb.exists(eb.selectFrom('issue_tag_values as t').select(sql`1`.as('one')).whereRef('t.issue_id', '=', 'issues.id').where('t.key', '=', key).where('t.value', '=', value)));
  }
  return q;
}

/** One page of issues and the total matching the filter. */
export async function listIssues(db: Db, f: IssueFilter): Promise<{ rows: IssueRow[]; total: number }> {
  const column = SORT_COLUMN[f.sort];
  const rows = await filtered(db, f).selectAll().orderBy(column, 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
  const total = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return { rows, total: Number(total?.n ?? 0) };
}

/** Hourly counts for the given issues since `since` (sparklines). */
export async function issueHours(db: Db, issueIds: readonly string[], since: number): Promise<Array<{ issue_id: string; hour: number; count: number }>> {
  if (issueIds.length === 0) return [];
  return db.selectFrom('issue_hours').select(['issue_id', 'hour', 'count']).where('issue_id', 'in', [...issueIds]).where('hour', '>=', since).execute();
}

export async function findIssue(db: Db, id: string): Promise<IssueRow | undefined> {
  return db.selectFrom('issues').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findIssues(db: Db, projectId: number, ids: readonly string[]): Promise<IssueRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('issues').selectAll().where('project_id', '=', projectId).where('id', 'in', [...ids]).execute();
}

/** Tag keys with their top values (by count) for an issue. */
export async function issueTags(db: Db, issueId: string): Promise<Array<{ key: string; value: string; count: number; first_seen: number; last_seen: number }>> {
  return db.selectFrom('issue_tag_values').select(['key', 'value', 'count', 'first_seen', 'last_seen']).where('issue_id', '=', issueId).orderBy('key').orderBy('count', 'desc').limit(5000).execute();
}

export async function listEvents(db: Db, issueId: string, offset: number, limit: number) {
  return db
    .selectFrom('events')
    .select(['event_id', 'project_id', 'timestamp', 'received_at', 'level', 'environment', 'release', 'transaction', 'message', 'user_key'])
    .where('issue_id', '=', issueId)
    .orderBy('received_at', 'desc')
    .orderBy('event_id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** One event of an issue by id; the ids "latest" and "oldest" pick by received time. */
export async function findEvent(db: Db, issueId: string, eventId: string) {
  let q = db.selectFrom('events').selectAll().where('issue_id', '=', issueId);
  if (eventId === 'latest') q = q.orderBy('received_at', 'desc').orderBy('event_id', 'desc');
  else if (eventId === 'oldest') q = q.orderBy('received_at', 'asc').orderBy('event_id', 'asc');
  else q = q.where('event_id', '=', eventId);
  return q.limit(1).executeTakeFirst();
}

/** The events just before and after one, by received time, within its issue. */
export async function neighbours(db: Db, issueId: string, receivedAt: number, eventId: string): Promise<{ previous: string | null; next: string | null }> {
  const previous = await db
    .selectFrom('events')
    .select('event_id')
    .where('issue_id', '=', issueId)
    .where((eb) => eb.or([eb('received_at', '<', receivedAt), eb.and([eb('received_at', '=', receivedAt), eb('event_id', '<', eventId)])]))
    .orderBy('received_at', 'desc')
    .orderBy('event_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const next = await db
    .selectFrom('events')
    .select('event_id')
    .where('issue_id', '=', issueId)
    .where((eb) => eb.or([eb('received_at', '>', receivedAt), eb.and([eb('received_at', '=', receivedAt), eb('event_id', '>', eventId)])]))
    .orderBy('received_at', 'asc')
    .orderBy('event_id', 'asc')
    .limit(1)
    .executeTakeFirst();
  return { previous: previous?.event_id ?? null, next: next?.event_id ?? null };
}

export async function updateIssues(db: Db, ids: readonly string[], patch: Partial<Omit<IssuesTable, 'id' | 'project_id'>>): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('issues').set(patch).where('id', 'in', [...ids]).execute();
}

export async function deleteIssues(db: Db, ids: readonly string[]): Promise<void> {
  for (const chunk of chunkRows(ids, 1)) await db.deleteFrom('issues').where('id', 'in', chunk).execute();
}

export async function addActivity(db: Db, row: Omit<IssueActivityTable, 'id'>): Promise<void> {
  await db.insertInto('issue_activity').values({ id: newId(row.created_at), ...row }).execute();
}

export async function listActivity(db: Db, issueId: string) {
  return db
    .selectFrom('issue_activity as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.kind', 'a.data', 'a.created_at', 'a.user_id', 'u.name as user_name', 'u.email as user_email'])
    .where('a.issue_id', '=', issueId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(200)
    .execute();
}

/** The newest release of a project by first sight ("resolve in next release" compares to it). */
export async function latestRelease(db: Db, projectId: number): Promise<string | null> {
  const row = await db.selectFrom('releases').select('version').where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row?.version ?? null;
}

/**
 * Moves everything of `sources` into `target` and deletes the sources: hashes (so future events
 * follow), events, users, tag and hourly counts; then recomputes the target's totals.
 */
export async function mergeIssues(db: Db, target: IssueRow, sources: readonly IssueRow[], now: number): Promise<void> {
  const ids = sources.map((s) => s.id);
  if (ids.length === 0) return;
  // The caller holds the project's write lock (storage/locks.ts), so ingest waits meanwhile.
  await db.updateTable('issue_hashes').set({ issue_id: target.id }).where('issue_id', 'in', ids).execute();
  await db.updateTable('events').set({ issue_id: target.id }).where('issue_id', 'in', ids).execute();
  await sql`INSERT INTO issue_users (issue_id, user_key) SELECT DISTINCT ${target.id}, user_key FROM issue_users WHERE issue_id IN (${sql.join(ids)}) ON CONFLICT DO NOTHING`.execute(db);
  // Grouped: two sources sharing a tag value or an hour would otherwise hit the same target row
  // twice in one statement, which PostgreSQL refuses.
  await sql`INSERT INTO issue_tag_values (issue_id, key, value, count, first_seen, last_seen)
    SELECT ${target.id}, key, value, SUM(count), MIN(first_seen), MAX(last_seen) FROM issue_tag_values WHERE issue_id IN (${sql.join(ids)}) GROUP BY key, value
    ON CONFLICT (issue_id, key, value) DO UPDATE SET count = issue_tag_values.count + excluded.count,
      first_seen = CASE WHEN issue_tag_values.first_seen < excluded.first_seen THEN issue_tag_values.first_seen ELSE excluded.first_seen END,
      last_seen = CASE WHEN issue_tag_values.last_seen > excluded.last_seen THEN issue_tag_values.last_seen ELSE excluded.last_seen END`.execute(db);
  await sql`INSERT INTO issue_hours (issue_id, hour, count) SELECT ${target.id}, hour, SUM(count) FROM issue_hours WHERE issue_id IN (${sql.join(ids)}) GROUP BY hour
    ON CONFLICT (issue_id, hour) DO UPDATE SET count = issue_hours.count + excluded.count`.execute(db);
  await db.updateTable('issue_activity').set({ issue_id: target.id }).where('issue_id', 'in', ids).where('kind', '=', 'comment').execute();
  // Totals from the rows as they are now (locked), not from the copies read before.
  const totals = await db
    .selectFrom('issues')
    .select((eb) => [eb.fn.sum<number>('times_seen').as('seen'), eb.fn.min<number>('first_seen').as('first'), eb.fn.max<number>('last_seen').as('last')])
    .where('id', 'in', [target.id, ...ids])
    .executeTakeFirstOrThrow();
  await db.deleteFrom('issues').where('id', 'in', ids).execute();
  const users = await db.selectFrom('issue_users').select((eb) => eb.fn.countAll<number>().as('n')).where('issue_id', '=', target.id).executeTakeFirst();
  await db
    .updateTable('issues')
    .set({ times_seen: Number(totals.seen), user_count: Number(users?.n ?? 0), first_seen: Number(totals.first), last_seen: Number(totals.last), updated_at: now })
    .where('id', '=', target.id)
    .execute();
}
