import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, projectIdParam } from '../server/api-types.js';
import { requireOrg, requireProject } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';

const projectSchema = z.object({
  id: z.number(),
  orgId: z.string(),
  name: z.string(),
  slug: z.string(),
  platform: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const keySchema = z.object({
  id: z.string(),
  label: z.string(),
  publicKey: z.string(),
  dsn: z.string(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  active: z.boolean(),
  rateLimitPerMinute: z.number().nullable(),
});
const projectParams = z.object({ projectId: projectIdParam });
const keyParams = projectParams.extend({ keyId: z.string().max(64) });
const platform = z.string().max(40).nullable().optional();

/** Projects and their ingest keys (DSNs). */
export function projectRoutes(app: ApiInstance, ctx: AppContext): void {
  const { projects } = ctx.services;

  app.get('/orgs/:orgId/projects', {
    schema: {
      tags: ['projects'],
      summary: "An organisation's projects",
      params: z.object({ orgId: z.string().max(64) }),
      response: { 200: z.object({ items: z.array(projectSchema) }) },
    },
    handler: async (request) => {
      await requireOrg(ctx, request, request.params.orgId, 'project:read');
      return { items: await projects.list(request.params.orgId) };
    },
  });

  app.post('/orgs/:orgId/projects', {
    schema: {
      tags: ['projects'],
      summary: 'Create a project with its first ingest key',
      params: z.object({ orgId: z.string().max(64) }),
      body: z.object({ name: z.string().min(1).max(100), platform }),
      response: { 201: z.object({ project: projectSchema, key: keySchema }) },
    },
    handler: async (request, reply) => {
      const { principal } = await requireOrg(ctx, request, request.params.orgId, 'project:create');
      const created = await projects.create(request.params.orgId, request.body, actorOf(principal, request.ip));
      return reply.code(201).send(created);
    },
  });

  app.get('/projects/:projectId', {
    schema: { tags: ['projects'], summary: 'One project', params: projectParams, response: { 200: projectSchema } },
    handler: async (request) => (await requireProject(ctx, request, request.params.projectId, 'project:read')).project,
  });

  app.patch('/projects/:projectId', {
    schema: {
      tags: ['projects'],
      summary: 'Rename a project or change its platform',
      params: projectParams,
      body: z.object({ name: z.string().min(1).max(100).optional(), platform }),
      response: { 200: projectSchema },
    },
    handler: async (request) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:update');
      return projects.update(project.id, request.body, actorOf(principal, request.ip));
    },
  });

  app.delete('/projects/:projectId', {
    schema: { tags: ['projects'], summary: 'Delete a project and all its data', params: projectParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:delete');
      await projects.delete(project.id, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.get('/projects/:projectId/keys', {
    schema: { tags: ['projects'], summary: "A project's ingest keys with their DSNs", params: projectParams, response: { 200: z.object({ items: z.array(keySchema) }) } },
    handler: async (request) => {
      const { project } = await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await projects.listKeys(project.id) };
    },
  });

  app.post('/projects/:projectId/keys', {
    schema: {
      tags: ['projects'],
      summary: 'Add an ingest key (e.g. one per app or environment)',
      params: projectParams,
      body: z.object({ label: z.string().min(1).max(100) }),
      response: { 201: keySchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:keys');
      return reply.code(201).send(await projects.createKey(project, request.body.label, actorOf(principal, request.ip)));
    },
  });

  app.patch('/projects/:projectId/keys/:keyId', {
    schema: {
      tags: ['projects'],
      summary: "Rename a key or set its rate limit (events per minute; null = the server's default)",
      params: keyParams,
      body: z.object({ label: z.string().min(1).max(100).optional(), rateLimitPerMinute: z.number().int().min(1).max(10_000_000).nullable().optional() }).strict(),
      response: { 200: keySchema },
    },
    handler: async (request) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:keys');
      const key = await projects.updateKey(project, request.params.keyId, request.body, actorOf(principal, request.ip));
      ctx.services.ingest.forgetKeys();
      return key;
    },
  });

  app.post('/projects/:projectId/keys/:keyId/rotate', {
    schema: {
      tags: ['projects'],
      summary: 'Replace a key; the old one keeps working for graceSeconds',
      params: keyParams,
      body: z.object({ graceSeconds: z.number().int().min(0).max(30 * 86_400).default(0) }),
      response: { 201: keySchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:keys');
      const key = await projects.rotateKey(project, request.params.keyId, request.body.graceSeconds, actorOf(principal, request.ip));
      return reply.code(201).send(key);
    },
  });

  app.delete('/projects/:projectId/keys/:keyId', {
    schema: { tags: ['projects'], summary: 'Revoke an ingest key now', params: keyParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:keys');
      await projects.revokeKey(project, request.params.keyId, actorOf(principal, request.ip));
      ctx.services.ingest.forgetKeys();
      return { ok: true as const };
    },
  });
}
