import { z } from 'zod';
import { userSchema } from '../accounts/routes.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../accounts/service.js';
import { toPublicUser } from '../accounts/types.js';
import { fail } from '../lib/errors.js';
import type { ApiInstance } from '../server/api-types.js';
import { okResponse } from '../server/api-types.js';
import { principalOf, requireOrg } from '../server/authorize.js';
import type { AppContext } from '../server/context.js';
import { actorOf } from '../server/principal.js';
import { setSessionCookie } from '../server/session-cookie.js';
import { orgSchema, orgWithRoleSchema } from './schemas.js';
import { ROLES } from './types.js';

const orgParams = z.object({ orgId: z.string().max(64) });
const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  joinedAt: z.number(),
  lastLoginAt: z.number().nullable(),
});
const inviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  createdAt: z.number(),
  expiresAt: z.number(),
  acceptedAt: z.number().nullable(),
});

/** Organisations, members and roles, invitations. */
export function orgRoutes(app: ApiInstance, ctx: AppContext): void {
  const { orgs } = ctx.services;

  app.get('/orgs', {
    schema: { tags: ['orgs'], summary: 'Organisations you belong to', response: { 200: z.object({ items: z.array(orgWithRoleSchema) }) } },
    handler: async (request) => {
      const principal = principalOf(request);
      const list = await orgs.listForUser(principal.user.id);
      return { items: principal.kind === 'token' ? list.filter((org) => org.id === principal.orgId) : list };
    },
  });

  app.post('/orgs', {
    schema: {
      tags: ['orgs'],
      summary: 'Create an organisation (you become its owner)',
      body: z.object({ name: z.string().min(1).max(200) }),
      response: { 201: orgWithRoleSchema },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === 'token') throw fail('WP_ERR_FORBIDDEN', 'API tokens belong to one organisation and cannot create others');
      const org = await orgs.create(request.body.name, principal.user.id, actorOf(principal, request.ip));
      return reply.code(201).send({ ...org, role: 'owner' as const });
    },
  });

  app.get('/orgs/:orgId', {
    schema: { tags: ['orgs'], summary: 'One organisation and your role in it', params: orgParams, response: { 200: orgWithRoleSchema } },
    handler: async (request) => {
      const { role } = await requireOrg(ctx, request, request.params.orgId, 'org:read');
      const org = await orgs.get(request.params.orgId);
      if (!org) throw fail('WP_ERR_NOT_FOUND', 'Organisation not found');
      return { ...org, role };
    },
  });

  app.patch('/orgs/:orgId', {
    schema: { tags: ['orgs'], summary: 'Rename an organisation', params: orgParams, body: z.object({ name: z.string().min(1).max(200) }), response: { 200: orgSchema } },
    handler: async (request) => {
      const { principal } = await requireOrg(ctx, request, request.params.orgId, 'org:update');
      return orgs.rename(request.params.orgId, request.body.name, actorOf(principal, request.ip));
    },
  });

  app.delete('/orgs/:orgId', {
    schema: { tags: ['orgs'], summary: 'Delete an organisation and everything in it (owners only)', params: orgParams, response: { 200: okResponse } },
    handler: async (request) => {
      const { principal } = await requireOrg(ctx, request, request.params.orgId, 'org:delete');
      await orgs.delete(request.params.orgId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.get('/orgs/:orgId/members', {
    schema: { tags: ['members'], summary: 'Members and their roles', params: orgParams, response: { 200: z.object({ items: z.array(memberSchema) }) } },
    handler: async (request) => {
      await requireOrg(ctx, request, request.params.orgId, 'member:read');
      return { items: await orgs.listMembers(request.params.orgId) };
    },
  });

  app.patch('/orgs/:orgId/members/:userId', {
    schema: {
      tags: ['members'],
      summary: "Change a member's role",
      params: orgParams.extend({ userId: z.string().max(64) }),
      body: z.object({ role: z.enum(ROLES) }),
      response: { 200: okResponse },
    },
    handler: async (request) => {
      const { principal, role } = await requireOrg(ctx, request, request.params.orgId, 'member:manage');
      await orgs.changeRole(request.params.orgId, request.params.userId, request.body.role, role, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.delete('/orgs/:orgId/members/:userId', {
    schema: {
      tags: ['members'],
      summary: 'Remove a member, or leave the organisation yourself',
      params: orgParams.extend({ userId: z.string().max(64) }),
      response: { 200: okResponse },
    },
    handler: async (request) => {
      const leaving = request.params.userId === request.principal?.user.id;
      const { principal, role } = await requireOrg(ctx, request, request.params.orgId, leaving ? 'org:read' : 'member:manage');
      if (leaving && principal.kind === 'token') throw fail('WP_ERR_FORBIDDEN', 'Leave an organisation from the dashboard, not with an API token');
      await orgs.removeMember(request.params.orgId, request.params.userId, principal.user.id, role, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  app.get('/orgs/:orgId/invites', {
    schema: { tags: ['members'], summary: 'Pending invitations', params: orgParams, response: { 200: z.object({ items: z.array(inviteSchema) }) } },
    handler: async (request) => {
      await requireOrg(ctx, request, request.params.orgId, 'member:manage');
      return { items: await orgs.listInvites(request.params.orgId) };
    },
  });

  app.post('/orgs/:orgId/invites', {
    schema: {
      tags: ['members'],
      summary: 'Invite someone by email; returns a one-time link valid for 7 days',
      params: orgParams,
      body: z.object({ email: z.email().max(254), role: z.enum(ROLES).default('member') }),
      response: { 201: z.object({ invite: inviteSchema, url: z.string() }) },
    },
    handler: async (request, reply) => {
      const { principal, role } = await requireOrg(ctx, request, request.params.orgId, 'member:manage');
      const { invite, token } = await orgs.invite(request.params.orgId, request.body.email, request.body.role, role, actorOf(principal, request.ip));
      return reply.code(201).send({ invite, url: `${ctx.config.publicUrl}/invite#token=${token}` });
    },
  });

  app.delete('/orgs/:orgId/invites/:inviteId', {
    schema: { tags: ['members'], summary: 'Withdraw an invitation', params: orgParams.extend({ inviteId: z.string().max(64) }), response: { 200: okResponse } },
    handler: async (request) => {
      const { principal } = await requireOrg(ctx, request, request.params.orgId, 'member:manage');
      await orgs.revokeInvite(request.params.orgId, request.params.inviteId, actorOf(principal, request.ip));
      return { ok: true as const };
    },
  });

  // The invitation token is the credential for these two, sent in the body so it stays out of URLs and logs.
  app.post('/invites/describe', {
    config: { auth: 'public' },
    schema: {
      tags: ['members'],
      summary: 'What an invitation link is for',
      body: z.object({ token: z.string().min(1).max(200) }),
      response: { 200: z.object({ orgName: z.string(), email: z.string(), role: z.enum(ROLES), accountExists: z.boolean(), expiresAt: z.number() }) },
    },
    handler: async (request) => {
      const { invite, org, accountExists } = await orgs.describeInvite(request.body.token);
      return { orgName: org.name, email: invite.email, role: invite.role, accountExists, expiresAt: invite.expires_at };
    },
  });

  app.post('/invites/accept', {
    config: { auth: 'public' },
    schema: {
      tags: ['members'],
      summary: 'Accept an invitation: logged in as the invited email, or creating the account',
      body: z.object({
        token: z.string().min(1).max(200),
        name: z.string().max(200).optional(),
        password: z.string().min(PASSWORD_MIN).max(PASSWORD_MAX).optional(),
      }),
      response: { 200: z.object({ user: userSchema, org: orgWithRoleSchema }) },
    },
    handler: async (request, reply) => {
      const principal = request.principal;
      const { token, name, password } = request.body;
      let as: Parameters<typeof orgs.acceptInvite>[1];
      if (principal?.kind === 'session') as = { user: principal.user };
      else if (password !== undefined) as = { name: name ?? '', password };
      else throw fail('WP_ERR_VALIDATION', 'password: required to create your account (or log in first)');
      const result = await orgs.acceptInvite(token, as, request.ip);
      if (principal?.kind !== 'session') {
        const session = await ctx.services.accounts.createSession(result.user, request.ip, request.headers['user-agent'] ?? null);
        setSessionCookie(reply, ctx.config, session.token, session.session.expires_at);
      }
      return { user: toPublicUser(result.user), org: { ...result.org, role: result.role } };
    },
  });
}
