import { deflateRawSync } from 'node:zlib';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWork } from '../src/ingest/packed-work.js';
import type { IngestWork } from '../src/ingest/service.js';
import { storeBatch } from '../src/ingest/store.js';
import { IngestService } from '../src/ingest/service.js';
import { randomHex } from '../src/lib/ids.js';
import { newWriteTurn } from '../src/storage/sqlite-dialect.js';
import type { Project } from '../src/projects/types.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { testDialects } from './helpers/dialects.js';
import { holdSqliteLock } from './helpers/sqlite-lock.js';

const dialects = await testDialects();

function work(project: Project, keyId: string, title: string): IngestWork {
  const now = Date.now();
  const eventId = randomHex(16);
  return {
    projectId: project.id,
    keyId,
    events: [
      {
        projectId: project.id,
        event: { eventId, timestamp: now, receivedAt: now, platform: 'node', level: 'error', environment: 'production', release: null, transaction: null, userKey: null, tags: [['level', 'error']] },
        grouping: { hash: randomHex(16), variant: 'fallback', title, culprit: '', type: 'Error', value: title },
        data: deflateRawSync(JSON.stringify({ event_id: eventId, message: title })),
      },
    ],
    spans: null,
    sessions: [],
    checkIns: [],
    size: 200,
  };
}

async function storedTitles(t: TestApp, project: Project): Promise<string[]> {
  const rows = await t.db.storage.db.selectFrom('events').select('message').where('project_id', '=', project.id).orderBy('message').execute();
  return rows.map((r) => r.message ?? '');
}

async function setUp(t: TestApp, name: string): Promise<{ project: Project; keyId: string }> {
  const owner = await t.signUp(`${name}@example.com`, { orgName: name });
  if (!owner.org) throw new Error('no org');
  const { project, key } = await t.ctx.services.projects.create(owner.org.id, { name }, null);
  return { project, keyId: key.id };
}

describe.each(dialects)('ingest writes [%s]', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('SQLite batches are written by the writer thread, PostgreSQL batches on the pool', async () => {
    const { project, keyId } = await setUp(t, 'writes');
    const kinds: string[] = [];
    const stop = t.db.storage.observeQueries((q) => kinds.push(q.kind));
    // Plain work (processed on the main thread) and packed work (from a processing worker), mixed.
    await Promise.all(['one', 'two', 'three'].map((title, i) => t.ctx.services.ingest.submit(i === 0 ? work(project, keyId, title) : packWork(work(project, keyId, title)))));
    stop();
    expect(await storedTitles(t, project)).toEqual(['one', 'three', 'two']);
    // On SQLite the main connection never ran the batch's INSERTs: the writer thread did.
    if (dialect === 'sqlite') expect(kinds).not.toContain('insert');
    else expect(kinds).toContain('insert');
    const totals = await t.ctx.services.ingest.outcomeTotals(project.id, Date.now() - 60_000);
    expect(totals).toContainEqual({ category: 'error', outcome: 'accepted', count: 3 });
  });

  it("a batch given pending outcome counts commits them and its own accepted counts in its transaction, or none of them", async () => {
    const { project, keyId } = await setUp(t, 'outcomes');
    const db = t.db.storage.db;
    const now = Date.now();
    const hour = now - (now % 3_600_000);
    const counts = async () =>
      (await db.selectFrom('ingest_outcomes').select(['category', 'outcome', 'count']).where('project_id', '=', project.id).orderBy('outcome').execute()).map((r) => [r.category, r.outcome, Number(r.count)]);
    const limited = { project_id: project.id, hour, category: 'error' as const, outcome: 'rate_limited' as const, count: 2 };

    const stored = await storeBatch(db, dialect, [work(project, keyId, 'counted')], [], now, { outcomes: [limited, { ...limited, count: 3 }] });
    expect(stored.outcomesStored).toBe(true);
    expect(await counts()).toEqual([
      ['error', 'accepted', 1],
      ['error', 'rate_limited', 5],
    ]);

    // A check-in without a monitor slug violates NOT NULL: the batch fails, and so do its counts.
    const broken = { ...work(project, keyId, 'rolled back'), checkIns: [{ id: randomHex(8), project_id: project.id, check_in_id: 'x', monitor_slug: null as unknown as string, status: 'ok', duration_ms: null, environment: null, monitor_config: null, received_at: now }] };
    await expect(storeBatch(db, dialect, [broken], [], now, { outcomes: [limited] })).rejects.toThrow();
    expect(await counts()).toEqual([
      ['error', 'accepted', 1],
      ['error', 'rate_limited', 5],
    ]);
    expect(await storedTitles(t, project)).toEqual(['counted']);
  });
});

