import type { Kysely, Updateable } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { LoginFailuresTable, SessionRow, SessionsTable, UserRow, UsersTable } from './types.js';

type Db = Kysely<Database>;

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUser(db: Db, id: string, patch: Updateable<UsersTable>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function firstAdmin(db: Db): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('is_admin', '=', 1).orderBy('created_at').executeTakeFirst();
}

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSessionWithUser(
  db: Db,
  tokenHash: string,
): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  const session = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!session) return undefined;
  const user = await findUserById(db, session.user_id);
  return user ? { session, user } : undefined;
}

export async function updateSession(db: Db, id: string, patch: Updateable<SessionsTable>): Promise<void> {
  await db.updateTable('sessions').set(patch).where('id', '=', id).execute();
}

export async function listActiveSessions(db: Db, userId: string, now: number): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Revokes one of a user's sessions; returns false if the user has no such active session. */
export async function revokeUserSession(db: Db, userId: string, sessionId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeAllUserSessions(db: Db, userId: string, now: number, exceptId?: string): Promise<number> {
  let q = db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/** Deletes sessions that expired or were revoked before `before`. */
export async function deleteDeadSessions(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function getLoginFailure(db: Db, key: string): Promise<LoginFailuresTable | undefined> {
  return db.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function saveLoginFailure(db: Db, row: LoginFailuresTable): Promise<void> {
  await db
    .insertInto('login_failures')
    .values(row)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: row.failures,
        first_failure_at: row.first_failure_at,
        locked_until: row.locked_until,
      }),
    )
    .execute();
}

/**
 * Counts one login attempt for `key` atomically and returns the count within the current window.
 * Counting before the password check, in one statement, means parallel guesses each see their
 * own number: a burst cannot slip through as a single failure. A window that expired, or a lock
 * that ended, starts again at 1.
 */
export async function countLoginAttempt(db: Db, key: string, now: number, windowMs: number): Promise<{ failures: number; locked_until: number | null }> {
  return db
    .insertInto('login_failures')
    .values({ key, failures: 1, first_failure_at: now, locked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => {
        const restart = eb.or([
          eb('login_failures.first_failure_at', '<', now - windowMs),
          eb.and([eb('login_failures.locked_until', 'is not', null), eb('login_failures.locked_until', '<=', now)]),
        ]);
        return {
          failures: eb.case().when(restart).then(1).else(eb('login_failures.failures', '+', 1)).end(),
          first_failure_at: eb.case().when(restart).then(now).else(eb.ref('login_failures.first_failure_at')).end(),
          locked_until: eb.case().when(restart).then(null).else(eb.ref('login_failures.locked_until')).end(),
        };
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export async function lockLogin(db: Db, key: string, until: number): Promise<void> {
  await db.updateTable('login_failures').set({ locked_until: until }).where('key', '=', key).execute();
}

export async function clearLoginFailure(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export async function deleteStaleLoginFailures(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('login_failures')
    .where('first_failure_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

export async function setSetting(db: Db, key: string, value: string, now: number): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

export async function deleteSetting(db: Db, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}

/** Deletes a setting only if it still has `value`; true if this call deleted it. */
export async function deleteSettingIfValue(db: Db, key: string, value: string): Promise<boolean> {
  const result = await db.deleteFrom('settings').where('key', '=', key).where('value', '=', value).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
