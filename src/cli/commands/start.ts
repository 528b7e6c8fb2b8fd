import type { Command } from 'commander';
import { configOrExit } from '../context.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a Watchpost node (HTTP server and job scheduler) with config from WATCHPOST_* variables')
    .action(async () => {
      const config = await configOrExit();
      const { loginBanner, startServer } = await import('../../server/start.js');
      const server = await startServer(config);
      process.stdout.write(`\n${loginBanner(config, server.bootstrap)}\n\n`);
      let signals = 0;
      const shutdown = (signal: string) => {
        signals++;
        if (signals > 1) process.exit(130);
        server.ctx.log.info({ signal }, 'shutting down');
        server.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            server.ctx.log.error({ err: error }, 'error during shutdown');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
