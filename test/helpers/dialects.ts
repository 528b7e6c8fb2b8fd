import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomHex } from '../../src/lib/ids.js';
import { openStorage, type Dialect, type Storage } from '../../src/storage/db.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import type { DatabaseConfig } from '../../src/config/index.js';
import { loudSkip, testEnv } from './env.js';

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

let postgresReachable: Promise<boolean> | undefined;

/** Whether the test PostgreSQL answers; in CI an unreachable server is an error, not a skip. */
export function postgresAvailable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: testEnv.postgresUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (testEnv.required) throw new Error(`PostgreSQL at ${testEnv.postgresUrl} is required in CI but unreachable: ${(error as Error).message}`);
      loudSkip('PostgreSQL tests', `cannot reach ${testEnv.postgresUrl} (${(error as Error).message})`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresReachable;
}

export interface TestDatabase {
  readonly dialect: Dialect;
  readonly storage: Storage;
  /** The config that reaches the same database (schema included via search_path for PostgreSQL). */
  readonly config: DatabaseConfig;
  /** For PostgreSQL: the schema this database lives in (child processes need it). */
  readonly schema: string | null;
  /** A URL child processes can use to reach the same database and schema. */
  readonly url: string;
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or a PostgreSQL schema
 * of its own so files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'watchpost-test-'));
    const config: DatabaseConfig = { dialect: 'sqlite', file: join(dir, 'watchpost.db') };
    const storage = openStorage(config);
    if (options.migrate !== false) await migrateToLatest(storage);
    return {
      dialect,
      storage,
      config,
      schema: null,
      url: `sqlite:${config.file}`,
      async destroy() {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `wp_test_${randomHex(6)}`;
  const admin = new pg.Client({ connectionString: testEnv.postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const config: DatabaseConfig = { dialect: 'postgres', url: testEnv.postgresUrl, poolSize: 5 };
  const storage = openStorage(config, { schema });
  if (options.migrate !== false) await migrateToLatest(storage);
  const url = new URL(testEnv.postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dialect,
    storage,
    config,
    schema,
    url: url.toString(),
    async destroy() {
      await storage.close();
      const client = new pg.Client({ connectionString: testEnv.postgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** The dialects this run can test: both, or SQLite alone with a loud notice when PostgreSQL is absent outside CI. */
export async function testDialects(): Promise<Dialect[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}
