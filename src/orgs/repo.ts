import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { InviteRow, MembershipRow, OrgRow, Role } from './types.js';

type Db = Kysely<Database>;

export async function insertOrg(db: Db, row: OrgRow): Promise<void> {
  await db.insertInto('organizations').values(row).execute();
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
    .orderBy('organizations.name')
    .execute();
}

export async function listAllOrgs(db: Db): Promise<OrgRow[]> {
  return db.selectFrom('organizations').selectAll().orderBy('name').execute();
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

export async function countOwners(db: Db, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
    .orderBy('users.email')
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
