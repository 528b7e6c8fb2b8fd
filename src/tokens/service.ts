import type { Kysely } from 'kysely';
import type { AccountsService } from '../accounts/service.js';
import type { UserRow } from '../accounts/types.js';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import type { TokenHasher } from '../lib/crypto.js';
import { fail } from '../lib/errors.js';
import { newId, randomToken } from '../lib/ids.js';
import type { Database } from '../storage/schema.js';
import * as repo from './repo.js';
import type { ApiToken, ApiTokenRow, TokenScope } from './types.js';

/** Prefix that makes Watchpost tokens recognisable to secret scanners and people. */
export const TOKEN_PREFIX = 'wp_';
const TOUCH_INTERVAL_MS = 60_000;

export interface NewToken {
  readonly orgId: string;
  readonly userId: string;
  readonly name: string;
  readonly scope: TokenScope;
  readonly expiresAt?: number | null;
}

function toApiToken(row: ApiTokenRow & { user_email?: string | null }): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    scope: row.scope,
    createdBy: row.user_email ? { id: row.user_id, email: row.user_email } : null,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** API tokens: shown once, stored as keyed hashes, scoped, revocable, with last-used time. */
export class TokensService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly hasher: TokenHasher,
    private readonly accounts: AccountsService,
  ) {}

  /** Creates a token and returns its secret; the secret is not stored and cannot be shown again. */
  async create(input: NewToken, actor: AuditActor | null): Promise<{ token: string; apiToken: ApiToken }> {
    const name = input.name.trim();
    if (name === '') throw fail('WP_ERR_VALIDATION', 'name: must not be empty');
    const now = Date.now();
    if (input.expiresAt != null && input.expiresAt <= now) throw fail('WP_ERR_VALIDATION', 'expiresAt: must be in the future');
    const token = `${TOKEN_PREFIX}${randomToken(40)}`;
    const row: ApiTokenRow = {
      id: newId(now),
      org_id: input.orgId,
      user_id: input.userId,
      name,
      token_hash: this.hasher.hash(token),
      token_prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      scope: input.scope,
      created_at: now,
      last_used_at: null,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
    };
    await repo.insertToken(this.db, row);
    await this.audit.record({
      orgId: input.orgId,
      actor,
      action: 'token.created',
      target: { type: 'token', id: row.id },
      details: { name, scope: input.scope },
    });
    return { token, apiToken: toApiToken(row) };
  }

  /** Resolves a bearer token; null when unknown, revoked, expired, or its owner is disabled. */
  async authenticate(token: string): Promise<{ token: ApiTokenRow; user: UserRow } | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const row = await repo.findTokenByHash(this.db, this.hasher.hash(token));
    const now = Date.now();
    if (!row || row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= now)) return null;
    const user = await this.accounts.findUserById(row.user_id);
    if (!user || user.disabled_at !== null) return null;
    if (row.last_used_at === null || now - row.last_used_at > TOUCH_INTERVAL_MS) await repo.touchToken(this.db, row.id, now);
    return { token: row, user };
  }

  /** An organisation's tokens; `userId` narrows to one person's. */
  async list(orgId: string, userId?: string): Promise<ApiToken[]> {
    return (await repo.listTokens(this.db, orgId, userId)).map(toApiToken);
  }

  async get(orgId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
    return repo.findToken(this.db, orgId, tokenId);
  }

  async revoke(orgId: string, tokenId: string, actor: AuditActor): Promise<void> {
    const row = await repo.findToken(this.db, orgId, tokenId);
    if (!row) throw fail('WP_ERR_NOT_FOUND', 'No such token');
    await repo.revokeToken(this.db, tokenId, Date.now());
    await this.audit.record({ orgId, actor, action: 'token.revoked', target: { type: 'token', id: tokenId }, details: { name: row.name } });
  }
}
