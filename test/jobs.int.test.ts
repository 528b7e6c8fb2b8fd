import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../src/jobs/repo.js';
import { JobScheduler } from '../src/jobs/scheduler.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/dialects.js';

const dialects = await testDialects();
const log = pino({ level: 'silent' });

/** Resolves when `check` returns true, polling every 20 ms (fails after `ms`). */
/**
 * Epoch-aligned period whose next occurrence is decades away: tests that make an occurrence due by
 * hand must not see the job come due again by itself (a 60 s period would, near a minute boundary).
 */
const RARELY_MS = 100 * 365 * 86_400_000;

async function until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(dialects)('job scheduler [%s]', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.destroy());

  it('runs interval jobs once per occurrence and records every run', async () => {
    const scheduler = new JobScheduler(database.storage.db, log, { node: 'node-a', pollMs: 50 });
    const seen: number[] = [];
    scheduler.register({
      name: 'test.tick',
      everyMs: 200,
      handler: ({ scheduledFor }) => {
        seen.push(scheduledFor);
        return Promise.resolve({ n: seen.length });
      },
    });
    await scheduler.start();
    await until(() => seen.length >= 3);
    await scheduler.stop();
    expect(new Set(seen).size).toBe(seen.length);
    for (const occurrence of seen) expect(occurrence % 200).toBe(0);
    const runs = await scheduler.runs('test.tick', 50);
    expect(runs.length).toBe(seen.length);
    expect(runs[0]).toMatchObject({ jobName: 'test.tick', node: 'node-a', status: 'ok', error: null, durationMs: expect.any(Number) });
    expect(runs.map((r) => r.result)).toContainEqual({ n: 1 });
  });

  it('records failures with their message and keeps scheduling', async () => {
    const scheduler = new JobScheduler(database.storage.db, log, { node: 'node-a', pollMs: 50 });
    let calls = 0;
    scheduler.register({
      name: 'test.flaky',
      everyMs: 150,
      handler: () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('upstream said no')) : Promise.resolve();
      },
    });
    await scheduler.start();
    await until(() => calls >= 2);
    await scheduler.stop();
    const runs = await scheduler.runs('test.flaky', 10);
    expect(runs.map((r) => r.status)).toContain('error');
    expect(runs.find((r) => r.status === 'error')?.error).toBe('upstream said no');
    const [info] = await scheduler.list();
    expect(info).toMatchObject({ name: 'test.flaky', schedule: 'every 150 ms', running: null });
  });

  it('runs a job now on request, and a cron job waits for its time', async () => {
    const scheduler = new JobScheduler(database.storage.db, log, { node: 'node-a', pollMs: 50 });
    let ran = 0;
    scheduler.register({ name: 'test.nightly', cron: '0 3 * * *', timezone: 'UTC', handler: () => Promise.resolve(void ran++) });
    await scheduler.start();
    const [before] = await scheduler.list();
    expect(before?.nextRunAt).toBeGreaterThan(Date.now());
    expect(new Date(before?.nextRunAt ?? 0).getUTCHours()).toBe(3);
    expect(await scheduler.runNow('test.nightly')).toBe(true);
    expect(await scheduler.runNow('test.unknown')).toBe(false);
    await until(() => ran === 1);
    await until(async () => (await scheduler.list())[0]?.lastRun?.status === 'ok');
    const [after] = await scheduler.list();
    expect(new Date(after?.nextRunAt ?? 0).getUTCHours()).toBe(3);
    await scheduler.stop();
  });

  it("takes over an occurrence when the claiming node died (its lease expired)", async () => {
    const db = database.storage.db;
    const job = { name: 'test.takeover', everyMs: RARELY_MS, leaseMs: 300, handler: () => Promise.resolve() };
    // A node that claimed the due occurrence and then vanished without finishing.
    const now = Date.now();
    const due = now - 1000;
    await repo.upsertSchedule(db, job.name, `every:${RARELY_MS}`, due, now);
    expect(await repo.claimOccurrence(db, job.name, due, 'dead-node', now, 300)).toBe(true);
    await repo.insertRun(db, { id: '00000000-0000-7000-8000-000000000001', job_name: job.name, node: 'dead-node', scheduled_for: due, started_at: now, finished_at: null, duration_ms: null, status: 'running', error: null, result: null });
    // A second claim while the lease holds fails.
    expect(await repo.claimOccurrence(db, job.name, due, 'other', Date.now(), 300)).toBe(false);

    const scheduler = new JobScheduler(db, log, { node: 'survivor', pollMs: 50 });
    let ran = 0;
    scheduler.register({ ...job, handler: () => Promise.resolve(void ran++) });
    await scheduler.start();
    await until(() => ran === 1, 5000);
    await scheduler.stop();
    const runs = await scheduler.runs(job.name, 10);
    expect(runs.find((r) => r.node === 'survivor')).toMatchObject({ scheduledFor: due, status: 'ok' });
    expect(runs.find((r) => r.node === 'dead-node')?.status).toBe('abandoned');
  });

  it('renews the lease of a long run so no other node starts the same occurrence', async () => {
    const started: string[] = [];
    const job = (node: string) => ({
      name: 'test.long',
      everyMs: RARELY_MS,
      leaseMs: 200,
      handler: async () => {
        started.push(node);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      },
    });
    const now = Date.now();
    await repo.upsertSchedule(database.storage.db, 'test.long', `every:${RARELY_MS}`, now - 10, now);
    const a = new JobScheduler(database.storage.db, log, { node: 'node-a', pollMs: 50 });
    const b = new JobScheduler(database.storage.db, log, { node: 'node-b', pollMs: 50 });
    a.register(job('node-a'));
    b.register(job('node-b'));
    await a.start();
    await until(() => started.length === 1);
    await b.start();
    // The run lasts five lease periods; without renewal node-b would take over after the first.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await Promise.all([a.stop(), b.stop()]);
    expect(started).toEqual(['node-a']);
    expect((await a.runs('test.long', 5)).map((r) => [r.node, r.status])).toEqual([['node-a', 'ok']]);
  });

  it('tells a running handler to stop when another node took its occurrence over', async () => {
    const db = database.storage.db;
    const scheduler = new JobScheduler(db, log, { node: 'node-a', pollMs: 50 });
    let reason = '';
    scheduler.register({
      name: 'test.stolen',
      everyMs: RARELY_MS,
      leaseMs: 150,
      handler: async ({ signal }) => {
        // As if this node stalled and another claimed the occurrence meanwhile.
        await db.updateTable('job_schedules').set({ lease_owner: 'node-b' }).where('name', '=', 'test.stolen').execute();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
      },
    });
    const now = Date.now();
    await repo.upsertSchedule(db, 'test.stolen', `every:${RARELY_MS}`, now - 10, now);
    await scheduler.start();
    await until(() => reason !== '', 5000);
    await scheduler.stop();
    expect(reason).toBe('lease lost');
  });

  it('keeps a "run now" requested while the job was running', async () => {
    const scheduler = new JobScheduler(database.storage.db, log, { node: 'node-a', pollMs: 50 });
    let runs = 0;
    scheduler.register({
      name: 'test.again',
      cron: '0 3 * * *',
      handler: async () => {
        runs++;
        if (runs === 1) await scheduler.runNow('test.again');
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    await scheduler.start();
    await scheduler.runNow('test.again');
    await until(() => runs === 2);
    await scheduler.stop();
  });

  it('prunes old run records', async () => {
    const scheduler = new JobScheduler(database.storage.db, log, { node: 'node-a' });
    await repo.insertRun(database.storage.db, { id: '00000000-0000-7000-8000-0000000000ff', job_name: 'old', node: 'n', scheduled_for: 1, started_at: 1, finished_at: 2, duration_ms: 1, status: 'ok', error: null, result: null });
    expect(await scheduler.pruneRuns(86_400_000)).toBeGreaterThanOrEqual(1);
    expect(await scheduler.runs('old', 10)).toEqual([]);
  });
});
