// What storing error events costs the SQLite writer, without HTTP or threads: real processed
// envelopes (the errors bench's payloads through processBody) written with storeBatch, the function
// the writer thread runs, at several batch sizes. Prints µs of CPU per event and the WAL bytes each
// event writes (the writer's main cost: every dirty page goes to the WAL at commit). Baseline in the
// same run: the same events' rows inserted raw into one table with an index on the event id, by
// better-sqlite3 prepared statements, in transactions of the same size.
//
//   BENCH_STORE_EVENTS=8000   events per batch size
//   BENCH_STORE_BATCHES=8,32,128
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { DEFAULT_SCRUB } from '../src/errors/scrub.js';
import { DEFAULT_ENVELOPE_LIMITS } from '../src/ingest/sentry/envelope.js';
import { processBody } from '../src/ingest/sentry/process.js';
import type { IngestWork } from '../src/ingest/service.js';
import { storeBatch } from '../src/ingest/store.js';
import { openStorage } from '../src/storage/db.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { report } from './lib.js';
import { errorEnvelopes } from './sentry-payloads.js';

const EVENTS = Number(process.env.BENCH_STORE_EVENTS ?? 8000);
const BATCHES = (process.env.BENCH_STORE_BATCHES ?? '8,32,128').split(',').map(Number);
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
async function watchpost(works: IngestWork[], batch: number): Promise<{ usPerEvent: number; walKbPerEvent: number }> {
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
  await storage.close();
  return { usPerEvent: us / works.length, walKbPerEvent: wal / 1024 / works.length };
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
    metrics[`batch${batch}UsPerEvent`] = Math.round(ours.usPerEvent);
    metrics[`batch${batch}WalKbPerEvent`] = Math.round(ours.walKbPerEvent * 10) / 10;
    metrics[`batch${batch}BaselineUsPerEvent`] = Math.round(base.usPerEvent);
  }
  report('store', metrics);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
