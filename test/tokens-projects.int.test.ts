import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchpostError } from '../src/lib/errors.js';
import { createTestApp, PASSWORD, PUBLIC_URL, type TestApp } from './helpers/app.js';
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

describe.each(dialects)('API tokens [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('creates tokens shown once, authenticates, tracks last use, revokes and expires them', async () => {
    const tokens = t.ctx.services.tokens;
    const user = await t.ctx.services.accounts.createUser({ email: 'tok@example.com', password: PASSWORD }, null);
    const org = await t.ctx.services.orgs.create('Tokens', user.id, actor);
    const { token, apiToken } = await tokens.create({ orgId: org.id, userId: user.id, name: 'CI', scope: 'write' }, actor);
    expect(token).toMatch(/^wp_[0-9A-Za-z]{40}$/);
    expect(apiToken.prefix).toBe(token.slice(0, 9));

    const found = await tokens.authenticate(token);
    expect(found).toMatchObject({ token: { id: apiToken.id, scope: 'write', org_id: org.id }, user: { id: user.id } });
    const listed = await tokens.list(org.id);
    expect(listed).toEqual([expect.objectContaining({ id: apiToken.id, createdBy: { id: user.id, email: 'tok@example.com' } })]);
    expect(listed[0]?.lastUsedAt).toEqual(expect.any(Number));
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await tokens.list(org.id, 'someone-else')).toEqual([]);

    expect(await tokens.authenticate('wp_nottherighttoken')).toBeNull();
    expect(await tokens.authenticate(token.replace(/^wp_/, 'xx_'))).toBeNull();

    await tokens.revoke(org.id, apiToken.id, actor);
    expect(await tokens.authenticate(token)).toBeNull();
    expect(await codeOf(tokens.revoke(org.id, 'missing', actor))).toBe('WP_ERR_NOT_FOUND');
    expect(await codeOf(tokens.create({ orgId: org.id, userId: user.id, name: 'old', scope: 'read', expiresAt: Date.now() - 1 }, actor))).toBe('WP_ERR_VALIDATION');

    const expiring = await tokens.create({ orgId: org.id, userId: user.id, name: 'soon', scope: 'read', expiresAt: Date.now() + 50 }, actor);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await tokens.authenticate(expiring.token)).toBeNull();

    const events = await t.ctx.services.audit.listForOrg(org.id, { limit: 10 });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['token.created', 'token.revoked']));
  });
});

