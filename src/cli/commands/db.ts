import type { Command } from 'commander';
import { configOrExit, CliError, action, output } from '../context.js';
import type { Storage } from '../../storage/db.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database maintenance');

  db.command('copy')
    .description('copy all data from the configured database into another, empty one (e.g. SQLite → PostgreSQL)')
    .requiredOption('--to <url>', 'target: postgres://… or sqlite:/path/to/file.db')
    .option('--json', 'print machine-readable output')
    .action(
      action(async (options: { to: string; json?: boolean }) => {
        const config = await configOrExit();
        const [{ openStorage }, { copyDatabase }, { migrateToLatest }] = await Promise.all([
          import('../../storage/db.js'),
          import('../../storage/copy.js'),
          import('../../storage/migrate.js'),
        ]);
        let target: Storage;
        if (/^postgres(ql)?:/.test(options.to)) target = openStorage({ dialect: 'postgres', url: options.to, poolSize: 2 });
        else if (options.to.startsWith('sqlite:')) target = openStorage({ dialect: 'sqlite', file: options.to.replace(/^sqlite:(\/\/)?/, '') });
        else throw new CliError('--to must be a postgres:// or sqlite: URL');
        const source = openStorage(config.database);
        try {
          await migrateToLatest(source);
          await migrateToLatest(target);
          const counts = await copyDatabase(source, target, ({ table, rows }) => {
            if (!options.json) process.stderr.write(`\r  ${table}: ${rows} rows`.padEnd(60));
          });
          if (!options.json) process.stderr.write('\n');
          output(options.json === true, { copied: counts }, `Copied ${Object.values(counts).reduce((a, b) => a + b, 0)} rows. Point DATABASE_URL at the target and start Watchpost.`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('The target database is not empty')) throw new CliError(error.message);
          throw error;
        } finally {
          await source.close();
          await target.close();
        }
      }),
    );
}
