import { describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../test/helpers/dialects.js';
import { testEnv } from '../../../test/helpers/env.js';
import { freePort } from '../../../test/helpers/net.js';
import { postgresChecker, postgresConfigSchema, redactSecrets } from './postgres.js';
import type { CheckContext } from './types.js';

function context(timeoutMs = 5000): CheckContext {
  return { signal: new AbortController().signal, timeoutMs, userAgent: 'Watchpost-Test/1.0' };
}

/** The test server's URL with parts replaced. */
function variant(change: (url: URL) => void): string {
  const url = new URL(testEnv.postgresUrl);
  change(url);
  return url.toString();
}

const available = await postgresAvailable();

describe.skipIf(!available)('postgres checker against the real PostgreSQL', () => {
  const check = (config: Record<string, unknown>, ctx = context()) => postgresChecker.check(postgresConfigSchema.parse(config), ctx);

  it('is up and reports the server version', async () => {
    const outcome = await check({ connectionString: testEnv.postgresUrl });
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(/^Query OK in \d+ ms \(1 row\)$/);
    expect(outcome.details?.serverVersion).toMatch(/^\d+(\.\d+)?/);
  });

  it('runs the configured query and is down with the server message when it fails', async () => {
    expect((await check({ connectionString: testEnv.postgresUrl, query: 'SELECT generate_series(1, 3)' })).message).toMatch(/\(3 rows\)$/);
    expect(await check({ connectionString: testEnv.postgresUrl, query: 'SELECT * FROM no_such_table_x' })).toMatchObject({
      status: 'down',
      message: 'relation "no_such_table_x" does not exist',
    });
  });

  it('stops a slow query at the timeout', async () => {
    const outcome = await check({ connectionString: testEnv.postgresUrl, query: 'SELECT pg_sleep(5)' }, context(500));
    expect(outcome.status).toBe('down');
    // The server cancels it (statement_timeout) or our deadline ends the connection, whichever is first.
    expect(outcome.message).toMatch(/^(Query timed out|Timed out) after 500 ms$/);
  });

  it('names a database that does not exist', async () => {
    const outcome = await check({ connectionString: variant((url) => (url.pathname = '/no_such_db_x')) });
    expect(outcome).toEqual({ status: 'down', latencyMs: null, message: 'database "no_such_db_x" does not exist' });
  });

  it('is down with "Connection refused" on a wrong port, and never shows the password', async () => {
    const port = await freePort();
    const outcome = await check({
      connectionString: variant((url) => {
        url.hostname = '127.0.0.1';
        url.port = String(port);
        url.password = 'hunter2-secret';
      }),
    });
    expect(outcome).toEqual({ status: 'down', latencyMs: null, message: `Connection refused (127.0.0.1:${port})` });
  });
});

describe('postgres config and messages', () => {
  it('defaults the query, keeps the URL secret and describes it without credentials', () => {
    const config = postgresConfigSchema.parse({ connectionString: 'postgres://app:s3cret@db.example.com/app' });
    expect(config.query).toBe('SELECT 1');
    expect(postgresChecker.secretFields).toEqual(['connectionString']);
    expect(postgresChecker.describe(config)).toBe('db.example.com:5432/app');
    expect(postgresConfigSchema.safeParse({ connectionString: 'mysql://db.example.com/app' }).success).toBe(false);
    expect(postgresConfigSchema.safeParse({ connectionString: 'postgres://db.example.com/app', extra: 1 }).success).toBe(false);
  });

  it('redacts the password in every form a message could carry it', () => {
    const url = 'postgres://app:p%40ss%2Fword@db.example.com/app?password=other-secret';
    expect(redactSecrets(`could not connect with ${url}`, url)).toBe('could not connect with ***');
    expect(redactSecrets('bad password p@ss/word or p%40ss%2Fword or other-secret', url)).toBe('bad password *** or *** or ***');
  });
});
