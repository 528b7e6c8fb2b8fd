import type { Kysely } from 'kysely';
import { fail } from '../lib/errors.js';
import { hourOf } from '../storage/batch.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { lockProjects } from '../storage/locks.js';
import { inTransaction } from '../storage/tx.js';
import { HOUR } from '../lib/periods.js';
import { decodeEventBody } from './event-body.js';
import * as repo from './repo.js';
import type { IssueFilter } from './repo.js';
import type { IssueRow, IssuesTable, IssueStatus } from './types.js';

export interface IssueSummary {
  id: string;
  projectId: number;
  title: string;
  culprit: string;
  type: string | null;
  value: string | null;
  level: string;
  platform: string;
  status: IssueStatus;
  substatus: string;
  count: number;
  userCount: number;
  firstSeen: number;
  lastSeen: number;
  firstRelease: string | null;
  lastRelease: string | null;
  assigneeId: string | null;
  statusDetails: { resolvedInRelease: string | null; resolvedInNextRelease: boolean; ignoreUntil: number | null; ignoreUntilCount: number | null; resolvedAt: number | null };
}

/** A status change, as the API and bulk actions express it. */
export interface IssuePatch {
  status?: IssueStatus;
  /** With status resolved: regress only on events from a release newer than this one. */
  resolvedInRelease?: string;
  /** With status resolved: regress only on events from a release newer than the current latest. */
  resolvedInNextRelease?: boolean;
  /** With status ignored: until this time (ms), or until the issue has this many more events. */
  ignoreUntil?: number;
  ignoreCount?: number;
  assigneeId?: string | null;
}

export function toSummary(row: IssueRow): IssueSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    title: row.title,
    culprit: row.culprit,
    type: row.type,
    value: row.value,
    level: row.level,
    platform: row.platform,
    status: row.status,
    substatus: row.substatus,
    count: row.times_seen,
    userCount: row.user_count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    firstRelease: row.first_release,
    lastRelease: row.last_release,
    assigneeId: row.assignee_id,
    statusDetails: {
      resolvedInRelease: row.resolved_in_release,
      resolvedInNextRelease: row.resolved_in_next_release === 1,
      ignoreUntil: row.ignore_until,
      ignoreUntilCount: row.ignore_until_count,
      resolvedAt: row.resolved_at,
    },
  };
}

