import type { FastifyInstance } from 'fastify';
import type { BootstrapOutcome } from '../accounts/setup.js';
import type { Config } from '../config/index.js';
import { registerBuiltinJobs } from '../jobs/builtin.js';
import { migrateToLatest } from '../storage/migrate.js';
import { buildApp, type BuildOptions } from './app.js';
import { createContext, type AppContext, type ContextOptions } from './context.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** Where this node listens, e.g. http://127.0.0.1:8080 (differs from publicUrl behind a proxy). */
  readonly listenUrl: string;
  readonly bootstrap: BootstrapOutcome;
  stop(): Promise<void>;
}

/** What to tell the operator once the node is ready: where to log in, or the one-time setup link. */
export function loginBanner(config: Config, outcome: BootstrapOutcome): string {
  const url = config.publicUrl;
  switch (outcome.kind) {
    case 'setup-needed':
      return [
        `Watchpost is ready at ${url}`,
        `No account exists yet. Create the first admin here (one-time link):`,
        `  ${url}/setup#token=${outcome.token}`,
      ].join('\n');
    case 'admin-created':
      return `Watchpost is ready at ${url}\nLog in at ${url}/login as ${outcome.email}`;
    case 'ready':
      return `Watchpost is ready at ${url}\nLog in at ${url}/login`;
  }
}

/**
 * Starts a node: opens the database, applies migrations (under a lock shared by all nodes),
 * creates the first admin or a setup link, serves HTTP and starts the job scheduler.
 */
export interface StartOptions extends ContextOptions, BuildOptions {
  /** Registers extra jobs before the scheduler starts (embedding and tests). */
  readonly registerJobs?: (ctx: AppContext) => void;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const ctx = createContext(config, options);
  try {
    await migrateToLatest(ctx.storage);
    registerBuiltinJobs(ctx);
    options.registerJobs?.(ctx);
    const bootstrap = await ctx.services.setup.bootstrap(config.admin);
    const app = await buildApp(ctx, options);
    await app.listen({ port: config.port, host: config.host });
    if (config.jobsEnabled) {
      await ctx.jobs.start();
      // Monitor checks and notification deliveries are background work too: a node without jobs only serves HTTP.
      ctx.services.notify.start();
      ctx.services.uptime.start();
      ctx.services.backups.start();
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    let stopping: Promise<void> | undefined;
    return {
      app,
      ctx,
      listenUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      bootstrap,
      stop() {
        stopping ??= (async () => {
          await app.close();
          await ctx.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await ctx.close().catch(() => undefined);
    throw error;
  }
}
