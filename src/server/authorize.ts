import type { FastifyRequest } from 'fastify';
import { fail } from '../lib/errors.js';
import { lowerRole, roleAtLeast } from '../orgs/roles.js';
import type { Role } from '../orgs/types.js';
import type { Project } from '../projects/types.js';
import type { TokenScope } from '../tokens/types.js';
import type { AppContext } from './context.js';
import type { Principal } from './principal.js';

/**
 * Authorisation lives here and only here. Routes name a permission and the organisation or
 * project it applies to; this file decides from the caller's role (capped by the token's scope).
 */
export const PERMISSIONS = {
  'org:read': 'viewer',
  'org:update': 'admin',
  'org:delete': 'owner',
  'member:read': 'viewer',
  'member:manage': 'admin',
  /** Create tokens (up to your own role) and revoke your own. */
  'token:create': 'viewer',
  /** See and revoke everyone's tokens. */
  'token:manage': 'admin',
  'audit:read': 'admin',
  'project:read': 'viewer',
  'project:create': 'admin',
  'project:update': 'admin',
  'project:delete': 'admin',
  'project:keys': 'admin',
  /** Changing data inside a project (resolving issues, editing monitors, …). */
  'project:write': 'member',
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

/** The highest role a token of each scope can act with, whatever its creator's role. */
export const SCOPE_CAP: Record<TokenScope, Role> = { read: 'viewer', write: 'member', admin: 'admin' };

/** Read tokens never change anything, whatever the route asks for (checked for every request). */
export function checkTokenMethod(principal: Principal, method: string): void {
  if (principal.kind === 'token' && principal.scope === 'read' && !['GET', 'HEAD', 'OPTIONS'].includes(method)) {
    throw fail('WP_ERR_TOKEN_SCOPE', 'A read token cannot change anything; create a write or admin token');
  }
}

/** The principal, or 401. Route hooks guarantee it for non-public routes; this narrows the type. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw fail('WP_ERR_AUTH_REQUIRED');
  return request.principal;
}

// Lookups are cached per request: the route-level scope check and the handler ask the same question.
const roleCache = new WeakMap<FastifyRequest, Map<string, Promise<Role | null>>>();
const projectCache = new WeakMap<FastifyRequest, Map<number, Promise<Project | undefined>>>();

function cached<K, V>(store: WeakMap<FastifyRequest, Map<K, Promise<V>>>, request: FastifyRequest, key: K, load: () => Promise<V>): Promise<V> {
  let map = store.get(request);
  if (!map) store.set(request, (map = new Map<K, Promise<V>>()));
  let value = map.get(key);
  if (!value) map.set(key, (value = load()));
  return value;
}

/** The caller's effective role in an organisation: membership role, capped by token scope. */
export async function effectiveRole(ctx: AppContext, principal: Principal, orgId: string, request?: FastifyRequest): Promise<Role | null> {
  if (principal.kind === 'token' && principal.orgId !== orgId) return null;
  const load = () => ctx.services.orgs.roleOf(orgId, principal.user.id);
  const role = request ? await cached(roleCache, request, orgId, load) : await load();
  if (role === null) return null;
  return principal.kind === 'token' ? lowerRole(role, SCOPE_CAP[principal.scope]) : role;
}

/** Project ids are 32-bit integers in both engines; anything else cannot exist. */
export const MAX_PROJECT_ID = 2_147_483_647;
function isProjectId(id: number): boolean {
  return Number.isInteger(id) && id > 0 && id <= MAX_PROJECT_ID;
}

function loadProject(ctx: AppContext, request: FastifyRequest, projectId: number): Promise<Project | undefined> {
  return cached(projectCache, request, projectId, () => ctx.services.projects.get(projectId));
}

/**
 * Requires `permission` in organisation `orgId`. Callers outside the organisation get 403
 * whether or not it exists (organisation ids are random); members lacking the role get 403 too,
 * with a message saying what is needed.
 */
export async function requireOrg(ctx: AppContext, request: FastifyRequest, orgId: string, permission: Permission): Promise<{ principal: Principal; role: Role }> {
  const principal = principalOf(request);
  const role = await effectiveRole(ctx, principal, orgId, request);
  if (role === null) throw fail('WP_ERR_FORBIDDEN', 'You are not a member of this organisation');
  const needed = PERMISSIONS[permission];
  if (!roleAtLeast(role, needed)) {
    if (principal.kind === 'token' && roleAtLeast(SCOPE_CAP[principal.scope], needed) === false) {
      throw fail('WP_ERR_TOKEN_SCOPE', `This token's "${principal.scope}" scope does not allow this; it needs the ${needed} role`);
    }
    throw fail('WP_ERR_FORBIDDEN', `This needs the ${needed} role in the organisation`);
  }
  return { principal, role };
}

/**
 * Requires `permission` on the project's organisation; 404 if the project doesn't exist. (Project
 * ids are sequential numbers, so existence is not a secret; their contents are.)
 */
export async function requireProject(ctx: AppContext, request: FastifyRequest, projectId: number, permission: Permission): Promise<{ principal: Principal; role: Role; project: Project }> {
  const project = isProjectId(projectId) ? await loadProject(ctx, request, projectId) : undefined;
  if (!project) {
    principalOf(request);
    throw fail('WP_ERR_NOT_FOUND', `Project ${projectId} not found`);
  }
  return { ...(await requireOrg(ctx, request, project.orgId, permission)), project };
}

/** Requires an instance administrator (jobs, the instance-wide audit log). Tokens need admin scope. */
export function requireInstanceAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.user.is_admin !== 1) throw fail('WP_ERR_FORBIDDEN', 'This needs an instance administrator');
  if (principal.kind === 'token' && principal.scope !== 'admin') throw fail('WP_ERR_TOKEN_SCOPE', 'This needs a token with the admin scope');
  return principal;
}

