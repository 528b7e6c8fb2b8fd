import { z } from 'zod';
import { fail } from '../lib/errors.js';
import { orgWithRoleSchema } from '../orgs/schemas.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse } from '../server/api-types.js';
import { principalOf } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import type { Principal } from '../server/principal.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../server/session-cookie.js';
import { PASSWORD_MAX, PASSWORD_MIN } from './service.js';
import { toPublicUser } from './types.js';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.number(),
  lastLoginAt: z.number().nullable(),
});

const password = z.string().min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX);
const email = z.email().max(254);

function sessionOnly(principal: Principal): Extract<Principal, { kind: 'session' }> {
  if (principal.kind !== 'session') throw fail('WP_ERR_FORBIDDEN', 'This needs a browser session, not an API token');
  return principal;
}

/** Set-up, login/logout, the current user, their sessions and password. */
export function accountRoutes(app: ApiInstance, ctx: AppContext): void {
  const { accounts, setup, orgs } = ctx.services;

  app.get('/setup', {
    config: { auth: 'public' },
    schema: { tags: ['auth'], summary: 'Whether the first admin still has to be created', response: { 200: z.object({ needsSetup: z.boolean() }) } },
    handler: async () => ({ needsSetup: await setup.needsSetup() }),
  });

  app.post('/setup', {
    config: { auth: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Create the first admin and organisation with the setup token printed at start',
      body: z.object({ token: z.string().min(1).max(200), email, name: z.string().max(200).optional(), password, orgName: z.string().min(1).max(200) }),
      response: { 201: z.object({ user: userSchema, org: orgWithRoleSchema }) },
    },
    handler: async (request, reply) => {
      const result = await setup.complete(request.body, request.ip, request.headers['user-agent'] ?? null);
      setSessionCookie(reply, ctx.config, result.token, result.session.expires_at);
      return reply.code(201).send({ user: toPublicUser(result.user), org: { ...result.org, role: 'owner' as const } });
    },
  });

  app.post('/auth/login', {
    config: { auth: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Log in with email and password; sets the session cookie',
      body: z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(PASSWORD_MAX) }),
      response: { 200: z.object({ user: userSchema }) },
    },
    handler: async (request, reply) => {
      const result = await accounts.login({
        email: request.body.email,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        previousSessionToken: sessionTokenOf(request, ctx.config),
      });
      setSessionCookie(reply, ctx.config, result.token, result.session.expires_at);
      return { user: toPublicUser(result.user) };
    },
  });

  app.get('/auth/session', {
    config: { auth: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Who is logged in, if anyone (never 401: pages use it to decide where to go)',
      response: { 200: z.object({ user: userSchema.nullable() }) },
    },
    handler: (request) => ({ user: request.principal ? toPublicUser(request.principal.user) : null }),
  });

  app.post('/auth/logout', {
    schema: { tags: ['auth'], summary: 'End the current session', response: { 200: okResponse } },
    handler: async (request, reply) => {
      const principal = sessionOnly(principalOf(request));
      await accounts.logout(principal.session, principal.user, request.ip);
      clearSessionCookie(reply, ctx.config);
      return { ok: true as const };
    },
  });

  app.get('/auth/me', {
    schema: {
      tags: ['auth'],
      summary: 'The current user, their organisations and how they are authenticated',
      response: {
        200: z.object({
          user: userSchema,
          orgs: z.array(orgWithRoleSchema),
          auth: z.object({ kind: z.enum(['session', 'token']), scope: z.string().nullable(), orgId: z.string().nullable() }),
        }),
      },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      let list = await orgs.listForUser(principal.user.id);
      if (principal.kind === 'token') list = list.filter((org) => org.id === principal.orgId);
      return {
        user: toPublicUser(principal.user),
        orgs: list,
        auth: {
          kind: principal.kind,
          scope: principal.kind === 'token' ? principal.scope : null,
          orgId: principal.kind === 'token' ? principal.orgId : null,
        },
      };
    },
  });

  app.patch('/auth/me', {
    schema: {
      tags: ['auth'],
      summary: 'Change your display name',
      body: z.object({ name: z.string().trim().min(1).max(200) }),
      response: { 200: z.object({ user: userSchema }) },
    },
    handler: async (request) => {
      const principal = sessionOnly(principalOf(request));
      return { user: toPublicUser(await accounts.rename(principal.user, request.body.name)) };
    },
  });

  app.get('/auth/sessions', {
    schema: {
      tags: ['auth'],
      summary: 'Your active sessions',
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.string(),
              createdAt: z.number(),
              lastSeenAt: z.number(),
              expiresAt: z.number(),
              ip: z.string().nullable(),
              userAgent: z.string().nullable(),
              current: z.boolean(),
            }),
          ),
        }),
      },
    },
    handler: async (request) => {
      const principal = sessionOnly(principalOf(request));
      const rows = await accounts.listSessions(principal.user.id);
      return {
        items: rows.map((row) => ({
          id: row.id,
          createdAt: row.created_at,
          lastSeenAt: row.last_seen_at,
          expiresAt: row.expires_at,
          ip: row.ip,
          userAgent: row.user_agent,
          current: row.id === principal.session.id,
        })),
      };
    },
  });

  app.delete('/auth/sessions/:sessionId', {
    schema: { tags: ['auth'], summary: 'Revoke one of your sessions', params: z.object({ sessionId: z.string().max(64) }), response: { 200: okResponse } },
    handler: async (request) => {
      const principal = sessionOnly(principalOf(request));
      await accounts.revokeSession(principal.user, request.params.sessionId, request.ip);
      return { ok: true as const };
    },
  });

  app.post('/auth/password', {
    schema: {
      tags: ['auth'],
      summary: 'Change your password; your other sessions end',
      body: z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: password }),
      response: { 200: okResponse },
    },
    handler: async (request) => {
      const principal = sessionOnly(principalOf(request));
      await accounts.changePassword(principal.user, request.body.currentPassword, request.body.newPassword, principal.session.id, request.ip);
      return { ok: true as const };
    },
  });
}
