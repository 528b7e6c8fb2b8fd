import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeEnvelope } from '../src/ingest/sentry/envelope.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { startNodeProcess } from './helpers/node-process.js';
import { randomHex } from '../src/lib/ids.js';

const dialects = await testDialects();

function startNode(databaseUrl: string) {
  return startNodeProcess('test/fixtures/ingest-node.ts', {
    DATABASE_URL: databaseUrl,
    WATCHPOST_SECRET_KEY: 'crash-test-secret-key-0123456789abcdef-xyz',
    WATCHPOST_PORT: '0',
    WATCHPOST_HOST: '127.0.0.1',
    WATCHPOST_DATA_DIR: mkdtempSync(join(tmpdir(), 'wp-crash-')),
    WATCHPOST_LOG_LEVEL: 'warn',
    WATCHPOST_JOBS: 'false',
  });
}

describe.each(dialects)('accepted events survive kill -9 [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('every event and transaction answered 200 is stored after SIGKILL mid-load', async () => {
    const owner = await t.signUp('crash@example.com', { orgName: 'Crash' });
    if (!owner.org) throw new Error('no org');
    const { project, key } = await t.ctx.services.projects.create(owner.org.id, { name: 'Crashy' }, null);
    const { child, url } = await startNode(t.db.url);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    const acknowledged: string[] = [];
    let transactionsAcknowledged = 0;
    let transactionsSent = 0;
    let killed = false;
    const sendOne = async (i: number): Promise<void> => {
      const id = randomHex(16);
      // Every third envelope is a transaction: those wait in the pending queue for the rollups.
      const transaction = i % 3 === 2;
      const now = Date.now() / 1000;
      const body = transaction
        ? serializeEnvelope({ event_id: id }, [
            { header: { type: 'transaction' }, payload: { type: 'transaction', transaction: `GET /crash/${i % 4}`, start_timestamp: now - 0.02, timestamp: now, contexts: { trace: { trace_id: randomHex(16), span_id: randomHex(8), op: 'http.server', status: 'ok' } }, spans: [{ span_id: randomHex(8), trace_id: randomHex(16), op: 'db', description: 'SELECT 1', start_timestamp: now - 0.01, timestamp: now }] } },
          ])
        : serializeEnvelope({ event_id: id }, [
            { header: { type: 'event' }, payload: { event_id: id, level: 'error', exception: { values: [{ type: 'Error', value: `crash test ${i}`, stacktrace: { frames: [{ function: `site${i % 5}`, filename: 'app.js', in_app: true }] } }] } } },
          ]);
      if (transaction) transactionsSent++;
      try {
        const response = await fetch(`${url}/api/${project.id}/envelope/`, { method: 'POST', body, headers: { 'x-sentry-auth': `Sentry sentry_key=${key.publicKey}` } });
        if (response.status === 200 && transaction) transactionsAcknowledged++;
        else if (response.status === 200) acknowledged.push(id);
      } catch {
        // The server died while this request was in flight: it was never acknowledged.
      }
    };
    // 16 senders in parallel; the server is killed as soon as 150 events were acknowledged, so
    // batches are being written at that moment.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (!killed && next < 5000) {
          await sendOne(next++);
          if (!killed && acknowledged.length >= 150) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      }),
    );
    await exited;

    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    const stored = new Set((await t.db.storage.db.selectFrom('events').select('event_id').where('project_id', '=', project.id).execute()).map((r) => r.event_id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);

    // Transactions answered 200 were queued durably: merged after the crash (here by the test's own
    // node), every one is in the endpoint rollups — at most those sent, if one committed unanswered.
    expect(transactionsAcknowledged).toBeGreaterThan(0);
    await t.ctx.services.ingest.flushPerformance();
    const rollup = await t.db.storage.db.selectFrom('perf_endpoint_hours').select((eb) => eb.fn.sum<number>('count').as('n')).where('project_id', '=', project.id).executeTakeFirst();
    expect(Number(rollup?.n)).toBeGreaterThanOrEqual(transactionsAcknowledged);
    expect(Number(rollup?.n)).toBeLessThanOrEqual(transactionsSent);
    const spans = await t.db.storage.db.selectFrom('perf_span_hours').select((eb) => eb.fn.sum<number>('count').as('n')).where('project_id', '=', project.id).executeTakeFirst();
    expect(Number(spans?.n)).toBe(Number(rollup?.n));
  });
});
