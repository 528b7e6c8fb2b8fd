import { z } from 'zod';
import { fail } from '../lib/errors.js';
import { roleAtLeast } from '../orgs/roles.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse } from '../server/api-types.js';
import { PERMISSIONS, requireOrg, SCOPE_CAP } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';
import { TOKEN_SCOPES } from './types.js';

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scope: z.enum(TOKEN_SCOPES),
  createdBy: z.object({ id: z.string(), email: z.string() }).nullable(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
const orgParams = z.object({ orgId: z.string().max(64) });

/** API tokens of an organisation. */
export function tokenRoutes(app: ApiInstance, ctx: AppContext): void {
  const { tokens } = ctx.services;

  app.get('/orgs/:orgId/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'API tokens: all of them for admins, your own otherwise',
      params: orgParams,
      response: { 200: z.object({ items: z.array(tokenSchema) }) },
    },
    handler: async (request) => {
      const { principal, role } = await requireOrg(ctx, request, request.params.orgId, 'org:read');
      const all = roleAtLeast(role, PERMISSIONS['token:manage']);
      return { items: await tokens.list(request.params.orgId, all ? undefined : principal.user.id) };
    },
  });

  app.post('/orgs/:orgId/tokens', {
    schema: {
      tags: ['tokens'],
      summary: 'Create an API token; the secret is in this response only',
      params: orgParams,
      body: z.object({
        name: z.string().min(1).max(100),
        scope: z.enum(TOKEN_SCOPES).default('read'),
        expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
      }),
      response: { 201: z.object({ token: z.string(), apiToken: tokenSchema }) },
    },
    handler: async (request, reply) => {
      const { principal, role } = await requireOrg(ctx, request, request.params.orgId, 'token:create');
      if (principal.kind === 'token') throw fail('WP_ERR_FORBIDDEN', 'Create tokens from the dashboard or the CLI, not with another token');
      // No token can do more than the person who creates it.
      const needed = SCOPE_CAP[request.body.scope];
      if (!roleAtLeast(role, needed)) throw fail('WP_ERR_FORBIDDEN', `A ${request.body.scope} token needs the ${needed} role`);
      const days = request.body.expiresInDays;
      const created = await tokens.create(
        {
          orgId: request.params.orgId,
          userId: principal.user.id,
          name: request.body.name,
          scope: request.body.scope,
          expiresAt: days ? Date.now() + days * 86_400_000 : null,
        },
        actorOf(principal, request.ip),
      );
      return reply.code(201).send(created);
    },
  });

  app.delete('/orgs/:orgId/tokens/:tokenId', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke a token (your own, or any as an admin)',
      params: orgParams.extend({ tokenId: z.string().max(64) }),
      response: { 200: okResponse },
    },
    handler: async (request) => {
      const token = await tokens.get(request.params.orgId, request.params.tokenId);
      const own = token !== undefined && token.user_id === request.principal?.user.id;
      // Your own tokens you may always revoke; other people's need token:manage.
      const { principal } = await requireOrg(ctx, request, request.params.orgId, own ? 'token:create' : 'token:manage');
      if (!token) throw fail('WP_ERR_NOT_FOUND', 'No such token');
      await tokens.revoke(request.params.orgId, request.params.tokenId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });
}
