import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from './helpers/dialects.js';

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
