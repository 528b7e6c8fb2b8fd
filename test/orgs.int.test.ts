import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchpostError } from '../src/lib/errors.js';
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

const actor = { userId: null, label: 'test', ip: null };

describe.each(dialects)('organisations and members [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());
  const orgs = () => t.ctx.services.orgs;
  const newUser = (email: string) => t.ctx.services.accounts.createUser({ email, password: PASSWORD }, null);

  it('creates organisations with unique slugs and lists them per user', async () => {
    const owner = await newUser('owner@example.com');
    const a = await orgs().create('Acme Inc', owner.id, actor);
    const b = await orgs().create('Acme Inc', owner.id, actor);
    expect([a.slug, b.slug]).toEqual(['acme-inc', 'acme-inc-2']);
    expect((await orgs().find('acme-inc-2'))?.id).toBe(b.id);
    expect((await orgs().find(a.id))?.slug).toBe('acme-inc');
    expect((await orgs().listForUser(owner.id)).map((o) => [o.slug, o.role])).toEqual([
      ['acme-inc', 'owner'],
      ['acme-inc-2', 'owner'],
    ]);
    expect((await orgs().listAll()).length).toBeGreaterThanOrEqual(2);
    const renamed = await orgs().rename(b.id, 'Acme Two', actor);
    expect(renamed).toMatchObject({ name: 'Acme Two', slug: 'acme-inc-2' });
    await orgs().delete(b.id, actor);
    expect(await orgs().get(b.id)).toBeUndefined();
    expect(await codeOf(orgs().create('   ', owner.id, actor))).toBe('WP_ERR_VALIDATION');
  });

  it('enforces role rules: only owners touch ownership, the last owner stays', async () => {
    const owner = await newUser('o2@example.com');
    const admin = await newUser('a2@example.com');
    const member = await newUser('m2@example.com');
    const org = await orgs().create('Roles', owner.id, actor);
    await orgs().addMember(org.id, admin.id, 'admin', actor);
    await orgs().addMember(org.id, member.id, 'member', actor);
    expect(await codeOf(orgs().addMember(org.id, member.id, 'viewer', actor))).toBe('WP_ERR_CONFLICT');

    expect(await codeOf(orgs().changeRole(org.id, member.id, 'owner', 'admin', actor))).toBe('WP_ERR_FORBIDDEN');
    expect(await codeOf(orgs().changeRole(org.id, owner.id, 'member', 'admin', actor))).toBe('WP_ERR_FORBIDDEN');
    expect(await codeOf(orgs().changeRole(org.id, owner.id, 'member', 'owner', actor))).toBe('WP_ERR_LAST_OWNER');
    await orgs().changeRole(org.id, member.id, 'viewer', 'admin', actor);
    expect(await orgs().roleOf(org.id, member.id)).toBe('viewer');

    expect(await codeOf(orgs().removeMember(org.id, owner.id, owner.id, 'owner', actor))).toBe('WP_ERR_LAST_OWNER');
    expect(await codeOf(orgs().removeMember(org.id, admin.id, member.id, 'viewer', actor))).toBe('WP_ERR_FORBIDDEN');
    await orgs().removeMember(org.id, member.id, member.id, 'viewer', actor);
    expect(await orgs().roleOf(org.id, member.id)).toBeNull();

    await orgs().changeRole(org.id, admin.id, 'owner', 'owner', actor);
    await orgs().changeRole(org.id, owner.id, 'member', 'owner', actor);
    expect((await orgs().listMembers(org.id)).map((m) => [m.email, m.role])).toEqual([
      ['a2@example.com', 'owner'],
      ['o2@example.com', 'member'],
    ]);
    const changes = await t.ctx.services.audit.listForOrg(org.id, { limit: 50, action: 'member.role_changed' });
    expect(changes.map((e) => e.details)).toContainEqual({ from: 'owner', to: 'member' });
  });

  it('keeps an owner when two owners step down at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await newUser(`race-a${round}@example.com`);
      const b = await newUser(`race-b${round}@example.com`);
      const org = await orgs().create(`Race ${round}`, a.id, actor);
      await orgs().addMember(org.id, b.id, 'owner', actor);
      const results = await Promise.allSettled([
        orgs().changeRole(org.id, a.id, 'member', 'owner', actor),
        round % 2 === 0 ? orgs().changeRole(org.id, b.id, 'member', 'owner', actor) : orgs().removeMember(org.id, b.id, b.id, 'owner', actor),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await orgs().listMembers(org.id)).filter((m) => m.role === 'owner')).toHaveLength(1);
    }
  });

  it('invites by link: new accounts, existing accounts, once only', async () => {
    const owner = await newUser('o3@example.com');
    const org = await orgs().create('Invites', owner.id, actor);
    const ownerActor = { userId: owner.id, label: owner.email, ip: null };
    expect(await codeOf(orgs().invite(org.id, 'x@example.com', 'owner', 'admin', ownerActor))).toBe('WP_ERR_FORBIDDEN');

    const fresh = await orgs().invite(org.id, 'New@Example.com', 'member', 'owner', ownerActor);
    expect(fresh.invite.email).toBe('new@example.com');
    expect((await orgs().listInvites(org.id)).map((i) => i.id)).toEqual([fresh.invite.id]);
    const described = await orgs().describeInvite(fresh.token);
    expect(described).toMatchObject({ accountExists: false, org: { name: 'Invites' } });
    const joined = await orgs().acceptInvite(fresh.token, { name: 'New Person', password: PASSWORD }, null);
    expect(joined).toMatchObject({ role: 'member', user: { email: 'new@example.com', name: 'New Person' } });
    expect(await codeOf(orgs().acceptInvite(fresh.token, { name: 'Again', password: PASSWORD }, null))).toBe('WP_ERR_INVITE_INVALID');
    expect(await orgs().listInvites(org.id)).toEqual([]);

    const existing = await newUser('exists@example.com');
    const forExisting = await orgs().invite(org.id, 'exists@example.com', 'viewer', 'owner', ownerActor);
    expect(await codeOf(orgs().acceptInvite(forExisting.token, { name: 'x', password: PASSWORD }, null))).toBe('WP_ERR_CONFLICT');
    const stranger = await newUser('stranger@example.com');
    expect(await codeOf(orgs().acceptInvite(forExisting.token, { user: stranger }, null))).toBe('WP_ERR_FORBIDDEN');
    await orgs().acceptInvite(forExisting.token, { user: existing }, null);
    expect(await orgs().roleOf(org.id, existing.id)).toBe('viewer');
    expect(await codeOf(orgs().invite(org.id, 'exists@example.com', 'viewer', 'owner', ownerActor))).toBe('WP_ERR_CONFLICT');

    const withdrawn = await orgs().invite(org.id, 'later@example.com', 'member', 'owner', ownerActor);
    await orgs().revokeInvite(org.id, withdrawn.invite.id, ownerActor);
    expect(await codeOf(orgs().describeInvite(withdrawn.token))).toBe('WP_ERR_INVITE_INVALID');
    expect(await codeOf(orgs().revokeInvite(org.id, withdrawn.invite.id, ownerActor))).toBe('WP_ERR_NOT_FOUND');
  });
});
