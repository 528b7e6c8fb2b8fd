import { z } from 'zod';
import { fail } from '../lib/errors.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse, pageQuery } from '../server/api-types.js';
import { requireInstanceAdmin } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';

const runSchema = z.object({
  id: z.string(),
  jobName: z.string(),
  node: z.string(),
  scheduledFor: z.number(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  status: z.enum(['running', 'ok', 'error', 'abandoned']),
  error: z.string().nullable(),
  result: z.unknown(),
});

/** Periodic jobs and their run history (instance administrators). */
export function jobRoutes(app: ApiInstance, ctx: AppContext): void {
  app.get('/jobs', {
    schema: {
      tags: ['jobs'],
      summary: 'Registered periodic jobs with schedule, next run and last outcome',
      response: {
        200: z.object({
          items: z.array(
            z.object({
              name: z.string(),
              description: z.string().nullable(),
              schedule: z.string(),
              nextRunAt: z.number(),
              running: z.object({ node: z.string(), since: z.number() }).nullable(),
              lastRun: runSchema.nullable(),
            }),
          ),
          enabled: z.boolean(),
        }),
      },
    },
    handler: async (request) => {
      requireInstanceAdmin(request);
      return { items: await ctx.jobs.list(), enabled: ctx.config.jobsEnabled };
    },
  });

  app.get('/jobs/runs', {
    schema: {
      tags: ['jobs'],
      summary: 'Recorded runs, newest first',
      querystring: pageQuery.extend({ job: z.string().max(100).optional() }),
      response: { 200: z.object({ items: z.array(runSchema), nextBefore: z.string().nullable() }) },
    },
    handler: async (request) => {
      requireInstanceAdmin(request);
      const { job, limit, before } = request.query;
      const items = await ctx.jobs.runs(job ?? null, limit, before);
      return { items, nextBefore: items.length === limit ? (items.at(-1)?.id ?? null) : null };
    },
  });

  app.post('/jobs/:name/run', {
    schema: { tags: ['jobs'], summary: 'Run a job now (on whichever node claims it)', params: z.object({ name: z.string().max(100) }), response: { 200: okResponse } },
    handler: async (request) => {
      requireInstanceAdmin(request);
      if (!(await ctx.jobs.runNow(request.params.name))) throw fail('WP_ERR_NOT_FOUND', `No job named ${request.params.name}`);
      return { ok: true as const };
    },
  });
}
