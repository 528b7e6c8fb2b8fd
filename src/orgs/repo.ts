import type { Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import type { InviteRow, MembershipRow, OrgRow, Role } from './types.js';

type Db = Kysely<Database>;

/** Inserts unless the slug is taken; false when it was (no error, so a transaction stays usable). */
export async function insertOrgIfSlugFree(db: Db, row: OrgRow): Promise<boolean> {
  const inserted = await db.insertInto('organizations').values(row).onConflict((oc) => oc.column('slug').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export async function findOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrgBySlug(db: Db, slug: string): Promise<OrgRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function orgSlugsLike(db: Db, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('organizations').select('slug').where('slug', 'like', `${base}%`).execute();
  return new Set(rows.map((r) => r.slug));
}

export async function updateOrgName(db: Db, id: string, name: string, now: number): Promise<void> {
  await db.updateTable('organizations').set({ name, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteOrg(db: Db, id: string): Promise<void> {
  await db.deleteFrom('organizations').where('id', '=', id).execute();
}

export async function listOrgsForUser(db: Db, userId: string): Promise<Array<OrgRow & { role: Role }>> {
  return db
    .selectFrom('organizations')
    .innerJoin('memberships', 'memberships.org_id', 'organizations.id')
    .selectAll('organizations')
    .select('memberships.role')
    .where('memberships.user_id', '=', userId)
    .execute();
}

export async function listAllOrgs(db: Db): Promise<OrgRow[]> {
  return db.selectFrom('organizations').selectAll().execute();
}

export async function findMembership(db: Db, orgId: string, userId: string): Promise<MembershipRow | undefined> {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function insertMembership(db: Db, row: MembershipRow): Promise<void> {
  await db.insertInto('memberships').values(row).execute();
}

export async function updateMembershipRole(db: Db, orgId: string, userId: string, role: Role): Promise<void> {
  await db.updateTable('memberships').set({ role }).where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(db: Db, orgId: string, userId: string): Promise<void> {
  await db.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

/**
 * The organisation's owners, locked until the transaction ends on PostgreSQL, so two owners
 * stepping down at once can't both see "another owner remains". (SQLite runs one write
 * transaction at a time, and does not know FOR UPDATE.)
 */
export async function lockOwners(db: Db, orgId: string, dialect: Dialect): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .$if(dialect === 'postgres', (q) => q.forUpdate())
    .execute();
  return rows.map((r) => r.user_id);
}

export async function listMembers(db: Db, orgId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id as user_id',
      'users.email',
      'users.name',
      'users.last_login_at',
      'memberships.role',
      'memberships.created_at',
    ])
    .where('memberships.org_id', '=', orgId)
    .execute();
}

export async function insertInvite(db: Db, row: InviteRow): Promise<void> {
  await db.insertInto('invites').values(row).execute();
}

export async function listPendingInvites(db: Db, orgId: string, now: number): Promise<InviteRow[]> {
  return db
    .selectFrom('invites')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function deleteInvite(db: Db, orgId: string, inviteId: string): Promise<boolean> {
  const result = await db.deleteFrom('invites').where('org_id', '=', orgId).where('id', '=', inviteId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Marks an invite used; false if someone else used it first (so one link admits one person). */
export async function markInviteAccepted(db: Db, inviteId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ accepted_at: now })
    .where('id', '=', inviteId)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