describe.runIf(dialects.includes('sqlite'))('the SQLite writer thread', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(() => t.close());

  const service = (options: { writerFile: string | null; writerModule?: URL; writerTurn?: Int32Array | null }) =>
    new IngestService(t.db.storage.db, 'sqlite', t.ctx.services.projects, (id) => t.ctx.services.ingestSettings.get(id), t.ctx.config.ingest, pino({ level: 'silent' }), {}, options);

  it('dies mid-batch: the batch is written on the main thread instead, and so is everything after', async () => {
    const { project, keyId } = await setUp(t, 'crash');
    const ingest = service({ writerFile: t.db.storage.file, writerModule: new URL('./fixtures/writer-worker-crash.mjs', import.meta.url) });
    try {
      // Packed, as from a processing worker: the main thread still holds the bytes and unpacks them.
      await ingest.submit(packWork(work(project, keyId, 'during')));
      await ingest.submit(packWork(work(project, keyId, 'after')));
      expect(await storedTitles(t, project)).toEqual(['after', 'during']);
    } finally {
      await ingest.close();
    }
  });

  it('cannot open the database: writes stay on the main thread', async () => {
    const { project, keyId } = await setUp(t, 'noopen');
    const ingest = service({ writerFile: '/dev/null/watchpost.db' });
    try {
      await ingest.submit(work(project, keyId, 'inline'));
      expect(await storedTitles(t, project)).toEqual(['inline']);
    } finally {
      await ingest.close();
    }
  });

  it('waits while another process holds the write lock, then commits', async () => {
    const { project, keyId } = await setUp(t, 'locked');
    const ingest = service({ writerFile: t.db.storage.file });
    try {
      // Start the thread (its first batch opens the connection), then lock the file from another
      // process, as a `watchpost` CLI command would.
      await ingest.submit(work(project, keyId, 'before'));
      const holder = holdSqliteLock(t.db.storage.file ?? '', 700);
      await holder.locked;
      let done = false;
      const submitted = ingest.submit(work(project, keyId, 'while locked')).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      await holder.exited;
      await submitted;
      expect(await storedTitles(t, project)).toEqual(['before', 'while locked']);
    } finally {
      await ingest.close();
    }
  });

  it('steps aside while the main connection wants the write lock, and takes its turn when it is done', async () => {
    const { project, keyId } = await setUp(t, 'turns');
    // A turn of the test's own, which only this test raises: the app's main connection writes on
    // its own timers (the rollup merge every second), and any of those finishing would let the
    // writer go before the test lowers its claim.
    const turn = newWriteTurn();
    const ingest = service({ writerFile: t.db.storage.file, writerTurn: turn });
    try {
      await ingest.submit(work(project, keyId, 'first'));
      // As the main connection does while it waits for or holds the lock.
      Atomics.add(turn, 0, 1);
      let done = false;
      const submittedAt = Date.now();
      const submitted = ingest.submit(work(project, keyId, 'second')).then(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      // One main-thread write finished, and another one is already waiting: the writer goes
      // now anyway (the two take turns), instead of waiting for the count to reach zero.
      Atomics.add(turn, 1, 1);
      Atomics.notify(turn, 1);
      await submitted;
      // Without the notification it would have waited out its longest step-aside (1 s from when it
      // got the batch, so from after submittedAt); with it, it goes at once. Measured from the
      // submit, so a slow, busy machine has the most room without the test going blind.
      expect(Date.now() - submittedAt).toBeLessThan(1000);
      Atomics.sub(turn, 0, 1);
    } finally {
      await ingest.close();
    }
  });

  it('does not starve main-thread writes while it commits batch after batch', async () => {
    const { project, keyId } = await setUp(t, 'busy');
    const ingest = service({ writerFile: t.db.storage.file, writerTurn: t.db.storage.writeTurn });
    await sql`create table if not exists fairness_probe (id integer primary key, at integer not null)`.execute(t.db.storage.db);
    // The thread starts on the first write (a second or more on a slow machine): measure the flood, not the start.
    await ingest.submit(work(project, keyId, 'warm-up'));
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (let i = 0; flooding; i++) await ingest.submit(work(project, keyId, `flood ${lane}-${i}`));
      }),
    );
    const waits: number[] = [];
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (let i = 0; i < 20; i++) {
        const started = Date.now();
        await t.db.storage.db.transaction().execute((trx) => sql`insert into fairness_probe (at) values (${started})`.execute(trx));
        waits.push(Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      flooding = false;
      await flood;
      await ingest.close();
    }
    expect(Math.max(...waits)).toBeLessThan(1000);
    expect((await storedTitles(t, project)).length).toBeGreaterThan(20);
  });

  it('closes with the service: what was accepted is committed first', async () => {
    const { project, keyId } = await setUp(t, 'closing');
    const ingest = service({ writerFile: t.db.storage.file });
    const all = Promise.all(Array.from({ length: 20 }, (_, i) => ingest.submit(work(project, keyId, `e${String(i).padStart(2, '0')}`))));
    await ingest.close();
    await all;
    expect(await storedTitles(t, project)).toHaveLength(20);
  });
});
