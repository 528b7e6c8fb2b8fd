import type { Kysely } from 'kysely';
import type { AuditService } from '../audit/service.js';
import type { AuditActor } from '../audit/types.js';
import type { TokenHasher } from '../lib/crypto.js';
import { isUniqueViolation } from '../lib/db-errors.js';
import { fail } from '../lib/errors.js';
import { newId, randomToken } from '../lib/ids.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../lib/password.js';
import type { Database } from '../storage/schema.js';
import * as repo from './repo.js';
import type { SessionRow, UserRow } from './types.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** last_seen_at is written at most this often per session, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 60_000;

export interface AccountsOptions {
  readonly sessionTtlMs: number;
  readonly maxFailures: number;
  readonly lockoutMs: number;
}

export interface NewUser {
  readonly email: string;
  readonly name?: string;
  readonly password: string;
  readonly isAdmin?: boolean;
}

/**
 * A user ready to insert: the password policy checked and the password hashed. Hashing (scrypt,
 * ~50 ms) is done before a transaction opens: on SQLite an open write transaction holds the one
 * write lock, and ingest's writer thread would wait for the hash.
 */
export interface PreparedUser {
  readonly email: string;
  readonly name?: string | undefined;
  readonly passwordHash: string;
  readonly isAdmin?: boolean | undefined;
}

export interface LoginAttempt {
  readonly email: string;
  readonly password: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The session cookie sent with the login, revoked so a planted session id can't survive (fixation). */
  readonly previousSessionToken?: string;
}

export interface LoginResult {
  readonly token: string;
  readonly session: SessionRow;
  readonly user: UserRow;
}

