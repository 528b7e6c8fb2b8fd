import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PendingRollup, queuedSpans, queueSpans, type QueuedSpans } from '../src/performance/pending.js';
import type { RollupSpan, SpansToStore } from '../src/performance/write.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';

const dialects = await testDialects();

function segment(i: number, startMs: number): RollupSpan {
  return { spanId: `seg${i}`, segmentId: `seg${i}`, segmentName: `GET /things/${i % 3}`, isSegment: true, name: `GET /things/${i % 3}`, op: 'http.server', failed: i % 10 === 0, startMs, durationMs: 10 + (i % 50), measurements: {} };
}

function child(i: number, startMs: number): RollupSpan {
  return { spanId: `span${i}`, segmentId: `seg${i}`, segmentName: `GET /things/${i % 3}`, isSegment: false, name: 'SELECT * FROM things WHERE id = ?', op: 'db.sql.query', failed: false, startMs, durationMs: 2, measurements: {} };
}

describe.each(dialects)('pending spans merged into the rollups [%s]', (dialect) => {
  let t: TestApp;
  let projectId: number;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const owner = await t.signUp('pending@example.com', { orgName: 'Pending' });
    if (!owner.org) throw new Error('no org');
    projectId = (await t.ctx.services.projects.create(owner.org.id, { name: 'Pending' }, null)).project.id;
  });
  afterAll(() => t.close());
  /** Queues spans the way ingest does: reduced and serialised (as the processing worker hands them over). */
  const queue = (items: readonly SpansToStore[], now: number) =>
    queueSpans(t.db.storage.db, dialect, items.map(queuedSpans).filter((q): q is QueuedSpans => q !== null), now);

  it('counts every queued envelope exactly once with several mergers at once, and drops an unreadable row', async () => {
    const db = t.db.storage.db;
    const now = Date.now();
    const items = Array.from({ length: 1200 }, (_, i) => ({ projectId, segments: [segment(i, now)], spans: [child(i, now)] }));
    for (let i = 0; i < items.length; i += 100) await queue(items.slice(i, i + 100), now);
    await db.insertInto('perf_pending').values({ project_id: projectId, payload: '{"segments": not json', created_at: now }).execute();

    const errors: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => errors.push(line) });
    // Small merges, so the mergers take turns and claim rows while the others run.
    const mergers = Array.from({ length: 3 }, () => new PendingRollup(db, dialect, { log, rowsPerMerge: 150 }));
    const merged = await Promise.all([...mergers.map((m) => m.flush(true)), t.ctx.services.ingest.flushPerformance()]);
    // The app's own merger (every 2 s) may have taken rows while they were queued; the rollup
    // counts below are what proves each envelope was merged exactly once.
    expect(merged.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1201);

    const pending = await db.selectFrom('perf_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(pending?.n)).toBe(0);
    // The unreadable row is gone without holding back the 1,200 good ones (which merger took it,
    // and so which logger reported it, depends on timing; the app's own merger may have).
    expect(errors.join('\n')).not.toContain('retrying row by row');

    const endpoints = await t.ctx.services.performance.endpoints(projectId, '1h');
    expect(endpoints.map((e) => [e.name, e.count])).toEqual([
      ['GET /things/0', 400],
      ['GET /things/1', 400],
      ['GET /things/2', 400],
    ]);
    expect(endpoints.reduce((s, e) => s + e.failureRate * e.count, 0)).toBeCloseTo(120);
    const detail = await t.ctx.services.performance.endpoint(projectId, 'GET /things/1', '24h');
    expect(detail.spans).toEqual([expect.objectContaining({ op: 'db.sql.query', count: 400 })]);
  });

  it('drops a row the rollups refuse without losing the rows around it', async () => {
    const db = t.db.storage.db;
    const now = Date.now();
    const good = (i: number) => ({ projectId, segments: [{ ...segment(i, now), name: 'GET /around', segmentName: 'GET /around' }], spans: [] });
    await queue([good(1), good(2)], now);
    // Readable JSON, but a segment without a name: the rollup insert violates NOT NULL.
    const poison = { ...segment(3, now), name: null, segmentName: null };
    await db.insertInto('perf_pending').values({ project_id: projectId, payload: JSON.stringify({ segments: [poison], spans: [] }), created_at: now }).execute();
    await queue([good(4)], now);

    // This merger or the app's own timer takes the poison row (timing decides which logs the drop).
    await new PendingRollup(db, dialect, { log: pino({ level: 'silent' }) }).flush();
    await t.ctx.services.ingest.flushPerformance();
    const pending = await db.selectFrom('perf_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(pending?.n)).toBe(0);
    const endpoints = await t.ctx.services.performance.endpoints(projectId, '1h');
    expect(endpoints.find((e) => e.name === 'GET /around')?.count).toBe(3);
  });

  it('summaries read right after ingest include what was just accepted', async () => {
    const now = Date.now();
    await queue([{ projectId, segments: [{ ...segment(1, now), name: 'POST /fresh', segmentName: 'POST /fresh' }], spans: [] }], now);
    // No wait for the timer: the read merges first.
    const endpoints = await t.ctx.services.performance.endpoints(projectId, '1h');
    expect(endpoints.find((e) => e.name === 'POST /fresh')?.count).toBe(1);
  });
});
