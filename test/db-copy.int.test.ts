import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { copyDatabase, TABLES_IN_ORDER } from '../src/storage/copy.js';
import { createTestApp, PASSWORD, type TestApp } from './helpers/app.js';
import { createTestDatabase, postgresAvailable, testDialects, type TestDatabase } from './helpers/dialects.js';

const dialects = await testDialects();
const pgAvailable = await postgresAvailable();

describe.each(dialects)('table list [%s]', (dialect) => {
  it('names every table of the schema, so copies and future tooling miss nothing', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const tables = await database.storage.db.introspection.getTables();
      const names = tables
        .filter((t) => database.schema === null || t.schema === database.schema)
        .map((t) => t.name)
        .filter((name) => !name.startsWith('watchpost_migration'))
        .sort();
      expect(names).toEqual([...TABLES_IN_ORDER].sort());
    } finally {
      await database.destroy();
    }
  });
});

describe.skipIf(!pgAvailable)('moving from SQLite to PostgreSQL', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it('copies every row, keeps logins and tokens working, and continues project ids', async () => {
    const sqliteApp: TestApp = await createTestApp('sqlite');
    cleanup.push(() => sqliteApp.close());
    const owner = await sqliteApp.signUp('owner@example.com', { orgName: 'Moving Co' });
    const org = owner.org!;
    const { project, key } = await sqliteApp.ctx.services.projects.create(org.id, { name: 'Shop' }, null);
    await sqliteApp.ctx.services.projects.create(org.id, { name: 'Blog' }, null);
    const { token } = await sqliteApp.ctx.services.tokens.create({ orgId: org.id, userId: owner.user.id, name: 'ci', scope: 'read' }, null);

    const target: TestDatabase = await createTestDatabase('postgres');
    cleanup.push(() => target.destroy());
    const progress: string[] = [];
    const counts = await copyDatabase(sqliteApp.db.storage, target.storage, ({ table }) => progress.push(table));
    expect(counts).toMatchObject({ users: 1, organizations: 1, projects: 2, ingest_keys: 2, api_tokens: 1 });
    expect(counts.audit_log).toBeGreaterThan(3);
    expect(progress).toContain('projects');

    const pgApp = await createTestApp('postgres', {}, target);
    cleanup.push(() => pgApp.close());
    expect(await pgApp.login('owner@example.com', PASSWORD)).toMatch(/^wp_session=/);
    const viaToken = await pgApp.asToken(token)({ url: `/api/projects/${project.id}/keys` });
    expect(viaToken.statusCode).toBe(200);
    expect(viaToken.json<{ items: Array<{ dsn: string }> }>().items[0]?.dsn).toBe(key.dsn);
    const next = await pgApp.ctx.services.projects.create(org.id, { name: 'New after move' }, null);
    expect(next.project.id).toBeGreaterThan(project.id + 1);

    await expect(copyDatabase(sqliteApp.db.storage, target.storage)).rejects.toThrow(/not empty/);
  });

  it('copies PostgreSQL back to SQLite across many pages without losing or repeating rows', async () => {
    const source = await createTestDatabase('postgres');
    cleanup.push(() => source.destroy());
    const db = source.storage.db;
    const now = Date.now();
    const orgs = ['o1', 'o2', 'o3'];
    await db.insertInto('organizations').values(orgs.map((id) => ({ id, name: id, slug: id, created_at: now, updated_at: now }))).execute();
    const users = Array.from({ length: 400 }, (_, i) => ({
      id: `u${String(i).padStart(4, '0')}`, email: `u${i}@example.com`, name: `u${i}`, password_hash: 'x', is_admin: 0,
      created_at: now, updated_at: now, last_login_at: null, disabled_at: null,
    }));
    await db.insertInto('users').values(users).execute();
    const memberships = orgs.flatMap((org) => users.map((u) => ({ org_id: org, user_id: u.id, role: 'member' as const, created_at: now })));
    await db.insertInto('memberships').values(memberships).execute();

    const target = await createTestDatabase('sqlite');
    cleanup.push(() => target.destroy());
    const counts = await copyDatabase(source.storage, target.storage);
    expect(counts).toMatchObject({ users: 400, organizations: 3, memberships: 1200 });
    const copied = await target.storage.db.selectFrom('memberships').select(['org_id', 'user_id']).execute();
    expect(new Set(copied.map((m) => `${m.org_id}/${m.user_id}`)).size).toBe(1200);
  });
});

describe('copying from a SQLite file a node is writing to', () => {
  it('reads a snapshot without taking the write lock, so the writer carries on and the copy sees what was committed before it began', async () => {
    const source = await createTestDatabase('sqlite');
    const target = await createTestDatabase('sqlite');
    const now = Date.now();
    await source.storage.db.insertInto('organizations').values({ id: 'o1', name: 'o1', slug: 'o1', created_at: now, updated_at: now }).execute();
    // Another process's connection in the middle of a write transaction (a running node's batch).
    const writer = new SQLite(source.config.dialect === 'sqlite' ? source.config.file : '');
    try {
      writer.pragma('busy_timeout = 100');
      writer.prepare('begin immediate').run();
      writer.prepare("insert into organizations (id, name, slug, created_at, updated_at) values ('o2', 'o2', 'o2', 0, 0)").run();
      const started = Date.now();
      const counts = await copyDatabase(source.storage, target.storage);
      expect(Date.now() - started).toBeLessThan(4_000); // not waiting out a busy timeout
      expect(counts.organizations).toBe(1); // the uncommitted row is not in the snapshot
      writer.prepare('commit').run(); // and the writer was never blocked
      expect(await source.storage.db.selectFrom('organizations').select('id').orderBy('id').execute()).toEqual([{ id: 'o1' }, { id: 'o2' }]);
    } finally {
      writer.close();
      await target.destroy();
      await source.destroy();
    }
  });
});
