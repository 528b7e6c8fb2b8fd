import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { VERSION } from '../../lib/version.js';
import { configOrExit, output } from '../context.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Masks a secret for display; database URLs keep everything but the password. */
export function maskSecret(name: string, value: string): string {
  if (name === 'DATABASE_URL') {
    try {
      const url = new URL(value);
      if (url.password) url.password = '****';
      return url.toString();
    } catch {
      return '****';
    }
  }
  return `**** (${value.length} characters)`;
}

function effectiveConfig(config: Config, SECRET_VARIABLES: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.effective)) {
    if (value === undefined) continue;
    out[name] = SECRET_VARIABLES.includes(name) ? maskSecret(name, String(value)) : String(value);
  }
  out.WATCHPOST_SECRET_KEY ??= `**** (${config.secretKeySource === 'generated' ? `generated, kept in ${config.dataDir}/secret.key` : 'set'})`;
  return out;
}

async function runChecks(config: Config): Promise<Check[]> {
  const [{ openStorage }, { migrationStatus }] = await Promise.all([import('../../storage/db.js'), import('../../storage/migrate.js')]);
  const checks: Check[] = [];
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
    checks.push({ name: 'data directory', ok: true, detail: `${config.dataDir} is writable` });
  } catch (error) {
    checks.push({ name: 'data directory', ok: false, detail: `${config.dataDir}: ${(error as Error).message}` });
  }
  const storage = openStorage(config.database);
  try {
    const started = performance.now();
    const version = await storage.version();
    checks.push({ name: 'database', ok: true, detail: `${version} reachable in ${Math.round(performance.now() - started)} ms` });
    const status = await migrationStatus(storage);
    checks.push({
      name: 'migrations',
      ok: status.pending.length === 0,
      detail: `${status.applied.length} applied, ${status.pending.length} pending${status.pending.length ? ` (run: watchpost migrate): ${status.pending.join(', ')}` : ''}`,
    });
  } catch (error) {
    checks.push({ name: 'database', ok: false, detail: `unreachable: ${(error as Error).message}` });
  } finally {
    await storage.close().catch(() => undefined);
  }
  return checks;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('print the effective configuration (secrets masked) and check the database and data directory')
    .option('--json', 'print machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const config = await configOrExit();
      const { SECRET_VARIABLES } = await import('../../config/index.js');
      const checks = await runChecks(config);
      const versions = { watchpost: VERSION, node: process.version, platform: `${process.platform} ${process.arch}` };
      const configuration = effectiveConfig(config, SECRET_VARIABLES);
      const text = [
        `Watchpost ${versions.watchpost} (Node.js ${versions.node}, ${versions.platform})`,
        '',
        'Configuration:',
        ...Object.entries(configuration).map(([name, value]) => `  ${name}=${value}`),
        '',
        'Checks:',
        ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
      ].join('\n');
      output(options.json === true, { versions, configuration, checks }, text);
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}
