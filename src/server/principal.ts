import type { SessionRow, UserRow } from '../accounts/types.js';
import type { AuditActor } from '../audit/types.js';
import type { TokenScope } from '../tokens/types.js';

/** Who is making a request: a logged-in browser session or an API token acting for its creator. */
export type Principal =
  | { readonly kind: 'session'; readonly user: UserRow; readonly session: SessionRow }
  | { readonly kind: 'token'; readonly user: UserRow; readonly tokenId: string; readonly tokenName: string; readonly orgId: string; readonly scope: TokenScope };

/** How a route authenticates. `session` (the default) accepts a session cookie or an API token. */
export type RouteAuth = 'session' | 'public' | 'ingest';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Defaults to 'session'. 'public' and 'ingest' routes are listed and justified in tests. */
    auth?: RouteAuth;
  }
}

/** The audit-log actor for a principal. */
export function actorOf(principal: Principal, ip: string | null): AuditActor & { userId: string } {
  return {
    userId: principal.user.id,
    label: principal.kind === 'token' ? `${principal.user.email} (token ${principal.tokenName})` : principal.user.email,
    ip,
  };
}
