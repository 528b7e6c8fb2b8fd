import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, projectIdParam } from '../server/api-types.js';
import { requireProject } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { principalOf } from '../server/authorize.js';
import { fail } from '../lib/errors.js';
import { PERIOD_MS } from '../lib/periods.js';

const status = z.enum(['unresolved', 'resolved', 'ignored']);
const issueSchema = z.object({
  id: z.string(),
  projectId: z.number(),
  title: z.string(),
  culprit: z.string(),
  type: z.string().nullable(),
  value: z.string().nullable(),
  level: z.string(),
  platform: z.string(),
  status,
  substatus: z.string(),
  count: z.number(),
  userCount: z.number(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  firstRelease: z.string().nullable(),
  lastRelease: z.string().nullable(),
  assigneeId: z.string().nullable(),
  statusDetails: z.object({
    resolvedInRelease: z.string().nullable(),
    resolvedInNextRelease: z.boolean(),
    ignoreUntil: z.number().nullable(),
    ignoreUntilCount: z.number().nullable(),
    resolvedAt: z.number().nullable(),
  }),
});
const listItem = issueSchema.extend({ sparkline: z.array(z.number()).describe('Events per hour over the last 24 hours, oldest first') });


const listQuery = z.object({
  query: z.string().max(200).optional().describe('Text searched in title and culprit'),
  status: z.enum(['unresolved', 'resolved', 'ignored', 'all']).default('unresolved'),
  level: z.enum(['fatal', 'error', 'warning', 'info', 'debug']).optional(),
  environment: z.string().max(200).optional(),
  release: z.string().max(200).optional(),
  assignee: z.string().max(64).optional().describe('User id, or "me"'),
  period: z.enum(['1h', '24h', '7d', '14d', '30d', '90d', 'all']).default('all').describe('Only issues seen within this period'),
  sort: z.enum(['last_seen', 'first_seen', 'events', 'users']).default('last_seen'),
  cursor: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Offset from the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const patchBody = z
  .object({
    status: status.optional(),
    resolvedInRelease: z.string().min(1).max(200).optional(),
    resolvedInNextRelease: z.boolean().optional(),
    ignoreUntil: z.number().int().positive().optional().describe('With status "ignored": epoch ms'),
    ignoreCount: z.number().int().positive().max(1_000_000_000).optional().describe('With status "ignored": until this many more events'),
    assigneeId: z.string().max(64).nullable().optional(),
  })
  .strict();

const issueParams = z.object({ issueId: z.string().max(64) });
const projectParams = z.object({ projectId: projectIdParam });
const idsBody = z.object({ ids: z.array(z.string().max(64)).min(1).max(1000) });

/** The issues API: list with filters, detail, events, triage (single and bulk), comments, merge. */
export function issueRoutes(app: ApiInstance, ctx: AppContext): void {
  const { issues } = ctx.services;
  const projectOfIssue = async (issueId: string): Promise<number> => {
    const projectId = await issues.projectOf(issueId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such issue');
    return projectId;
  };

  app.get('/projects/:projectId/issues', {
    schema: { tags: ['issues'], summary: "A project's issues, filtered and sorted", params: projectParams, querystring: listQuery, response: { 200: z.object({ items: z.array(listItem), total: z.number(), nextCursor: z.number().nullable() }) } },
    handler: async (request) => {
      const { principal } = await requireProject(ctx, request, request.params.projectId, 'project:read');
      const q = request.query;
      const result = await issues.list({
        projectId: request.params.projectId,
        status: q.status,
        ...(q.level ? { level: q.level } : {}),
        ...(q.environment ? { environment: q.environment } : {}),
        ...(q.release ? { release: q.release } : {}),
        ...(q.query ? { search: q.query } : {}),
        ...(q.assignee ? { assigneeId: q.assignee === 'me' ? principal.user.id : q.assignee } : {}),
        ...(q.period !== 'all' ? { since: Date.now() - PERIOD_MS[q.period] } : {}),
        sort: q.sort,
        offset: q.cursor,
        limit: q.limit,
      });
      const next = q.cursor + result.items.length;
      return { ...result, nextCursor: next < result.total ? next : null };
    },
  });

  app.patch('/projects/:projectId/issues', {
    schema: { tags: ['issues'], summary: 'Bulk status change or assignment', params: projectParams, body: patchBody.extend(idsBody.shape).strict(), response: { 200: z.object({ items: z.array(issueSchema) }) } },
    handler: async (request) => {
      const { principal } = await requireProject(ctx, request, request.params.projectId, 'project:write');
      const { ids, ...patch } = request.body;
      return { items: await issues.update(request.params.projectId, ids, patch, principal.user.id) };
    },
  });

  app.delete('/projects/:projectId/issues', {
    schema: { tags: ['issues'], summary: 'Bulk delete issues and their events', params: projectParams, body: idsBody, response: { 200: z.object({ deleted: z.number() }) } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:write');
      return { deleted: await issues.delete(request.params.projectId, request.body.ids) };
    },
  });

  app.post('/projects/:projectId/issues/merge', {
    schema: { tags: ['issues'], summary: 'Merge issues into the one with the most events', params: projectParams, body: idsBody, response: { 200: issueSchema } },
    handler: async (request) => {
      const { principal } = await requireProject(ctx, request, request.params.projectId, 'project:write');
      return issues.merge(request.params.projectId, request.body.ids, principal.user.id);
    },
  });

  app.get('/issues/:issueId', {
    schema: {
      tags: ['issues'],
      summary: 'One issue with its tag distributions and activity',
      params: issueParams,
      response: {
        200: issueSchema.extend({
          tags: z.array(z.object({ key: z.string(), total: z.number(), values: z.array(z.object({ value: z.string(), count: z.number(), lastSeen: z.number() })) })),
          activity: z.array(z.object({ id: z.string(), kind: z.string(), data: z.unknown(), createdAt: z.number(), user: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable() })),
        }),
      },
    },
    handler: async (request) => {
      await requireProject(ctx, request, await projectOfIssue(request.params.issueId), 'project:read');
      const [issue, tags, activity] = await Promise.all([issues.get(request.params.issueId), issues.tags(request.params.issueId), issues.activity(request.params.issueId)]);
      return { ...issue, tags, activity };
    },
  });

  app.patch('/issues/:issueId', {
    schema: { tags: ['issues'], summary: 'Resolve, ignore, reopen or assign an issue', params: issueParams, body: patchBody, response: { 200: issueSchema } },
    handler: async (request) => {
      const projectId = await projectOfIssue(request.params.issueId);
      const { principal } = await requireProject(ctx, request, projectId, 'project:write');
      const [updated] = await issues.update(projectId, [request.params.issueId], request.body, principal.user.id);
      if (!updated) throw fail('WP_ERR_NOT_FOUND', 'No such issue');
      return updated;
    },
  });

  app.delete('/issues/:issueId', {
    schema: { tags: ['issues'], summary: 'Delete an issue and its events', params: issueParams, response: { 200: okResponse } },
    handler: async (request) => {
      const projectId = await projectOfIssue(request.params.issueId);
      await requireProject(ctx, request, projectId, 'project:write');
      await issues.delete(projectId, [request.params.issueId]);
      return { ok: true as const };
    },
  });

  app.get('/issues/:issueId/events', {
    schema: {
      tags: ['issues'],
      summary: "An issue's events, newest first",
      params: issueParams,
      querystring: z.object({ cursor: z.coerce.number().int().min(0).max(10_000_000).default(0), limit: z.coerce.number().int().min(1).max(100).default(50) }),
      response: {
        200: z.object({
          items: z.array(z.object({ eventId: z.string(), timestamp: z.number(), receivedAt: z.number(), level: z.string(), environment: z.string(), release: z.string().nullable(), transaction: z.string().nullable(), message: z.string(), user: z.string().nullable() })),
          nextCursor: z.number().nullable(),
        }),
      },
    },
    handler: async (request) => {
      await requireProject(ctx, request, await projectOfIssue(request.params.issueId), 'project:read');
      const items = await issues.events(request.params.issueId, request.query.cursor, request.query.limit);
      return { items, nextCursor: items.length === request.query.limit ? request.query.cursor + items.length : null };
    },
  });

  app.get('/issues/:issueId/events/:eventId', {
    schema: {
      tags: ['issues'],
      summary: 'One event with its full data ("latest" and "oldest" work as ids)',
      params: issueParams.extend({ eventId: z.string().max(64) }),
      response: { 200: z.object({ eventId: z.string(), issueId: z.string(), timestamp: z.number(), receivedAt: z.number(), data: z.record(z.string(), z.unknown()), previousEventId: z.string().nullable(), nextEventId: z.string().nullable() }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, await projectOfIssue(request.params.issueId), 'project:read');
      return issues.event(request.params.issueId, request.params.eventId);
    },
  });

  app.post('/issues/:issueId/comments', {
    schema: { tags: ['issues'], summary: 'Comment on an issue', params: issueParams, body: z.object({ body: z.string().min(1).max(10_000) }), response: { 201: okResponse } },
    handler: async (request, reply) => {
      const projectId = await projectOfIssue(request.params.issueId);
      await requireProject(ctx, request, projectId, 'project:write');
      await issues.comment(projectId, request.params.issueId, principalOf(request).user.id, request.body.body);
      return reply.code(201).send({ ok: true as const });
    },
  });
}
