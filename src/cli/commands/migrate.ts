import type { Command } from 'commander';
import { configOrExit, output } from '../context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (start does this too; safe to run on several nodes at once)')
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const config = await configOrExit();
      const [{ openStorage }, { migrateToLatest }] = await Promise.all([import('../../storage/db.js'), import('../../storage/migrate.js')]);
      const storage = openStorage(config.database);
      try {
        const results = await migrateToLatest(storage);
        const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
        output(options.json === true, { applied }, applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
      } finally {
        await storage.close();
      }
    });
}
