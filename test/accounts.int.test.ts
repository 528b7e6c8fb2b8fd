import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchpostError } from '../src/lib/errors.js';
import * as repo from '../src/accounts/repo.js';
import { createTestApp, PASSWORD, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';

const dialects = await testDialects();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WatchpostError) return error.code;
    throw error;
  }
  return 'no error';
}

describe.each(dialects)('accounts [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { WATCHPOST_LOGIN_MAX_FAILURES: '3', WATCHPOST_LOGIN_LOCKOUT_MINUTES: '10' });
  });
  afterAll(() => t.close());
  const accounts = () => t.ctx.services.accounts;

  it('creates users with lower-cased unique emails and hashed passwords', async () => {
    const user = await accounts().createUser({ email: 'Ada@Example.com', password: PASSWORD }, null);
    expect(user.email).toBe('ada@example.com');
    expect(user.name).toBe('ada');
    expect(user.password_hash).toMatch(/^scrypt\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
    expect(await codeOf(accounts().createUser({ email: 'ADA@example.com', password: PASSWORD }, null))).toBe('WP_ERR_CONFLICT');
    expect(await codeOf(accounts().createUser({ email: 'short@example.com', password: 'short' }, null))).toBe('WP_ERR_VALIDATION');
    expect((await accounts().findUserByEmail('ada@EXAMPLE.com'))?.id).toBe(user.id);
    expect((await accounts().findUserById(user.id))?.email).toBe('ada@example.com');
    expect(await accounts().countUsers()).toBeGreaterThanOrEqual(1);
  });

  it('logs in, rotates sessions, and records it in the audit log', async () => {
    await accounts().createUser({ email: 'bob@example.com', password: PASSWORD }, null);
    const first = await accounts().login({ email: 'BOB@example.com', password: PASSWORD, ip: '10.0.0.1', userAgent: 'test' });
    expect(first.token).toHaveLength(43);
    expect(first.session.token_hash).not.toBe(first.token);
    const authed = await accounts().authenticateSession(first.token);
    expect(authed && authed !== 'expired' ? authed.user.email : null).toBe('bob@example.com');

    const second = await accounts().login({ email: 'bob@example.com', password: PASSWORD, ip: null, userAgent: null, previousSessionToken: first.token });
    expect(await accounts().authenticateSession(first.token)).toBeNull();
    expect(await accounts().authenticateSession(second.token)).not.toBeNull();
    const events = await t.ctx.services.audit.listAll({ limit: 10, action: 'auth.login' });
    expect(events[0]).toMatchObject({ action: 'auth.login', actor: { userId: second.user.id, label: 'bob@example.com' } });
  });

  it('locks an email after repeated failures, known or not, and unlocks after the lockout', async () => {
    await accounts().createUser({ email: 'carol@example.com', password: PASSWORD }, null);
    for (const email of ['carol@example.com', 'nobody@example.com']) {
      for (let i = 0; i < 3; i++) {
        expect(await codeOf(accounts().login({ email, password: 'wrong password', ip: null, userAgent: null }))).toBe('WP_ERR_AUTH_INVALID_CREDENTIALS');
      }
      // Even the right password is refused while locked.
      expect(await codeOf(accounts().login({ email, password: PASSWORD, ip: null, userAgent: null }))).toBe('WP_ERR_AUTH_LOCKED');
    }
    const failures = await t.ctx.services.audit.listAll({ limit: 20, action: 'auth.login_failed' });
    expect(failures.filter((e) => e.details?.email === 'carol@example.com')).toHaveLength(3);
    expect(failures.find((e) => e.details?.email === 'carol@example.com' && e.details.locked === true)).toBeDefined();

    // Lockout over: move the lock into the past.
    await repo.saveLoginFailure(t.ctx.storage.db, { key: 'carol@example.com', failures: 3, first_failure_at: 0, locked_until: Date.now() - 1 });
    const ok = await accounts().login({ email: 'carol@example.com', password: PASSWORD, ip: null, userAgent: null });
    expect(ok.user.email).toBe('carol@example.com');
    expect(await repo.getLoginFailure(t.ctx.storage.db, 'carol@example.com')).toBeUndefined();
  });

  it('counts parallel guesses one by one: a burst cannot slip past the lockout', async () => {
    await accounts().createUser({ email: 'burst@example.com', password: PASSWORD }, null);
    const codes = await Promise.all(
      Array.from({ length: 20 }, () => codeOf(accounts().login({ email: 'burst@example.com', password: 'guess guess', ip: null, userAgent: null }))),
    );
    expect(codes.filter((c) => c === 'WP_ERR_AUTH_INVALID_CREDENTIALS').length).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === 'WP_ERR_AUTH_LOCKED').length).toBeGreaterThanOrEqual(17);
    expect(await codeOf(accounts().login({ email: 'burst@example.com', password: PASSWORD, ip: null, userAgent: null }))).toBe('WP_ERR_AUTH_LOCKED');
  });

  it('counts wrong current passwords on password change like failed logins', async () => {
    const user = await accounts().createUser({ email: 'guesser@example.com', password: PASSWORD }, null);
    for (let i = 0; i < 3; i++) expect(await codeOf(accounts().changePassword(user, 'wrong one', 'new password 1', null, null))).toBe('WP_ERR_VALIDATION');
    expect(await codeOf(accounts().changePassword(user, PASSWORD, 'new password 1', null, null))).toBe('WP_ERR_AUTH_LOCKED');
  });

  it('reports expired sessions, revokes sessions, and ends other sessions on password change', async () => {
    const user = await accounts().createUser({ email: 'dan@example.com', password: PASSWORD }, null);
    const a = await accounts().login({ email: 'dan@example.com', password: PASSWORD, ip: null, userAgent: 'a' });
    const b = await accounts().login({ email: 'dan@example.com', password: PASSWORD, ip: null, userAgent: 'b' });
    expect((await accounts().listSessions(user.id)).map((s) => s.id).sort()).toEqual([a.session.id, b.session.id].sort());

    await repo.updateSession(t.ctx.storage.db, a.session.id, { expires_at: Date.now() - 1 });
    expect(await accounts().authenticateSession(a.token)).toBe('expired');

    await accounts().changePassword(b.user, PASSWORD, 'a brand new password', b.session.id, null);
    expect(await accounts().authenticateSession(b.token)).not.toBeNull();
    expect(await codeOf(accounts().changePassword(b.user, 'not it', 'another new password', null, null))).toBe('WP_ERR_VALIDATION');

    const c = await accounts().login({ email: 'dan@example.com', password: 'a brand new password', ip: null, userAgent: null });
    await accounts().revokeSession(c.user, c.session.id, null);
    expect(await accounts().authenticateSession(c.token)).toBeNull();
    expect(await codeOf(accounts().revokeSession(c.user, c.session.id, null))).toBe('WP_ERR_NOT_FOUND');

    const reset = await accounts().resetPassword('dan@example.com', 'reset by operator', null);
    expect(reset.id).toBe(user.id);
    expect(await accounts().authenticateSession(b.token)).toBeNull();
    expect(await codeOf(accounts().resetPassword('ghost@example.com', 'whatever12', null))).toBe('WP_ERR_NOT_FOUND');
  });

  it('cleans up dead sessions and stale lockout counters', async () => {
    const user = await accounts().createUser({ email: 'erin@example.com', password: PASSWORD }, null);
    const s = await accounts().login({ email: 'erin@example.com', password: PASSWORD, ip: null, userAgent: null });
    await repo.updateSession(t.ctx.storage.db, s.session.id, { expires_at: Date.now() - 2 * 86_400_000 });
    await repo.saveLoginFailure(t.ctx.storage.db, { key: 'stale@example.com', failures: 1, first_failure_at: 1, locked_until: null });
    const result = await accounts().cleanup();
    expect(result.sessions).toBeGreaterThanOrEqual(1);
    expect(result.loginFailures).toBeGreaterThanOrEqual(1);
    expect(await repo.listActiveSessions(t.ctx.storage.db, user.id, Date.now())).toEqual([]);
  });

  it('stores settings with upsert semantics', async () => {
    const db = t.ctx.storage.db;
    await repo.setSetting(db, 'k', 'one', 1);
    await repo.setSetting(db, 'k', 'two', 2);
    expect(await repo.getSetting(db, 'k')).toBe('two');
    expect(await repo.deleteSettingIfValue(db, 'k', 'one')).toBe(false);
    expect(await repo.deleteSettingIfValue(db, 'k', 'two')).toBe(true);
    await repo.setSetting(db, 'k2', 'x', 3);
    await repo.deleteSetting(db, 'k2');
    expect(await repo.getSetting(db, 'k2')).toBeUndefined();
  });
});

