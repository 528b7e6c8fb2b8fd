// Fills a project with `issues` issues and `events` events straight through better-sqlite3 (the
// server is stopped meanwhile), with the rollups ingest would have written: issue_hashes,
// issue_hours, issue_tag_values and releases. Sizes follow a power law (a few loud issues, a long
// tail); last-seen times lean recent over 30 days. Used by errors.bench.ts for the issues-list API.
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { encodeEventBody } from '../src/errors/event-body.js';
import { newId } from '../src/lib/ids.js';
import { prng } from './sentry-payloads.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TYPES: Array<[string, string]> = [
  ['TypeError', "Cannot read properties of undefined (reading 'id')"],
  ['RangeError', 'Index out of range'],
  ['Error', 'Request failed with status code 502'],
  ['ValidationError', 'Field "quantity" must be a positive integer'],
  ['DatabaseError', 'duplicate key value violates unique constraint "orders_pkey"'],
  ['TimeoutError', 'Operation timed out waiting for a connection'],
  ['NotFoundError', 'Customer not found'],
  ['SyntaxError', 'Unexpected token < in JSON at position 0'],
];
const MODULES = ['orders', 'billing', 'users', 'auth', 'inventory', 'search', 'notifications', 'reports', 'shipping', 'catalog'];
const ENVIRONMENTS = ['production', 'production', 'production', 'staging', 'development'];
const RELEASES = ['api@4.12.0', 'api@4.12.1', 'api@4.13.0', 'api@4.13.1', 'api@4.14.0'];
const LEVELS = ['error', 'error', 'error', 'error', 'warning', 'fatal'];

export interface SeedResult {
  readonly issues: number;
  readonly events: number;
  readonly unresolved: number;
  readonly issueHours: number;
  readonly tagValues: number;
  readonly seconds: number;
}

/** Seeds `projectId` in the SQLite file; `now` anchors the time range. */
export function seedIssues(file: string, projectId: number, issues: number, events: number, now = Date.now()): SeedResult {
  const started = performance.now();
  const rand = prng(42);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  // Seeding only: the server is stopped and a crash just means rerunning the benchmark.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288');

  const blobs = Array.from({ length: 32 }, (_, i) => encodeEventBody(JSON.stringify({ exception: { values: [{ type: 'Error', value: `seeded ${i}` }] }, tags: [['seed', String(i)]] })));
  // Power-law sizes: issue i gets a share ∝ 1/(i+1)^0.9, every issue at least one event.
  const weights = Array.from({ length: issues }, (_, i) => 1 / Math.pow(i + 1, 0.9));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => 1 + Math.floor((w / total) * (events - issues)));
  counts[0] = (counts[0] ?? 0) + events - counts.reduce((a, b) => a + b, 0);

  const insertIssue = db.prepare(`INSERT INTO issues (id, project_id, title, culprit, type, value, level, platform, status, substatus, times_seen, user_count, first_seen, last_seen,
    first_release, last_release, resolved_at, resolved_in_release, resolved_in_next_release, ignore_until, ignore_until_count, assignee_id, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'node', ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL, NULL, NULL, ?)`);
  const insertHash = db.prepare('INSERT INTO issue_hashes (project_id, hash, issue_id) VALUES (?, ?, ?)');
  const insertEvent = db.prepare(`INSERT INTO events (project_id, event_id, issue_id, timestamp, received_at, level, environment, release, "transaction", message, user_key, data)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertHour = db.prepare('INSERT INTO issue_hours (issue_id, hour, count) VALUES (?, ?, ?)');
  const insertTag = db.prepare('INSERT INTO issue_tag_values (issue_id, key, value, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)');
  const insertRelease = db.prepare('INSERT OR IGNORE INTO releases (id, project_id, version, created_at, last_seen) VALUES (?, ?, ?, ?, ?)');

  let unresolved = 0;
  let hourRows = 0;
  let tagRows = 0;
  const hex = () => Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  const seed = db.transaction(() => {
    RELEASES.forEach((version, i) => insertRelease.run(newId(now), projectId, version, now - (RELEASES.length - i) * 7 * DAY, now));
    for (let i = 0; i < issues; i++) {
      const count = counts[i] ?? 1;
      // Loud issues are mostly still happening; the tail was last seen any time in 30 days.
      const lastSeen = now - Math.floor((i < issues / 10 ? rand() * rand() * DAY : rand() * rand() * 30 * DAY));
      const firstSeen = count > 1 ? lastSeen - Math.floor(rand() * 60 * DAY) : lastSeen;
      const r = rand();
      const status = r < 0.8 ? 'unresolved' : r < 0.95 ? 'resolved' : 'ignored';
      if (status === 'unresolved') unresolved++;
      const [type, value] = TYPES[i % TYPES.length] ?? TYPES[0]!;
      const module = MODULES[Math.floor(i / TYPES.length) % MODULES.length] ?? 'orders';
      const level = LEVELS[i % LEVELS.length] ?? 'error';
      const id = newId(firstSeen);
      const users = Math.max(1, Math.floor(count / (2 + rand() * 10)));
      insertIssue.run(id, projectId, `${type}: ${value}`, `${module}/handler-${i}.js in handle${i}`, type, value, level, status, status === 'unresolved' ? 'ongoing' : 'none', count, users, firstSeen, lastSeen,
        RELEASES[0], RELEASES[i % RELEASES.length], status === 'resolved' ? lastSeen + HOUR : null, now);
      insertHash.run(projectId, createHash('sha1').update(`${projectId}:${i}`).digest('hex').slice(0, 32), id);

      const hours = new Map<number, number>();
      const tags = new Map<string, { key: string; value: string; count: number; first: number; last: number }>();
      const tag = (key: string, v: string, at: number) => {
        const k = `${key}\u0000${v}`;
        const t = tags.get(k);
        if (t) {
          t.count++;
          t.first = Math.min(t.first, at);
          t.last = Math.max(t.last, at);
        } else tags.set(k, { key, value: v, count: 1, first: at, last: at });
      };
      for (let e = 0; e < count; e++) {
        const at = e === 0 ? lastSeen : firstSeen + Math.floor(rand() * (lastSeen - firstSeen));
        const environment = ENVIRONMENTS[Math.floor(rand() * ENVIRONMENTS.length)] ?? 'production';
        const release = RELEASES[Math.floor(rand() * RELEASES.length)] ?? null;
        const transaction = `GET /api/${module}/:id`;
        insertEvent.run(projectId, hex() + hex() + hex() + hex(), id, at, at, level, environment, release, transaction, `${type}: ${value}`, `id:${Math.floor(rand() * users)}`, blobs[e % blobs.length]);
        const hour = at - (at % HOUR);
        hours.set(hour, (hours.get(hour) ?? 0) + 1);
        tag('environment', environment, at);
        if (release) tag('release', release, at);
        tag('level', level, at);
        tag('transaction', transaction, at);
        tag('server_name', `api-${e % 6}.prod.internal`, at);
        tag('runtime', 'node v20.19.2', at);
        tag('handled', 'no', at);
      }
      for (const [hour, n] of hours) insertHour.run(id, hour, n);
      for (const t of tags.values()) insertTag.run(id, t.key, t.value, t.count, t.first, t.last);
      hourRows += hours.size;
      tagRows += tags.size;
    }
  });
  seed();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { issues, events, unresolved, issueHours: hourRows, tagValues: tagRows, seconds: (performance.now() - started) / 1000 };
}
