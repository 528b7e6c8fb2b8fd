import type { FastifyRequest } from 'fastify';
import { fail } from '../lib/errors.js';
import type { Organization } from '../orgs/types.js';
import type { Project } from '../projects/types.js';
import type { ApiInstance } from './api-types.js';
import { principalOf, requireOrg, type Permission } from './authorize.js';
import type { AppContext } from './context.js';
import type { Principal } from './principal.js';

/**
 * The slice of Sentry's web API (`/api/0/…`) that sentry-cli and the Sentry bundler plugins call:
 * release files and releases. Authenticated like the rest of our API (`Authorization: Bearer` with
 * a Watchpost API token); `{org}` is an organisation slug or id.
 */
export function sentryApiScope(api: ApiInstance, register: (scope: ApiInstance) => Promise<void>): void {
  void api.register(
    async (scope) => {
      // Sentry's clients print `detail` from an error body; ours is in error.message.
      scope.addHook('onSend', (_request, reply, payload, done) => {
        if (reply.statusCode < 400 || typeof payload !== 'string') return done(null, payload);
        try {
          const body = JSON.parse(payload) as { error?: { message?: unknown } };
          if (typeof body.error?.message === 'string') return done(null, JSON.stringify({ ...body, detail: body.error.message }));
        } catch {
          // not JSON: leave it
        }
        done(null, payload);
      });
      await register(scope);
    },
    { prefix: '/0' },
  );
}

/**
 * The organisation named in a Sentry-style URL, after checking the caller's permission in it. An
 * unknown slug answers like a foreign one (403), so slugs can't be probed.
 */
export async function requireSentryOrg(ctx: AppContext, request: FastifyRequest, idOrSlug: string, permission: Permission): Promise<{ org: Organization; principal: Principal }> {
  const org = await ctx.services.orgs.find(idOrSlug);
  if (!org) {
    principalOf(request);
    throw fail('WP_ERR_FORBIDDEN', 'You are not a member of this organisation');
  }
  const { principal } = await requireOrg(ctx, request, org.id, permission);
  return { org, principal };
}

/** Projects of the organisation by slug or id, in the order given; any unknown one fails the request. */
export async function sentryProjects(ctx: AppContext, orgId: string, names: readonly string[]): Promise<Project[]> {
  const found: Project[] = [];
  const missing: string[] = [];
  for (const name of new Set(names)) {
    const project = await ctx.services.projects.find(orgId, name);
    if (project) found.push(project);
    else missing.push(name);
  }
  if (missing.length > 0) throw fail('WP_ERR_NOT_FOUND', `No project ${missing.map((m) => `"${m.slice(0, 100)}"`).join(', ')} in this organisation`);
  return found;
}

/** The path clients should post to, under the public URL's path (Watchpost may live under a prefix). */
export function publicPath(ctx: AppContext, path: string): string {
  return `${new URL(ctx.config.publicUrl).pathname.replace(/\/$/, '')}${path}`;
}
