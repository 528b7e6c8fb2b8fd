// Heavy modules (server, database drivers, zod) load inside actions, so `--help` stays instant.
import type { Config } from '../config/index.js';
import { WatchpostError } from '../lib/errors.js';
import type { AppContext } from '../server/context.js';

/** Thrown by commands for a clean one-line failure (exit code 1, no stack trace). */
export class CliError extends Error {}

/** Loads config or exits listing every problem. */
export async function configOrExit(): Promise<Config> {
  const [{ ConfigError, loadConfig }, { configureEgress }] = await Promise.all([import('../config/index.js'), import('../lib/egress.js')]);
  try {
    const config = loadConfig();
    // Commands that connect out without the server's context (backup run to S3) get the same policy.
    configureEgress(config.egress);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`watchpost: ${error.message}\nSee docs/configuration.md for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Runs a command against the same database the server uses: config from the same variables,
 * migrations applied first, logs (warnings only) on stderr so --json output stays clean.
 */
export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = await configOrExit();
  const [{ default: pino }, { createContext }, { migrateToLatest }] = await Promise.all([
    import('pino'),
    import('../server/context.js'),
    import('../storage/migrate.js'),
  ]);
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const ctx = createContext(config, { logger });
  try {
    await migrateToLatest(ctx.storage);
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** Wraps a command action: known errors become one clear line on stderr and exit code 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (error instanceof CliError || error instanceof WatchpostError) {
        process.stderr.write(`watchpost: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw error;
    }
  };
}

/** Prints JSON or text depending on --json. */
export function output(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

/** Reads all of stdin (for --password-stdin). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
