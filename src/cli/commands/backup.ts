import type { Command } from 'commander';
import type { AppContext } from '../../server/context.js';
import { namedVariable } from '../../config/env.js';
import { action, CliError, output, withContext } from '../context.js';
import { resolveOrg } from './project.js';

const CLI_ACTOR = { userId: null, label: 'cli', ip: null };

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * A --target: `local:/var/backups/db` (or an absolute path), or
 * `s3://bucket/prefix?region=eu-west-1&endpoint=https://…&path-style=true` with the credentials
 * from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (never on the command line).
 */
export function parseTarget(spec: string, env: (name: string) => string | undefined = namedVariable): Record<string, unknown> {
  if (spec.startsWith('s3://')) {
    const url = new URL(spec);
    const accessKeyId = env('AWS_ACCESS_KEY_ID');
    const secretAccessKey = env('AWS_SECRET_ACCESS_KEY');
    if (!accessKeyId || !secretAccessKey) throw new CliError('an s3:// target needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
    const endpoint = url.searchParams.get('endpoint');
    return {
      kind: 's3',
      bucket: url.hostname,
      prefix: url.pathname.replace(/^\/+/, ''),
      region: url.searchParams.get('region') ?? env('AWS_REGION') ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
      ...(['1', 'true'].includes(url.searchParams.get('path-style') ?? '') ? { forcePathStyle: true } : {}),
      accessKeyId,
      secretAccessKey,
    };
  }
  const path = spec.startsWith('local:') ? spec.slice('local:'.length) : spec;
  if (!path.startsWith('/')) throw new CliError(`--target ${spec}: give an absolute directory (local:/var/backups/db) or an s3:// URL`);
  return { kind: 'local', path };
}

async function resolveProject(ctx: AppContext, project: string, org: string | undefined): Promise<number> {
  if (/^\d+$/.test(project)) {
    const found = await ctx.services.projects.get(Number(project));
    if (!found) throw new CliError(`no project with id ${project}`);
    return found.id;
  }
  const organisation = await resolveOrg(ctx, org);
  const found = (await ctx.services.projects.list(organisation.id)).find((p) => p.slug === project || p.name === project);
  if (!found) throw new CliError(`no project "${project}" in ${organisation.name}`);
  return found.id;
}

/** A progress line on stderr while bytes flow, only on a terminal (and never with --json on stdout). */
function progressPrinter(enabled: boolean, label: string): { update(bytes: number): void; done(): void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let last = 0;
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const seconds = (now - started) / 1000;
      const mb = bytes / 1024 / 1024;
      const width = 24;
      const filled = Math.floor((seconds * 4) % (width + 1));
      process.stderr.write(`\r${label} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${mb.toFixed(1)} MB in ${seconds.toFixed(0)} s (${(mb / Math.max(seconds, 0.001)).toFixed(1)} MB/s)   `);
    },
    done() {
      process.stderr.write('\n');
    },
  };
}