describe.each(dialects)('projects and ingest keys [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('creates numbered projects with a default key and a Sentry-style DSN', async () => {
    const projects = t.ctx.services.projects;
    const user = await t.ctx.services.accounts.createUser({ email: 'p@example.com', password: PASSWORD }, null);
    const org = await t.ctx.services.orgs.create('Proj', user.id, actor);
    const other = await t.ctx.services.orgs.create('Other', user.id, actor);
    const { project, key } = await projects.create(org.id, { name: 'Web Shop', platform: 'nextjs' }, actor);
    expect(project).toMatchObject({ orgId: org.id, name: 'Web Shop', slug: 'web-shop', platform: 'nextjs' });
    expect(Number.isInteger(project.id)).toBe(true);
    expect(key.publicKey).toMatch(/^[0-9a-f]{32}$/);
    expect(key.dsn).toBe(`http://${key.publicKey}@watchpost.test/${project.id}`);
    expect(key.dsn.startsWith(PUBLIC_URL.replace('//', `//${key.publicKey}@`))).toBe(true);

    const second = await projects.create(org.id, { name: 'web shop' }, actor);
    expect(second.project.slug).toBe('web-shop-2');
    expect(second.project.id).toBeGreaterThan(project.id);
    const elsewhere = await projects.create(other.id, { name: 'Web Shop' }, actor);
    expect(elsewhere.project.slug).toBe('web-shop');

    expect((await projects.list(org.id)).map((p) => p.slug)).toEqual(['web-shop', 'web-shop-2']);
    expect((await projects.find(org.id, 'web-shop'))?.id).toBe(project.id);
    expect((await projects.find(org.id, String(project.id)))?.id).toBe(project.id);
    expect(await projects.find(other.id, String(project.id))).toBeUndefined();

    const renamed = await projects.update(project.id, { name: 'Shop' }, actor);
    expect(renamed).toMatchObject({ name: 'Shop', slug: 'web-shop', platform: 'nextjs' });
    expect(await codeOf(projects.update(project.id, { name: ' ' }, actor))).toBe('WP_ERR_VALIDATION');

    expect(await projects.resolveIngestKey(key.publicKey)).toEqual({ projectId: project.id, keyId: key.id, rateLimitPerMinute: null, revokedAt: null });
    await projects.delete(second.project.id, actor);
    expect(await projects.get(second.project.id)).toBeUndefined();
    expect(await projects.resolveIngestKey(second.key.publicKey)).toBeNull();
    expect(await codeOf(projects.delete(second.project.id, actor))).toBe('WP_ERR_NOT_FOUND');
  });

  it('adds, rotates with a grace period and revokes keys', async () => {
    const projects = t.ctx.services.projects;
    const user = await t.ctx.services.accounts.createUser({ email: 'k@example.com', password: PASSWORD }, null);
    const org = await t.ctx.services.orgs.create('Keys', user.id, actor);
    const { project, key } = await projects.create(org.id, { name: 'API' }, actor);

    const extra = await projects.createKey(project, 'staging', actor);
    expect(extra).toMatchObject({ label: 'staging', active: true });

    const rotated = await projects.rotateKey(project, key.id, 3600, actor);
    expect(rotated.label).toBe('Default');
    expect((await projects.listKeys(project.id)).find((k) => k.id === key.id)?.label).toBe('Default (replaced)');
    // The old key keeps working during the grace period.
    expect(await projects.resolveIngestKey(key.publicKey)).not.toBeNull();
    const immediate = await projects.rotateKey(project, extra.id, 0, actor);
    expect(await projects.resolveIngestKey(extra.publicKey)).toBeNull();
    expect(await projects.resolveIngestKey(immediate.publicKey)).not.toBeNull();

    await projects.revokeKey(project, key.id, actor);
    expect(await projects.resolveIngestKey(key.publicKey)).toBeNull();
    const keys = await projects.listKeys(project.id);
    expect(keys.filter((k) => k.active).map((k) => k.id).sort()).toEqual([rotated.id, immediate.id].sort());
    expect(await codeOf(projects.rotateKey(project, key.id, 0, actor))).toBe('WP_ERR_NOT_FOUND');
    expect(await codeOf(projects.revokeKey(project, 'nope', actor))).toBe('WP_ERR_NOT_FOUND');
    const actions = (await t.ctx.services.audit.listForOrg(org.id, { limit: 20 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['key.created', 'key.rotated', 'key.revoked', 'project.created']));
  });
});

describe.each(dialects)('audit log [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it("shows an organisation its own events and its members' logins, nobody else's, newest first with paging", async () => {
    const a = await t.signUp('a@example.com', { orgName: 'A' });
    const b = await t.signUp('b@example.com', { orgName: 'B' });
    if (!a.org || !b.org) throw new Error('orgs missing');
    await t.ctx.services.projects.create(a.org.id, { name: 'a1' }, actor);
    await t.ctx.services.projects.create(b.org.id, { name: 'b1' }, actor);

    const forA = await t.ctx.services.audit.listForOrg(a.org.id, { limit: 100 });
    expect(forA.map((e) => e.action)).toEqual(expect.arrayContaining(['org.created', 'project.created', 'auth.login']));
    expect(forA.every((e) => e.orgId === a.org?.id || e.actor.userId === a.user.id)).toBe(true);
    expect(forA.some((e) => e.actor.label === 'b@example.com')).toBe(false);
    const ids = forA.map((e) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);

    const memberEvents = await t.ctx.services.audit.listForOrg(a.org.id, { limit: 100, action: 'project.*' });
    expect(memberEvents.map((e) => e.action)).toEqual(['project.created']);
    expect(await t.ctx.services.audit.listForOrg(a.org.id, { limit: 100, action: 'project' })).toEqual([]);

    const page1 = await t.ctx.services.audit.listForOrg(a.org.id, { limit: 1 });
    const page2 = await t.ctx.services.audit.listForOrg(a.org.id, { limit: 1, before: page1[0]?.id });
    expect(page2[0]?.id).toBe(ids[1]);
    expect((await t.ctx.services.audit.listAll({ limit: 500 })).length).toBeGreaterThan(forA.length);
  });
});
