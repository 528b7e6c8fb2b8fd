import type { Generated, Selectable } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  /** Instance administrator: sees jobs, all audit events, can create organisations for others. */
  is_admin: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  disabled_at: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  /** Keyed hash of the cookie value; the cookie itself is never stored. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
  revoked_at: number | null;
}

/** Failed-login counters per email (known or not, so lockout doesn't reveal which accounts exist). */
export interface LoginFailuresTable {
  key: string;
  failures: number;
  first_failure_at: number;
  locked_until: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface AccountsTables {
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  settings: SettingsTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;

/** What the API shows of a user. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

// Generated is re-exported so feature table files can mark database-assigned columns.
export type { Generated };
