import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../lib/errors.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, projectIdParam } from '../server/api-types.js';
import { requireProject, type Permission } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';
import { ALL_INCIDENT_STATUSES, IMPACTS, INCIDENT_KINDS, LIMITS } from './types.js';

const componentSchema = z.object({ id: z.string(), name: z.string(), description: z.string().nullable(), group: z.string().nullable(), monitorIds: z.array(z.string()) });
const pageSchema = z.object({
  id: z.string(),
  projectId: z.number(),
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  customDomain: z.string().nullable(),
  passwordProtected: z.boolean(),
  showUptimeBars: z.boolean(),
  url: z.string(),
  components: z.array(componentSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const updateSchema = z.object({ id: z.string(), status: z.enum(ALL_INCIDENT_STATUSES), body: z.string(), createdAt: z.number(), authorId: z.string().nullable() });
const incidentSchema = z.object({
  id: z.string(),
  statusPageId: z.string(),
  title: z.string(),
  impact: z.enum(IMPACTS),
  kind: z.enum(INCIDENT_KINDS),
  status: z.enum(ALL_INCIDENT_STATUSES),
  componentIds: z.array(z.string()),
  scheduledFor: z.number().nullable(),
  scheduledUntil: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.number().nullable(),
  createdBy: z.string().nullable(),
  updates: z.array(updateSchema),
});

const slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens, at most 64');
/** A host name, compared in lower case; no scheme, port or path. */
const domain = z
  .string()
  .max(253)
  .transform((d) => d.trim().toLowerCase().replace(/\.$/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'a host name such as status.example.com (no scheme, port or path)'));
const password = z.string().min(8, 'at least 8 characters').max(200);
const text = (max: number) => z.string().trim().min(1).max(max);
const pageFields = {
  slug,
  title: text(200),
  description: z.string().trim().max(1000).nullable().optional(),
  customDomain: domain.nullable().optional(),
  showUptimeBars: z.boolean().optional(),
};
const body = z.string().trim().min(1).max(LIMITS.incidentBody);
const id = z.string().max(64);

const projectParams = z.object({ projectId: projectIdParam });
const pageParams = z.object({ statusPageId: id });
const incidentParams = z.object({ statusIncidentId: id });

/** Status pages of a project: pages, components, password, incidents and maintenance with their updates. */
export function statusPageRoutes(app: ApiInstance, ctx: AppContext): void {
  const { statusPages } = ctx.services;

  const pageProject = async (request: FastifyRequest, pageId: string, permission: Permission) => {
    const projectId = await statusPages.pageProject(pageId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such status page');
    return requireProject(ctx, request, projectId, permission);
  };
  const incidentProject = async (request: FastifyRequest, incidentId: string, permission: Permission) => {
    const projectId = await statusPages.incidentProject(incidentId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such incident');
    return requireProject(ctx, request, projectId, permission);
  };
  const tags = ['status-pages'];

  app.get('/projects/:projectId/status-pages', {
    schema: { tags, summary: "A project's status pages with their components", params: projectParams, response: { 200: z.object({ items: z.array(pageSchema) }) } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await statusPages.list(request.params.projectId) };
    },
  });

  app.post('/projects/:projectId/status-pages', {
    schema: {
      tags,
      summary: 'Create a public status page at /status/<slug> (optionally on a custom domain, optionally password-protected)',
      params: projectParams,
      body: z.object({ ...pageFields, password: password.nullable().optional() }),
      response: { 201: pageSchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:write');
      return reply.code(201).send(await statusPages.create(project.id, project.orgId, request.body, actorOf(principal, request.ip)));
    },
  });

  app.get('/status-pages/:statusPageId', {
    schema: { tags, summary: 'One status page with its components', params: pageParams, response: { 200: pageSchema } },
    handler: async (request) => {
      await pageProject(request, request.params.statusPageId, 'project:read');
      return statusPages.get(request.params.statusPageId);
    },
  });

  app.patch('/status-pages/:statusPageId', {
    schema: { tags, summary: 'Change a status page (slug, title, description, custom domain, uptime bars)', params: pageParams, body: z.object({ ...pageFields, slug: slug.optional(), title: pageFields.title.optional() }), response: { 200: pageSchema } },
    handler: async (request) => {
      const { principal, project } = await pageProject(request, request.params.statusPageId, 'project:write');
      return statusPages.update(request.params.statusPageId, project.orgId, request.body, actorOf(principal, request.ip));
    },
  });

  app.delete('/status-pages/:statusPageId', {
    schema: { tags, summary: 'Delete a status page with its components and incidents', params: pageParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await pageProject(request, request.params.statusPageId, 'project:write');
      await statusPages.delete(request.params.statusPageId, project.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.put('/status-pages/:statusPageId/password', {
    schema: { tags, summary: 'Protect a status page with a password (visitors let in before must enter the new one)', params: pageParams, body: z.object({ password }), response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await pageProject(request, request.params.statusPageId, 'project:write');
      await statusPages.setPassword(request.params.statusPageId, project.orgId, request.body.password, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.delete('/status-pages/:statusPageId/password', {
    schema: { tags, summary: 'Remove the password: the page becomes public', params: pageParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await pageProject(request, request.params.statusPageId, 'project:write');
      await statusPages.setPassword(request.params.statusPageId, project.orgId, null, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.put('/status-pages/:statusPageId/components', {
    schema: {
      tags,
      summary: "Set a page's components in order; each shows the worst status of its monitors (of the page's project)",
      params: pageParams,
      body: z.object({
        components: z
          .array(
            z.object({
              id: id.optional(),
              name: text(200),
              description: z.string().trim().max(500).nullable().optional(),
              group: z.string().trim().min(1).max(200).nullable().optional(),
              monitorIds: z.array(id).min(1).max(LIMITS.monitorsPerComponent),
            }),
          )
          .max(LIMITS.components),
      }),
      response: { 200: z.object({ items: z.array(componentSchema) }) },
    },
    handler: async (request) => {
      const { principal, project } = await pageProject(request, request.params.statusPageId, 'project:write');
      return { items: await statusPages.setComponents(request.params.statusPageId, project.orgId, request.body.components, actorOf(principal, request.ip)) };
    },
  });

  app.get('/status-pages/:statusPageId/incidents', {
    schema: {
      tags,
      summary: "A page's incidents and maintenance with their updates, newest first",
      params: pageParams,
      querystring: z.object({
        state: z.enum(['open', 'resolved', 'all']).default('all'),
        kind: z.enum(INCIDENT_KINDS).optional(),
        before: id.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ items: z.array(incidentSchema) }) },
    },
    handler: async (request) => {
      await pageProject(request, request.params.statusPageId, 'project:read');
      const { state, ...rest } = request.query;
      return { items: await statusPages.listIncidents(request.params.statusPageId, { ...rest, open: state === 'all' ? undefined : state === 'open' }) };
    },
  });

  app.post('/status-pages/:statusPageId/incidents', {
    schema: {
      tags,
      summary: 'Open an incident or schedule maintenance, with its first update',
      params: pageParams,
      body: z.object({
        title: text(200),
        kind: z.enum(INCIDENT_KINDS).default('incident'),
        impact: z.enum(IMPACTS).default('minor'),
        status: z.enum(ALL_INCIDENT_STATUSES).optional(),
        body,
        componentIds: z.array(id).max(LIMITS.components).default([]),
        scheduledFor: z.number().int().positive().nullable().optional(),
        scheduledUntil: z.number().int().positive().nullable().optional(),
      }),
      response: { 201: incidentSchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await pageProject(request, request.params.statusPageId, 'project:write');
      return reply.code(201).send(await statusPages.createIncident(request.params.statusPageId, project.orgId, request.body, actorOf(principal, request.ip)));
    },
  });

  app.get('/status-incidents/:statusIncidentId', {
    schema: { tags, summary: 'One status-page incident with its updates', params: incidentParams, response: { 200: incidentSchema } },
    handler: async (request) => {
      await incidentProject(request, request.params.statusIncidentId, 'project:read');
      return statusPages.getIncident(request.params.statusIncidentId);
    },
  });

  app.patch('/status-incidents/:statusIncidentId', {
    schema: {
      tags,
      summary: "Change an incident's title, impact, affected components or maintenance window",
      params: incidentParams,
      body: z.object({
        title: text(200).optional(),
        impact: z.enum(IMPACTS).optional(),
        componentIds: z.array(id).max(LIMITS.components).optional(),
        scheduledFor: z.number().int().positive().optional(),
        scheduledUntil: z.number().int().positive().optional(),
      }),
      response: { 200: incidentSchema },
    },
    handler: async (request) => {
      const { principal, project } = await incidentProject(request, request.params.statusIncidentId, 'project:write');
      return statusPages.updateIncident(request.params.statusIncidentId, project.orgId, request.body, actorOf(principal, request.ip));
    },
  });

  app.post('/status-incidents/:statusIncidentId/updates', {
    schema: {
      tags,
      summary: 'Post an update: a new status and a message (resolved/completed closes it)',
      params: incidentParams,
      body: z.object({ status: z.enum(ALL_INCIDENT_STATUSES), body, impact: z.enum(IMPACTS).optional() }),
      response: { 201: incidentSchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await incidentProject(request, request.params.statusIncidentId, 'project:write');
      return reply.code(201).send(await statusPages.addUpdate(request.params.statusIncidentId, project.orgId, request.body, actorOf(principal, request.ip)));
    },
  });

  app.delete('/status-incidents/:statusIncidentId', {
    schema: { tags, summary: 'Delete an incident and its updates', params: incidentParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await incidentProject(request, request.params.statusIncidentId, 'project:write');
      await statusPages.deleteIncident(request.params.statusIncidentId, project.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });
}
