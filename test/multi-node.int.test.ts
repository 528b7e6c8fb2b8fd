import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations as allMigrations } from '../src/storage/migrations/index.js';
import { startNodeProcess } from './helpers/node-process.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from './helpers/dialects.js';

const available = await postgresAvailable();

function startNode(database: TestDatabase, name: string) {
  return startNodeProcess(
    'test/fixtures/job-node.ts',
    {
      DATABASE_URL: database.url,
      WATCHPOST_SECRET_KEY: 'multi-node-test-secret-key-0123456789abcdef',
      WATCHPOST_PORT: '0',
      WATCHPOST_HOST: '127.0.0.1',
      WATCHPOST_DATA_DIR: mkdtempSync(join(tmpdir(), 'wp-node-')),
      WATCHPOST_NODE_NAME: name,
      WATCHPOST_LOG_LEVEL: 'warn',
    },
    name,
  );
}

describe.skipIf(!available)('several nodes on one PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    // Not migrated: both nodes start on an empty schema and must apply migrations exactly once.
    database = await createTestDatabase('postgres', { migrate: false });
  });
  afterAll(() => database.destroy());

  it('migrates once and runs each job occurrence on exactly one node', async () => {
    const nodes = await Promise.all([startNode(database, 'node-1'), startNode(database, 'node-2')]);
    try {
      for (const node of nodes) {
        const ready = (await (await fetch(`${node.url}/api/health/ready`)).json()) as { status: string };
        expect(ready.status).toBe('ready');
      }
      await new Promise((resolve) => setTimeout(resolve, 4500));
    } finally {
      await Promise.all(
        nodes.map(({ child }) => new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        })),
      );
    }
    const db = database.storage.db;
    const migrations = await sql<{ name: string }>`select name from watchpost_migrations`.execute(db);
    expect(migrations.rows.map((r) => r.name)).toEqual(allMigrations.map((m) => m.name));

    const runs = await db.selectFrom('job_runs').select(['scheduled_for', 'node', 'status']).where('job_name', '=', 'test.every-500ms').execute();
    expect(runs.length).toBeGreaterThanOrEqual(6);
    const perOccurrence = new Map<number, number>();
    for (const run of runs) perOccurrence.set(run.scheduled_for, (perOccurrence.get(run.scheduled_for) ?? 0) + 1);
    expect([...perOccurrence.values()].every((count) => count === 1)).toBe(true);
    expect(runs.every((r) => r.status === 'ok' || r.status === 'running')).toBe(true);
    for (const slot of perOccurrence.keys()) expect(slot % 500).toBe(0);
  }, 60_000);
});
