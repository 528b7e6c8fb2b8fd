import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { UserRow } from '../../src/accounts/types.js';
import type { Organization, Role } from '../../src/orgs/types.js';
import { buildApp } from '../../src/server/app.js';
import type { ApiInstance } from '../../src/server/api-types.js';
import { createContext, type AppContext } from '../../src/server/context.js';
import { openStorage, type Dialect } from '../../src/storage/db.js';
import { createTestDatabase, type TestDatabase } from './dialects.js';

export const PASSWORD = 'correct horse battery staple';
export const PUBLIC_URL = 'http://watchpost.test';

/** Builds a Config for tests: silent logs, a fixed secret key, a temporary data dir. */
export function testConfig(overrides: Record<string, string> = {}): { config: Config; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'watchpost-data-'));
  const config = loadConfig({
    WATCHPOST_DATA_DIR: dataDir,
    WATCHPOST_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    WATCHPOST_LOG_LEVEL: 'silent',
    WATCHPOST_PUBLIC_URL: PUBLIC_URL,
    ...overrides,
  });
  return { config, dataDir };
}

export type Caller = (options: InjectOptions) => Promise<LightMyRequestResponse>;

export interface TestApp {
  readonly app: ApiInstance;
  readonly ctx: AppContext;
  readonly db: TestDatabase;
  /** Creates a user (optionally owning a new organisation) and returns a logged-in caller. */
  signUp(email: string, options?: { isAdmin?: boolean; orgName?: string }): Promise<{ user: UserRow; org: Organization | null; call: Caller; cookie: string }>;
  /** Adds a user to an organisation with a role and returns their logged-in caller. */
  addMember(org: Organization, email: string, role: Role): Promise<{ user: UserRow; call: Caller; cookie: string }>;
  /** Logs in over HTTP and returns the session cookie ("wp_session=…"). */
  login(email: string, password?: string): Promise<string>;
  /** A caller that sends a cookie, and our Origin on state-changing requests like a browser would. */
  asCookie(cookie: string): Caller;
  /** A caller that sends an API token. */
  asToken(token: string): Caller;
  close(): Promise<void>;
}

/**
 * A fresh app on a fresh database of `dialect`, built exactly as production builds it. With
 * `existing`, a second node on the same database; `ownConnection` gives it its own connection
 * (pool) like a separate process would have.
 */
export async function createTestApp(dialect: Dialect, overrides: Record<string, string> = {}, existing?: TestDatabase, options: { ownConnection?: boolean } = {}): Promise<TestApp> {
  const db = existing ?? (await createTestDatabase(dialect));
  const { config, dataDir } = testConfig(overrides);
  // For PostgreSQL, `url` carries the test schema (search_path), as a separate process would use it.
  const ownStorage = existing && options.ownConnection ? openStorage(existing.config.dialect === 'postgres' ? { ...existing.config, url: existing.url } : existing.config) : null;
  const ctx = createContext(config, { storage: ownStorage ?? db.storage, logger: pino({ level: 'silent' }) });
  const app = await buildApp(ctx, { webRoot: join(dataDir, 'no-web') });
  await app.ready();

  const asCookie = (cookie: string): Caller => (options) => {
    const method = (options.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { cookie, ...(method === 'GET' || method === 'HEAD' ? {} : { origin: PUBLIC_URL }) };
    return app.inject({ ...options, headers: { ...headers, ...(options.headers as Record<string, string> | undefined) } });
  };
  const asToken = (token: string): Caller => (options) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers as Record<string, string> | undefined) } });

  const login = async (email: string, password = PASSWORD): Promise<string> => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    const cookie = response.cookies.find((c) => c.name === 'wp_session');
    if (!cookie) throw new Error('login set no session cookie');
    return `wp_session=${cookie.value}`;
  };

  return {
    app,
    ctx,
    db,
    login,
    asCookie,
    asToken,
    async signUp(email, options = {}) {
      const user = await ctx.services.accounts.createUser({ email, password: PASSWORD, isAdmin: options.isAdmin }, null);
      const org = options.orgName === undefined ? null : await ctx.services.orgs.create(options.orgName, user.id, null);
      const cookie = await login(email);
      return { user, org, cookie, call: asCookie(cookie) };
    },
    async addMember(org, email, role) {
      const user = await ctx.services.accounts.createUser({ email, password: PASSWORD }, null);
      await ctx.services.orgs.addMember(org.id, user.id, role, null);
      const cookie = await login(email);
      return { user, cookie, call: asCookie(cookie) };
    },
    async close() {
      await app.close();
      await ctx.close();
      await ownStorage?.close();
      if (!existing) await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