export function registerBackup(program: Command): void {
  const backup = program.command('backup').description('PostgreSQL backups: sources, runs, restore tests, restores, retention');
  const source = backup.command('source').description('manage backup sources');

  source
    .command('add')
    .description('add a PostgreSQL database to back up (checks the connection and pg_dump version first)')
    .requiredOption('--project <project>', 'project id or slug')
    .requiredOption('--name <name>', 'a name for this source, e.g. prod-db')
    .option('--url <url>', 'postgres:// connection string (prefer --url-env: command lines are visible to other users)')
    .option('--url-env <variable>', 'read the connection string from this environment variable')
    .option('--self', "back up Watchpost's own database (its SQLite file, or its PostgreSQL database) instead of --url")
    .option('--target <target>', 'local:/dir or s3://bucket/prefix?region=…&endpoint=…&path-style=true (repeat for several)', collect, [] as string[])
    .option('--schedule <cron>', 'cron expression of scheduled backups, e.g. "0 3 * * *"')
    .option('--timezone <tz>', 'time zone of the schedules', 'UTC')
    .option('--encryption-key-env <variable>', 'encrypt with the key in this environment variable (default: WATCHPOST_BACKUP_KEY if set)')
    .option('--verify-schedule <cron>', 'cron expression of restore tests, e.g. "0 5 * * 0"')
    .option('--verify-url <url-env>', 'environment variable with a server URL for restore tests (default: the source server)')
    .option('--assert <sql>', 'SQL that must return true after a restore (repeat)', collect, [] as string[])
    .option('--keep-last <n>', 'retention: keep the last n backups', '7')
    .option('--keep-daily <n>', 'retention: one per day for n days', '14')
    .option('--keep-weekly <n>', 'retention: one per week for n weeks', '8')
    .option('--keep-monthly <n>', 'retention: one per month for n months', '12')
    .option('--keep-yearly <n>', 'retention: one per year for n years', '3')
    .option('--rpo-minutes <n>', 'recovery point objective: the oldest a good backup may be')
    .option('--rto-minutes <n>', 'recovery time objective: the longest a restore may take')
    .option('--include-roles', 'also store roles (pg_dumpall --roles-only --no-role-passwords)')
    .option('--org <org>', 'organisation id or slug when --project is a slug')
    .option('--json', 'print the source as JSON')
    .action(
      action(async (options: Record<string, string | string[] | boolean | undefined>) => {
        const self = options.self === true;
        const url = typeof options.urlEnv === 'string' ? namedVariable(options.urlEnv) : (options.url as string | undefined);
        if (!url && !self) throw new CliError(typeof options.urlEnv === 'string' ? `environment variable ${options.urlEnv} is empty` : 'give --url, --url-env or --self');
        const targets = (options.target as string[]).map((t) => parseTarget(t));
        if (targets.length === 0) throw new CliError('give at least one --target');
        const keyEnv = options.encryptionKeyEnv as string | undefined;
        const encryptionKey = keyEnv ? namedVariable(keyEnv) : undefined;
        if (keyEnv && !encryptionKey) throw new CliError(`environment variable ${keyEnv} is empty`);
        const verifyUrl = typeof options.verifyUrl === 'string' ? namedVariable(options.verifyUrl) : undefined;
        const int = (name: string) => (options[name] === undefined ? null : Number(options[name]));
        await withContext(async (ctx) => {
          const { sourceInputSchema } = await import('../../backups/routes.js');
          const projectId = await resolveProject(ctx, options.project as string, options.org as string | undefined);
          const project = await ctx.services.projects.get(projectId);
          const parsed = sourceInputSchema.safeParse({
            kind: self ? 'watchpost' : 'postgres',
            name: options.name,
            url: self ? null : url,
            targets,
            schedule: options.schedule ?? null,
            timezone: options.timezone,
            retention: { keepLast: int('keepLast'), keepHourly: 0, keepDaily: int('keepDaily'), keepWeekly: int('keepWeekly'), keepMonthly: int('keepMonthly'), keepYearly: int('keepYearly') },
            encryptionKey: encryptionKey ?? null,
            includeRoles: options.includeRoles === true,
            verifySchedule: options.verifySchedule ?? null,
            verifyUrl: verifyUrl ?? null,
            assertions: options.assert,
            rpoMinutes: int('rpoMinutes'),
            rtoMinutes: int('rtoMinutes'),
          });
          if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          const created = await ctx.services.backups.createSource(projectId, project?.orgId ?? '', parsed.data, CLI_ACTOR);
          output(options.json === true, created, `Added backup source ${created.name} (${created.id}): ${created.description} → ${created.targets.join(', ')}`);
        });
      }),
    );

  source
    .command('list')
    .description("a project's backup sources")
    .requiredOption('--project <project>', 'project id or slug')
    .option('--org <org>', 'organisation id or slug when --project is a slug')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { project: string; org?: string; json?: boolean }) => {
        await withContext(async (ctx) => {
          const sources = await ctx.services.backups.listSources(await resolveProject(ctx, options.project, options.org));
          output(options.json === true, sources, sources.map((s) => `${s.id}\t${s.name}\t${s.description}\tlast: ${s.lastBackup?.status ?? 'never'}`).join('\n') || 'No backup sources.');
        });
      }),
    );

  backup
    .command('run')
    .description('back up a source now (exit code 1 when it fails)')
    .requiredOption('--source <source>', 'source id or name')
    .option('--json', 'print {"id","status","sizeBytes","sha256","durationMs",…}')
    .action(
      action(async (options: { source: string; json?: boolean }) => {
        await withContext(async (ctx) => {
          const found = await ctx.services.backups.findSource(options.source);
          const progress = progressPrinter(options.json !== true, `Backing up ${found.name}`);
          const result = await ctx.services.backups.runNow(found.id, 'cli', { onProgress: (bytes) => progress.update(bytes) });
          progress.done();
          output(
            options.json === true,
            result,
            result.status === 'succeeded' ? `Backup ${result.id} succeeded: ${result.sizeBytes ?? 0} bytes in ${result.durationMs ?? 0} ms, sha256 ${result.sha256 ?? ''}` : `Backup ${result.id} ${result.status}: ${result.error ?? ''}`,
          );
          if (result.status !== 'succeeded') process.exitCode = 1;
        });
      }),
    );

  backup
    .command('list')
    .description("a source's backups, newest first")
    .requiredOption('--source <source>', 'source id or name')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(
      action(async (options: { source: string; limit: string; json?: boolean }) => {
        await withContext(async (ctx) => {
          const found = await ctx.services.backups.findSource(options.source);
          const items = await ctx.services.backups.backups(found.id, Number(options.limit));
          output(options.json === true, items, items.map((b) => `${b.id}\t${new Date(b.startedAt).toISOString()}\t${b.status}\t${b.sizeBytes ?? '-'} B\t${b.verifyStatus ?? 'not verified'}${b.deleted ? '\t(pruned)' : ''}`).join('\n') || 'No backups yet.');
        });
      }),
    );

  backup
    .command('verify')
    .description('restore a backup into a scratch database and check it (exit code 1 when it fails)')
    .argument('<backup>', 'backup id')
    .option('--json', 'print {"id","status","restoreDurationMs","reason"}')
    .action(
      action(async (id: string, options: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const result = await ctx.services.backups.verify(id);
          const status = result.verifyStatus === 'verified' ? 'verified' : 'failed';
          output(
            options.json === true,
            { id: result.id, status, restoreDurationMs: result.restoreDurationMs, reason: result.verifyError },
            status === 'verified' ? `Backup ${id} verified: restored in ${result.restoreDurationMs ?? 0} ms, row counts match.` : `Backup ${id} failed verification: ${result.verifyError ?? ''}`,
          );
          if (status !== 'verified') process.exitCode = 1;
        });
      }),
    );

  backup
    .command('restore')
    .description('restore a backup into a PostgreSQL database (new or empty unless --force)')
    .argument('<backup>', 'backup id')
    .option('--to <url>', "target postgres:// URL (prefer --to-env); for a backup of Watchpost's own SQLite database, a new file path")
    .option('--to-env <variable>', 'read the target URL from this environment variable')
    .option('--force', 'restore into a database that already has objects, replacing those of the same names')
    .option('--json', 'print {"id","status","durationMs","tables"}')
    .action(
      action(async (id: string, options: { to?: string; toEnv?: string; force?: boolean; json?: boolean }) => {
        const to = options.toEnv ? namedVariable(options.toEnv) : options.to;
        if (!to) throw new CliError('give --to or --to-env');
        await withContext(async (ctx) => {
          const projectId = await ctx.services.backups.backupProject(id);
          if (projectId === undefined) throw new CliError(`no backup ${id}`);
          const project = await ctx.services.projects.get(projectId);
          const progress = progressPrinter(options.json !== true, 'Restoring');
          const result = await ctx.services.backups.restore(id, to, { force: options.force === true, orgId: project?.orgId ?? '', actor: CLI_ACTOR, onProgress: (bytes) => progress.update(bytes) });
          progress.done();
          output(options.json === true, result, `Restored backup ${id} in ${result.durationMs} ms (${result.tables} tables).`);
        });
      }),
    );

  backup
    .command('prune')
    .description("apply a source's retention policy (the newest verified backup is always kept)")
    .requiredOption('--source <source>', 'source id or name')
    .option('--dry-run', 'only show what would be removed')
    .option('--json', 'print {"dryRun","keep":[{id,reasons}],"remove":[{id}]}')
    .action(
      action(async (options: { source: string; dryRun?: boolean; json?: boolean }) => {
        await withContext(async (ctx) => {
          const found = await ctx.services.backups.findSource(options.source);
          const decision = await ctx.services.backups.prune(found.id, { dryRun: options.dryRun === true });
          output(
            options.json === true,
            decision,
            `${options.dryRun ? 'Would remove' : 'Removed'} ${decision.remove.length} backup(s); keeping ${decision.keep.length}:\n${decision.keep.map((k) => `  ${k.id}  ${k.reasons.join(', ')}`).join('\n')}`,
          );
        });
      }),
    );
}
