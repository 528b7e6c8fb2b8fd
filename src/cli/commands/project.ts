import type { Command } from 'commander';
import type { AppContext } from '../../server/context.js';
import type { Organization } from '../../orgs/types.js';
import { action, CliError, output, withContext } from '../context.js';

/** The organisation named by --org, or the only one there is. */
export async function resolveOrg(ctx: AppContext, org: string | undefined): Promise<Organization> {
  if (org !== undefined) {
    const found = await ctx.services.orgs.find(org);
    if (!found) throw new CliError(`no organisation with id or slug "${org}"`);
    return found;
  }
  const all = await ctx.services.orgs.listAll();
  if (all.length === 1 && all[0]) return all[0];
  if (all.length === 0) throw new CliError('no organisation exists yet: create the first user (watchpost user create) or finish set-up in the browser');
  throw new CliError(`several organisations exist; choose one with --org (${all.map((o) => o.slug).join(', ')})`);
}

export function registerProject(program: Command): void {
  const project = program.command('project').description('manage projects');

  project
    .command('create')
    .description('create a project and print its DSN')
    .argument('<name>', 'project name')
    .option('--org <org>', 'organisation id or slug (default: the only one)')
    .option('--platform <platform>', 'platform hint, e.g. node, nextjs, browser')
    .option('--json', 'print {"id","slug","name","orgId","dsn"} as JSON')
    .action(
      action(async (name: string, options: { org?: string; platform?: string; json?: boolean }) => {
        await withContext(async (ctx) => {
          const org = await resolveOrg(ctx, options.org);
          const { project: created, key } = await ctx.services.projects.create(org.id, { name, platform: options.platform ?? null }, { userId: null, label: 'cli', ip: null });
          output(
            options.json === true,
            { id: created.id, slug: created.slug, name: created.name, orgId: org.id, dsn: key.dsn },
            `Created project ${created.name} (id ${created.id}, slug ${created.slug}) in ${org.name}.\nDSN: ${key.dsn}`,
          );
        });
      }),
    );

  project
    .command('list')
    .description("list an organisation's projects with their DSNs")
    .option('--org <org>', 'organisation id or slug (default: the only one)')
    .option('--json', 'print machine-readable output')
    .action(
      action(async (options: { org?: string; json?: boolean }) => {
        await withContext(async (ctx) => {
          const org = await resolveOrg(ctx, options.org);
          const rows = [];
          for (const p of await ctx.services.projects.list(org.id)) {
            const keys = (await ctx.services.projects.listKeys(p.id)).filter((k) => k.active);
            rows.push({ id: p.id, slug: p.slug, name: p.name, dsn: keys[0]?.dsn ?? null });
          }
          output(options.json === true, rows, rows.length === 0 ? 'No projects yet.' : rows.map((r) => `${r.id}\t${r.slug}\t${r.dsn ?? '(no active key)'}`).join('\n'));
        });
      }),
    );
}
