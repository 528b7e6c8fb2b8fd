import { z } from 'zod';
import type { ApiInstance } from '../server/api-types.js';
import { pageQuery } from '../server/api-types.js';
import { requireInstanceAdmin, requireOrg } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';

const eventSchema = z.object({
  id: z.string(),
  orgId: z.string().nullable(),
  actor: z.object({ userId: z.string().nullable(), label: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.number(),
});
const listResponse = z.object({ items: z.array(eventSchema), nextBefore: z.string().nullable() });
const query = pageQuery.extend({ action: z.string().max(100).optional() });

/** The audit trail, for organisation admins and instance administrators. */
export function auditRoutes(app: ApiInstance, ctx: AppContext): void {
  app.get('/orgs/:orgId/audit', {
    schema: {
      tags: ['audit'],
      summary: "The organisation's audit log, newest first (admins)",
      params: z.object({ orgId: z.string().max(64) }),
      querystring: query,
      response: { 200: listResponse },
    },
    handler: async (request) => {
      await requireOrg(ctx, request, request.params.orgId, 'audit:read');
      const items = await ctx.services.audit.listForOrg(request.params.orgId, request.query);
      return { items, nextBefore: items.length === request.query.limit ? (items.at(-1)?.id ?? null) : null };
    },
  });

  app.get('/audit', {
    schema: { tags: ['audit'], summary: 'Every audit event of the instance (instance administrators)', querystring: query, response: { 200: listResponse } },
    handler: async (request) => {
      requireInstanceAdmin(request);
      const items = await ctx.services.audit.listAll(request.query);
      return { items, nextBefore: items.length === request.query.limit ? (items.at(-1)?.id ?? null) : null };
    },
  });
}
