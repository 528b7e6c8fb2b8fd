import { sql, type Kysely } from 'kysely';
import { newId } from '../lib/ids.js';
import { chunkRows, hourOf, insertValues } from '../storage/batch.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import type { NormalizedEvent } from './event.js';
import type { Grouping } from './grouping.js';
import { isNewerRelease } from './releases.js';
import type { IssueActivityTable, IssueRow, IssuesTable } from './types.js';

type Db = Kysely<Database>;

/** The parts of a normalised event the write path reads (the rest is in `data`). */
export type StoredEvent = Pick<NormalizedEvent, 'eventId' | 'timestamp' | 'receivedAt' | 'platform' | 'level' | 'environment' | 'release' | 'transaction' | 'userKey' | 'tags'>;

/**
 * One processed error event, ready to store. Only small fields travel with it, so handing it from
 * a processing worker to the writer costs a few microseconds of structured cloning.
 */
export interface EventToStore {
  readonly projectId: number;
  readonly event: StoredEvent;
  readonly grouping: Grouping;
  /** The normalised event JSON, compressed (errors/event-body.ts). */
  readonly data: Buffer;
}

/** Something alerting and the dashboard care about: a new issue, or one that came back. */
export interface IssueSignal {
  readonly kind: 'new' | 'regressed' | 'unignored';
  readonly projectId: number;
  readonly issueId: string;
  readonly title: string;
  readonly release: string | null;
  readonly at: number;
}

export interface WriteEventsResult {
  readonly accepted: Map<number, number>;
  readonly duplicates: Map<number, number>;
  readonly signals: IssueSignal[];
}

interface IssueAggregate {
  issueId: string;
  projectId: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
  level: string;
  lastRelease: string | null;
  users: Set<string>;
  tags: Map<string, { key: string; value: string; count: number; first: number; last: number }>;
  hours: Map<number, number>;
}

