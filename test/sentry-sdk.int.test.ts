import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueSignal } from '../src/errors/write.js';
import { createTestApp, type Caller, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';

const run = promisify(execFile);
const dialects = await testDialects();
const APP = join(import.meta.dirname, 'fixtures', 'sentry-node-app.mjs');

/** Runs the instrumented fixture app with the real @sentry/node SDK; returns what it printed. */
async function sdkApp(dsn: string, scenario: string, release?: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [APP, scenario], { env: { ...process.env, DSN: dsn, ...(release ? { RELEASE: release } : {}) }, timeout: 30_000 });
  const line = stdout.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(line) as Record<string, unknown>;
}

interface ListedIssue {
  id: string;
  title: string;
  culprit: string;
  level: string;
  status: string;
  substatus: string;
  count: number;
  userCount: number;
  sparkline: number[];
}

describe.each(dialects)('the real @sentry/node SDK against Watchpost [%s]', (dialect) => {
  let t: TestApp;
  let call: Caller;
  let base: string;
  let projectId: number;
  let dsn: string;
  let orgId: string;
  const signals: IssueSignal[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const owner = await t.signUp('owner@example.com', { orgName: 'Shop' });
    call = owner.call;
    if (!owner.org) throw new Error('no org');
    orgId = owner.org.id;
    const created = await t.ctx.services.projects.create(owner.org.id, { name: 'Shop API', platform: 'node' }, null);
    projectId = created.project.id;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dsn = `http://${created.key.publicKey}@${base.slice('http://'.length)}/${projectId}`;
    t.ctx.services.ingest.signals.on('issue', (signal) => signals.push(signal));
  });
  afterAll(() => t.close());

  const issues = async (query = ''): Promise<ListedIssue[]> => {
    const response = await call({ url: `/api/projects/${projectId}/issues?status=all${query}` });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: ListedIssue[] }>().items;
  };

  it('groups exceptions by throw site, keeps messages, users, tags, breadcrumbs and transactions', async () => {
    const sent = await sdkApp(dsn, 'errors');
    expect(sent.first).toMatch(/^[0-9a-f]{32}$/);

    const list = await issues();
    expect(list).toHaveLength(3);
    const payment = list.find((i) => i.title.startsWith('Error: Payment declined'));
    expect(payment).toMatchObject({ count: 2, userCount: 2, level: 'error', status: 'unresolved', substatus: 'new' });
    expect(payment?.culprit).toMatch(/chargeCard/);
    expect(payment?.sparkline.reduce((a, b) => a + b, 0)).toBe(2);
    expect(list.find((i) => i.title.startsWith('TypeError'))).toMatchObject({ count: 1 });
    expect(list.find((i) => i.title === 'Low stock for SKU 12345')).toMatchObject({ level: 'warning', count: 1 });

    const detail = (await call({ url: `/api/issues/${payment?.id}` })).json<{ tags: Array<{ key: string; values: Array<{ value: string; count: number }> }> }>();
    const tag = (key: string) => detail.tags.find((x) => x.key === key)?.values.map((v) => v.value);
    expect(tag('tenant')).toEqual(['acme']);
    expect(tag('environment')).toEqual(['staging']);
    expect(tag('release')).toEqual(['shop@1.0.0']);

    const latest = (await call({ url: `/api/issues/${payment?.id}/events/latest` })).json<{ eventId: string; data: Record<string, unknown>; previousEventId: string | null }>();
    // Both events can arrive in the same millisecond (then their order is by id): check the pair.
    expect([latest.eventId, latest.previousEventId].sort()).toEqual([sent.first, sent.second].sort());
    expect(latest.data.user).toMatchObject({ id: latest.eventId === sent.second ? 'user-8' : 'user-7' });
    expect(JSON.stringify(latest.data.breadcrumbs)).toContain('clicked pay');
    const frames = (latest.data.exception as { values: Array<{ stacktrace: { frames: Array<{ function?: string; lineno?: number; context_line?: string }> } }> }).values[0]?.stacktrace.frames ?? [];
    expect(frames.at(-1)).toMatchObject({ function: 'chargeCard' });
    expect(frames.at(-1)?.context_line).toContain('Payment declined');

    const events = (await call({ url: `/api/issues/${payment?.id}/events` })).json<{ items: Array<{ eventId: string }> }>();
    expect(events.items.map((e) => e.eventId)).toEqual([latest.eventId, latest.previousEventId]);

    // The transaction (a streamed segment span on current SDKs) lands in the endpoint rollups
    // (merged from the pending queue within a second; flushed here to read the tables directly).
    await t.ctx.services.ingest.flushPerformance();
    const endpoints = await t.db.storage.db.selectFrom('perf_endpoint_hours').select(['name', 'count']).where('project_id', '=', projectId).execute();
    expect(endpoints).toEqual([{ name: 'GET /orders/:id', count: 1 }]);
    const spans = await t.db.storage.db.selectFrom('perf_span_hours').select(['op', 'description', 'count']).where('project_id', '=', projectId).orderBy('op').execute();
    expect(spans).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ op: 'db.sql.query', description: 'SELECT * FROM orders WHERE id = ?' }),
        expect.objectContaining({ op: 'http.client', description: expect.stringContaining('payments.example.com/charges/') as unknown }),
      ]),
    );
    expect(signals.filter((s) => s.kind === 'new')).toHaveLength(3);

    const perf = (await call({ url: `/api/projects/${projectId}/performance/endpoints?period=1h` })).json<{ items: Array<{ name: string; count: number; p50: number; p99: number; failureRate: number }> }>();
    expect(perf.items).toEqual([expect.objectContaining({ name: 'GET /orders/:id', count: 1, failureRate: 0 })]);
    // The request took at least the 40 ms its child spans waited.
    expect(perf.items[0]?.p50).toBeGreaterThanOrEqual(39);
    const endpoint = (await call({ url: `/api/projects/${projectId}/performance/endpoint?name=${encodeURIComponent('GET /orders/:id')}&period=24h` })).json<{ series: unknown[]; spans: Array<{ op: string; avgMs: number }> }>();
    expect(endpoint.series).toHaveLength(1);
    expect(endpoint.spans.find((x) => x.op === 'db.sql.query')?.avgMs).toBeGreaterThanOrEqual(29);
    const releases = (await call({ url: `/api/projects/${projectId}/releases` })).json<{ items: Array<{ version: string; newIssues: number }> }>();
    expect(releases.items).toEqual([expect.objectContaining({ version: 'shop@1.0.0', newIssues: 3 })]);
  });

  it('reopens a resolved issue as regressed when the same error comes back', async () => {
    const payment = (await issues()).find((i) => i.title.startsWith('Error: Payment declined'));
    const resolved = await call({ method: 'PATCH', url: `/api/issues/${payment?.id}`, payload: { status: 'resolved' } });
    expect(resolved.statusCode).toBe(200);
    expect((await issues('&query=payment'))[0]).toMatchObject({ status: 'resolved' });

    await sdkApp(dsn, 'again', 'shop@1.0.1');
    const after = (await issues()).find((i) => i.id === payment?.id);
    expect(after).toMatchObject({ status: 'unresolved', substatus: 'regressed', count: 3 });
    expect(signals.some((s) => s.kind === 'regressed' && s.issueId === payment?.id)).toBe(true);
    const detail = (await call({ url: `/api/issues/${payment?.id}` })).json<{ activity: Array<{ kind: string }> }>();
    expect(detail.activity.map((a) => a.kind)).toEqual(expect.arrayContaining(['regressed', 'status', 'first_seen']));
  });

  it('"resolved in release X" regresses only on a newer release', async () => {
    const payment = (await issues()).find((i) => i.title.startsWith('Error: Payment declined'));
    await call({ method: 'PATCH', url: `/api/issues/${payment?.id}`, payload: { status: 'resolved', resolvedInRelease: 'shop@1.0.1' } });
    await sdkApp(dsn, 'again', 'shop@1.0.1');
    expect((await issues()).find((i) => i.id === payment?.id)).toMatchObject({ status: 'resolved', count: 4 });
    await sdkApp(dsn, 'again', 'shop@1.1.0');
    expect((await issues()).find((i) => i.id === payment?.id)).toMatchObject({ status: 'unresolved', substatus: 'regressed', count: 5 });
  });

  it('after a 429 the SDK stops sending for the advertised time', async () => {
    const limited = await t.ctx.services.projects.create(orgId, { name: 'Limited' }, null);
    await t.db.storage.db.updateTable('ingest_keys').set({ rate_limit_per_minute: 2 }).where('id', '=', limited.key.id).execute();
    const limitedDsn = `http://${limited.key.publicKey}@${base.slice('http://'.length)}/${limited.project.id}`;
    // At the very end of a minute the window would reset mid-test; wait for the next one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));

    const sent = await sdkApp(limitedDsn, 'ratelimit');
    expect(sent.sent).toHaveLength(8);
    const totals = await t.ctx.services.ingest.outcomeTotals(limited.project.id, Date.now() - 3_600_000);
    const errors = (outcome: string) => totals.find((r) => r.category === 'error' && r.outcome === outcome)?.count ?? 0;
    expect(errors('accepted')).toBe(2);
    // Exactly one refused request: the SDK honoured X-Sentry-Rate-Limits and sent nothing more.
    expect(errors('rate_limited')).toBe(1);
  });

  it('cron check-ins (withMonitor, captureCheckIn) create and feed a heartbeat monitor', async () => {
    await sdkApp(dsn, 'cron');
    const find = async () => (await call({ url: `/api/projects/${projectId}/monitors?type=heartbeat` })).json<{ items: Array<{ id: string; status: string; slug: string | null; heartbeat: { cron: string | null; timezone: string | null; graceSeconds: number } | null }> }>().items.find((m) => m.slug === 'nightly-report');
    const deadline = Date.now() + 10_000;
    let monitor = await find();
    while ((!monitor || monitor.status !== 'down') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      monitor = await find();
    }
    expect(monitor?.heartbeat).toMatchObject({ cron: '0 * * * *', timezone: 'Europe/Berlin', graceSeconds: 300 });
    // The last run failed: the monitor is down. The first (withMonitor) run was a good one, with its duration.
    expect(monitor?.status).toBe('down');
    const pings = (await call({ url: `/api/monitors/${monitor?.id ?? ''}/pings` })).json<{ items: Array<{ kind: string; durationMs: number | null }> }>().items;
    expect(pings.map((p) => p.kind)).toEqual(['fail', 'start', 'success', 'start']);
    expect(pings[2]?.durationMs).toBeGreaterThanOrEqual(30);
  });
});
