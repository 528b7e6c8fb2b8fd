import type { Selectable } from 'kysely';

export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiTokensTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** First characters of the token, shown in lists so people can tell tokens apart. */
  token_prefix: string;
  scope: TokenScope;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface TokensTables {
  api_tokens: ApiTokensTable;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdBy: { id: string; email: string } | null;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}
