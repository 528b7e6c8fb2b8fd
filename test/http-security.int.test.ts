import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../src/orgs/types.js';
import type { Project } from '../src/projects/types.js';
import { createTestApp, PASSWORD, PUBLIC_URL, type Caller, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';

const dialects = await testDialects();

/**
 * Routes that answer without a session or API token, each for a reason. Adding a public route
 * means adding it here, on purpose.
 */
const PUBLIC_ROUTES = [
  'GET /api/health', // liveness probes
  'GET /api/health/ready', // readiness probes
  'GET /api/setup', // the first-run page asks whether set-up is needed
  'POST /api/setup', // authenticated by the one-time setup token
  'POST /api/auth/login', // how a session starts
  'GET /api/auth/session', // "am I logged in?" answers {user:null} instead of 401
  'POST /api/invites/describe', // authenticated by the invitation token
  'POST /api/invites/accept', // authenticated by the invitation token
  'POST /api/:projectId/envelope', // Sentry SDK ingest, authenticated by the DSN public key
  'POST /api/:projectId/store', // legacy Sentry ingest, authenticated by the DSN public key
  'OPTIONS /api/:projectId/envelope', // CORS preflight for browser SDKs
  'OPTIONS /api/:projectId/store', // CORS preflight for browser SDKs
].sort();

/** Non-API routes without a session: /metrics checks its own token; the ping token in the URL is the heartbeat's credential. */
const OUTSIDE_API_PUBLIC = [
  'GET /metrics',
  'GET /ping/:token',
  'POST /ping/:token',
  'GET /ping/:token/:action',
  'POST /ping/:token/:action',
  // Public status pages are public by design; a password-protected page checks its own signed access cookie.
  'GET /status/:slug',
  'GET /status/:slug/feed.atom',
  'GET /status/:slug/feed.rss',
  'GET /status/:slug/summary.json',
  'GET /status/:slug/badge/status.svg',
  'GET /status/:slug/badge/uptime.svg',
  'POST /status/:slug/login', // the password form of a protected status page
].sort();

function fill(url: string, values: Record<string, string>): string {
  return url.replace(/:(\w+)/g, (_, name: string) => values[name] ?? 'x');
}

describe.each(dialects)('HTTP security [%s]', (dialect) => {
  let t: TestApp;
  let alice: { call: Caller; cookie: string; org: Organization };
  let bob: { call: Caller; org: Organization };
  let aliceProject: Project;

  beforeAll(async () => {
    t = await createTestApp(dialect, { WATCHPOST_LOGIN_MAX_FAILURES: '3', WATCHPOST_API_BODY_LIMIT_BYTES: '4096' });
    const a = await t.signUp('alice@example.com', { orgName: 'Alice Co' });
    const b = await t.signUp('bob@example.com', { orgName: 'Bob Co' });
    if (!a.org || !b.org) throw new Error('orgs missing');
    alice = { call: a.call, cookie: a.cookie, org: a.org };
    bob = { call: b.call, org: b.org };
    aliceProject = (await t.ctx.services.projects.create(a.org.id, { name: 'Shop' }, null)).project;
  });
  afterAll(() => t.close());

  const apiRoutes = () => t.app.routeTable.filter((r) => r.url.startsWith('/api'));

  it('answers 401 on every non-public API route without credentials', async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(25);
    const publicOnes = [...new Set(routes.filter((r) => r.auth !== 'session').map((r) => `${r.method} ${r.url.replace(/\/$/, '')}`))].sort();
    expect(publicOnes).toEqual(PUBLIC_ROUTES);
    for (const route of routes.filter((r) => r.auth === 'session')) {
      const response = await t.app.inject({ method: route.method, url: fill(route.url, { projectId: String(aliceProject.id), orgId: alice.org.id }) });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode, code: response.json<{ error: { code: string } }>().error.code }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
        code: 'WP_ERR_AUTH_REQUIRED',
      });
    }
  });

  it('outside /api serves only the dashboard, /metrics, the heartbeat ping API and public status pages without a session', () => {
    const outside = [...new Set(t.app.routeTable.filter((r) => !r.url.startsWith('/api') && r.auth !== 'session').map((r) => `${r.method} ${r.url}`))].sort();
    expect(outside).toEqual(OUTSIDE_API_PUBLIC);
  });

  it("answers 403 on every organisation- or project-scoped route for another organisation's user and token", async () => {
    const bobToken = (await t.ctx.services.tokens.create(
      { orgId: bob.org.id, userId: (await t.ctx.services.accounts.findUserByEmail('bob@example.com'))?.id ?? '', name: 'bob admin', scope: 'admin' },
      null,
    )).token;
    const scoped = apiRoutes().filter((r) => r.auth === 'session' && /:(orgId|projectId)\b/.test(r.url));
    expect(scoped.length).toBeGreaterThan(15);
    for (const caller of [bob.call, t.asToken(bobToken)]) {
      for (const route of scoped) {
        const response = await caller({
          method: route.method,
          url: fill(route.url, { projectId: String(aliceProject.id), orgId: alice.org.id }),
          payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        });
        expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({ route: `${route.method} ${route.url}`, status: 403 });
      }
    }
    // Nothing of Alice's changed.
    expect((await t.ctx.services.projects.get(aliceProject.id))?.name).toBe('Shop');
    expect(await t.ctx.services.orgs.get(alice.org.id)).toBeDefined();
  });

  it('keeps instance-admin routes for instance administrators', async () => {
    for (const url of ['/api/jobs', '/api/jobs/runs', '/api/audit']) {
      expect((await alice.call({ url })).statusCode).toBe(403);
    }
    const admin = await t.signUp('root@example.com', { isAdmin: true });
    expect((await admin.call({ url: '/api/jobs' })).statusCode).toBe(200);
    expect((await admin.call({ url: '/api/audit' })).statusCode).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, on / with an expiry, and rotates it on login', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'alice@example.com', password: PASSWORD } });
    const cookie = response.cookies.find((c) => c.name === 'wp_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.secure).toBeFalsy();
    expect(cookie?.expires?.getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    expect(cookie?.value).not.toBe(alice.cookie.split('=')[1]);

    const old = await t.login('alice@example.com');
    const rotated = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie: old }, payload: { email: 'alice@example.com', password: PASSWORD } });
    expect(rotated.statusCode).toBe(200);
    expect((await t.asCookie(old)({ url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('marks the cookie Secure with the __Host- prefix behind https', async () => {
    const secure = await createTestApp(dialect, { WATCHPOST_PUBLIC_URL: 'https://ops.example.com' });
    try {
      await secure.ctx.services.accounts.createUser({ email: 's@example.com', password: PASSWORD }, null);
      const response = await secure.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 's@example.com', password: PASSWORD } });
      expect(response.cookies.find((c) => c.name === '__Host-wp_session')).toMatchObject({ secure: true, path: '/', httpOnly: true });
      expect(response.cookies.find((c) => c.name === '__Host-wp_session')?.domain).toBeUndefined();
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await secure.close();
    }
  });

  it('locks logins after repeated failures with 429 and Retry-After', async () => {
    await t.ctx.services.accounts.createUser({ email: 'lock@example.com', password: PASSWORD }, null);
    for (let i = 0; i < 3; i++) {
      const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'lock@example.com', password: 'nope nope' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toMatchObject({ error: { code: 'WP_ERR_AUTH_INVALID_CREDENTIALS' } });
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'lock@example.com', password: PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect(locked.json()).toMatchObject({ error: { code: 'WP_ERR_AUTH_LOCKED' } });
  });

  it('refuses cookie-authenticated state changes from other origins (CSRF) but not bearer tokens', async () => {
    const body = { name: 'csrf' };
    const url = `/api/orgs/${alice.org.id}/projects`;
    const noOrigin = await t.app.inject({ method: 'POST', url, headers: { cookie: alice.cookie }, payload: body });
    expect(noOrigin.statusCode).toBe(403);
    expect(noOrigin.json()).toMatchObject({ error: { code: 'WP_ERR_AUTH_CSRF' } });
    const evil = await t.app.inject({ method: 'POST', url, headers: { cookie: alice.cookie, origin: 'https://evil.example' }, payload: body });
    expect(evil.statusCode).toBe(403);
    const crossSite = await t.app.inject({ method: 'POST', url, headers: { cookie: alice.cookie, 'sec-fetch-site': 'cross-site' }, payload: body });
    expect(crossSite.statusCode).toBe(403);
    const loginFromEvil = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { origin: 'https://evil.example' }, payload: { email: 'alice@example.com', password: PASSWORD } });
    expect(loginFromEvil.statusCode).toBe(403);
    expect((await t.ctx.services.projects.list(alice.org.id)).some((p) => p.name === 'csrf')).toBe(false);

    const same = await t.app.inject({ method: 'POST', url, headers: { cookie: alice.cookie, origin: PUBLIC_URL }, payload: body });
    expect(same.statusCode).toBe(201);
    const owner = await t.ctx.services.accounts.findUserByEmail('alice@example.com');
    const { token } = await t.ctx.services.tokens.create({ orgId: alice.org.id, userId: owner?.id ?? '', name: 'ci', scope: 'admin' }, null);
    expect((await t.asToken(token)({ method: 'POST', url, payload: { name: 'from ci' } })).statusCode).toBe(201);
  });

  it('caps tokens by scope and by the creator’s role, and refuses revoked tokens', async () => {
    const owner = await t.ctx.services.accounts.findUserByEmail('alice@example.com');
    const make = async (scope: 'read' | 'write' | 'admin') =>
      t.asToken((await t.ctx.services.tokens.create({ orgId: alice.org.id, userId: owner?.id ?? '', name: scope, scope }, null)).token);
    const read = await make('read');
    const write = await make('write');
    const url = `/api/orgs/${alice.org.id}/projects`;
    expect((await read({ url })).statusCode).toBe(200);
    const denied = await read({ method: 'POST', url, payload: { name: 'no' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: 'WP_ERR_TOKEN_SCOPE' } });
    expect((await write({ method: 'POST', url, payload: { name: 'no' } })).statusCode).toBe(403);
    expect((await read({ url: `/api/orgs/${bob.org.id}/projects` })).statusCode).toBe(403);

    const viewer = await t.addMember(alice.org, 'viewer@example.com', 'viewer');
    const tooMuch = await viewer.call({ method: 'POST', url: `/api/orgs/${alice.org.id}/tokens`, payload: { name: 'x', scope: 'admin' } });
    expect(tooMuch.statusCode).toBe(403);
    const created = await viewer.call({ method: 'POST', url: `/api/orgs/${alice.org.id}/tokens`, payload: { name: 'mine', scope: 'read' } });
    expect(created.statusCode).toBe(201);
    const viewerToken = created.json<{ token: string; apiToken: { id: string } }>();
    expect((await t.asToken(viewerToken.token)({ url: '/api/auth/me' })).json()).toMatchObject({ auth: { kind: 'token', scope: 'read' } });
    expect((await viewer.call({ method: 'DELETE', url: `/api/orgs/${alice.org.id}/tokens/${viewerToken.apiToken.id}` })).statusCode).toBe(200);
    const revoked = await t.asToken(viewerToken.token)({ url: '/api/auth/me' });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({ error: { code: 'WP_ERR_AUTH_INVALID_TOKEN' } });
    expect((await t.asToken('wp_garbage')({ url: '/api/auth/me' })).statusCode).toBe(401);

    // A read token changes nothing, even on routes whose own check would let its creator.
    const adminToken = (await t.ctx.services.tokens.create({ orgId: alice.org.id, userId: owner?.id ?? '', name: 'keep', scope: 'admin' }, null)).apiToken;
    const revokeOther = await read({ method: 'DELETE', url: `/api/orgs/${alice.org.id}/tokens/${adminToken.id}` });
    expect(revokeOther.statusCode).toBe(403);
    expect(revokeOther.json()).toMatchObject({ error: { code: 'WP_ERR_TOKEN_SCOPE' } });
    expect((await read({ method: 'DELETE', url: `/api/orgs/${alice.org.id}/members/${owner?.id}` })).statusCode).toBe(403);
    expect(await t.ctx.services.orgs.roleOf(alice.org.id, owner?.id ?? '')).toBe('owner');
    expect((await t.ctx.services.tokens.list(alice.org.id)).find((k) => k.id === adminToken.id)?.revokedAt).toBeNull();
    // A write token (capped at member) cannot remove members.
    expect((await write({ method: 'DELETE', url: `/api/orgs/${alice.org.id}/members/${viewer.user.id}` })).statusCode).toBe(403);
  });

  it('applies roles: viewers read, members cannot manage, admins cannot grant ownership', async () => {
    const member = await t.addMember(alice.org, 'member@example.com', 'member');
    const admin = await t.addMember(alice.org, 'admin@example.com', 'admin');
    const orgUrl = `/api/orgs/${alice.org.id}`;
    expect((await member.call({ url: `${orgUrl}/projects` })).statusCode).toBe(200);
    expect((await member.call({ method: 'POST', url: `${orgUrl}/projects`, payload: { name: 'm' } })).statusCode).toBe(403);
    expect((await member.call({ url: `${orgUrl}/audit` })).statusCode).toBe(403);
    expect((await member.call({ method: 'POST', url: `${orgUrl}/invites`, payload: { email: 'z@example.com' } })).statusCode).toBe(403);
    const memberId = (await t.ctx.services.accounts.findUserByEmail('member@example.com'))?.id;
    expect((await admin.call({ method: 'PATCH', url: `${orgUrl}/members/${memberId}`, payload: { role: 'owner' } })).statusCode).toBe(403);
    expect((await admin.call({ method: 'PATCH', url: `${orgUrl}/members/${memberId}`, payload: { role: 'viewer' } })).statusCode).toBe(200);
    expect((await admin.call({ method: 'DELETE', url: orgUrl })).statusCode).toBe(403);
    expect((await admin.call({ url: `${orgUrl}/audit` })).statusCode).toBe(200);
    const aliceId = (await t.ctx.services.accounts.findUserByEmail('alice@example.com'))?.id;
    const lastOwner = await alice.call({ method: 'DELETE', url: `${orgUrl}/members/${aliceId}` });
    expect(lastOwner.statusCode).toBe(409);
    expect(lastOwner.json()).toMatchObject({ error: { code: 'WP_ERR_LAST_OWNER' } });
  });

  it('answers bad input with clear errors and changes nothing', async () => {
    const url = `/api/orgs/${alice.org.id}/projects`;
    const before = (await t.ctx.services.projects.list(alice.org.id)).length;
    const send = (payload: string, type = 'application/json') =>
      alice.call({ method: 'POST', url, payload, headers: { 'content-type': type } });

    const malformed = await send('{"name": "x",');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'WP_ERR_BAD_JSON' } });
    const wrongType = await send('{"name": 42}');
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'WP_ERR_VALIDATION', message: expect.stringContaining('body.name') });
    const missing = await send('{}');
    expect(missing.statusCode).toBe(400);
    const oversized = await send(JSON.stringify({ name: 'x'.repeat(10_000) }));
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json()).toMatchObject({ error: { code: 'WP_ERR_BODY_TOO_LARGE' } });
    const wrongMedia = await send('name=x', 'application/x-www-form-urlencoded');
    expect(wrongMedia.statusCode).toBe(415);
    expect(wrongMedia.json()).toMatchObject({ error: { code: 'WP_ERR_UNSUPPORTED_MEDIA_TYPE' } });
    const badParam = await alice.call({ url: '/api/projects/not-a-number' });
    expect(badParam.statusCode).toBe(404);
    for (const id of ['2147483648', '99999999999', '0']) {
      expect((await alice.call({ url: `/api/projects/${id}/keys` })).statusCode).toBe(404);
    }
    // A Basic header from an authenticating proxy in front is not ours: the cookie still counts.
    expect((await alice.call({ url: '/api/auth/me', headers: { authorization: 'Basic dXNlcjpwYXNz' } })).statusCode).toBe(200);
    expect((await t.ctx.services.projects.list(alice.org.id)).length).toBe(before);

    const unknownApi = await alice.call({ url: '/api/nothing/here' });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toMatchObject({ error: { code: 'WP_ERR_ROUTE_NOT_FOUND' } });
    const badUrl = await t.app.inject({ url: '/api/%zz' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ error: { code: 'WP_ERR_VALIDATION' } });
    expect(badUrl.headers['x-content-type-options']).toBe('nosniff');
    const unknownOther = await t.app.inject({ url: '/nothing.json' });
    expect(unknownOther.statusCode).toBe(404);
    expect(unknownOther.json()).toMatchObject({ error: { code: 'WP_ERR_NOT_FOUND' } });
    for (const response of [malformed, oversized, unknownApi, unknownOther]) {
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(response.headers['permissions-policy']).toContain('camera=()');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
      expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('serves health, readiness, the OpenAPI document and Prometheus metrics', async () => {
    const health = await t.app.inject({ url: '/api/health' });
    expect(health.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
    const ready = await t.app.inject({ url: '/api/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true, pending: [] } } });

    const openapi = await alice.call({ url: '/api/openapi.json' });
    expect(openapi.statusCode).toBe(200);
    const doc = openapi.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const route of apiRoutes().filter((r) => r.url !== '/api/openapi.json' && !r.url.endsWith('/'))) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} in OpenAPI`).toBeDefined();
    }

    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await alice.call({ url: '/metrics' })).statusCode).toBe(403);
    const admin = await t.signUp('metrics-admin@example.com', { isAdmin: true });
    const metrics = await admin.call({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/watchpost_http_requests_total\{method="GET",route="\/api\/health",status_code="200"\} \d+/);
    expect(metrics.body).toContain('watchpost_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('watchpost_nodejs_eventloop_lag_seconds');
    expect(metrics.body).toMatch(/watchpost_db_query_duration_seconds_count\{kind="select",outcome="ok"\} \d+/);
  });

  it('behind a trusted proxy takes the client address from its hop only (no spoofing)', async () => {
    const proxied = await createTestApp(dialect, { WATCHPOST_TRUST_PROXY: 'true' });
    try {
      await proxied.ctx.services.accounts.createUser({ email: 'p@example.com', password: PASSWORD }, null);
      const response = await proxied.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-request-id': 'from-proxy-1' },
        payload: { email: 'p@example.com', password: PASSWORD },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-request-id']).toBe('from-proxy-1');
      const [login] = await proxied.ctx.services.audit.listAll({ limit: 1, action: 'auth.login' });
      expect(login?.ip).toBe('203.0.113.9');
    } finally {
      await proxied.close();
    }
  });

  it('accepts WATCHPOST_METRICS_TOKEN for scrapers', async () => {
    const withToken = await createTestApp(dialect, { WATCHPOST_METRICS_TOKEN: 'scrape-token-0123456789' });
    try {
      expect((await withToken.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } })).statusCode).toBe(200);
      expect((await withToken.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
    } finally {
      await withToken.close();
    }
  });
});

describe.each(dialects)('account routes [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('says who is logged in without a 401, renames, lists and revokes sessions, changes the password', async () => {
    expect((await t.app.inject({ url: '/api/auth/session' })).json()).toEqual({ user: null });
    const me = await t.signUp('sam@example.com', { orgName: 'Sam Co' });
    expect((await me.call({ url: '/api/auth/session' })).json()).toMatchObject({ user: { email: 'sam@example.com' } });

    const renamed = await me.call({ method: 'PATCH', url: '/api/auth/me', payload: { name: '  Sam Smith ' } });
    expect(renamed.json()).toMatchObject({ user: { name: 'Sam Smith' } });

    const other = await t.login('sam@example.com');
    const sessions = (await me.call({ url: '/api/auth/sessions' })).json<{ items: Array<{ id: string; current: boolean }> }>().items;
    expect(sessions).toHaveLength(2);
    const notMine = sessions.find((s) => !s.current);
    expect((await me.call({ method: 'DELETE', url: `/api/auth/sessions/${notMine?.id}` })).statusCode).toBe(200);
    expect((await t.asCookie(other)({ url: '/api/auth/me' })).statusCode).toBe(401);

    const wrong = await me.call({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: 'nope', newPassword: 'a new password!' } });
    expect(wrong.statusCode).toBe(400);
    expect((await me.call({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: PASSWORD, newPassword: 'a new password!' } })).statusCode).toBe(200);
    expect(await t.login('sam@example.com', 'a new password!')).toMatch(/^wp_session=/);

    const out = await me.call({ method: 'POST', url: '/api/auth/logout', payload: {} });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((c) => c.name === 'wp_session')?.value).toBe('');
    expect((await me.call({ url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('runs first-run set-up and invitations over HTTP', async () => {
    const fresh = await createTestApp(dialect);
    try {
      expect((await fresh.app.inject({ url: '/api/setup' })).json()).toEqual({ needsSetup: true });
      const outcome = await fresh.ctx.services.setup.bootstrap(null);
      if (outcome.kind !== 'setup-needed') throw new Error('expected setup');
      const body = { token: outcome.token, email: 'first@example.com', password: PASSWORD, orgName: 'First' };
      expect((await fresh.app.inject({ method: 'POST', url: '/api/setup', payload: { ...body, token: 'bad' } })).statusCode).toBe(403);
      const done = await fresh.app.inject({ method: 'POST', url: '/api/setup', payload: body });
      expect(done.statusCode).toBe(201);
      expect(done.json()).toMatchObject({ user: { email: 'first@example.com', isAdmin: true, lastLoginAt: expect.any(Number) }, org: { role: 'owner' } });
      const admin = fresh.asCookie(`wp_session=${done.cookies.find((c) => c.name === 'wp_session')?.value}`);
      expect((await fresh.app.inject({ method: 'POST', url: '/api/setup', payload: body })).statusCode).toBe(409);

      const orgId = done.json<{ org: { id: string } }>().org.id;
      const invite = await admin({ method: 'POST', url: `/api/orgs/${orgId}/invites`, payload: { email: 'joiner@example.com', role: 'viewer' } });
      expect(invite.statusCode).toBe(201);
      const url = invite.json<{ url: string }>().url;
      expect(url).toMatch(/^http:\/\/watchpost\.test\/invite#token=/);
      const token = url.split('#token=')[1];
      expect((await fresh.app.inject({ method: 'POST', url: '/api/invites/describe', payload: { token } })).json()).toMatchObject({ orgName: 'First', email: 'joiner@example.com', role: 'viewer', accountExists: false });
      const accepted = await fresh.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, name: 'Joiner', password: PASSWORD } });
      expect(accepted.statusCode).toBe(200);
      const joiner = fresh.asCookie(`wp_session=${accepted.cookies.find((c) => c.name === 'wp_session')?.value}`);
      expect((await joiner({ url: '/api/orgs' })).json()).toMatchObject({ items: [{ id: orgId, role: 'viewer' }] });
      expect((await fresh.app.inject({ method: 'POST', url: '/api/invites/accept', payload: { token, password: PASSWORD } })).statusCode).toBe(404);
    } finally {
      await fresh.close();
    }
  });
});