/**
 * Route parameters that name something belonging to one organisation, and how to find that
 * organisation. Before any handler runs, every authenticated route with one of these parameters
 * checks that the caller belongs to the owning organisation (403 otherwise), so a handler that
 * forgets its own check still cannot cross organisations. Features add their ids here
 * (e.g. issueId → the issue's project's organisation).
 */
export type ScopeResolver = (ctx: AppContext, request: FastifyRequest, value: string) => Promise<{ orgId: string } | 'not-found'>;

export const SCOPE_RESOLVERS: Record<string, ScopeResolver> = {
  orgId: (_ctx, _request, value) => Promise.resolve({ orgId: value }),
  projectId: async (ctx, request, value) => {
    const id = Number(value);
    const project = /^\d+$/.test(value) && isProjectId(id) ? await loadProject(ctx, request, id) : undefined;
    return project ? { orgId: project.orgId } : 'not-found';
  },
  issueId: async (ctx, request, value) => {
    const projectId = await ctx.services.issues.projectOf(value);
    const project = projectId === undefined ? undefined : await loadProject(ctx, request, projectId);
    return project ? { orgId: project.orgId } : 'not-found';
  },
  channelId: (ctx, request, value) => projectScope(ctx, request, ctx.services.notify.channelProject(value)),
  deliveryId: (ctx, request, value) => projectScope(ctx, request, ctx.services.notify.deliveryProject(value)),
  monitorId: (ctx, request, value) => projectScope(ctx, request, ctx.services.uptime.projectOf(value)),
  sourceId: (ctx, request, value) => projectScope(ctx, request, ctx.services.backups.sourceProject(value)),
  backupId: (ctx, request, value) => projectScope(ctx, request, ctx.services.backups.backupProject(value)),
  windowId: (ctx, request, value) => projectScope(ctx, request, ctx.services.uptime.windowProject(value)),
  statusPageId: (ctx, request, value) => projectScope(ctx, request, ctx.services.statusPages.pageProject(value)),
  statusIncidentId: (ctx, request, value) => projectScope(ctx, request, ctx.services.statusPages.incidentProject(value)),
};

/** The organisation of a project found by id (undefined: the thing named doesn't exist). */
async function projectScope(ctx: AppContext, request: FastifyRequest, projectId: Promise<number | undefined>): Promise<{ orgId: string } | 'not-found'> {
  const id = await projectId;
  const project = id === undefined ? undefined : await loadProject(ctx, request, id);
  return project ? { orgId: project.orgId } : 'not-found';
}

/** Checks the caller's membership for every scoped parameter of the matched route. */
export async function checkRouteScope(ctx: AppContext, request: FastifyRequest): Promise<void> {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  for (const [name, resolve] of Object.entries(SCOPE_RESOLVERS)) {
    const value = params[name];
    if (value === undefined) continue;
    const scope = await resolve(ctx, request, value);
    if (scope === 'not-found') throw fail('WP_ERR_NOT_FOUND', `No such ${name.replace(/Id$/, '')}: ${value}`);
    const principal = principalOf(request);
    if ((await effectiveRole(ctx, principal, scope.orgId, request)) === null) {
      throw fail('WP_ERR_FORBIDDEN', 'You are not a member of the organisation this belongs to');
    }
  }
}
