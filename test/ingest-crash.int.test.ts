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

  it('every event answered 200 is in the database after SIGKILL mid-load', async () => {
    const owner = await t.signUp('crash@example.com', { orgName: 'Crash' });
    if (!owner.org) throw new Error('no org');
    const { project, key } = await t.ctx.services.projects.create(owner.org.id, { name: 'Crashy' }, null);
    const { child, url } = await startNode(t.db.url);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    const acknowledged: string[] = [];
    let killed = false;
    const sendOne = async (i: number): Promise<void> => {
      const id = randomHex(16);
      const body = serializeEnvelope({ event_id: id }, [
        { header: { type: 'event' }, payload: { event_id: id, level: 'error', exception: { values: [{ type: 'Error', value: `crash test ${i}`, stacktrace: { frames: [{ function: `site${i % 5}`, filename: 'app.js', in_app: true }] } }] } } },
      ]);
      try {
        const response = await fetch(`${url}/api/${project.id}/envelope/`, { method: 'POST', body, headers: { 'x-sentry-auth': `Sentry sentry_key=${key.publicKey}` } });
        if (response.status === 200) acknowledged.push(id);
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
  });
});
