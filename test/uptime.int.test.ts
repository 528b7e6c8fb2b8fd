import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_URL, type Caller, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { startHttpReceiver, type HttpReceiver } from './helpers/http-receiver.js';

const dialects = await testDialects();

interface Monitor {
  id: string;
  name: string;
  type: string;
  status: string;
  uptime24h: number | null;
  lastCheckAt: number | null;
  lastMessage: string | null;
  pingUrl?: string;
  heartbeat: { pingUrl: string; lastPingAt: number | null; runningSince: number | null } | null;
}
interface Check {
  status: string;
  message: string;
  latencyMs: number | null;
}

const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe.each(dialects)('uptime monitoring [%s]', (dialect) => {
  let t: TestApp;
  let call: Caller;
  let projectId: number;
  let site: HttpReceiver;
  let hooks: HttpReceiver;
  let channelId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const owner = await t.signUp('uptime@example.com', { orgName: 'Uptime' });
    if (!owner.org) throw new Error('no org');
    call = owner.call;
    projectId = (await t.ctx.services.projects.create(owner.org.id, { name: 'Shop' }, null)).project.id;
    site = await startHttpReceiver();
    hooks = await startHttpReceiver();
    const channel = await call({ method: 'POST', url: `/api/projects/${projectId}/channels`, payload: { name: 'Ops', type: 'webhook', config: { url: `${hooks.url}/ops` } } });
    channelId = channel.json<{ id: string }>().id;
    t.ctx.services.notify.start();
  });
  afterAll(async () => {
    await t.close();
    await site.close();
    await hooks.close();
  });

  const create = async (payload: Record<string, unknown>) => {
    const response = await call({ method: 'POST', url: `/api/projects/${projectId}/monitors`, payload });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Monitor>();
  };
  const checkNow = async (id: string) => {
    const response = await call({ method: 'POST', url: `/api/monitors/${id}/check` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Check>();
  };
  const get = async (id: string) => (await call({ url: `/api/monitors/${id}` })).json<Monitor>();
  const events = () => hooks.received.filter((r) => r.path === '/ops').map((r) => JSON.parse(r.body) as { type: string; data: { title: string; text: string; dedupKey: string } });

  it('HTTP: up, retried before DOWN, one notification down and one up with the downtime', async () => {
    site.answer((r) => (r.path === '/health' ? { status: 200, body: 'all healthy' } : { status: 404 }));
    const monitor = await create({ name: 'Shop API', type: 'http', url: `${site.url}/health`, intervalSeconds: 60, retries: 1, config: { keyword: { value: 'healthy', mode: 'present' } } });
    expect(monitor.status).toBe('pending');
    expect(await checkNow(monitor.id)).toMatchObject({ status: 'up' });
    expect((await get(monitor.id)).status).toBe('up');

    site.answer({ status: 503, body: 'maintenance' });
    const first = await checkNow(monitor.id);
    expect(first.status).toBe('down');
    expect(first.message).toMatch(/503/);
    // One failure is retried first: pending, nobody woken.
    expect((await get(monitor.id)).status).toBe('pending');
    expect((await checkNow(monitor.id)).status).toBe('down');
    expect((await get(monitor.id)).status).toBe('down');
    await until(() => events().some((e) => e.type === 'monitor.down'), 'the down notification');
    // Still down: no second notification (state changes only).
    await checkNow(monitor.id);

    site.answer({ status: 200, body: 'all healthy again' });
    expect((await checkNow(monitor.id)).status).toBe('up');
    await until(() => events().some((e) => e.type === 'monitor.up'), 'the recovery notification');
    const sent = events().filter((e) => e.data.dedupKey === `monitor:${monitor.id}`);
    expect(sent.map((e) => e.type)).toEqual(['monitor.down', 'monitor.up']);
    expect(sent[1]?.data.text).toMatch(/recovered after \d+(\.\d)? m?s down/);

    const downtimes = (await call({ url: `/api/monitors/${monitor.id}/downtimes` })).json<{ items: Array<{ endedAt: number | null; cause: string }> }>().items;
    expect(downtimes).toHaveLength(1);
    expect(downtimes[0]?.endedAt).not.toBeNull();
    expect(downtimes[0]?.cause).toMatch(/503/);

    const stats = (await call({ url: `/api/monitors/${monitor.id}/stats` })).json<{ uptime: { h24: number }; latency: { p50Ms: number | null }; days: unknown[] }>();
    // 2 good checks of 5 (the retried failure counts as a failed check).
    expect(stats.uptime.h24).toBeCloseTo(40, 0);
    expect(stats.latency.p50Ms).toBeGreaterThan(0);
    expect(stats.days).toHaveLength(90);

    const list = (await call({ url: `/api/projects/${projectId}/monitors` })).json<{ items: Monitor[]; total: number; counts: Record<string, number> }>();
    expect(list.items.find((m) => m.id === monitor.id)).toMatchObject({ id: monitor.id, name: 'Shop API', type: 'http', status: 'up', uptime24h: 40 });
    expect(list.items[0]).toHaveProperty('lastCheckAt');
    // The list's latency sparkline: 24 hourly averages, the current hour last.
    const listed = list.items.find((m) => m.id === monitor.id) as Monitor & { latency24h: Array<number | null> };
    expect(listed.latency24h).toHaveLength(24);
    expect(listed.latency24h[23]).toBeGreaterThan(0);
  });

  it('TCP: a listening port is up, a closed one is down with the reason', async () => {
    const server: Server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const monitor = await create({ name: 'Postgres port', type: 'tcp', host: '127.0.0.1', port, retries: 0 });
    expect((await checkNow(monitor.id)).status).toBe('up');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const down = await checkNow(monitor.id);
    expect(down.status).toBe('down');
    expect(down.message).toMatch(/refused/i);
    await call({ method: 'DELETE', url: `/api/monitors/${monitor.id}` });
  });

  it('warns once when an https certificate gets close to expiry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-cert-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '10', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const monitor = await create({ name: 'Secure shop', type: 'http', url: `https://127.0.0.1:${port}/`, config: { verifyTls: false } });
      expect((await checkNow(monitor.id)).status).toBe('up');
      await until(() => events().some((e) => e.type === 'monitor.certificate' && e.data.dedupKey === `certificate:${monitor.id}`), 'the certificate warning');
      // A failed check (no certificate seen) and a good one again: still one warning.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect((await checkNow(monitor.id)).status).toBe('down');
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      await checkNow(monitor.id);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const warnings = events().filter((e) => e.data.dedupKey === `certificate:${monitor.id}`);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.data.title).toMatch(/expires in (9|10) days/);
      await call({ method: 'DELETE', url: `/api/monitors/${monitor.id}` });
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('heartbeats: ping URL, start/finish durations, /fail and exit codes, and lateness', async () => {
    const monitor = await create({ name: 'Nightly job', type: 'heartbeat', periodSeconds: 3600, graceSeconds: 300 });
    expect(monitor.pingUrl).toMatch(new RegExp(`^${PUBLIC_URL}/ping/[0-9a-f-]{36}$`));
    const path = new URL(monitor.pingUrl ?? '').pathname;

    expect((await t.app.inject({ method: 'GET', url: `${path}/start?rid=run-1` })).statusCode).toBe(200);
    expect((await get(monitor.id)).heartbeat?.runningSince).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const done = await t.app.inject({ method: 'POST', url: `${path}?rid=run-1`, payload: 'backed up 42 tables', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.statusCode).toBe(200);
    expect(done.body).toBe('OK\n');
    let state = await get(monitor.id);
    expect(state.status).toBe('up');
    expect(state.heartbeat?.runningSince).toBeNull();
    const pings = (await call({ url: `/api/monitors/${monitor.id}/pings` })).json<{ items: Array<{ kind: string; durationMs: number | null; body: string | null }> }>().items;
    expect(pings[0]).toMatchObject({ kind: 'success', body: 'backed up 42 tables' });
    expect(pings[0]?.durationMs).toBeGreaterThanOrEqual(25);

    // A second success without a new start has no duration (the old start is used up).
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    const again = (await call({ url: `/api/monitors/${monitor.id}/pings` })).json<{ items: Array<{ kind: string; durationMs: number | null }> }>().items;
    expect(again[0]).toMatchObject({ kind: 'success', durationMs: null });

    expect((await t.app.inject({ method: 'POST', url: `${path}/2` })).statusCode).toBe(200);
    state = await get(monitor.id);
    expect(state.status).toBe('down');
    expect(state.lastMessage).toMatch(/exit code 2/);
    expect((await t.app.inject({ method: 'HEAD', url: path })).statusCode).toBe(200);
    expect((await get(monitor.id)).status).toBe('up');

    // Late: the deadline passes without a ping; the scheduler marks it down.
    await t.db.storage.db.updateTable('monitors').set({ next_check_at: Date.now() - 1000, last_ping_at: Date.now() - 3_900_000 }).where('id', '=', monitor.id).execute();
    t.ctx.services.uptime.start();
    try {
      await until(async () => (await get(monitor.id)).status === 'down', 'the late heartbeat to go down');
    } finally {
      await t.ctx.services.uptime.stop();
    }
    expect((await get(monitor.id)).lastMessage).toMatch(/No ping for 1 h 5 min/);

    expect((await t.app.inject({ url: '/ping/00000000-0000-0000-0000-000000000000' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `${path}/bogus` })).statusCode).toBe(400);
  });

  it('maintenance windows record MAINTENANCE and notify nobody', async () => {
    await until(async () => (await t.ctx.services.notify.deliveries(projectId, { limit: 50 })).every((d) => d.status !== 'pending'), 'earlier notifications');
    site.answer({ status: 500 });
    const monitor = await create({ name: 'Admin', type: 'http', url: `${site.url}/admin`, retries: 0 });
    const window = await call({ method: 'POST', url: `/api/projects/${projectId}/maintenance`, payload: { title: 'DB upgrade', monitorIds: [monitor.id], startsAt: Date.now() - 1000, endsAt: Date.now() + 3_600_000 } });
    expect(window.statusCode, window.body).toBe(201);
    const mine = () => events().filter((e) => e.data.dedupKey === `monitor:${monitor.id}`);
    expect((await checkNow(monitor.id)).status).toBe('maintenance');
    expect((await get(monitor.id)).status).toBe('maintenance');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mine()).toHaveLength(0);
    await call({ method: 'DELETE', url: `/api/maintenance/${window.json<{ id: string }>().id}` });
    expect((await checkNow(monitor.id)).status).toBe('down');
    await until(() => mine().length === 1, 'the down notification after the window');
    await call({ method: 'DELETE', url: `/api/monitors/${monitor.id}` });
    site.answer({ status: 200, body: 'ok' });
  });

  it('pause stops checks; resume starts again', async () => {
    const monitor = await create({ name: 'Paused', type: 'http', url: `${site.url}/p`, paused: true });
    expect(monitor.status).toBe('paused');
    const resumed = await call({ method: 'PATCH', url: `/api/monitors/${monitor.id}`, payload: { paused: false } });
    expect(resumed.json<Monitor>().status).toBe('pending');
    await call({ method: 'DELETE', url: `/api/monitors/${monitor.id}` });
  });

  it('validates input, tests a config without saving, and isolates projects', async () => {
    const bad = await call({ method: 'POST', url: `/api/projects/${projectId}/monitors`, payload: { name: 'x', type: 'http', url: 'ftp://nope', intervalSeconds: 60 } });
    expect(bad.statusCode).toBe(400);
    const tooFast = await call({ method: 'POST', url: `/api/projects/${projectId}/monitors`, payload: { name: 'x', type: 'http', url: site.url, intervalSeconds: 5 } });
    expect(tooFast.statusCode).toBe(400);
    const foreignChannel = await call({ method: 'POST', url: `/api/projects/${projectId}/monitors`, payload: { name: 'x', type: 'http', url: site.url, channelIds: ['nope'] } });
    expect(foreignChannel.statusCode).toBe(400);
    const test = await call({ method: 'POST', url: `/api/projects/${projectId}/monitors/test`, payload: { type: 'http', url: `${site.url}/try` } });
    expect(test.statusCode, test.body).toBe(200);
    expect(test.json<{ status: string }>().status).toBe('up');

    const mine = await create({ name: 'Private', type: 'http', url: `${site.url}/secret-path`, channelIds: [channelId], config: { headers: { authorization: 'Bearer sup3rs3cret' } } });
    expect(JSON.stringify(mine)).not.toContain('sup3rs3cret');
    const row = await t.db.storage.db.selectFrom('monitors').selectAll().where('id', '=', mine.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('sup3rs3cret');
    const stranger = await t.signUp('outsider@example.com', { orgName: 'Elsewhere' });
    expect((await stranger.call({ url: `/api/monitors/${mine.id}` })).statusCode).toBe(403);
    expect((await stranger.call({ method: 'POST', url: `/api/monitors/${mine.id}/check` })).statusCode).toBe(403);
    expect((await stranger.call({ url: `/api/projects/${projectId}/monitors` })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/projects/${projectId}/monitors` })).statusCode).toBe(401);
  });

  it('scheduled checks: several nodes, each with its own connection, run each due check once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await create({ name: `Fleet ${String(i).padStart(2, '0')}`, type: 'http', url: `${site.url}/fleet/${i}`, intervalSeconds: 3600 })).id);
    await t.db.storage.db.updateTable('monitors').set({ next_check_at: Date.now() - 1 }).where('id', 'in', ids).execute();
    // Small concurrency: each node claims a few rows at a time, so both keep claiming from the same due set.
    const env = { WATCHPOST_UPTIME_CONCURRENCY: '3' };
    const a = await createTestApp(dialect, { ...env, WATCHPOST_NODE_NAME: 'node-a' }, t.db, { ownConnection: true });
    const b = await createTestApp(dialect, { ...env, WATCHPOST_NODE_NAME: 'node-b' }, t.db, { ownConnection: true });
    const fleetRequests = () => site.received.filter((r) => r.path.startsWith('/fleet/'));
    try {
      a.ctx.services.uptime.start();
      b.ctx.services.uptime.start();
      await until(() => fleetRequests().length >= 30, 'every fleet monitor to be checked', 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await a.close();
      await b.close();
    }
    expect(fleetRequests()).toHaveLength(30);
    expect(new Set(fleetRequests().map((r) => r.path)).size).toBe(30);
    const checks = await t.db.storage.db.selectFrom('monitor_checks').select('monitor_id').where('monitor_id', 'in', ids).execute();
    expect(checks).toHaveLength(30);
    const next = await t.db.storage.db.selectFrom('monitors').select(['next_check_at', 'lease_owner']).where('id', 'in', ids).execute();
    for (const m of next) {
      expect(m.next_check_at).toBeGreaterThan(Date.now() + 1_700_000);
      expect(m.lease_owner).toBeNull();
    }
  });

  it('a node that stops mid-check records nothing and releases the monitor for the next node', async () => {
    site.answer((r) => (r.path === '/slow' ? { status: 200, body: 'late' } : { status: 200, body: 'ok' }));
    const slowServer = await startHttpReceiver();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    // A target that answers only when the test lets it.
    const slow = await import('node:http').then(({ createServer: createWebServer }) =>
      createWebServer((_req, res) => {
        void held.then(() => res.end('ok'));
      }),
    );
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const port = (slow.address() as { port: number }).port;
    const monitor = await create({ name: 'Slow', type: 'http', url: `http://127.0.0.1:${port}/`, retries: 0, timeoutSeconds: 30 });
    await t.db.storage.db.updateTable('monitors').set({ next_check_at: Date.now() - 1 }).where('id', '=', monitor.id).execute();
    const node = await createTestApp(dialect, { WATCHPOST_NODE_NAME: 'stopping' }, t.db);
    try {
      node.ctx.services.uptime.start();
      await until(async () => (await t.db.storage.db.selectFrom('monitors').select('lease_owner').where('id', '=', monitor.id).executeTakeFirstOrThrow()).lease_owner === 'stopping', 'the claim');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await node.ctx.services.uptime.stop();
    } finally {
      release();
      await node.close();
      slow.close();
      await slowServer.close();
    }
    const row = await t.db.storage.db.selectFrom('monitors').select(['status', 'lease_owner']).where('id', '=', monitor.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', lease_owner: null });
    expect(await t.db.storage.db.selectFrom('monitor_checks').select('id').where('monitor_id', '=', monitor.id).execute()).toHaveLength(0);
    await call({ method: 'DELETE', url: `/api/monitors/${monitor.id}` });
  });

  it('stored secrets are not sent to a new destination unless entered again', async () => {
    const monitor = await create({ name: 'Authed', type: 'http', url: `${site.url}/private`, config: { headers: { authorization: 'Bearer keep-me' } } });
    const samePlace = await call({ method: 'PATCH', url: `/api/monitors/${monitor.id}`, payload: { config: { url: `${site.url}/private/v2` } } });
    expect(samePlace.statusCode, samePlace.body).toBe(200);
    const elsewhere = await call({ method: 'PATCH', url: `/api/monitors/${monitor.id}`, payload: { config: { url: 'https://attacker.example/collect' } } });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json<{ error: { message: string } }>().error.message).toMatch(/enter headers again/);
    const tested = await call({ method: 'POST', url: `/api/monitors/${monitor.id}/test`, payload: { config: { url: 'https://attacker.example/collect' } } });
    expect(tested.statusCode).toBe(400);
    const reentered = await call({ method: 'PATCH', url: `/api/monitors/${monitor.id}`, payload: { config: { url: `${hooks.url}/other`, headers: { authorization: 'Bearer new' } } } });
    expect(reentered.statusCode, reentered.body).toBe(200);
    await call({ method: 'DELETE', url: `/api/monitors/${monitor.id}` });
  });
});
