import type { Kysely } from 'kysely';
import type { AccountsService, PreparedUser } from '../accounts/service.js';
import type { UserRow } from '../accounts/types.js';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import type { TokenHasher } from '../lib/crypto.js';
import { isUniqueViolation } from '../lib/db-errors.js';
import { fail } from '../lib/errors.js';
import { newId, randomToken } from '../lib/ids.js';
import { byNameThenSlug, slugify, uniqueSlug } from '../lib/slug.js';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { inTransaction } from '../storage/tx.js';
import { roleAtLeast } from './roles.js';
import * as repo from './repo.js';
import { toOrganization, type Invite, type InviteRow, type Member, type Organization, type OrgWithRole, type Role } from './types.js';

const INVITE_TTL_MS = 7 * 86_400_000;

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
  };
}

/** Organisations, their members and roles, and invitations. */
export class OrgsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly accounts: AccountsService,
    private readonly hasher: TokenHasher,
    private readonly dialect: Dialect,
  ) {}

  /** Creates an organisation with `ownerId` as its owner. */
  async create(name: string, ownerId: string, actor: AuditActor | null, db: Kysely<Database> = this.db): Promise<Organization> {
    const now = Date.now();
    const trimmed = name.trim();
    if (trimmed === '') throw fail('WP_ERR_VALIDATION', 'name: must not be empty');
    const base = slugify(trimmed, 'org');
    return inTransaction(db, async (trx) => {
      // Two creators racing for one slug: the loser takes the next free suffix.
      for (;;) {
        const slug = uniqueSlug(base, await repo.orgSlugsLike(trx, base));
        const row = { id: newId(now), name: trimmed, slug, created_at: now, updated_at: now };
        if (!(await repo.insertOrgIfSlugFree(trx, row))) continue;
        await repo.insertMembership(trx, { org_id: row.id, user_id: ownerId, role: 'owner', created_at: now });
        await this.audit.record({ orgId: row.id, actor, action: 'org.created', target: { type: 'org', id: row.id }, details: { name: trimmed } }, trx);
        return toOrganization(row);
      }
    });
  }

  async get(orgId: string): Promise<Organization | undefined> {
    const row = await repo.findOrg(this.db, orgId);
    return row ? toOrganization(row) : undefined;
  }

  /** Looks an organisation up by id or slug (the CLI accepts either). */
  async find(idOrSlug: string): Promise<Organization | undefined> {
    const row = (await repo.findOrg(this.db, idOrSlug)) ?? (await repo.findOrgBySlug(this.db, idOrSlug));
    return row ? toOrganization(row) : undefined;
  }

  async listForUser(userId: string): Promise<OrgWithRole[]> {
    return (await repo.listOrgsForUser(this.db, userId)).map((row) => ({ ...toOrganization(row), role: row.role })).sort(byNameThenSlug);
  }

  async listAll(): Promise<Organization[]> {
    return (await repo.listAllOrgs(this.db)).map(toOrganization).sort(byNameThenSlug);
  }

  async roleOf(orgId: string, userId: string): Promise<Role | null> {
    return (await repo.findMembership(this.db, orgId, userId))?.role ?? null;
  }

  async rename(orgId: string, name: string, actor: AuditActor): Promise<Organization> {
    const trimmed = name.trim();
    if (trimmed === '') throw fail('WP_ERR_VALIDATION', 'name: must not be empty');
    await repo.updateOrgName(this.db, orgId, trimmed, Date.now());
    await this.audit.record({ orgId, actor, action: 'org.renamed', target: { type: 'org', id: orgId }, details: { name: trimmed } });
    const org = await this.get(orgId);
    if (!org) throw fail('WP_ERR_NOT_FOUND', 'Organisation not found');
    return org;
  }

  /** Deletes the organisation and everything in it (projects, tokens, memberships cascade). */
  async delete(orgId: string, actor: AuditActor): Promise<void> {
    const org = await repo.findOrg(this.db, orgId);
    if (!org) throw fail('WP_ERR_NOT_FOUND', 'Organisation not found');
    await repo.deleteOrg(this.db, orgId);
    await this.audit.record({ orgId, actor, action: 'org.deleted', target: { type: 'org', id: orgId }, details: { name: org.name } });
  }

  async listMembers(orgId: string): Promise<Member[]> {
    return (await repo.listMembers(this.db, orgId)).map((row) => ({
      userId: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      joinedAt: row.created_at,
      lastLoginAt: row.last_login_at,
    })).sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
  }

  /** Adds an existing user to an organisation (CLI and invites). */
  async addMember(orgId: string, userId: string, role: Role, actor: AuditActor | null, db: Kysely<Database> = this.db): Promise<void> {
    try {
      await repo.insertMembership(db, { org_id: orgId, user_id: userId, role, created_at: Date.now() });
    } catch (error) {
      if (isUniqueViolation(error)) throw fail('WP_ERR_CONFLICT', 'This user is already a member');
      throw error;
    }
    await this.audit.record({ orgId, actor, action: 'member.added', target: { type: 'user', id: userId }, details: { role } }, db);
  }

  /**
   * Changes a member's role. Admins manage viewers, members and admins; only owners grant or take
   * away ownership; the last owner cannot be demoted.
   */
  async changeRole(orgId: string, userId: string, role: Role, actorRole: Role, actor: AuditActor): Promise<void> {
    const membership = await repo.findMembership(this.db, orgId, userId);
    if (!membership) throw fail('WP_ERR_NOT_FOUND', 'This user is not a member');
    if ((role === 'owner' || membership.role === 'owner') && actorRole !== 'owner') {
      throw fail('WP_ERR_FORBIDDEN', 'Only an owner can grant or remove the owner role');
    }
    if (membership.role === role) return;
    await this.db.transaction().execute(async (trx) => {
      if (membership.role === 'owner' && (await repo.lockOwners(trx, orgId, this.dialect)).filter((id) => id !== userId).length === 0) {
        throw fail('WP_ERR_LAST_OWNER');
      }
      await repo.updateMembershipRole(trx, orgId, userId, role);
      await this.audit.record(
        { orgId, actor, action: 'member.role_changed', target: { type: 'user', id: userId }, details: { from: membership.role, to: role } },
        trx,
      );
    });
  }

  /** Removes a member (or lets a member leave); the last owner stays. */
  async removeMember(orgId: string, userId: string, actorUserId: string, actorRole: Role, actor: AuditActor): Promise<void> {
    const membership = await repo.findMembership(this.db, orgId, userId);
    if (!membership) throw fail('WP_ERR_NOT_FOUND', 'This user is not a member');
    const leaving = userId === actorUserId;
    if (!leaving && !roleAtLeast(actorRole, 'admin')) throw fail('WP_ERR_FORBIDDEN');
    if (!leaving && membership.role === 'owner' && actorRole !== 'owner') {
      throw fail('WP_ERR_FORBIDDEN', 'Only an owner can remove an owner');
    }
    await this.db.transaction().execute(async (trx) => {
      if (membership.role === 'owner' && (await repo.lockOwners(trx, orgId, this.dialect)).filter((id) => id !== userId).length === 0) {
        throw fail('WP_ERR_LAST_OWNER');
      }
      await repo.deleteMembership(trx, orgId, userId);
      await this.audit.record(
        { orgId, actor, action: leaving ? 'member.left' : 'member.removed', target: { type: 'user', id: userId }, details: { role: membership.role } },
        trx,
      );
    });
  }

  /** Creates an invitation link (shown once); only owners may invite owners. */
  async invite(orgId: string, email: string, role: Role, actorRole: Role, actor: AuditActor & { userId: string }): Promise<{ invite: Invite; token: string }> {
    if (role === 'owner' && actorRole !== 'owner') throw fail('WP_ERR_FORBIDDEN', 'Only an owner can invite an owner');
    const now = Date.now();
    const normalised = email.trim().toLowerCase();
    const existing = await this.accounts.findUserByEmail(normalised);
    if (existing && (await repo.findMembership(this.db, orgId, existing.id))) {
      throw fail('WP_ERR_CONFLICT', `${normalised} is already a member`);
    }
    const token = randomToken(32);
    const row: InviteRow = {
      id: newId(now),
      org_id: orgId,
      email: normalised,
      role,
      token_hash: this.hasher.hash(token),
      invited_by: actor.userId,
      created_at: now,
      expires_at: now + INVITE_TTL_MS,
      accepted_at: null,
    };
    await repo.insertInvite(this.db, row);
    await this.audit.record({ orgId, actor, action: 'member.invited', target: { type: 'invite', id: row.id }, details: { email: normalised, role } });
    return { invite: toInvite(row), token };
  }

  async listInvites(orgId: string): Promise<Invite[]> {
    return (await repo.listPendingInvites(this.db, orgId, Date.now())).map(toInvite);
  }

  async revokeInvite(orgId: string, inviteId: string, actor: AuditActor): Promise<void> {
    if (!(await repo.deleteInvite(this.db, orgId, inviteId))) throw fail('WP_ERR_NOT_FOUND', 'No such invitation');
    await this.audit.record({ orgId, actor, action: 'member.invite_revoked', target: { type: 'invite', id: inviteId } });
  }

  /** What an invitation link is for, so the accept page can say it; WP_ERR_INVITE_INVALID otherwise. */
  async describeInvite(token: string): Promise<{ invite: InviteRow; org: Organization; accountExists: boolean }> {
    const invite = await repo.findInviteByTokenHash(this.db, this.hasher.hash(token));
    if (!invite || invite.accepted_at !== null || invite.expires_at <= Date.now()) throw fail('WP_ERR_INVITE_INVALID');
    const org = await this.get(invite.org_id);
    if (!org) throw fail('WP_ERR_INVITE_INVALID');
    return { invite, org, accountExists: (await this.accounts.findUserByEmail(invite.email)) !== undefined };
  }

  /**
   * Accepts an invitation. A person who already has an account must be logged in as the invited
   * email; otherwise the account is created here with the given password.
   */
  async acceptInvite(
    token: string,
    as: { user: UserRow } | { name: string; password: string },
    ip: string | null,
  ): Promise<{ user: UserRow; org: Organization; role: Role }> {
    const { invite, org, accountExists } = await this.describeInvite(token);
    if ('user' in as && as.user.email !== invite.email) {
      throw fail('WP_ERR_FORBIDDEN', `This invitation is for ${invite.email}; log in with that account to accept it`);
    }
    if ('user' in as && (await repo.findMembership(this.db, invite.org_id, as.user.id))) {
      throw fail('WP_ERR_CONFLICT', 'You are already a member of this organisation');
    }
    if (!('user' in as) && accountExists) throw fail('WP_ERR_CONFLICT', `An account for ${invite.email} exists; log in to accept the invitation`);
    // A new account's password is hashed before the transaction opens (see PreparedUser).
    const account: { user: UserRow } | { prepared: PreparedUser } = 'user' in as ? { user: as.user } : { prepared: await this.accounts.prepareUser({ email: invite.email, name: as.name, password: as.password }) };
    // All or nothing: an account is not created, nor the link used up, unless the membership is.
    const user = await this.db.transaction().execute(async (trx) => {
      const member = 'user' in account ? account.user : await this.accounts.createUser(account.prepared, { userId: null, label: invite.email, ip }, trx);
      if (!(await repo.markInviteAccepted(trx, invite.id, Date.now()))) throw fail('WP_ERR_INVITE_INVALID');
      await repo.insertMembership(trx, { org_id: invite.org_id, user_id: member.id, role: invite.role, created_at: Date.now() });
      await this.audit.record(
        { orgId: invite.org_id, actor: { userId: member.id, label: member.email, ip }, action: 'member.joined', target: { type: 'invite', id: invite.id }, details: { role: invite.role } },
        trx,
      );
      return member;
    });
    return { user, org, role: invite.role };
  }
}
