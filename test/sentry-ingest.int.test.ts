import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../src/ingest/sentry/envelope.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { randomHex } from '../src/lib/ids.js';

const dialects = await testDialects();


function errorEvent(overrides: Record<string, unknown> = {}) {
  return {
    event_id: randomHex(16),
    timestamp: Date.now() / 1000,
    platform: 'node',
    level: 'error',
    release: 'api@2.0.0',
    exception: { values: [{ type: 'RangeError', value: 'Index 7 out of range', stacktrace: { frames: [{ filename: '/app/src/list.js', function: 'pick', lineno: 10, in_app: true }] } }] },
    user: { id: 'u1', ip_address: '203.0.113.9' },
    request: { url: 'https://api.example.com/items?token=abc', headers: { Authorization: 'Bearer sk_live_123', Cookie: 'sid=1' } },
    extra: { password: 'hunter2', card: 'paid with 4111 1111 1111 1111' },
    ...overrides,
  };
}

describe.each(dialects)('Sentry ingest endpoint [%s]', (dialect) => {
  let t: TestApp;
  let projectId: number;
  let otherProjectId: number;
  let key: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp(dialect, { WATCHPOST_INGEST_WORKERS: '1' });
    const owner = await t.signUp('ingest@example.com', { orgName: 'Ingest' });
    if (!owner.org) throw new Error('no org');
    const created = await t.ctx.services.projects.create(owner.org.id, { name: 'API' }, null);
    projectId = created.project.id;
    key = created.key.publicKey;
    otherProjectId = (await t.ctx.services.projects.create(owner.org.id, { name: 'Other' }, null)).project.id;
    auth = { 'x-sentry-auth': `Sentry sentry_version=7, sentry_client=test/1.0, sentry_key=${key}` };
  });
  afterAll(() => t.close());

  const post = (body: Buffer | string, headers: Record<string, string> = {}, url = `/api/${projectId}/envelope/`) =>
    t.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/x-sentry-envelope', ...auth, ...headers } });
  const envelope = (event: Record<string, unknown>) => serializeEnvelope({ event_id: event.event_id }, [{ header: { type: 'event' }, payload: event }]);
  const eventCount = async () => Number((await t.db.storage.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);

  it('accepts an envelope in every encoding and auth form, scrubs PII and dedupes retries', async () => {
    const ev = errorEvent();
    const plain = envelope(ev);
    const ok = await post(plain);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: ev.event_id });
    expect(ok.headers['access-control-allow-origin']).toBe('*');

    // The same event again (an SDK retry) is stored once…
    expect((await post(plain)).statusCode).toBe(200);
    expect(await eventCount()).toBe(1);
    // …also when only the envelope header carries the id.
    const { event_id: headerId, ...withoutId } = errorEvent();
    const headerOnly = serializeEnvelope({ event_id: headerId }, [{ header: { type: 'event' }, payload: withoutId }]);
    expect((await post(headerOnly)).json()).toEqual({ id: headerId });
    expect((await post(headerOnly)).statusCode).toBe(200);
    expect(await eventCount()).toBe(2);

    for (const [encoding, body] of [
      ['gzip', gzipSync(envelope(errorEvent()))],
      ['deflate', deflateSync(envelope(errorEvent()))],
      ['br', brotliCompressSync(envelope(errorEvent()))],
    ] as const) {
      expect((await post(body, { 'content-encoding': encoding })).statusCode, encoding).toBe(200);
    }
    // Browser SDKs authenticate in the query string and send text/plain to avoid a preflight.
    const viaQuery = await t.app.inject({ method: 'POST', url: `/api/${projectId}/envelope/?sentry_key=${key}&sentry_version=7`, payload: envelope(errorEvent()), headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(viaQuery.statusCode).toBe(200);
    // …or carry the DSN in the envelope header.
    const withDsn = serializeEnvelope({ dsn: `http://${key}@watchpost.test/${projectId}` }, [{ header: { type: 'event' }, payload: errorEvent() }]);
    expect((await t.app.inject({ method: 'POST', url: `/api/${projectId}/envelope/`, payload: withDsn })).statusCode).toBe(200);
    // The legacy store endpoint takes one event as JSON.
    const store = await t.app.inject({ method: 'POST', url: `/api/${projectId}/store/`, payload: JSON.stringify(errorEvent()), headers: { 'content-type': 'application/json', ...auth } });
    expect(store.statusCode).toBe(200);
    expect(await eventCount()).toBe(8);

    const issue = (await t.ctx.services.issues.list({ projectId, status: 'all', sort: 'last_seen', offset: 0, limit: 10 })).items[0];
    expect(issue).toMatchObject({ title: 'RangeError: Index 7 out of range', count: 8 });
    const stored = JSON.stringify((await t.ctx.services.issues.event(issue?.id ?? '', ev.event_id)).data);
    for (const secret of ['hunter2', 'sk_live_123', 'sid=1', '4111 1111 1111 1111', '203.0.113.9', 'token=abc']) expect(stored).not.toContain(secret);
    expect(stored).toContain('[Filtered]');
  });

  it('takes a transaction on the legacy store endpoint as a transaction', async () => {
    const now = Date.now() / 1000;
    const tx = { type: 'transaction', transaction: 'GET /legacy', start_timestamp: now - 0.2, timestamp: now, contexts: { trace: { trace_id: randomHex(16), span_id: randomHex(16).slice(0, 16), op: 'http.server', status: 'ok' } }, spans: [] };
    const response = await t.app.inject({ method: 'POST', url: `/api/${projectId}/store/`, payload: JSON.stringify(tx), headers: { 'content-type': 'application/json', ...auth } });
    expect(response.statusCode).toBe(200);
    const endpoints = await t.ctx.services.performance.endpoints(projectId, '1h');
    expect(endpoints.find((e) => e.name === 'GET /legacy')).toMatchObject({ count: 1 });
  });

  it('exposes ingest counters, batch timings and queue depth in /metrics', async () => {
    const admin = await t.signUp('metrics-admin@example.com', { isAdmin: true });
    const body = (await admin.call({ url: '/metrics' })).body;
    expect(body).toMatch(/watchpost_ingest_items_total\{category="error",outcome="accepted"\} [1-9]\d*/);
    expect(body).toMatch(/watchpost_ingest_batch_duration_seconds_count\{result="ok"\} [1-9]\d*/);
    expect(body).toMatch(/watchpost_ingest_queue_envelopes 0/);
  });

  it('answers CORS preflights for browser SDKs', async () => {
    const response = await t.app.inject({ method: 'OPTIONS', url: `/api/${projectId}/envelope/`, headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' } });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-headers']).toContain('x-sentry-auth');
    expect(response.headers['access-control-expose-headers']).toContain('x-sentry-rate-limits');
  });

  it('refuses bad credentials and bad bodies with clear errors, storing nothing', async () => {
    const before = await eventCount();
    const good = envelope(errorEvent());
    const cases: Array<[string, Promise<{ statusCode: number; json(): unknown; headers: Record<string, unknown> }>, number, RegExp]> = [
      ['no auth', t.app.inject({ method: 'POST', url: `/api/${projectId}/envelope/`, payload: good }), 403, /No Sentry key/],
      ['unknown key', post(good, { 'x-sentry-auth': `Sentry sentry_key=${'0'.repeat(32)}` }), 403, /Unknown or revoked/],
      ['key of another project', post(good, {}, `/api/${otherProjectId}/envelope/`), 403, /Unknown or revoked/],
      ['zstd', post(good, { 'content-encoding': 'zstd' }), 415, /zstd/],
      ['bad key is refused before the body is inflated', post(gzipSync(Buffer.alloc(200 * 1024 * 1024)), { 'content-encoding': 'gzip', 'x-sentry-auth': `Sentry sentry_key=${'1'.repeat(32)}` }), 403, /Unknown or revoked/],
      ['zip bomb', post(gzipSync(Buffer.alloc(200 * 1024 * 1024)), { 'content-encoding': 'gzip' }), 413, /decompressed/],
      ['truncated gzip', post(gzipSync(good).subarray(0, 40), { 'content-encoding': 'gzip' }), 400, /decompress|end of file/i],
      ['not JSON', post(Buffer.from(`{}\n{"type":"event"}\n{not json`)), 400, /JSON|Unexpected/],
      ['deep nesting', post(Buffer.from(`{}\n{"type":"event"}\n${'['.repeat(10_000)}${']'.repeat(10_000)}`)), 400, /deep|nest/i],
      ['lying length', post(Buffer.from(`{}\n{"type":"event","length":500}\n{"event_id":"x"}\n`)), 400, /length/],
      ['invalid UTF-8', post(Buffer.concat([Buffer.from('{}\n{"type":"event"}\n{"message":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), 400, /UTF-8/],
      ['event not an object', post(Buffer.from(`{}\n{"type":"event"}\n[1,2]`)), 400, /object/],
      ['oversized event', post(serializeEnvelope({}, [{ header: { type: 'event' }, payload: errorEvent({ extra: { blob: 'x'.repeat(2 * 1024 * 1024) } }) }])), 413, /./],
      ['empty body', post(Buffer.alloc(0)), 400, /empty/],
    ];
    for (const [name, pending, status, message] of cases) {
      const response = await pending;
      expect(response.statusCode, name).toBe(status);
      const body = response.json() as { error: { code: string; message: string } };
      expect(body.error.message, name).toMatch(message);
      expect(body.error.code, name).toMatch(/^WP_ERR_/);
    }
    expect(await eventCount()).toBe(before);
  });

  it('skips unknown item types, stores check-ins and sessions, counts client reports', async () => {
    const body = serializeEnvelope({}, [
      { header: { type: 'profile_chunk' }, payload: { anything: true } },
      { header: { type: 'check_in' }, payload: { check_in_id: randomHex(16), monitor_slug: 'nightly-report', status: 'ok', duration: 2.5 } },
      { header: { type: 'sessions' }, payload: { aggregates: [{ started: new Date().toISOString(), exited: 9, crashed: 1 }], attrs: { release: 'api@2.0.0', environment: 'production' } } },
      { header: { type: 'client_report' }, payload: { timestamp: Date.now() / 1000, discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: 3 }] } },
    ]);
    expect((await post(body)).statusCode).toBe(200);
    const checkIn = await t.db.storage.db.selectFrom('sentry_check_ins').selectAll().where('project_id', '=', projectId).executeTakeFirst();
    expect(checkIn).toMatchObject({ monitor_slug: 'nightly-report', status: 'ok', duration_ms: 2500 });
    const health = await t.db.storage.db.selectFrom('release_session_hours').selectAll().where('project_id', '=', projectId).execute();
    expect(health).toEqual([expect.objectContaining({ release: 'api@2.0.0', total: 10, crashed: 1 })]);
    const totals = await t.ctx.services.ingest.outcomeTotals(projectId, Date.now() - 3_600_000);
    expect(totals).toEqual(expect.arrayContaining([{ category: 'error', outcome: 'client_discarded', count: 3 }, { category: 'error', outcome: 'accepted', count: 8 }, { category: 'error', outcome: 'duplicate', count: 2 }]));
  });

  it('counts each state of a browser session once, however often the SDK resends it', async () => {
    const sid = randomHex(16);
    const update = (extra: Record<string, unknown>) =>
      serializeEnvelope({}, [{ header: { type: 'session' }, payload: { sid, did: 'visitor-1', started: new Date().toISOString(), status: 'ok', errors: 0, attrs: { release: 'web@3.0.0', environment: 'production' }, ...extra } }]);
    for (const body of [update({ init: true }), update({ errors: 1 }), update({ errors: 1 }), update({ errors: 2, status: 'crashed' }), update({ errors: 2, status: 'crashed' })]) {
      expect((await post(body)).statusCode).toBe(200);
    }
    // Two updates in one envelope for one release and hour must not fail PostgreSQL's upsert either.
    const other = randomHex(16);
    const both = serializeEnvelope({}, [
      { header: { type: 'session' }, payload: { sid: other, init: true, started: new Date().toISOString(), status: 'ok', attrs: { release: 'web@3.0.0' } } },
      { header: { type: 'sessions' }, payload: { aggregates: [{ started: new Date().toISOString(), exited: 2 }], attrs: { release: 'web@3.0.0' } } },
    ]);
    expect((await post(both)).statusCode).toBe(200);
    const rows = await t.db.storage.db.selectFrom('release_session_hours').selectAll().where('project_id', '=', projectId).where('release', '=', 'web@3.0.0').execute();
    expect(rows.reduce((a, r) => ({ total: a.total + Number(r.total), errored: a.errored + Number(r.errored), crashed: a.crashed + Number(r.crashed) }), { total: 0, errored: 0, crashed: 0 })).toEqual({ total: 4, errored: 1, crashed: 1 });
    const releases = (await t.ctx.services.issues.releases(projectId)).find((r) => r.version === 'web@3.0.0');
    expect(releases).toMatchObject({ sessions: 4, crashFreeSessions: 0.75, crashFreeUsers: 0 });
  });

  it('enforces a monthly project quota with 429, Retry-After and X-Sentry-Rate-Limits', async () => {
    await t.db.storage.db.insertInto('project_settings').values({ project_id: otherProjectId, scrub_enabled: 1, scrub_extra_keys: '[]', scrub_safe_keys: '[]', store_client_ip: 0, quota_per_minute: null, quota_per_month: 1, updated_at: Date.now() }).execute();
    const otherKey = (await t.ctx.services.projects.listKeys(otherProjectId))[0]?.publicKey ?? '';
    const send = () => post(envelope(errorEvent()), { 'x-sentry-auth': `Sentry sentry_key=${otherKey}` }, `/api/${otherProjectId}/envelope/`);
    expect((await send()).statusCode).toBe(200);
    const refused = await send();
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-sentry-rate-limits']).toMatch(/^\d+:error;transaction;span:project:usage_exceeded$/);
  });
});