/** Issues: lists with filters, detail with tags and activity, events, and the triage workflow. */
export class IssuesService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** A page of issues with 24 hourly counts each (oldest first) for sparklines. */
  async list(filter: IssueFilter, now = Date.now()): Promise<{ items: Array<IssueSummary & { sparkline: number[] }>; total: number }> {
    const { rows, total } = await repo.listIssues(this.db, filter);
    const start = hourOf(now) - 23 * HOUR;
    const hours = await repo.issueHours(this.db, rows.map((r) => r.id), start);
    const series = new Map<string, number[]>();
    for (const h of hours) {
      const slot = Math.round((h.hour - start) / HOUR);
      if (slot < 0 || slot > 23) continue;
      const arr = series.get(h.issue_id) ?? new Array<number>(24).fill(0);
      arr[slot] = (arr[slot] ?? 0) + h.count;
      series.set(h.issue_id, arr);
    }
    return { items: rows.map((row) => ({ ...toSummary(row), sparkline: series.get(row.id) ?? new Array<number>(24).fill(0) })), total };
  }

  async get(issueId: string): Promise<IssueSummary> {
    const row = await repo.findIssue(this.db, issueId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such issue');
    return toSummary(row);
  }

  /** The project an issue belongs to (authorisation), or undefined. */
  async projectOf(issueId: string): Promise<number | undefined> {
    return (await repo.findIssue(this.db, issueId))?.project_id;
  }

  /** Tag distributions: per key the total and the top 10 values. */
  async tags(issueId: string): Promise<Array<{ key: string; total: number; values: Array<{ value: string; count: number; lastSeen: number }> }>> {
    const rows = await repo.issueTags(this.db, issueId);
    const byKey = new Map<string, { key: string; total: number; values: Array<{ value: string; count: number; lastSeen: number }> }>();
    for (const row of rows) {
      let entry = byKey.get(row.key);
      if (!entry) byKey.set(row.key, (entry = { key: row.key, total: 0, values: [] }));
      entry.total += row.count;
      if (entry.values.length < 10) entry.values.push({ value: row.value, count: row.count, lastSeen: row.last_seen });
    }
    return [...byKey.values()];
  }

  async activity(issueId: string) {
    const rows = await repo.listActivity(this.db, issueId);
    return rows.map((r) => ({ id: r.id, kind: r.kind, data: r.data === null ? null : (JSON.parse(r.data) as unknown), createdAt: r.created_at, user: r.user_id ? { id: r.user_id, name: r.user_name ?? '', email: r.user_email ?? '' } : null }));
  }

  async events(issueId: string, offset: number, limit: number) {
    const rows = await repo.listEvents(this.db, issueId, offset, limit);
    return rows.map((r) => ({ eventId: r.event_id, timestamp: r.timestamp, receivedAt: r.received_at, level: r.level, environment: r.environment, release: r.release, transaction: r.transaction, message: r.message, user: r.user_key }));
  }

  /** One event's full data, with its neighbours for previous/next navigation. */
  async event(issueId: string, eventId: string) {
    const row = await repo.findEvent(this.db, issueId, eventId === 'latest' || eventId === 'oldest' ? eventId : eventId.replace(/-/g, '').toLowerCase());
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such event in this issue');
    const data = JSON.parse(decodeEventBody(row.data)) as Record<string, unknown>;
    const around = await repo.neighbours(this.db, issueId, row.received_at, row.event_id);
    return { eventId: row.event_id, issueId, timestamp: row.timestamp, receivedAt: row.received_at, data, previousEventId: around.previous, nextEventId: around.next };
  }

  /** Applies a status/assignment change to issues of one project; records it in their activity. */
  async update(projectId: number, ids: readonly string[], patch: IssuePatch, userId: string | null): Promise<IssueSummary[]> {
    return inTransaction(this.db, async (trx) => {
      // Status changes race with ingest deciding regressions: take the project's write lock too.
      await lockProjects(trx, this.dialect, [projectId]);
      const issues = await repo.findIssues(trx, projectId, ids);
      if (issues.length !== new Set(ids).size) throw fail('WP_ERR_NOT_FOUND', 'Some issues do not exist in this project');
      const now = Date.now();
      const set: Partial<Omit<IssuesTable, 'id' | 'project_id'>> = { updated_at: now };
      if (patch.status !== undefined) {
        Object.assign(set, { status: patch.status, resolved_at: null, resolved_in_release: null, resolved_in_next_release: 0, ignore_until: null, ignore_until_count: null });
        if (patch.status === 'resolved') {
          set.resolved_at = now;
          if (patch.resolvedInRelease) set.resolved_in_release = patch.resolvedInRelease;
          else if (patch.resolvedInNextRelease) {
            const latest = await repo.latestRelease(trx, projectId);
            // Without any release yet, "next release" can only mean "resolved".
            if (latest !== null) Object.assign(set, { resolved_in_release: latest, resolved_in_next_release: 1 });
          }
        } else if (patch.status === 'ignored') {
          if (patch.ignoreUntil !== undefined) set.ignore_until = patch.ignoreUntil;
          set.substatus = 'none';
        } else set.substatus = 'ongoing';
      } else if (patch.resolvedInRelease !== undefined || patch.resolvedInNextRelease !== undefined || patch.ignoreUntil !== undefined || patch.ignoreCount !== undefined) {
        throw fail('WP_ERR_VALIDATION', 'Give "status" with resolvedInRelease, resolvedInNextRelease, ignoreUntil or ignoreCount');
      }
      if (patch.assigneeId !== undefined) {
        if (patch.assigneeId !== null) {
          const member = await trx
            .selectFrom('memberships as m')
            .innerJoin('projects as p', 'p.org_id', 'm.org_id')
            .select('m.user_id')
            .where('p.id', '=', projectId)
            .where('m.user_id', '=', patch.assigneeId)
            .executeTakeFirst();
          if (!member) throw fail('WP_ERR_VALIDATION', 'assigneeId: not a member of this organisation');
        }
        set.assignee_id = patch.assigneeId;
      }
      for (const issue of issues) {
        const own: typeof set = { ...set };
        if (patch.status === 'ignored' && patch.ignoreCount !== undefined) own.ignore_until_count = issue.times_seen + patch.ignoreCount;
        await repo.updateIssues(trx, [issue.id], own);
        if (patch.status !== undefined && patch.status !== issue.status) {
          await repo.addActivity(trx, { issue_id: issue.id, project_id: projectId, kind: 'status', user_id: userId, data: JSON.stringify({ from: issue.status, to: patch.status, resolvedInRelease: own.resolved_in_release ?? null, ignoreUntil: own.ignore_until ?? null, ignoreUntilCount: own.ignore_until_count ?? null }), created_at: now });
        }
        if (patch.assigneeId !== undefined && patch.assigneeId !== issue.assignee_id) {
          await repo.addActivity(trx, { issue_id: issue.id, project_id: projectId, kind: 'assigned', user_id: userId, data: JSON.stringify({ assigneeId: patch.assigneeId }), created_at: now });
        }
      }
      return (await repo.findIssues(trx, projectId, ids)).map(toSummary);
    });
  }

  async comment(projectId: number, issueId: string, userId: string, text: string): Promise<void> {
    const body = text.trim();
    if (body === '') throw fail('WP_ERR_VALIDATION', 'body: must not be empty');
    await repo.addActivity(this.db, { issue_id: issueId, project_id: projectId, kind: 'comment', user_id: userId, data: JSON.stringify({ text: body }), created_at: Date.now() });
  }

  /** Merges issues into the one with the most events; returns it. */
  async merge(projectId: number, ids: readonly string[], userId: string | null): Promise<IssueSummary> {
    if (new Set(ids).size < 2) throw fail('WP_ERR_VALIDATION', 'ids: give at least two issues to merge');
    return inTransaction(this.db, async (trx) => {
      await lockProjects(trx, this.dialect, [projectId]);
      const issues = await repo.findIssues(trx, projectId, ids);
      if (issues.length !== new Set(ids).size) throw fail('WP_ERR_NOT_FOUND', 'Some issues do not exist in this project');
      const [target, ...sources] = [...issues].sort((a, b) => b.times_seen - a.times_seen || a.first_seen - b.first_seen);
      if (!target) throw fail('WP_ERR_NOT_FOUND', 'No issues');
      const now = Date.now();
      await repo.mergeIssues(trx, target, sources, now);
      await repo.addActivity(trx, { issue_id: target.id, project_id: projectId, kind: 'merged', user_id: userId, data: JSON.stringify({ merged: sources.map((s) => ({ id: s.id, title: s.title })) }), created_at: now });
      const merged = await repo.findIssue(trx, target.id);
      if (!merged) throw fail('WP_ERR_NOT_FOUND', 'No such issue');
      return toSummary(merged);
    });
  }

  /** Releases, newest first, with their new issues and crash-free rates from release health. */
  async releases(projectId: number) {
    const releases = await this.db.selectFrom('releases').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').limit(200).execute();
    const issues = await this.db.selectFrom('issues').select(['first_release', (eb) => eb.fn.countAll<number>().as('n')]).where('project_id', '=', projectId).where('first_release', 'is not', null).groupBy('first_release').execute();
    const sessions = await this.db
      .selectFrom('release_session_hours')
      .select(['release', (eb) => eb.fn.sum<number>('total').as('total'), (eb) => eb.fn.sum<number>('crashed').as('crashed')])
      .where('project_id', '=', projectId)
      .groupBy('release')
      .execute();
    const users = await this.db
      .selectFrom('release_users')
      .select(['release', (eb) => eb.fn.countAll<number>().as('users'), (eb) => eb.fn.sum<number>('crashed').as('crashed')])
      .where('project_id', '=', projectId)
      .groupBy('release')
      .execute();
    const newIssues = new Map(issues.map((r) => [r.first_release, Number(r.n)]));
    const bySession = new Map(sessions.map((r) => [r.release, { total: Number(r.total), crashed: Number(r.crashed) }]));
    const byUser = new Map(users.map((r) => [r.release, { users: Number(r.users), crashed: Number(r.crashed) }]));
    return releases.map((r) => {
      const s = bySession.get(r.version);
      const u = byUser.get(r.version);
      return {
        version: r.version,
        createdAt: r.created_at,
        lastSeen: r.last_seen,
        newIssues: newIssues.get(r.version) ?? 0,
        sessions: s?.total ?? 0,
        crashFreeSessions: s && s.total > 0 ? 1 - s.crashed / s.total : null,
        crashFreeUsers: u && u.users > 0 ? 1 - u.crashed / u.users : null,
      };
    });
  }

  /** Deletes issues with their events; new events with the same grouping start a new issue. */
  async delete(projectId: number, ids: readonly string[]): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      await lockProjects(trx, this.dialect, [projectId]);
      const issues = await repo.findIssues(trx, projectId, ids);
      await repo.deleteIssues(trx, issues.map((i) => i.id));
      return issues.length;
    });
  }
}
