import { z } from 'zod';
import { PERIOD_MS } from '../lib/periods.js';
import type { ApiInstance } from '../server/api-types.js';
import { projectIdParam } from '../server/api-types.js';
import { requireProject } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';

const projectParams = z.object({ projectId: projectIdParam });
const period = z.enum(['1h', '24h', '7d', '30d']).default('24h');
const ms = z.number().nullable();
const vital = z.object({ vital: z.string(), count: z.number(), good: z.number(), meh: z.number(), poor: z.number(), p75: ms });

/** Performance summaries (from rollups), releases with release health, and ingest statistics. */
export function performanceRoutes(app: ApiInstance, ctx: AppContext): void {
  const { performance, issues, ingest } = ctx.services;

  app.get('/projects/:projectId/performance/endpoints', {
    schema: {
      tags: ['performance'],
      summary: 'Endpoints (transactions) with p50/p95/p99 latency, throughput, failure rate and Apdex',
      params: projectParams,
      querystring: z.object({ period }),
      response: { 200: z.object({ items: z.array(z.object({ name: z.string(), count: z.number(), throughputPerMinute: z.number(), failureRate: z.number(), apdex: ms, avgMs: ms, p50: ms, p95: ms, p99: ms })) }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await performance.endpoints(request.params.projectId, request.query.period) };
    },
  });

  app.get('/projects/:projectId/performance/endpoint', {
    schema: {
      tags: ['performance'],
      summary: "One endpoint's latency series and slowest spans",
      params: projectParams,
      querystring: z.object({ name: z.string().min(1).max(500), period }),
      response: {
        200: z.object({
          name: z.string(),
          series: z.array(z.object({ t: z.number(), count: z.number(), failures: z.number(), p50: ms, p95: ms, p99: ms })),
          spans: z.array(z.object({ op: z.string(), description: z.string(), count: z.number(), avgMs: z.number(), p95: ms, maxMs: z.number() })),
        }),
      },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return performance.endpoint(request.params.projectId, request.query.name, request.query.period);
    },
  });

  app.get('/projects/:projectId/performance/vitals', {
    schema: {
      tags: ['performance'],
      summary: 'Web vitals (LCP, FCP, CLS, TTFB, INP): p75 and good / needs-improvement / poor counts',
      params: projectParams,
      querystring: z.object({ period }),
      response: { 200: z.object({ items: z.array(vital), pages: z.array(z.object({ page: z.string(), vitals: z.array(vital) })) }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return performance.vitals(request.params.projectId, request.query.period);
    },
  });

  app.get('/projects/:projectId/releases', {
    schema: {
      tags: ['releases'],
      summary: 'Releases with new issues, sessions and crash-free rates',
      params: projectParams,
      response: { 200: z.object({ items: z.array(z.object({ version: z.string(), createdAt: z.number(), lastSeen: z.number(), newIssues: z.number(), sessions: z.number(), crashFreeSessions: ms, crashFreeUsers: ms })) }) },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return { items: await issues.releases(request.params.projectId) };
    },
  });

  app.get('/projects/:projectId/ingest/stats', {
    schema: {
      tags: ['ingest'],
      summary: 'What happened to ingested data: accepted, rate-limited, over quota, filtered, invalid, dropped by the client',
      params: projectParams,
      querystring: z.object({ period: z.enum(['24h', '7d', '30d']).default('24h') }),
      response: {
        200: z.object({
          totals: z.array(z.object({ category: z.string(), outcome: z.string(), count: z.number() })),
          series: z.array(z.object({ hour: z.number(), category: z.string(), outcome: z.string(), count: z.number() })),
        }),
      },
    },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      const since = Date.now() - PERIOD_MS[request.query.period];
      return { totals: await ingest.outcomeTotals(request.params.projectId, since), series: await ingest.outcomeSeries(request.params.projectId, since) };
    },
  });
}
