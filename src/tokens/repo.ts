import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import type { ApiTokenRow } from './types.js';

type Db = Kysely<Database>;

export async function insertToken(db: Db, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export async function findTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function listTokens(db: Db, orgId: string, userId?: string) {
  let q = db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('api_tokens')
    .select('users.email as user_email')
    .where('api_tokens.org_id', '=', orgId);
  if (userId !== undefined) q = q.where('api_tokens.user_id', '=', userId);
  return q.orderBy('api_tokens.created_at', 'desc').execute();
}

export async function findToken(db: Db, orgId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('org_id', '=', orgId).where('id', '=', tokenId).executeTakeFirst();
}

export async function revokeToken(db: Db, tokenId: string, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', tokenId).where('revoked_at', 'is', null).execute();
}

export async function touchToken(db: Db, tokenId: string, now: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
}