describe.each(dialects)('first-run set-up [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('issues a one-time token, creates the first admin with it, then refuses', async () => {
    const setup = t.ctx.services.setup;
    expect(await setup.needsSetup()).toBe(true);
    const outcome = await setup.bootstrap(null);
    if (outcome.kind !== 'setup-needed') throw new Error(`unexpected ${outcome.kind}`);
    const input = { email: 'root@example.com', password: PASSWORD, orgName: 'Acme' };
    expect(await codeOf(setup.complete({ ...input, token: 'wrong' }, null, null))).toBe('WP_ERR_SETUP_TOKEN');
    const done = await setup.complete({ ...input, token: outcome.token }, null, null);
    expect(done.user.is_admin).toBe(1);
    expect(done.org.slug).toBe('acme');
    expect(await t.ctx.services.orgs.roleOf(done.org.id, done.user.id)).toBe('owner');
    expect(await codeOf(setup.complete({ ...input, email: 'other@example.com', token: outcome.token }, null, null))).toBe('WP_ERR_SETUP_DONE');
    expect(await setup.bootstrap(null)).toEqual({ kind: 'ready' });
  });
});

describe.each(dialects)('admin from configuration [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('creates the configured admin with a Default organisation once', async () => {
    const admin = { email: 'Ops@Example.com', password: PASSWORD };
    expect(await t.ctx.services.setup.bootstrap(admin)).toEqual({ kind: 'admin-created', email: 'ops@example.com' });
    expect(await t.ctx.services.setup.bootstrap(admin)).toEqual({ kind: 'ready' });
    const user = await t.ctx.services.accounts.findUserByEmail('ops@example.com');
    const orgs = await t.ctx.services.orgs.listForUser(user?.id ?? '');
    expect(orgs).toEqual([expect.objectContaining({ name: 'Default', slug: 'default', role: 'owner' })]);
  });
});
