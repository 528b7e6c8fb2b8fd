import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fail } from '../lib/errors.js';
import { checkRouteScope, checkTokenMethod } from './authorize.js';
import type { AppContext } from './context.js';
import type { Principal } from './principal.js';
import { clearSessionCookie, sessionTokenOf } from './session-cookie.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * True when a browser request comes from our own origin. Browsers send Origin on every
 * state-changing fetch; without it we fall back to Sec-Fetch-Site, and without either the request
 * didn't come from a browser page (so it can't carry a cookie for a CSRF attack) only if it has no
 * cookie — callers decide what that means.
 */
export function sameOrigin(request: FastifyRequest, publicUrl: string): boolean | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    return origin === new URL(publicUrl).origin || origin === `${request.protocol}://${request.host}`;
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  return undefined;
}

async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<Principal | 'expired' | null> {
  const header = request.headers.authorization;
  // Only Bearer is ours: a reverse proxy doing Basic auth in front of Watchpost passes its own header on.
  if (header !== undefined && /^Bearer\b/i.test(header)) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw fail('WP_ERR_AUTH_INVALID_TOKEN', 'The Authorization header must be "Bearer <token>"');
    const found = await ctx.services.tokens.authenticate(match[1]);
    if (!found) throw fail('WP_ERR_AUTH_INVALID_TOKEN');
    return {
      kind: 'token',
      user: found.user,
      tokenId: found.token.id,
      tokenName: found.token.name,
      orgId: found.token.org_id,
      scope: found.token.scope,
    };
  }
  const token = sessionTokenOf(request, ctx.config);
  if (token === undefined) return null;
  const found = await ctx.services.accounts.authenticateSession(token);
  if (found === null || found === 'expired') return found;
  return { kind: 'session', user: found.user, session: found.session };
}

/**
 * Authenticates every route in the scope it is registered in. Routes are protected unless their
 * config says `auth: 'public'` (then a principal is attached when present) or `auth: 'ingest'`
 * (ingest keys are checked by the ingest handler). Cookie-authenticated state changes must come
 * from our own origin (CSRF).
 */
export function registerAuthHook(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', async (request, reply) => {
    const mode = request.routeOptions.config.auth ?? 'session';
    if (mode === 'ingest') return;
    if (mode === 'public') {
      if (!SAFE_METHODS.has(request.method) && sameOrigin(request, ctx.config.publicUrl) === false) {
        throw fail('WP_ERR_AUTH_CSRF');
      }
      const principal = await authenticate(ctx, request).catch(() => null);
      request.principal = principal === 'expired' ? null : principal;
      return;
    }
    const principal = await authenticate(ctx, request);
    if (principal === null || principal === 'expired') {
      if (sessionTokenOf(request, ctx.config) !== undefined) clearSessionCookie(reply, ctx.config);
      throw fail(principal === 'expired' ? 'WP_ERR_AUTH_SESSION_EXPIRED' : 'WP_ERR_AUTH_REQUIRED');
    }
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method) && sameOrigin(request, ctx.config.publicUrl) !== true) {
      throw fail('WP_ERR_AUTH_CSRF');
    }
    request.principal = principal;
    checkTokenMethod(principal, request.method);
    await checkRouteScope(ctx, request);
  });
}
