import pg from 'pg';
import { z } from 'zod';
import { urlField, urlTarget } from './config-fields.js';
import { CheckAbortedError, Deadline } from './deadline.js';
import { describeNetworkError, errorMessage } from './network-errors.js';
import type { CheckerDefinition } from './types.js';

export const postgresConfigSchema = z
  .object({
    connectionString: urlField(['postgres:', 'postgresql:'], 'postgres://user:password@db.example.com:5432/app', { secretField: true }),
    query: z.string().trim().min(1).max(10_000).default('SELECT 1'),
  })
  .strict();

export type PostgresConfig = z.infer<typeof postgresConfigSchema>;

/** The password in every form it could be echoed: raw, URL-decoded, and a `password=` parameter. */
function secretsOf(connectionString: string): string[] {
  const secrets = [connectionString];
  try {
    const url = new URL(connectionString);
    secrets.push(url.password, decodeURIComponent(url.password), url.searchParams.get('password') ?? '');
  } catch {
    // Unparseable: only the whole string can be recognised.
  }
  // Very short passwords would turn ordinary words into asterisks; they never appear in server messages.
  return secrets.filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

/** Removes the connection string and password from a message (pg errors can echo parts of the URL). */
export function redactSecrets(message: string, connectionString: string): string {
  let result = message;
  for (const secret of secretsOf(connectionString)) result = result.split(secret).join('***');
  return result;
}

function targetOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return urlTarget(url, 5432);
  } catch {
    return 'PostgreSQL';
  }
}

function describePostgresError(error: unknown, config: PostgresConfig, timeoutMs: number): string {
  const { code } = (error ?? {}) as { code?: unknown };
  const message = errorMessage(error);
  // SQLSTATE 57014: the statement_timeout we set cancelled the query.
  if (code === '57014') return `Query timed out after ${timeoutMs} ms`;
  if (/connection timeout/i.test(message)) return `Timed out after ${timeoutMs} ms`;
  // Server errors carry a five-character SQLSTATE; their message is already meant for people.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return message;
  return describeNetworkError(error, targetOf(config.connectionString));
}

function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return `${urlTarget(url, 5432)}${database ? `/${database}` : ''}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** PostgreSQL: connects, runs the monitor's query (SELECT 1 by default) and reads the server version. */
export const postgresChecker: CheckerDefinition<PostgresConfig> = {
  type: 'postgres',
  label: 'PostgreSQL',
  configSchema: postgresConfigSchema,
  secretFields: ['connectionString'],
  describe: (config) => describeTarget(config.connectionString),
  async check(config, context) {
    const deadline = new Deadline(context);
    const client = new pg.Client({
      connectionString: config.connectionString,
      connectionTimeoutMillis: context.timeoutMs,
      statement_timeout: context.timeoutMs,
      application_name: 'watchpost-monitor',
    });
    // The server may drop the session at any time; without a listener that would crash the process.
    client.on('error', () => undefined);
    // pg takes no AbortSignal; ending the client destroys its socket, which fails the pending call.
    let ending: Promise<void> | undefined;
    const end = (): Promise<void> => (ending ??= client.end().catch(() => undefined));
    const abort = (): void => void end();
    deadline.signal.addEventListener('abort', abort, { once: true });
    try {
      if (deadline.aborted) throw new CheckAbortedError(); // The listener above only hears future aborts.
      await client.connect();
      const result = await client.query(config.query);
      const latencyMs = deadline.elapsedMs();
      const version = await client.query<{ server_version: string }>('SHOW server_version');
      const serverVersion = version.rows[0]?.server_version ?? null;
      const rows = result.rowCount ?? result.rows.length;
      return { status: 'up', latencyMs, message: `Query OK in ${latencyMs} ms (${rows === 1 ? '1 row' : `${rows} rows`})`, details: { serverVersion } };
    } catch (error) {
      const message = deadline.aborted ? deadline.abortMessage() : describePostgresError(error, config, context.timeoutMs);
      return { status: 'down', latencyMs: null, message: redactSecrets(message, config.connectionString) };
    } finally {
      deadline.signal.removeEventListener('abort', abort);
      deadline.dispose();
      await end();
    }
  },
};
