import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, projectIdParam } from '../server/api-types.js';
import { requireProject } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';
import { fail } from '../lib/errors.js';
import { CHANNEL_TYPES } from './types.js';

const channelSchema = z.object({
  id: z.string(),
  projectId: z.number(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  typeLabel: z.string(),
  target: z.string(),
  config: z.record(z.string(), z.unknown()),
  secretsSet: z.array(z.string()),
  isDefault: z.boolean(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  lastDelivery: z.object({ status: z.string(), at: z.number(), error: z.string().nullable() }).nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
const attemptSchema = z.object({
  attempt: z.number(),
  startedAt: z.number(),
  durationMs: z.number(),
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  response: z.string().nullable(),
  error: z.string().nullable(),
});
const deliverySchema = z.object({
  id: z.string(),
  channelId: z.string(),
  event: z.string(),
  title: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(attemptSchema),
  nextAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
});
const projectParams = z.object({ projectId: projectIdParam });
const channelParams = z.object({ channelId: z.string().max(64) });
const config = z.record(z.string(), z.unknown());

/** Notification channels of a project, "send test", and the delivery log. */
export function notifyRoutes(app: ApiInstance, ctx: AppContext): void {
  const { notify } = ctx.services;

  /** The project of a channel, checked against the caller's role. */
  const channelProject = async (request: Parameters<typeof requireProject>[1], channelId: string, permission: 'project:read' | 'project:write') => {
    const projectId = await notify.channelProject(channelId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such notification channel');
    return requireProject(ctx, request, projectId, permission);
  };

  app.get('/notify/channel-types', {
    schema: {
      tags: ['notifications'],
      summary: 'Notification channel types, their secret fields and configuration JSON Schema',
      response: { 200: z.object({ items: z.array(z.object({ type: z.string(), label: z.string(), secretFields: z.array(z.string()), configSchema: z.unknown() })) }) },
    },
    handler: () => ({ items: notify.channelTypes().map((t) => ({ ...t, secretFields: [...t.secretFields], configSchema: notify.configJsonSchema(t.type) })) }),
  });

  app.get('/projects/:projectId/channels', {
    schema: { tags: ['notifications'], summary: "A project's notification channels (secrets never included)", params: projectParams, response: { 200: z.object({ items: z.array(channelSchema) }) } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await notify.listChannels(request.params.projectId) };
    },
  });

  app.post('/projects/:projectId/channels', {
    schema: {
      tags: ['notifications'],
      summary: 'Add a notification channel; a webhook gets a signing secret, shown only in this reply',
      params: projectParams,
      body: z.object({ name: z.string().min(1).max(100), type: z.enum(CHANNEL_TYPES), config, isDefault: z.boolean().optional() }),
      response: { 201: channelSchema.extend({ signingSecret: z.string().optional() }) },
    },
    handler: async (request, reply) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:write');
      const created = await notify.createChannel(project.id, project.orgId, request.body, actorOf(principal, request.ip));
      return reply.code(201).send(created);
    },
  });

  app.get('/channels/:channelId', {
    schema: { tags: ['notifications'], summary: 'One notification channel', params: channelParams, response: { 200: channelSchema } },
    handler: async (request) => {
      await channelProject(request, request.params.channelId, 'project:read');
      return notify.getChannel(request.params.channelId);
    },
  });

  app.patch('/channels/:channelId', {
    schema: {
      tags: ['notifications'],
      summary: 'Change a channel; secret fields left out keep their value, null removes them',
      params: channelParams,
      body: z.object({ name: z.string().min(1).max(100).optional(), config: config.optional(), isDefault: z.boolean().optional(), enabled: z.boolean().optional() }),
      response: { 200: channelSchema },
    },
    handler: async (request) => {
      const { principal, project } = await channelProject(request, request.params.channelId, 'project:write');
      return notify.updateChannel(request.params.channelId, project.orgId, request.body, actorOf(principal, request.ip));
    },
  });

  app.delete('/channels/:channelId', {
    schema: { tags: ['notifications'], summary: 'Delete a channel and its delivery log', params: channelParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await channelProject(request, request.params.channelId, 'project:write');
      await notify.deleteChannel(request.params.channelId, project.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.post('/channels/:channelId/test', {
    schema: { tags: ['notifications'], summary: 'Send a test message now and report the attempt', params: channelParams, response: { 200: deliverySchema } },
    handler: async (request) => {
      await channelProject(request, request.params.channelId, 'project:write');
      return notify.test(request.params.channelId);
    },
  });

  app.get('/projects/:projectId/deliveries', {
    schema: {
      tags: ['notifications'],
      summary: 'The delivery log: every notification, its status and attempts, newest first',
      params: projectParams,
      querystring: z.object({
        channelId: z.string().max(64).optional(),
        status: z.enum(['pending', 'delivered', 'failed']).optional(),
        before: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: { 200: z.object({ items: z.array(deliverySchema) }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await notify.deliveries(request.params.projectId, request.query) };
    },
  });

  app.post('/deliveries/:deliveryId/retry', {
    schema: { tags: ['notifications'], summary: 'Send a failed or waiting delivery again now', params: z.object({ deliveryId: z.string().max(64) }), response: { 200: okResponse } },
    handler: async (request) => {
      const projectId = await notify.deliveryProject(request.params.deliveryId);
      if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such delivery');
      await requireProject(ctx, request, projectId, 'project:write');
      await notify.retry(request.params.deliveryId);
      return { ok: true as const };
    },
  });
}
