import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/lib/password.js';
import { createTestApp, PASSWORD, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';

const dialects = await testDialects();
const SQLite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/**
 * Polls the SQLite write lock from a connection of its own every 2 ms while `work` runs, and
 * returns the longest stretch it was held by someone else. A transaction that awaits a password
 * hash (scrypt, tens of ms) holds the lock for all of that time, and ingest's writer thread waits.
 */
async function longestLockHold(file: string, work: () => Promise<unknown>): Promise<number> {
  const probe = new SQLite(file, { timeout: 0 });
  let busySince: number | null = null;
  let longest = 0;
  const poll = () => {
    try {
      probe.exec('BEGIN IMMEDIATE');
      probe.exec('ROLLBACK');
      if (busySince !== null) longest = Math.max(longest, performance.now() - busySince);
      busySince = null;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      busySince ??= performance.now();
    }
  };
  const timer = setInterval(poll, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
    poll();
    probe.close();
  }
  return longest;
}

// The write lock is SQLite's: PostgreSQL has no database-wide lock for a slow transaction to hold
// (both dialects run set-up and invitations in test/http-security.int.test.ts).
describe.runIf(dialects.includes('sqlite'))('passwords are hashed before a transaction opens [sqlite]', () => {
  let hashMs = 0;
  beforeAll(async () => {
    const started = performance.now();
    await hashPassword(PASSWORD);
    hashMs = performance.now() - started;
  });

  it('first-run set-up and accepting an invitation with a new account hold the write lock for less than a hash takes', async () => {
    const t: TestApp = await createTestApp('sqlite');
    try {
      const file = t.db.config.dialect === 'sqlite' ? t.db.config.file : '';
      const outcome = await t.ctx.services.setup.bootstrap(null);
      if (outcome.kind !== 'setup-needed') throw new Error('expected set-up to be needed');
      let setupStatus = 0;
      const setupHold = await longestLockHold(file, async () => {
        const done = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { token: outcome.token, email: 'first@example.com', password: PASSWORD, orgName: 'First' } });
        setupStatus = done.statusCode;
        return done;
      });
      expect(setupStatus).toBe(201);

      const admin = t.asCookie(await t.login('first@example.com'));
      const orgId = (await admin({ url: '/api/orgs' })).json<{ items: Array<{ id: string }> }>().items[0]?.id;
      const invite = await admin({ method: 'POST', url: `/api/orgs/${orgId}/invites`, payload: { email: 'joiner@example.com', role: 'viewer' } });
      const token = invite.json<{ url: string }>().url.split('#token=')[1];
      let acceptStatus = 0;
      const acceptHold = await longestLockHold(file, async () => {
        const accepted = await t.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, name: 'Joiner', password: PASSWORD } });
        acceptStatus = accepted.statusCode;
      });
      expect(acceptStatus).toBe(200);

      // Before the fix each held the lock for at least one whole hash.
      expect(setupHold).toBeLessThan(hashMs / 2);
      expect(acceptHold).toBeLessThan(hashMs / 2);
    } finally {
      await t.close();
    }
  });
});
