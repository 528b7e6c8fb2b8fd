// What storing error events costs the SQLite writer, without HTTP or threads: real processed
// envelopes (the errors bench's payloads through processBody) written with storeBatch, the function
// the writer thread runs, at several batch sizes. Prints µs of CPU per event and the WAL bytes each
// event writes (the writer's main cost: every dirty page goes to the WAL at commit). Baseline in the
// same run: the same events' rows inserted raw into one table with an index on the event id, by
// better-sqlite3 prepared statements, in transactions of the same size.
//
//   BENCH_STORE_EVENTS=8000   events per batch size
//   BENCH_STORE_BATCHES=8,32,128
//   BENCH_STORE_WALMAP=1      also prints, per batch size, which table or index the WAL pages belong to
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { DEFAULT_SCRUB } from '../src/errors/scrub.js';
import { DEFAULT_ENVELOPE_LIMITS } from '../src/ingest/sentry/envelope.js';
import { processBody } from '../src/ingest/sentry/process.js';
import type { IngestWork } from '../src/ingest/service.js';
import { storeBatch } from '../src/ingest/store.js';
import { openStorage } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import type { Database } from '../src/storage/schema.js';
import { report } from './lib.js';
import { errorEnvelopes } from './sentry-payloads.js';

const EVENTS = Number(process.env.BENCH_STORE_EVENTS ?? 8000);
const BATCHES = (process.env.BENCH_STORE_BATCHES ?? '8,32,128').split(',').map(Number);
const WALMAP = process.env.BENCH_STORE_WALMAP === '1';
const dir = mkdtempSync(join(tmpdir(), 'watchpost-store-bench-'));

async function processed(n: number): Promise<IngestWork[]> {
  const factory = errorEnvelopes('bench', 1000, 1);
  const out: IngestWork[] = [];
  for (let i = 0; i < n; i++) {
    const result = await processBody({
      body: factory.next(),
      kind: 'envelope',
      limits: DEFAULT_ENVELOPE_LIMITS,
      ctx: { projectId: 1, keyId: 'bench', settings: { scrub: DEFAULT_SCRUB, quotaPerMinute: null, quotaPerMonth: null }, clientIp: null, receivedAt: Date.now(), maxJsonDepth: 100 },
    });
    out.push(result.work);
  }
  return out;
}

const cpuUs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return used.user + used.system;
};
const walBytes = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};

/** Watchpost: storeBatch on a migrated database, checkpoints off so the WAL size is what was written. */
async function watchpost(works: IngestWork[], batch: number): Promise<{ usPerEvent: number; walKbPerEvent: number; walMap: string | null }> {
  const file = join(dir, `watchpost-${batch}.db`);
  const storage = openStorage({ dialect: 'sqlite', file });
  await migrateToLatest(storage);
  const now = Date.now();
  await sql`insert into organizations (id, name, slug, created_at, updated_at) values ('bench', 'bench', 'bench', ${now}, ${now})`.execute(storage.db);
  await sql`insert into projects (org_id, name, slug, platform, created_at, updated_at) values ('bench', 'bench', 'bench', null, ${now}, ${now})`.execute(storage.db);
  await sql`pragma wal_checkpoint(truncate)`.execute(storage.db);
  await sql`pragma wal_autocheckpoint = 0`.execute(storage.db);
  const started = process.cpuUsage();
  for (let i = 0; i < works.length; i += batch) await storeBatch(storage.db, 'sqlite', works.slice(i, i + batch), [], Date.now());
  const us = cpuUs(started);
  const wal = walBytes(file);
  const walMap = WALMAP ? await walPagesByTree(storage.db, file, works.length) : null;
  await storage.close();
  return { usPerEvent: us / works.length, walKbPerEvent: wal / 1024 / works.length, walMap };
}

/**
 * Which table or index each WAL frame's page belongs to (frames per event, largest first): where
 * the writer's commit and checkpoint bytes come from. Reads the WAL's frame headers (page number at
 * the start of each 24-byte header) and maps pages to their b-tree with the dbstat table.
 */
async function walPagesByTree(db: Kysely<Database>, file: string, events: number): Promise<string> {
  const wal = readFileSync(`${file}-wal`);
  if (wal.length < 32) return 'empty WAL';
  const pageSize = wal.readUInt32BE(8);
  const owner = new Map<number, string>();
  const { rows } = await sql<{ name: string; pageno: number }>`select name, pageno from dbstat`.execute(db);
  for (const row of rows) owner.set(row.pageno, row.name);
  const frames = new Map<string, number>();
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    const name = owner.get(wal.readUInt32BE(at)) ?? '(free or new)';
    frames.set(name, (frames.get(name) ?? 0) + 1);
  }
  const top = [...frames].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return top.map(([name, n]) => `${name} ${(n / events).toFixed(2)}`).join(', ');
}

/** Baseline: one row per event into one table (primary key plus an event-id index), prepared statements. */
function baseline(works: IngestWork[], batch: number): { usPerEvent: number; walKbPerEvent: number } {
  const file = join(dir, `baseline-${batch}.db`);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('create table events (id integer primary key, event_id text not null, issue text not null, received_at integer not null, data blob not null)');
  db.exec('create unique index events_event_id on events (event_id)');
  const insert = db.prepare('insert into events (event_id, issue, received_at, data) values (?, ?, ?, ?)');
  const write = db.transaction((rows: IngestWork[]) => {
    for (const w of rows) for (const e of w.events) insert.run(e.event.eventId, e.grouping.hash, e.event.receivedAt, e.data);
  });
  const started = process.cpuUsage();
  for (let i = 0; i < works.length; i += batch) write(works.slice(i, i + batch));
  const us = cpuUs(started);
  const wal = walBytes(file);
  db.close();
  return { usPerEvent: us / works.length, walKbPerEvent: wal / 1024 / works.length };
}

try {
  const works = await processed(EVENTS);
  console.log(`Storing ${EVENTS.toLocaleString('en-US')} processed error events (~1,000 issues, 16 tags each) per batch size, SQLite WAL, one thread`);
  const metrics: Record<string, number> = {};
  for (const batch of BATCHES) {
    const base = baseline(works, batch);
    const ours = await watchpost(works, batch);
    console.log(
      `  batch ${String(batch).padStart(4)}: storeBatch ${ours.usPerEvent.toFixed(0).padStart(4)} µs CPU and ${ours.walKbPerEvent.toFixed(1).padStart(5)} KB WAL per event;` +
        ` raw insert ${base.usPerEvent.toFixed(0).padStart(3)} µs, ${base.walKbPerEvent.toFixed(1)} KB; ×${(ours.usPerEvent / base.usPerEvent).toFixed(1)} the raw insert's CPU`,
    );
    if (ours.walMap) console.log(`    WAL pages per event by b-tree: ${ours.walMap}`);
    metrics[`batch${batch}UsPerEvent`] = Math.round(ours.usPerEvent);
    metrics[`batch${batch}WalKbPerEvent`] = Math.round(ours.walKbPerEvent * 10) / 10;
    metrics[`batch${batch}BaselineUsPerEvent`] = Math.round(base.usPerEvent);
  }
  report('store', metrics);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