const bump = (map: Map<number, number>, key: number, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

/**
 * Finds or creates the issue for every (project, hash) in the batch, with one multi-row statement
 * per table for the new ones.
 */
async function issueIdsFor(db: Db, items: readonly EventToStore[], now: number): Promise<Map<string, string>> {
  const key = (projectId: number, hash: string) => `${projectId}:${hash}`;
  const ids = new Map<string, string>();
  const hashesByProject = new Map<number, Set<string>>();
  for (const item of items) {
    const set = hashesByProject.get(item.projectId) ?? new Set<string>();
    set.add(item.grouping.hash);
    hashesByProject.set(item.projectId, set);
  }
  // By project, so the lookup uses the (project_id, hash) primary key instead of scanning it.
  for (const [projectId, hashes] of hashesByProject) {
    for (const chunk of chunkRows([...hashes], 1)) {
      const rows = await db.selectFrom('issue_hashes').select(['hash', 'issue_id']).where('project_id', '=', projectId).where('hash', 'in', chunk).execute();
      for (const row of rows) ids.set(key(projectId, row.hash), row.issue_id);
    }
  }
  const created = new Map<string, { issue: IssuesTable; hash: string }>();
  for (const item of items) {
    const k = key(item.projectId, item.grouping.hash);
    if (ids.has(k) || created.has(k)) continue;
    const { event, grouping } = item;
    created.set(k, {
      hash: grouping.hash,
      issue: {
        id: newId(now),
        project_id: item.projectId,
        title: grouping.title,
        culprit: grouping.culprit,
        type: grouping.type,
        value: grouping.value,
        level: event.level,
        platform: event.platform,
        status: 'unresolved',
        substatus: 'new',
        times_seen: 0,
        user_count: 0,
        first_seen: event.timestamp,
        last_seen: event.timestamp,
        first_release: event.release,
        last_release: event.release,
        resolved_at: null,
        resolved_in_release: null,
        resolved_in_next_release: 0,
        ignore_until: null,
        ignore_until_count: null,
        assignee_id: null,
        updated_at: now,
      },
    });
  }
  if (created.size === 0) return ids;

  const fresh = [...created.values()];
  for (const chunk of chunkRows(fresh, 23)) await db.insertInto('issues').values(chunk.map((c) => c.issue)).execute();
  const claimed = new Set<string>();
  for (const chunk of chunkRows(fresh, 3)) {
    const rows = await db
      .insertInto('issue_hashes')
      .values(chunk.map((c) => ({ project_id: c.issue.project_id, hash: c.hash, issue_id: c.issue.id })))
      .onConflict((oc) => oc.columns(['project_id', 'hash']).doNothing())
      .returning('issue_id')
      .execute();
    for (const row of rows) claimed.add(row.issue_id);
  }
  const won = fresh.filter((c) => claimed.has(c.issue.id));
  const lost = fresh.filter((c) => !claimed.has(c.issue.id));
  for (const c of won) ids.set(key(c.issue.project_id, c.hash), c.issue.id);
  for (const chunk of chunkRows(won, 7)) {
    await db.insertInto('issue_activity').values(chunk.map((c) => activity(c.issue.id, c.issue.project_id, 'first_seen', null, now))).execute();
  }
  if (lost.length > 0) {
    // Another node created these issues between our look and our insert: use theirs.
    for (const chunk of chunkRows(lost, 1)) await db.deleteFrom('issues').where('id', 'in', chunk.map((c) => c.issue.id)).execute();
    for (const c of lost) {
      const row = await db.selectFrom('issue_hashes').select('issue_id').where('project_id', '=', c.issue.project_id).where('hash', '=', c.hash).executeTakeFirstOrThrow();
      ids.set(key(c.issue.project_id, c.hash), row.issue_id);
    }
  }
  return ids;
}

function activity(issueId: string, projectId: number, kind: IssueActivityTable['kind'], data: unknown, now: number): IssueActivityTable {
  return { id: newId(now), issue_id: issueId, project_id: projectId, kind, user_id: null, data: data === null ? null : JSON.stringify(data), created_at: now };
}

const EVENT_COLUMNS = ['project_id', 'event_id', 'issue_id', 'timestamp', 'received_at', 'level', 'environment', 'release', 'transaction', 'message', 'user_key', 'data'] as const;

/** Inserts events; returns those that were new (an SDK retry resends the same event id). */
async function insertEvents(db: Db, dialect: Dialect, items: readonly EventToStore[], issueIds: Map<string, string>): Promise<EventToStore[]> {
  const inserted = new Set<string>();
  for (const chunk of chunkRows(items, EVENT_COLUMNS.length)) {
    const values = chunk.map(({ projectId, event, grouping, data }) => [
      projectId,
      event.eventId,
      issueIds.get(`${projectId}:${grouping.hash}`) ?? '',
      event.timestamp,
      event.receivedAt,
      event.level,
      event.environment,
      event.release,
      event.transaction,
      grouping.title,
      event.userKey,
      data,
    ]);
    const query = insertValues(dialect, 'events', EVENT_COLUMNS, values, 'on conflict ("project_id", "event_id") do nothing returning "project_id", "event_id"');
    const { rows } = await db.executeQuery<{ project_id: number; event_id: string }>(query);
    for (const row of rows) inserted.add(`${row.project_id}:${row.event_id}`);
  }
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = `${item.projectId}:${item.event.eventId}`;
    if (!inserted.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function aggregate(items: readonly EventToStore[], issueIds: Map<string, string>): Map<string, IssueAggregate> {
  const byIssue = new Map<string, IssueAggregate>();
  for (const item of items) {
    const { event } = item;
    const issueId = issueIds.get(`${item.projectId}:${item.grouping.hash}`) ?? '';
    let agg = byIssue.get(issueId);
    if (!agg) {
      agg = { issueId, projectId: item.projectId, count: 0, firstSeen: event.timestamp, lastSeen: event.timestamp, level: event.level, lastRelease: event.release, users: new Set(), tags: new Map(), hours: new Map() };
      byIssue.set(issueId, agg);
    }
    agg.count += 1;
    agg.firstSeen = Math.min(agg.firstSeen, event.timestamp);
    if (event.timestamp >= agg.lastSeen) {
      agg.lastSeen = event.timestamp;
      agg.level = event.level;
      if (event.release !== null) agg.lastRelease = event.release;
    }
    if (event.userKey !== null) agg.users.add(event.userKey);
    for (const [key, value] of event.tags) {
      const tk = `${key}\u0000${value}`;
      const tag = agg.tags.get(tk);
      if (tag) {
        tag.count += 1;
        tag.first = Math.min(tag.first, event.timestamp);
        tag.last = Math.max(tag.last, event.timestamp);
      } else agg.tags.set(tk, { key, value, count: 1, first: event.timestamp, last: event.timestamp });
    }
    bump(agg.hours, hourOf(event.receivedAt));
  }
  return byIssue;
}

/** Counts users not seen on the issue before. */
async function newUsers(db: Db, dialect: Dialect, aggs: Iterable<IssueAggregate>): Promise<Map<string, number>> {
  const rows = [...aggs].flatMap((a) => [...a.users].map((userKey) => [a.issueId, userKey]));
  const fresh = new Map<string, number>();
  for (const chunk of chunkRows(rows, 2)) {
    const query = insertValues(dialect, 'issue_users', ['issue_id', 'user_key'], chunk, 'on conflict ("issue_id", "user_key") do nothing returning "issue_id"');
    const { rows: inserted } = await db.executeQuery<{ issue_id: string }>(query);
    for (const row of inserted) fresh.set(row.issue_id, (fresh.get(row.issue_id) ?? 0) + 1);
  }
  return fresh;
}

/** New events for an issue whose status stays as it is. */
interface IssueBump {
  id: string;
  count: number;
  users: number;
  lastSeen: number;
  firstSeen: number;
  level: string;
  lastRelease: string | null;
}

/**
 * Adds a batch's counts to its issues in one statement (UPDATE … FROM a VALUES list, which SQLite
 * and PostgreSQL both take) instead of one UPDATE per issue. The casts give PostgreSQL the types
 * its VALUES list can't infer from parameters.
 */
async function bumpIssues(db: Db, bumps: readonly IssueBump[], now: number): Promise<void> {
  for (const chunk of chunkRows(bumps, 7)) {
    const values = sql.join(
      chunk.map((b) => sql`(${b.id}, CAST(${b.count} AS bigint), CAST(${b.users} AS bigint), CAST(${b.lastSeen} AS bigint), CAST(${b.firstSeen} AS bigint), ${b.level}, CAST(${b.lastRelease} AS text))`),
    );
    await sql`WITH v (id, n, users, last_seen, first_seen, level, last_release) AS (VALUES ${values})
      UPDATE issues SET
        times_seen = issues.times_seen + v.n,
        user_count = issues.user_count + v.users,
        last_seen = CASE WHEN issues.last_seen > v.last_seen THEN issues.last_seen ELSE v.last_seen END,
        first_seen = CASE WHEN issues.first_seen < v.first_seen THEN issues.first_seen ELSE v.first_seen END,
        level = v.level,
        last_release = COALESCE(v.last_release, issues.last_release),
        updated_at = ${now}
      FROM v WHERE issues.id = v.id`.execute(db);
  }
}

/** The status an issue moves to when new events arrive, and why. */
function nextStatus(issue: IssueRow, agg: IssueAggregate, releaseOrder: Map<string, number>, now: number): { status: IssueRow['status']; substatus: IssueRow['substatus']; signal: IssueSignal['kind'] } | null {
  if (issue.status === 'resolved') {
    if (issue.resolved_in_release !== null) {
      const release = agg.lastRelease;
      if (release === null || release === issue.resolved_in_release) return null;
      if (!isNewerRelease(release, issue.resolved_in_release, (v) => releaseOrder.get(`${issue.project_id}\u0000${v}`))) return null;
    }
    return { status: 'unresolved', substatus: 'regressed', signal: 'regressed' };
  }
  if (issue.status === 'ignored') {
    if (issue.ignore_until !== null && issue.ignore_until <= now) return { status: 'unresolved', substatus: 'ongoing', signal: 'unignored' };
    if (issue.ignore_until_count !== null && issue.times_seen + agg.count >= issue.ignore_until_count) return { status: 'unresolved', substatus: 'escalating', signal: 'unignored' };
  }
  return null;
}

/**
 * Stores a batch of error events inside the caller's transaction: finds or creates issues, skips
 * duplicate event ids, and updates counts, users, tags, hourly counts, releases and statuses
 * (regressions) with one multi-row statement per table where the engines allow it.
 */
export async function writeEvents(db: Db, dialect: Dialect, items: readonly EventToStore[], now: number): Promise<WriteEventsResult> {
  const accepted = new Map<number, number>();
  const duplicates = new Map<number, number>();
  const signals: IssueSignal[] = [];
  if (items.length === 0) return { accepted, duplicates, signals };

  await upsertReleases(db, items, now);
  const issueIds = await issueIdsFor(db, items, now);
  const fresh = await insertEvents(db, dialect, items, issueIds);
  for (const item of items) bump(duplicates, item.projectId);
  for (const item of fresh) {
    bump(accepted, item.projectId);
    bump(duplicates, item.projectId, -1);
  }
  if (fresh.length === 0) return { accepted, duplicates, signals };

  const aggs = aggregate(fresh, issueIds);
  const users = await newUsers(db, dialect, aggs.values());
  const issues = await db.selectFrom('issues').selectAll().where('id', 'in', [...aggs.keys()]).execute();
  const releaseOrder = await releaseTimes(db, issues, aggs);

  const bumps: IssueBump[] = [];
  for (const issue of issues) {
    const agg = aggs.get(issue.id);
    if (!agg) continue;
    const change = nextStatus(issue, agg, releaseOrder, now);
    const userCount = users.get(issue.id) ?? 0;
    if (change) {
      await db
        .updateTable('issues')
        .set({
          times_seen: sql`times_seen + ${agg.count}`,
          user_count: sql`user_count + ${userCount}`,
          last_seen: sql`CASE WHEN last_seen > ${agg.lastSeen} THEN last_seen ELSE ${agg.lastSeen} END`,
          first_seen: sql`CASE WHEN first_seen < ${agg.firstSeen} THEN first_seen ELSE ${agg.firstSeen} END`,
          level: agg.level,
          ...(agg.lastRelease !== null ? { last_release: agg.lastRelease } : {}),
          status: change.status,
          substatus: change.substatus,
          resolved_at: null,
          resolved_in_release: null,
          resolved_in_next_release: 0,
          ignore_until: null,
          ignore_until_count: null,
          updated_at: now,
        })
        .where('id', '=', issue.id)
        .execute();
    } else {
      bumps.push({ id: issue.id, count: agg.count, users: userCount, lastSeen: agg.lastSeen, firstSeen: agg.firstSeen, level: agg.level, lastRelease: agg.lastRelease });
    }
    if (issue.times_seen === 0) signals.push({ kind: 'new', projectId: issue.project_id, issueId: issue.id, title: issue.title, release: agg.lastRelease, at: now });
    if (change) {
      signals.push({ kind: change.signal, projectId: issue.project_id, issueId: issue.id, title: issue.title, release: agg.lastRelease, at: now });
      await db.insertInto('issue_activity').values(activity(issue.id, issue.project_id, change.signal === 'regressed' ? 'regressed' : 'unignored', { release: agg.lastRelease, previousStatus: issue.status }, now)).execute();
    }
  }
  await bumpIssues(db, bumps, now);

  // The two statements with the most rows per batch, compiled by hand (see insertValues).
  const tagRows = [...aggs.values()].flatMap((a) => [...a.tags.values()].map((t) => [a.issueId, t.key, t.value, t.count, t.first, t.last]));
  for (const chunk of chunkRows(tagRows, 6)) {
    await db.executeQuery(
      insertValues(
        dialect,
        'issue_tag_values',
        ['issue_id', 'key', 'value', 'count', 'first_seen', 'last_seen'],
        chunk,
        'on conflict ("issue_id", "key", "value") do update set "count" = "issue_tag_values"."count" + excluded."count", "last_seen" = CASE WHEN "issue_tag_values"."last_seen" > excluded."last_seen" THEN "issue_tag_values"."last_seen" ELSE excluded."last_seen" END',
      ),
    );
  }
  const hourRows = [...aggs.values()].flatMap((a) => [...a.hours].map(([hour, count]) => [a.issueId, hour, count]));
  for (const chunk of chunkRows(hourRows, 3)) {
    await db.executeQuery(insertValues(dialect, 'issue_hours', ['issue_id', 'hour', 'count'], chunk, 'on conflict ("issue_id", "hour") do update set "count" = "issue_hours"."count" + excluded."count"'));
  }
  return { accepted, duplicates, signals };
}

async function upsertReleases(db: Db, items: readonly EventToStore[], now: number): Promise<void> {
  const latest = new Map<string, { project_id: number; version: string; last_seen: number }>();
  for (const { projectId, event } of items) {
    if (event.release === null) continue;
    const k = `${projectId}:${event.release}`;
    const prev = latest.get(k);
    if (!prev || prev.last_seen < event.timestamp) latest.set(k, { project_id: projectId, version: event.release, last_seen: Math.max(event.receivedAt, event.timestamp) });
  }
  if (latest.size === 0) return;
  const rows = [...latest.values()].map((r) => ({ id: newId(now), project_id: r.project_id, version: r.version, created_at: now, last_seen: r.last_seen }));
  for (const chunk of chunkRows(rows, 5)) {
    await db
      .insertInto('releases')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['project_id', 'version']).doUpdateSet({
          last_seen: sql`CASE WHEN releases.last_seen > excluded.last_seen THEN releases.last_seen ELSE excluded.last_seen END`,
        }),
      )
      .execute();
  }
}

/** First-seen times of the releases a regression check compares. */
async function releaseTimes(db: Db, issues: readonly IssueRow[], aggs: Map<string, IssueAggregate>): Promise<Map<string, number>> {
  const wanted = new Map<number, Set<string>>();
  for (const issue of issues) {
    if (issue.status !== 'resolved' || issue.resolved_in_release === null) continue;
    const set = wanted.get(issue.project_id) ?? new Set<string>();
    set.add(issue.resolved_in_release);
    const release = aggs.get(issue.id)?.lastRelease;
    if (release) set.add(release);
    wanted.set(issue.project_id, set);
  }
  const order = new Map<string, number>();
  for (const [projectId, versions] of wanted) {
    const rows = await db.selectFrom('releases').select(['version', 'created_at']).where('project_id', '=', projectId).where('version', 'in', [...versions]).execute();
    for (const row of rows) order.set(`${projectId}\u0000${row.version}`, row.created_at);
  }
  return order;
}