/** Throws WP_ERR_VALIDATION when a password is outside the policy. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < PASSWORD_MIN) throw fail('WP_ERR_VALIDATION', `password: must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw fail('WP_ERR_VALIDATION', `password: must be at most ${PASSWORD_MAX} characters`);
}

/** Users, passwords, sessions and login throttling. */
export class AccountsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditService,
    private readonly hasher: TokenHasher,
    private readonly options: AccountsOptions,
  ) {}

  /** Checks the password policy and hashes the password; give the result to `createUser` inside a transaction. */
  async prepareUser(input: NewUser): Promise<PreparedUser> {
    checkPasswordPolicy(input.password);
    return { email: input.email, name: input.name, isAdmin: input.isAdmin, passwordHash: await hashPassword(input.password) };
  }

  /**
   * Creates a user; WP_ERR_CONFLICT if the email is taken. Inside a transaction (`db` given), pass a
   * {@link PreparedUser}, so the hash is not computed while the transaction is open.
   */
  async createUser(user: NewUser | PreparedUser, actor: AuditActor | null, db: Kysely<Database> = this.db): Promise<UserRow> {
    const input = 'passwordHash' in user ? user : await this.prepareUser(user);
    const now = Date.now();
    const email = input.email.trim().toLowerCase();
    const row: UserRow = {
      id: newId(now),
      email,
      name: input.name?.trim() || email.split('@')[0] || email,
      password_hash: input.passwordHash,
      is_admin: input.isAdmin ? 1 : 0,
      created_at: now,
      updated_at: now,
      last_login_at: null,
      disabled_at: null,
    };
    try {
      await repo.insertUser(db, row);
    } catch (error) {
      if (isUniqueViolation(error)) throw fail('WP_ERR_CONFLICT', `A user with email ${email} already exists`);
      throw error;
    }
    await this.audit.record(
      { actor, action: 'user.created', target: { type: 'user', id: row.id }, details: { email, isAdmin: input.isAdmin === true } },
      db,
    );
    return row;
  }

  findUserByEmail(email: string): Promise<UserRow | undefined> {
    return repo.findUserByEmail(this.db, email);
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return repo.findUserById(this.db, id);
  }

  countUsers(): Promise<number> {
    return repo.countUsers(this.db);
  }

  firstAdmin(): Promise<UserRow | undefined> {
    return repo.firstAdmin(this.db);
  }

  /**
   * Checks credentials with per-email lockout: after `maxFailures` failures within the lockout
   * window the email is locked for `lockoutMs`, whether or not an account exists for it.
   */
  async login(attempt: LoginAttempt): Promise<LoginResult> {
    const now = Date.now();
    const key = attempt.email.trim().toLowerCase();
    const actor: AuditActor = { userId: null, label: key, ip: attempt.ip };
    const failures = await this.countAttempt(key, now);

    const user = await repo.findUserByEmail(this.db, key);
    const ok =
      user !== undefined && user.disabled_at === null
        ? await verifyPassword(attempt.password, user.password_hash)
        : await verifyAgainstDummy(attempt.password);
    if (!ok || user === undefined) {
      await this.recordFailure(key, failures, { ...actor, userId: user?.id ?? null }, user ? { type: 'user', id: user.id } : undefined);
      throw fail('WP_ERR_AUTH_INVALID_CREDENTIALS');
    }

    await repo.clearLoginFailure(this.db, key);
    if (attempt.previousSessionToken) {
      const previous = await repo.findSessionWithUser(this.db, this.hasher.hash(attempt.previousSessionToken));
      if (previous) await repo.updateSession(this.db, previous.session.id, { revoked_at: now });
    }
    const { token, session } = await this.createSession(user, attempt.ip, attempt.userAgent);
    await repo.updateUser(this.db, user.id, { last_login_at: now });
    await this.audit.record({
      actor: { userId: user.id, label: user.email, ip: attempt.ip },
      action: 'auth.login',
      target: { type: 'session', id: session.id },
    });
    return { token, session, user: { ...user, last_login_at: now } };
  }

  /**
   * Counts an attempt against `key` before the password is checked and refuses it while the key
   * is locked or over its budget (parallel guesses beyond the limit never reach scrypt).
   */
  private async countAttempt(key: string, now: number): Promise<number> {
    const { failures, locked_until } = await repo.countLoginAttempt(this.db, key, now, this.options.lockoutMs);
    let lockedUntil = locked_until;
    if ((lockedUntil === null || lockedUntil <= now) && failures > this.options.maxFailures) {
      lockedUntil = now + this.options.lockoutMs;
      await repo.lockLogin(this.db, key, lockedUntil);
    }
    if (lockedUntil !== null && lockedUntil > now) {
      // No audit row per refused attempt: the lock itself was recorded, and an attacker could
      // otherwise grow the log cheaply.
      const retryAfter = Math.ceil((lockedUntil - now) / 1000);
      throw fail('WP_ERR_AUTH_LOCKED', `Too many failed logins for this account; try again in ${retryAfter} s`, {
        'retry-after': String(retryAfter),
      });
    }
    return failures;
  }

  private async recordFailure(key: string, failures: number, actor: AuditActor, target?: { type: string; id: string }): Promise<void> {
    const locked = failures >= this.options.maxFailures;
    if (locked) await repo.lockLogin(this.db, key, Date.now() + this.options.lockoutMs);
    await this.audit.record({ actor, action: 'auth.login_failed', target, details: { email: key, failures, locked } });
  }

  /** Starts a session for an already-authenticated user (login, setup, accepted invite). */
  async createSession(
    user: UserRow,
    ip: string | null,
    userAgent: string | null,
    db: Kysely<Database> = this.db,
  ): Promise<{ token: string; session: SessionRow }> {
    const now = Date.now();
    const token = randomToken(43);
    const session: SessionRow = {
      id: newId(now),
      user_id: user.id,
      token_hash: this.hasher.hash(token),
      created_at: now,
      expires_at: now + this.options.sessionTtlMs,
      last_seen_at: now,
      ip,
      user_agent: userAgent?.slice(0, 300) ?? null,
      revoked_at: null,
    };
    await repo.insertSession(db, session);
    return { token, session };
  }

  /** Changes a user's display name. */
  async rename(user: UserRow, name: string): Promise<UserRow> {
    const now = Date.now();
    await repo.updateUser(this.db, user.id, { name, updated_at: now });
    return { ...user, name, updated_at: now };
  }

  /** Resolves a session cookie to its user; null when unknown, revoked, expired or the user is disabled. */
  async authenticateSession(token: string): Promise<{ user: UserRow; session: SessionRow } | 'expired' | null> {
    const found = await repo.findSessionWithUser(this.db, this.hasher.hash(token));
    if (!found) return null;
    const { session, user } = found;
    const now = Date.now();
    if (session.revoked_at !== null || user.disabled_at !== null) return null;
    if (session.expires_at <= now) return 'expired';
    if (now - session.last_seen_at > TOUCH_INTERVAL_MS) {
      await repo.updateSession(this.db, session.id, { last_seen_at: now });
    }
    return found;
  }

  async logout(session: SessionRow, user: UserRow, ip: string | null): Promise<void> {
    await repo.updateSession(this.db, session.id, { revoked_at: Date.now() });
    await this.audit.record({
      actor: { userId: user.id, label: user.email, ip },
      action: 'auth.logout',
      target: { type: 'session', id: session.id },
    });
  }

  listSessions(userId: string): Promise<SessionRow[]> {
    return repo.listActiveSessions(this.db, userId, Date.now());
  }

  /** Revokes one of the user's own sessions (a lost laptop); WP_ERR_NOT_FOUND if it isn't theirs. */
  async revokeSession(user: UserRow, sessionId: string, ip: string | null): Promise<void> {
    if (!(await repo.revokeUserSession(this.db, user.id, sessionId, Date.now()))) {
      throw fail('WP_ERR_NOT_FOUND', 'No such active session');
    }
    await this.audit.record({
      actor: { userId: user.id, label: user.email, ip },
      action: 'session.revoked',
      target: { type: 'session', id: sessionId },
    });
  }

  /** Changes a password after checking the current one; every other session of the user ends. */
  async changePassword(user: UserRow, current: string, next: string, keepSessionId: string | null, ip: string | null): Promise<void> {
    checkPasswordPolicy(next);
    // A wrong current password counts like a failed login, so a stolen session can't guess it forever.
    const failures = await this.countAttempt(user.email, Date.now());
    if (!(await verifyPassword(current, user.password_hash))) {
      await this.recordFailure(user.email, failures, { userId: user.id, label: user.email, ip }, { type: 'user', id: user.id });
      throw fail('WP_ERR_VALIDATION', 'currentPassword: is not your current password');
    }
    await repo.clearLoginFailure(this.db, user.email);
    const now = Date.now();
    await repo.updateUser(this.db, user.id, { password_hash: await hashPassword(next), updated_at: now });
    await repo.revokeAllUserSessions(this.db, user.id, now, keepSessionId ?? undefined);
    await this.audit.record({
      actor: { userId: user.id, label: user.email, ip },
      action: 'auth.password_changed',
      target: { type: 'user', id: user.id },
    });
  }

  /** Operator reset (CLI): sets the password, ends all sessions and lifts a lockout. */
  async resetPassword(email: string, password: string, actor: AuditActor | null): Promise<UserRow> {
    checkPasswordPolicy(password);
    const user = await repo.findUserByEmail(this.db, email);
    if (!user) throw fail('WP_ERR_NOT_FOUND', `No user with email ${email.toLowerCase()}`);
    const now = Date.now();
    await repo.updateUser(this.db, user.id, { password_hash: await hashPassword(password), updated_at: now });
    await repo.revokeAllUserSessions(this.db, user.id, now);
    await repo.clearLoginFailure(this.db, user.email);
    await this.audit.record({ actor, action: 'user.password_reset', target: { type: 'user', id: user.id } });
    return user;
  }

  /**
   * Disables or re-enables an account (operator, CLI). A disabled user can't log in, their
   * sessions end and their API tokens stop working; nothing they own is deleted.
   */
  async setDisabled(email: string, disabled: boolean, actor: AuditActor | null): Promise<UserRow> {
    const user = await repo.findUserByEmail(this.db, email);
    if (!user) throw fail('WP_ERR_NOT_FOUND', `No user with email ${email.toLowerCase()}`);
    const now = Date.now();
    await repo.updateUser(this.db, user.id, { disabled_at: disabled ? now : null, updated_at: now });
    if (disabled) await repo.revokeAllUserSessions(this.db, user.id, now);
    await this.audit.record({ actor, action: disabled ? 'user.disabled' : 'user.enabled', target: { type: 'user', id: user.id } });
    return { ...user, disabled_at: disabled ? now : null };
  }

  /** Housekeeping for the sessions job: drops sessions and lockout counters nobody can use any more. */
  async cleanup(now = Date.now()): Promise<{ sessions: number; loginFailures: number }> {
    const sessions = await repo.deleteDeadSessions(this.db, now - 86_400_000);
    const loginFailures = await repo.deleteStaleLoginFailures(this.db, now - this.options.lockoutMs);
    return { sessions, loginFailures };
  }
}
