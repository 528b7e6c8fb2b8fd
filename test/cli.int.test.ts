import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/storage/migrations/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/dialects.js';

const dialects = await testDialects();
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const SECRET = 'cli-test-secret-key-0123456789abcdefghijkl';

if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build:server` (npm test builds it)');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json<T>(): T;
}

function cli(args: string[], env: Record<string, string> = {}, input?: string): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, WATCHPOST_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    input,
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: <T>() => JSON.parse(result.stdout) as T };
}

describe('CLI without a database', () => {
  it('has --help on every command', () => {
    for (const args of [[], ['start'], ['migrate'], ['doctor'], ['user'], ['user', 'create'], ['user', 'reset-password'], ['user', 'disable'], ['user', 'enable'], ['db'], ['db', 'copy'], ['project'], ['project', 'create'], ['project', 'list'], ['token'], ['token', 'create'], ['backup'], ['backup', 'source', 'add'], ['backup', 'run'], ['backup', 'verify'], ['backup', 'restore'], ['backup', 'prune'], ['backup', 'list']]) {
      const run = cli([...args, '--help']);
      expect({ args, status: run.status }).toEqual({ args, status: 0 });
      expect(run.stdout).toMatch(/^Usage: watchpost/);
    }
  });

  it('exits non-zero on bad config, listing every problem with its variable', () => {
    const run = cli(['start'], { WATCHPOST_PORT: 'abc', DATABASE_URL: 'postgres://db/x', WATCHPOST_PUBLIC_URL: 'nope' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid configuration');
    expect(run.stderr).toMatch(/WATCHPOST_PORT: .*"abc"/);
    expect(run.stderr).toContain('WATCHPOST_PUBLIC_URL:');
    expect(run.stderr).toContain('WATCHPOST_SECRET_KEY: required when DATABASE_URL points at PostgreSQL');
  });
});

describe.each(dialects)('CLI against the server database [%s]', (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let app: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase(dialect, { migrate: false });
    env = { DATABASE_URL: database.url, WATCHPOST_SECRET_KEY: SECRET, WATCHPOST_DATA_DIR: mkdtempSync(join(tmpdir(), 'wp-cli-')), WATCHPOST_PUBLIC_URL: 'https://ops.example.com' };
  });
  afterAll(async () => {
    await app?.close();
    await database.destroy();
  });

  it('migrates, creates the first admin, a project with its DSN and a token the API accepts', async () => {
    expect(cli(['migrate', '--json'], env).json()).toEqual({ applied: migrations.map((m) => m.name) });
    expect(cli(['migrate', '--json'], env).json()).toEqual({ applied: [] });

    const user = cli(['user', 'create', '--email', 'Ops@Example.com', '--password', 'correct horse battery', '--admin', '--json'], env);
    expect(user.status).toBe(0);
    expect(user.json()).toMatchObject({ email: 'ops@example.com', isAdmin: true, org: { role: 'owner' } });
    const again = cli(['user', 'create', '--email', 'ops@example.com', '--password', 'correct horse battery'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    const viaStdin = cli(['user', 'create', '--email', 'dev@example.com', '--password-stdin', '--org', 'default', '--role', 'viewer', '--json'], env, 'stdin password 123\n');
    expect(viaStdin.json()).toMatchObject({ email: 'dev@example.com', org: { role: 'viewer' } });

    const project = cli(['project', 'create', 'Web Shop', '--json'], env);
    expect(project.status).toBe(0);
    const created = project.json<{ id: number; slug: string; dsn: string }>();
    expect(created).toMatchObject({ id: expect.any(Number), slug: 'web-shop' });
    expect(created.dsn).toMatch(new RegExp(`^https://[0-9a-f]{32}@ops\\.example\\.com/${created.id}$`));
    expect(cli(['project', 'list', '--json'], env).json()).toEqual([expect.objectContaining({ id: created.id, dsn: created.dsn })]);

    const token = cli(['token', 'create', '--name', 'ci', '--scope', 'write', '--json'], env);
    expect(token.status).toBe(0);
    const { token: secret } = token.json<{ token: string }>();
    expect(secret).toMatch(/^wp_/);
    expect(cli(['token', 'create', '--name', 'x', '--scope', 'root'], env).status).toBe(1);

    app = await createTestApp(dialect, { WATCHPOST_SECRET_KEY: SECRET }, database);
    const response = await app.asToken(secret)({ url: `/api/projects/${created.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ slug: 'web-shop' });
  });

  it('resets a password, printing a generated one, and the new one logs in', async () => {
    const run = cli(['user', 'reset-password', '--email', 'ops@example.com', '--json'], env);
    expect(run.status).toBe(0);
    const { password } = run.json<{ password: string }>();
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(await app.login('ops@example.com', password)).toMatch(/^wp_session=/);
    expect(cli(['user', 'reset-password', '--email', 'ghost@example.com', '--password', 'whatever123'], env).status).toBe(1);
  });

  it('disables a user (no login, no tokens) and enables them again', async () => {
    const { token } = cli(['token', 'create', '--name', 'dev', '--user', 'dev@example.com', '--json'], env).json<{ token: string }>();
    expect((await app.asToken(token)({ url: '/api/auth/me' })).statusCode).toBe(200);
    expect(cli(['user', 'disable', '--email', 'dev@example.com', '--json'], env).json()).toMatchObject({ email: 'dev@example.com', disabled: true });
    expect((await app.asToken(token)({ url: '/api/auth/me' })).statusCode).toBe(401);
    await expect(app.login('dev@example.com', 'stdin password 123')).rejects.toThrow(/401/);
    expect(cli(['user', 'enable', '--email', 'dev@example.com'], env).status).toBe(0);
    expect(await app.login('dev@example.com', 'stdin password 123')).toMatch(/^wp_session=/);
  });

  it('doctor reports the database and masks secrets', () => {
    const run = cli(['doctor', '--json'], { ...env, WATCHPOST_METRICS_TOKEN: 'metrics-secret-value-123' });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stdout).not.toContain('metrics-secret-value-123');
    const report = run.json<{ checks: Array<{ name: string; ok: boolean; detail: string }>; configuration: Record<string, string> }>();
    expect(report.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'database', ok: true, detail: expect.stringMatching(dialect === 'sqlite' ? /^SQLite 3\./ : /^PostgreSQL \d+/) }),
        expect.objectContaining({ name: 'migrations', ok: true }),
      ]),
    );
    expect(report.configuration.WATCHPOST_SECRET_KEY).toMatch(/^\*\*\*\*/);
    expect(cli(['doctor'], env).stdout).toContain('ok   database');
  });
});
