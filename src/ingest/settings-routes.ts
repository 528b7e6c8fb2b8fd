import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import { projectIdParam } from '../server/api-types.js';
import { requireProject } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';

const keyList = z.array(z.string().min(1).max(100)).max(200);
const settingsSchema = z.object({
  scrubEnabled: z.boolean().describe('Server-side PII scrubbing (passwords, tokens, cookies, card numbers, IBANs)'),
  scrubExtraKeys: keyList.describe('More key names whose values are replaced with [Filtered]'),
  scrubSafeKeys: keyList.describe('Key names never scrubbed'),
  storeClientIp: z.boolean().describe("Keep users' IP addresses"),
  quotaPerMinute: z.number().int().positive().nullable().describe('Errors + transactions per minute for the whole project (null: none)'),
  quotaPerMonth: z.number().int().positive().nullable().describe('Errors + transactions per calendar month (UTC; null: none)'),
});
const params = z.object({ projectId: projectIdParam });

/** A project's ingest settings: PII scrubbing and quotas. */
export function ingestSettingsRoutes(app: ApiInstance, ctx: AppContext): void {
  const { ingestSettings } = ctx.services;

  app.get('/projects/:projectId/ingest/settings', {
    schema: { tags: ['ingest'], summary: "A project's PII scrubbing and quota settings", params, response: { 200: settingsSchema } },
    handler: async (request) => {
      await requireProject(ctx, request, request.params.projectId, 'project:read');
      return ingestSettings.get(request.params.projectId);
    },
  });

  app.patch('/projects/:projectId/ingest/settings', {
    schema: { tags: ['ingest'], summary: 'Change PII scrubbing or quotas', params, body: settingsSchema.partial().strict(), response: { 200: settingsSchema } },
    handler: async (request) => {
      const { principal, project } = await requireProject(ctx, request, request.params.projectId, 'project:update');
      const patch = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      return ingestSettings.update(project, patch, actorOf(principal, request.ip));
    },
  });
}
