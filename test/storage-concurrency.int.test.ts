import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../src/storage/db.js';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/dialects.js';
import { holdSqliteLock } from './helpers/sqlite-lock.js';

const dialects = await testDialects();

/** Another process (a `watchpost` CLI command, a second node) writing one row to the same database. */
function writeFromAnotherProcess(db: TestDatabase, id: string): { exited: Promise<{ code: number | null; stderr: string }>; done: () => boolean } {
  const script =
    db.dialect === 'sqlite'
      ? `const db = new (require('better-sqlite3'))(process.argv[1]); db.pragma('busy_timeout = 5000');
         db.prepare("insert into concurrency_probe (id, n) values (?, 1)").run(process.argv[2]); db.close();`
      : `const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] });
         c.connect().then(() => c.query("insert into concurrency_probe (id, n) values ($1, 1)", [process.argv[2]])).then(() => c.end()).catch((e) => { console.error(e.message); process.exit(1); });`;
  const target = db.dialect === 'sqlite' ? (db.config as { file: string }).file : db.url;
  const child = spawn(process.execPath, ['-e', script, target, id], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let finished = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      finished = true;
      resolve({ code, stderr });
    }),
  );
  return { exited, done: () => finished };
}

describe.each(dialects)('concurrent writers on one database [%s]', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    await sql`create table concurrency_probe (id text primary key, n integer not null)`.execute(db.storage.db);
    await sql`insert into concurrency_probe (id, n) values ('a', 0)`.execute(db.storage.db);
  });
  afterAll(() => db.destroy());

  it('commits a read-then-write transaction although another process writes meanwhile, and that write lands too', async () => {
    let other: ReturnType<typeof writeFromAnotherProcess> | null = null;
    await db.storage.db.transaction().execute(async (trx) => {
      const before = await sql<{ n: number }>`select n from concurrency_probe where id = 'a'`.execute(trx);
      expect(Number(before.rows[0]?.n)).toBe(0);
      // The other process commits now if it can (PostgreSQL; SQLite with a deferred BEGIN), or
      // waits for this transaction under its busy timeout (SQLite with BEGIN IMMEDIATE).
      other = writeFromAnotherProcess(db, 'b');
      const started = Date.now();
      while (!other.done() && Date.now() - started < 1500) await new Promise((resolve) => setTimeout(resolve, 20));
      // With a deferred BEGIN on SQLite this write failed at once with SQLITE_BUSY: the snapshot
      // read above is older than the other process' commit.
      await sql`update concurrency_probe set n = n + 1 where id = 'a'`.execute(trx);
    });
    const result = await (other as unknown as ReturnType<typeof writeFromAnotherProcess>).exited;
    expect(result.code, result.stderr).toBe(0);
    const rows = await sql<{ id: string; n: number }>`select id, n from concurrency_probe order by id`.execute(db.storage.db);
    expect(rows.rows.map((r) => [r.id, Number(r.n)])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });
});

describe.runIf(dialects.includes('sqlite'))('waiting for the SQLite write lock', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await sql`create table lock_probe (id integer primary key, v text not null)`.execute(db.storage.db);
  });
  afterAll(() => db.destroy());

  it('waits on a timer, not in the busy handler: the event loop keeps running until the lock is free', async () => {
    const holder = holdSqliteLock(db.storage.file ?? '', 600);
    await holder.locked;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      // Outside a transaction and inside one: both wait, neither blocks the thread.
      await Promise.all([
        sql`insert into lock_probe (v) values ('autocommit')`.execute(db.storage.db),
        db.storage.db.transaction().execute((trx) => sql`insert into lock_probe (v) values ('transaction')`.execute(trx)),
      ]);
    } finally {
      clearInterval(ticker);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // A synchronous busy wait would have frozen the timer for the whole 600 ms.
    expect(ticks).toBeGreaterThan(20);
    expect(db.storage.writeTurn && Atomics.load(db.storage.writeTurn, 0)).toBe(0);
    await holder.exited;
    const rows = await sql<{ v: string }>`select v from lock_probe order by v`.execute(db.storage.db);
    expect(rows.rows.map((r) => r.v)).toEqual(['autocommit', 'transaction']);
  });

  it('lowers its write turn when COMMIT fails and the transaction is rolled back', async () => {
    await sql`create table if not exists turn_parent (id integer primary key)`.execute(db.storage.db);
    await sql`create table if not exists turn_child (id integer primary key, parent integer references turn_parent (id) deferrable initially deferred)`.execute(db.storage.db);
    // The deferred foreign key fails at COMMIT, which leaves the transaction open until Kysely rolls back.
    await expect(db.storage.db.transaction().execute((trx) => sql`insert into turn_child (parent) values (42)`.execute(trx))).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(db.storage.writeTurn && Atomics.load(db.storage.writeTurn, 0)).toBe(0);
    await db.storage.db.transaction().execute((trx) => sql`insert into lock_probe (v) values ('after')`.execute(trx));
    expect(db.storage.writeTurn && Atomics.load(db.storage.writeTurn, 0)).toBe(0);
    await sql`delete from lock_probe where v = 'after'`.execute(db.storage.db);
  });

  it('gives up with SQLITE_BUSY after its patience, and lowers its write turn', async () => {
    const impatient = openStorage(db.config, { busyTimeoutMs: 200 });
    const holder = holdSqliteLock(db.storage.file ?? '', 1500);
    try {
      await holder.locked;
      await expect(sql`insert into lock_probe (v) values ('late')`.execute(impatient.db)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      await expect(impatient.db.transaction().execute((trx) => sql`insert into lock_probe (v) values ('late')`.execute(trx))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(impatient.writeTurn && Atomics.load(impatient.writeTurn, 0)).toBe(0);
      // Reads never wait: WAL readers see the last commit while the lock is held.
      const count = await sql<{ n: number }>`select count(*) as n from lock_probe`.execute(impatient.db);
      expect(Number(count.rows[0]?.n)).toBeGreaterThanOrEqual(0);
    } finally {
      await holder.exited;
      await impatient.close();
    }
  });
});
