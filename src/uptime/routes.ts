import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../lib/errors.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, projectIdParam } from '../server/api-types.js';
import { requireProject, type Permission } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';
import { CHECKER_TYPES } from './checkers/types.js';
import type { MonitorInput } from './service.js';
import { MONITOR_STATUSES } from './types.js';

const MONITOR_TYPES = [...CHECKER_TYPES, 'heartbeat'] as const;

const monitorSchema = z.object({
  id: z.string(),
  projectId: z.number(),
  name: z.string(),
  type: z.enum(MONITOR_TYPES),
  target: z.string(),
  status: z.enum(MONITOR_STATUSES),
  statusSince: z.number(),
  paused: z.boolean(),
  intervalSeconds: z.number(),
  timeoutSeconds: z.number(),
  retries: z.number(),
  retryIntervalSeconds: z.number(),
  resendEvery: z.number(),
  channelIds: z.array(z.string()).nullable(),
  config: z.record(z.string(), z.unknown()),
  secretsSet: z.array(z.string()),
  lastCheckAt: z.number().nullable(),
  lastLatencyMs: z.number().nullable(),
  lastMessage: z.string().nullable(),
  nextCheckAt: z.number().nullable(),
  uptime24h: z.number().nullable(),
  slug: z.string().nullable(),
  heartbeat: z
    .object({
      pingUrl: z.string(),
      periodSeconds: z.number().nullable(),
      graceSeconds: z.number(),
      cron: z.string().nullable(),
      timezone: z.string().nullable(),
      lastPingAt: z.number().nullable(),
      runningSince: z.number().nullable(),
    })
    .nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** The reply for a created heartbeat carries its ping URL at the top level too. */
const createdSchema = monitorSchema.extend({ pingUrl: z.string().optional() });

const checkResultSchema = z.object({
  at: z.number(),
  status: z.enum(['up', 'degraded', 'down', 'maintenance']),
  latencyMs: z.number().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
const outcomeSchema = z.object({
  status: z.enum(['up', 'degraded', 'down']),
  latencyMs: z.number().nullable(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  certificate: z.object({ subject: z.string(), issuer: z.string(), validFrom: z.number(), validTo: z.number(), daysLeft: z.number() }).optional(),
});

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
const monitorFields = {
  name: z.string().min(1).max(200),
  /** Shorthands merged into config: the URL of http/headers monitors, host/port of tcp/tls. */
  url: z.string().max(2000).optional(),
  host: z.string().max(255).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  intervalSeconds: seconds(20, 86_400).optional(),
  timeoutSeconds: seconds(1, 120).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  retryIntervalSeconds: seconds(20, 86_400).optional(),
  resendEvery: z.number().int().min(0).max(10_000).optional(),
  channelIds: z.array(z.string().max(64)).max(50).nullable().optional(),
  paused: z.boolean().optional(),
  periodSeconds: seconds(60, 31_536_000).optional(),
  graceSeconds: seconds(0, 31_536_000).optional(),
  cron: z.string().min(1).max(200).nullable().optional(),
  timezone: z.string().min(1).max(64).optional(),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,127}$/, 'lower-case letters, digits, - and _')
    .nullable()
    .optional(),
};
const createBody = z.object({ type: z.enum(MONITOR_TYPES), ...monitorFields });
const updateBody = z.object({ ...monitorFields, name: monitorFields.name.optional() });

type CreateBody = z.infer<typeof createBody>;

/** Folds the url/host/port shorthands into the checker config. */
function configOf(body: Pick<CreateBody, 'config' | 'url' | 'host' | 'port'>): Record<string, unknown> | undefined {
  if (body.config === undefined && body.url === undefined && body.host === undefined && body.port === undefined) return undefined;
  return { ...(body.config ?? {}), ...(body.url !== undefined ? { url: body.url } : {}), ...(body.host !== undefined ? { host: body.host } : {}), ...(body.port !== undefined ? { port: body.port } : {}) };
}

function inputOf(body: CreateBody): MonitorInput {
  const interval = body.intervalSeconds ?? 60;
  return {
    name: body.name,
    type: body.type,
    config: configOf(body) ?? {},
    intervalSeconds: interval,
    timeoutSeconds: body.timeoutSeconds ?? Math.min(30, Math.max(1, Math.floor(interval * 0.8))),
    retries: body.retries ?? 1,
    retryIntervalSeconds: body.retryIntervalSeconds ?? Math.min(interval, 20),
    resendEvery: body.resendEvery ?? 0,
    channelIds: body.channelIds ?? null,
    paused: body.paused ?? false,
    periodSeconds: body.periodSeconds ?? (body.cron ? null : body.type === 'heartbeat' ? 86_400 : null),
    graceSeconds: body.graceSeconds ?? 300,
    cron: body.cron ?? null,
    timezone: body.timezone ?? 'UTC',
    slug: body.slug ?? null,
  };
}

const monitorParams = z.object({ monitorId: z.string().max(64) });
const projectParams = z.object({ projectId: projectIdParam });

/** Uptime monitors: CRUD, check now, test runs, checks, downtimes, pings, stats, maintenance windows. */
export function uptimeRoutes(app: ApiInstance, ctx: AppContext): void {
  const { uptime } = ctx.services;

  const monitorProject = async (request: FastifyRequest, monitorId: string, permission: Permission) => {
    const projectId = await uptime.projectOf(monitorId);
    if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such monitor');
    return requireProject(ctx, request, projectId, permission);
  };

  app.get('/projects/:projectId/monitors', {
    schema: {
      tags: ['uptime'],
      summary: "A project's monitors with status and 24 h uptime, by name, paginated",
      params: projectParams,
      querystring: z.object({
        status: z.enum(MONITOR_STATUSES).optional(),
        type: z.enum(MONITOR_TYPES).optional(),
        search: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      response: {
        200: z.object({
          // latency24h: average response time per hour over the last 24 hours, oldest first (null: no data).
          items: z.array(monitorSchema.extend({ latency24h: z.array(z.number().nullable()) })),
          total: z.number(),
          counts: z.record(z.string(), z.number()),
        }),
      },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return uptime.list(request.params.projectId, request.query);
    },
  });

  app.post('/projects/:projectId/monitors', {
    schema: {
      tags: ['uptime'],
      summary: 'Create a monitor (http, tcp, dns, tls, headers, postgres, redis, or a heartbeat with a ping URL)',
      params: projectParams,
      body: createBody,
      response: { 201: createdSchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:write');
      const monitor = await uptime.create(project.id, project.orgId, inputOf(request.body), actorOf(principal, request.ip));
      return reply.code(201).send({ ...monitor, ...(monitor.heartbeat ? { pingUrl: monitor.heartbeat.pingUrl } : {}) });
    },
  });

  app.post('/projects/:projectId/monitors/test', {
    schema: {
      tags: ['uptime'],
      summary: 'Run a check with these settings once, without saving anything',
      params: projectParams,
      body: createBody.partial({ name: true }),
      response: { 200: outcomeSchema },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:write');
      const input = inputOf({ ...request.body, name: request.body.name ?? 'test' });
      return uptime.test(input.type, input.config, input.timeoutSeconds);
    },
  });

  app.post('/monitors/:monitorId/test', {
    schema: {
      tags: ['uptime'],
      summary: "Run a check with changed settings of this monitor once (stored secrets included), without saving",
      params: monitorParams,
      body: updateBody,
      response: { 200: outcomeSchema },
    },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:write');
      return uptime.testExisting(request.params.monitorId, configOf(request.body), request.body.timeoutSeconds);
    },
  });

  app.get('/monitors/:monitorId', {
    schema: { tags: ['uptime'], summary: 'One monitor', params: monitorParams, response: { 200: monitorSchema } },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:read');
      return uptime.get(request.params.monitorId);
    },
  });

  app.patch('/monitors/:monitorId', {
    schema: {
      tags: ['uptime'],
      summary: 'Change a monitor, pause or resume it. `config` replaces the non-secret settings (send them all); secret settings left out keep their value, null removes them',
      params: monitorParams,
      body: updateBody,
      response: { 200: monitorSchema },
    },
    handler: async (request) => {
      const { principal, project } = await monitorProject(request, request.params.monitorId, 'project:write');
      const body = request.body;
      const patch: Partial<MonitorInput> = {
        name: body.name,
        config: configOf(body),
        intervalSeconds: body.intervalSeconds,
        timeoutSeconds: body.timeoutSeconds,
        retries: body.retries,
        retryIntervalSeconds: body.retryIntervalSeconds,
        resendEvery: body.resendEvery,
        channelIds: body.channelIds,
        paused: body.paused,
        periodSeconds: body.periodSeconds,
        graceSeconds: body.graceSeconds,
        cron: body.cron,
        timezone: body.timezone,
        slug: body.slug,
      };
      return uptime.update(request.params.monitorId, project.orgId, patch, actorOf(principal, request.ip));
    },
  });

  app.delete('/monitors/:monitorId', {
    schema: { tags: ['uptime'], summary: 'Delete a monitor and its history', params: monitorParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal, project } = await monitorProject(request, request.params.monitorId, 'project:write');
      await uptime.delete(request.params.monitorId, project.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.post('/monitors/:monitorId/check', {
    schema: { tags: ['uptime'], summary: 'Check now; the result is recorded like a scheduled check', params: monitorParams, response: { 200: checkResultSchema } },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:write');
      return uptime.checkNow(request.params.monitorId);
    },
  });

  app.get('/monitors/:monitorId/checks', {
    schema: {
      tags: ['uptime'],
      summary: 'Recent checks, newest first',
      params: monitorParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), before: z.coerce.number().int().optional() }),
      response: { 200: z.object({ items: z.array(checkResultSchema) }) },
    },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:read');
      return { items: await uptime.checks(request.params.monitorId, request.query.limit, request.query.before) };
    },
  });

  app.get('/monitors/:monitorId/downtimes', {
    schema: {
      tags: ['uptime'],
      summary: 'The downtime log: start, end, duration and cause',
      params: monitorParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), startedAt: z.number(), endedAt: z.number().nullable(), durationMs: z.number(), cause: z.string() })) }) },
    },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:read');
      return { items: await uptime.downtimes(request.params.monitorId, request.query.limit) };
    },
  });

  app.get('/monitors/:monitorId/pings', {
    schema: {
      tags: ['uptime'],
      summary: "A heartbeat's recent pings with run durations",
      params: monitorParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.string(),
              at: z.number(),
              kind: z.enum(['success', 'start', 'fail', 'log']),
              exitCode: z.number().nullable(),
              rid: z.string().nullable(),
              durationMs: z.number().nullable(),
              body: z.string().nullable(),
              sourceIp: z.string().nullable(),
              userAgent: z.string().nullable(),
            }),
          ),
        }),
      },
    },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:read');
      return { items: await uptime.pings(request.params.monitorId, request.query.limit) };
    },
  });

  const pctSchema = z.number().nullable();
  app.get('/monitors/:monitorId/stats', {
    schema: {
      tags: ['uptime'],
      summary: 'Uptime over 24 h to 1 y, latency percentiles, a 24 h latency series and 90 daily bars (from rollups)',
      params: monitorParams,
      response: {
        200: z.object({
          uptime: z.object({ h24: pctSchema, d7: pctSchema, d30: pctSchema, d90: pctSchema, y1: pctSchema }),
          latency: z.object({ avgMs: z.number().nullable(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() }),
          series: z.array(z.object({ t: z.number(), avgMs: z.number().nullable(), p95Ms: z.number().nullable(), up: z.number(), degraded: z.number(), down: z.number(), maintenance: z.number() })),
          days: z.array(z.object({ day: z.number(), uptime: pctSchema, checks: z.number(), down: z.number(), maintenance: z.number() })),
        }),
      },
    },
    handler: async (request) => {
      await monitorProject(request, request.params.monitorId, 'project:read');
      return uptime.stats(request.params.monitorId);
    },
  });

  const windowSchema = z.object({
    id: z.string(),
    title: z.string(),
    monitorIds: z.array(z.string()).nullable(),
    startsAt: z.number().nullable(),
    endsAt: z.number().nullable(),
    cron: z.string().nullable(),
    durationMinutes: z.number().nullable(),
    timezone: z.string(),
    activeNow: z.boolean(),
    createdAt: z.number(),
  });

  app.get('/projects/:projectId/maintenance', {
    schema: { tags: ['uptime'], summary: 'Maintenance windows (one-off and recurring)', params: projectParams, response: { 200: z.object({ items: z.array(windowSchema) }) } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await uptime.windows(request.params.projectId) };
    },
  });

  app.post('/projects/:projectId/maintenance', {
    schema: {
      tags: ['uptime'],
      summary: 'Add a maintenance window: startsAt/endsAt, or a cron expression with durationMinutes, in a time zone',
      params: projectParams,
      body: z.object({
        title: z.string().min(1).max(200),
        monitorIds: z.array(z.string().max(64)).max(1000).nullable().default(null),
        startsAt: z.number().int().nullable().default(null),
        endsAt: z.number().int().nullable().default(null),
        cron: z.string().min(1).max(200).nullable().default(null),
        durationMinutes: z.number().int().min(1).max(10_080).nullable().default(null),
        timezone: z.string().min(1).max(64).default('UTC'),
      }),
      response: { 201: windowSchema },
    },
    handler: async (request, reply) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:write');
      return reply.code(201).send(await uptime.createWindow(project.id, project.orgId, request.body, actorOf(principal, request.ip)));
    },
  });

  app.delete('/maintenance/:windowId', {
    schema: { tags: ['uptime'], summary: 'Delete a maintenance window', params: z.object({ windowId: z.string().max(64) }), response: { 200: okResponse } },
    handler: async (request) => {
      const projectId = await uptime.windowProject(request.params.windowId);
      if (projectId === undefined) throw fail('WP_ERR_NOT_FOUND', 'No such maintenance window');
      const { principal, project } = await requireProject(ctx, request, projectId, 'project:write');
      await uptime.deleteWindow(request.params.windowId, project.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });
}
