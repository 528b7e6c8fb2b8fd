import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorRetentionRules } from '../src/errors/retention.js';
import { applyRetention } from '../src/storage/retention.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';

const dialects = await testDialects();
const DAY = 86_400_000;

describe.each(dialects)('retention [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('deletes expired events, issues and rollups in batches and keeps the rest', async () => {
    const owner = await t.signUp('ret@example.com', { orgName: 'Ret' });
    if (!owner.org) throw new Error('no org');
    const { project, key } = await t.ctx.services.projects.create(owner.org.id, { name: 'Old' }, null);
    const send = async (fn: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const payload = JSON.stringify({ exception: { values: [{ type: 'Error', value: fn, stacktrace: { frames: [{ function: fn, filename: 'a.js', in_app: true }] } }] } });
        const response = await t.app.inject({ method: 'POST', url: `/api/${project.id}/store/?sentry_key=${key.publicKey}`, payload, headers: { 'content-type': 'application/json' } });
        expect(response.statusCode).toBe(200);
      }
    };
    await send('old', 7);
    await send('fresh', 2);
    const db = t.db.storage.db;
    const now = Date.now();
    const old = await db.selectFrom('issues').select('id').where('title', '=', 'Error: old').executeTakeFirstOrThrow();
    await db.updateTable('events').set({ received_at: now - 100 * DAY }).where('issue_id', '=', old.id).execute();
    await db.updateTable('issues').set({ last_seen: now - 100 * DAY }).where('id', '=', old.id).execute();
    await db.insertInto('perf_endpoint_minutes').values({ project_id: project.id, name: 'GET /', bucket: now - 3 * DAY, count: 1, failures: 0, satisfied: 1, tolerating: 0, sum_ms: 5, sketch: Buffer.alloc(0) }).execute();

    // Batches of 3 rows: the loop must go round until the backlog is gone.
    const deleted = await applyRetention(db, errorRetentionRules(90), now, undefined, 3);
    expect(deleted).toMatchObject({ events: 7, issues: 1, perf_endpoint_minutes: 1 });
    const left = await db.selectFrom('issues').select('title').execute();
    expect(left.map((r) => r.title)).toEqual(['Error: fresh']);
    expect((await db.selectFrom('events').select('event_id').execute()).length).toBe(2);

    const aborted = new AbortController();
    aborted.abort();
    expect(await applyRetention(db, errorRetentionRules(90), now + 365 * DAY, aborted.signal)).toMatchObject({ events: 0 });
  });
});
