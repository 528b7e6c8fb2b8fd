import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../src/ingest/sentry/envelope.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { randomHex } from '../src/lib/ids.js';

const dialects = await testDialects();

// Two nodes (two app contexts with their own ingest writers) on one database, fed the same issues,
// tags and endpoints at once: every request must succeed and no count may be lost.
describe.each(dialects)('two ingest nodes writing the same issues at once [%s]', (dialect) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp(dialect);
    b = await createTestApp(dialect, {}, a.db);
  });
  afterAll(async () => {
    await b.ctx.close();
    await b.app.close();
    await a.close();
  });

  it('answers every request and loses no events, counts or rollup samples', async () => {
    const owner = await a.signUp('nodes@example.com', { orgName: 'Nodes' });
    if (!owner.org) throw new Error('no org');
    const { project, key } = await a.ctx.services.projects.create(owner.org.id, { name: 'Busy' }, null);
    const now = Date.now() / 1000;
    // At most one event or transaction per envelope (the protocol): even i sends an error, odd i
    // a transaction, so both nodes write issues, tags and rollups at the same time.
    const envelope = (i: number) =>
      i % 2 === 0
        ? serializeEnvelope({ event_id: randomHex(16) }, [
            { header: { type: 'event' }, payload: { level: 'error', tags: { shard: `s${i % 3}` }, user: { id: `u${i % 7}` }, exception: { values: [{ type: 'Error', value: 'boom', stacktrace: { frames: [{ function: `site${i % 10}`, filename: 'app.js', in_app: true }] } }] } } },
          ])
        : serializeEnvelope({}, [
            { header: { type: 'transaction' }, payload: { type: 'transaction', transaction: `GET /items/${i % 4}`, start_timestamp: now - 0.05, timestamp: now, contexts: { trace: { trace_id: randomHex(16), span_id: randomHex(8), op: 'http.server', status: 'ok' } }, spans: [] } },
          ]);
    const send = (app: TestApp, i: number) => app.app.inject({ method: 'POST', url: `/api/${project.id}/envelope/`, payload: envelope(i), headers: { 'x-sentry-auth': `Sentry sentry_key=${key.publicKey}` } });
    // Each node gets half of the errors and half of the transactions.
    const responses = await Promise.all(Array.from({ length: 480 }, (_, i) => send(Math.floor(i / 2) % 2 ? a : b, i)));
    expect(responses.filter((r) => r.statusCode !== 200).map((r) => r.body).slice(0, 3)).toEqual([]);

    const db = a.db.storage.db;
    const issues = await db.selectFrom('issues').select(['times_seen', 'user_count']).where('project_id', '=', project.id).execute();
    expect(issues).toHaveLength(5);
    expect(issues.reduce((s, i) => s + i.times_seen, 0)).toBe(240);
    const tags = await db.selectFrom('issue_tag_values').select((eb) => eb.fn.sum<number>('count').as('n')).where('key', '=', 'shard').executeTakeFirst();
    expect(Number(tags?.n)).toBe(240);
    // Both nodes merge the pending spans; flushing one drains both nodes' rows.
    await a.ctx.services.ingest.flushPerformance();
    const pending = await db.selectFrom('perf_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(pending?.n)).toBe(0);
    const endpoints = await db.selectFrom('perf_endpoint_hours').select((eb) => eb.fn.sum<number>('count').as('n')).where('project_id', '=', project.id).executeTakeFirst();
    expect(Number(endpoints?.n)).toBe(240);
    const merged = await a.ctx.services.performance.endpoints(project.id, '24h');
    expect(merged.reduce((s, e) => s + e.count, 0)).toBe(240);
  });
});
